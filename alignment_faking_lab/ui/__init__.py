"""Streamlit building blocks the pages share: navigation, safe text, views of transcripts, data,
charts and runs, live settings, the visitor's own folder.

Top layer beside `cli`: may import any layer below, never `cli`. Heavy dependencies (the model
SDKs, huggingface_hub, pyarrow) are imported inside the functions that use them.
"""
