"""Transcripts as data: the record and its schema, files on disk, the loaded table and its
search, the catalogue of collections, selection and filters, frames, shipped data paths.

The bottom layer: imports nothing else from the package.
"""
