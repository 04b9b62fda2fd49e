"""Glossary: the study's words explained for a 15-year-old; other pages link to its anchors."""

import streamlit as st

from alignment_faking_lab.teaching.findings import GLOSSARY
from alignment_faking_lab.ui.navigation import page_setup

page_setup()
st.title("📖 Glossary", anchor=False)
st.markdown(
    "The words the study and this app use, in plain language. Other pages link here where a "
    "word first appears."
)
for term in GLOSSARY:
    st.header(term.term, anchor=term.anchor)
    st.markdown(term.meaning)
