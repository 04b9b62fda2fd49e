"""The paper's reported figures beside the rates recomputed from its published transcripts."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from alignment_faking_lab import charts, statistics
from alignment_faking_lab.paper.check import compare_with_paper, describe_differences, match_frame
from alignment_faking_lab.ui.chart_view import show_chart
from alignment_faking_lab.ui.data import available_collections, collection_table
from alignment_faking_lab.ui.text import escape_markdown

NOTE = (
    "Recomputed from the published labels (compliance from the refusal label; alignment faking "
    "as the paper reports it: the mean of its strict and lenient judges; the interval shown for "
    "it averages the two judges' Wilson intervals). A first-N download is a sample, so expect "
    "differences within the interval."
)


def imported_settings(keys: list[str] | None = None) -> list[tuple[str, pd.DataFrame]]:
    """(title, table) of each imported paper setting, optionally only the chosen keys; the
    tables are the app's cached ones (`ui.data`), so nothing is read again on a rerun."""
    found = []
    for collection in available_collections():
        if collection.kind == "paper" and (keys is None or collection.key in keys):
            found.append((collection.title, collection_table(collection).frame))
    return found


def show_paper_check(
    title: str, frame: pd.DataFrame, measured: str = "recomputed from {n} published transcripts"
) -> None:
    """One setting, variant and model beside the paper's figure for the same setting and
    variant (or a plain sentence that the paper has none); gaps in percentage points."""
    paper = match_frame(frame)
    st.markdown(f"**{escape_markdown(title)}** · {len(frame)} transcripts")
    st.caption(escape_markdown(paper.explanation))
    if paper.row is None:
        return
    comparison = compare_with_paper(frame, paper.row["setting"], paper=paper)
    if comparison.empty:
        st.caption("These transcripts give no outcome to compare.")
        return
    summary = statistics.tier_summary(frame)
    show_chart(
        charts.paper_vs_run_chart(paper.row, summary, run_label=title),
        key=f"paper_check_{title}",
    )
    for sentence in describe_differences(comparison, measured):
        st.markdown(f"- {escape_markdown(sentence)}")
    st.dataframe(
        comparison,
        hide_index=True,
        width="stretch",
        column_config={
            "recomputed_pct": st.column_config.NumberColumn("Measured (%)", format="%.1f"),
            "low_pct": st.column_config.NumberColumn("95% low", format="%.1f"),
            "high_pct": st.column_config.NumberColumn("95% high", format="%.1f"),
            "paper_pct": st.column_config.NumberColumn("Paper (%)", format="%.1f"),
            "difference_points": st.column_config.NumberColumn(
                "Difference (percentage points)", format="%+.1f"
            ),
            "paper_row": "Published figure (same setting and variant; source)",
        },
    )
    if "published" in measured:
        st.caption(NOTE)
