"""Alignment Faking Lab: see, run and check the 2024 alignment-faking study."""

__version__ = "0.1.0"
