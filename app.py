"""Alignment Faking Lab: the entry point (`streamlit run app.py`); pages live in pages/."""

import streamlit as st

from alignment_faking_lab.ui.mode import show_mode
from alignment_faking_lab.ui.style import apply_app_style

st.set_page_config(page_title="Alignment Faking Lab", page_icon="🎭", layout="wide")

PAGES = [
    st.Page("pages/overview.py", title="Overview", icon="🏠", default=True),
    st.Page("pages/walkthrough.py", title="Guided walkthrough", icon="🎓"),
    st.Page("pages/playground.py", title="Playground", icon="🧪"),
    st.Page("pages/transcripts.py", title="Transcripts", icon="📜"),
    st.Page("pages/results.py", title="Results", icon="📊"),
    st.Page("pages/run_experiment.py", title="Run experiment", icon="🚀"),
    st.Page("pages/judge_check.py", title="Check the judge", icon="⚖️"),
    st.Page("pages/prompts.py", title="Prompts", icon="📝"),
    st.Page("pages/paper_transcripts.py", title="Paper transcripts", icon="📚"),
    st.Page("pages/glossary.py", title="Glossary", icon="📖"),
]

page = st.navigation(PAGES, position="top")
apply_app_style()
show_mode()
page.run()
