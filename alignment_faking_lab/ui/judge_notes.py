"""Under a chart of alignment-faking rates: how far the judge behind its labels was checked.

Apart from `chart_view` so that a page that only draws charts does not import the judge check
(and through it the runner).
"""

from __future__ import annotations

from collections.abc import Iterable

import streamlit as st

from alignment_faking_lab.analysis import judge_check
from alignment_faking_lab.ui import visitor_space
from alignment_faking_lab.ui.text import escape_markdown


def show_judge_notes(labelled_by: Iterable[str]) -> None:
    """Under a chart of alignment-faking rates: how far each judge behind its labels was checked
    against human labels (this visitor's checks), or that a label is a keyword guess or the
    paper's own."""
    for note in judge_check.judge_notes(labelled_by, visitor_space.data_root()):
        st.caption(f"⚖️ {escape_markdown(note)}")
