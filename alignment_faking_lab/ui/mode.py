"""The sidebar's first lines: which mode this server is in, and what that means for a visitor."""

from __future__ import annotations

import streamlit as st

from alignment_faking_lab.public import deployment
from alignment_faking_lab.ui.text import escape_markdown


def show_mode() -> None:
    mode = deployment.current_mode()
    with st.sidebar:
        if problem := deployment.secrets_problem():
            st.error(escape_markdown(problem), icon=":material/warning:")
        st.caption(deployment.MODE_NOTES[mode])
        if deployment.classroom():
            st.caption("🎓 **Classroom setting:** harmful request texts are hidden (their "
                       "category is shown) and live mode is off.")  # fmt: skip
