"""Alignment Faking Lab: the entry point (`streamlit run app.py`); pages live in pages/."""

import streamlit as st

from alignment_faking_lab.ui.navigation import run_app

st.set_page_config(page_title="Alignment Faking Lab", page_icon="🎭", layout="wide")
run_app()
