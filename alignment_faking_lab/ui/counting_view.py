"""How the Results page counted: each sample once, repeats set aside, per run and source, and
how intervals treat repeated samples of one request (the rule is `statistics.REPEATS_RULE`)."""

from __future__ import annotations

import streamlit as st

from alignment_faking_lab.analysis.results_view import ResultsView
from alignment_faking_lab.analysis.statistics import REPEATS_RULE
from alignment_faking_lab.ui.text import table_text

PER_RUN_COLUMNS = {
    "source": "Source",
    "run_id": "Run",
    "transcripts": "Transcripts loaded",
    "counted": "Counted",
    "repeats": "Set aside as repeats",
}


def show_counting(view: ResultsView) -> None:
    """Under the chart of rates by tier: what its bars count, one sentence on what was
    counted, the rule, and the counts per run and source."""
    st.caption(
        "Stacked as in the paper's Figure 1. Error bars: Wilson 95% intervals on the share that "
        "complied (n = requests where one was sampled more than once). Failed transcripts (no "
        "final output) are counted in the table, not in the rates."
    )
    st.markdown(f"**Counted once.** {view.counting_note}")
    if "provenance" in view.split[:1]:
        st.caption(
            "Illustrative (or synthetic) transcripts are shown as their own group: they are "
            "never pooled with measured ones into one rate."
        )
    with st.expander("How transcripts were counted, per run and source"):
        st.caption(REPEATS_RULE)
        per_run = view.per_run.rename(columns=PER_RUN_COLUMNS)
        st.table(table_text(per_run.set_index("Source")) if len(per_run) else per_run)
