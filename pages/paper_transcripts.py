"""Paper transcripts: download or import the study's own transcripts, and check its numbers."""

import streamlit as st

from alignment_faking_lab.paper.labels import GLOSSARY
from alignment_faking_lab.ui import shared_results
from alignment_faking_lab.ui.data import sidebar_data_picker
from alignment_faking_lab.ui.navigation import page_setup
from alignment_faking_lab.ui.notable_view import show_notable
from alignment_faking_lab.ui.paper_check_view import show_paper_checks
from alignment_faking_lab.ui.paper_download import (
    archive_import,
    choose_setting,
    choose_site,
    download_section,
)

page_setup()
st.title("📚 The paper's own transcripts")
st.markdown(
    "The authors published every transcript of their experiments. Download a setting here to "
    "read Claude 3 Opus's real scratchpads (on the Playground and Transcripts pages) and to "
    "recompute the paper's rates from its published labels. Nothing is downloaded until you "
    "press a button; what arrives is kept on this server and reused."
)
sidebar_data_picker()
site = choose_site()

st.header("1. Choose a setting")
setting_key = choose_setting(site)

st.header("2. Download and import")
download_section(site, setting_key)
archive_import()

st.header("3. Check the paper's numbers")
imported = shared_results.imported_paper_checks()
if not imported:
    st.info("No setting imported yet. Download one above; the comparison appears here.")
show_paper_checks(imported, key="paper_checks")

st.header("4. Notable transcripts")
show_notable()

with st.expander("Glossary of the published labels"):
    for name, (badge, meaning) in GLOSSARY.items():
        st.markdown(f"**{badge}** (`{name}`): {meaning}")
