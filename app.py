"""Alignment Faking Lab: the entry point (`streamlit run app.py`); pages live in pages/."""

from alignment_faking_lab.ui.navigation import run_app

run_app()
