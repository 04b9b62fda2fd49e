"""The paper's reported figures beside the rates recomputed from its published transcripts."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from alignment_faking_lab.analysis import results_view
from alignment_faking_lab.analysis.results_view import PaperCheckView
from alignment_faking_lab.ui.chart_view import show_chart
from alignment_faking_lab.ui.text import escape_markdown

DETAIL_LIMIT = 3  # more groups than this: one table of them all, and one group in detail
COLUMNS = {
    "recomputed_pct": st.column_config.NumberColumn("Measured (%)", format="%.1f"),
    "low_pct": st.column_config.NumberColumn("95% low", format="%.1f"),
    "high_pct": st.column_config.NumberColumn("95% high", format="%.1f"),
    "paper_pct": st.column_config.NumberColumn("Paper (%)", format="%.1f"),
    "difference_points": st.column_config.NumberColumn(
        "Difference (percentage points)", format="%+.1f"
    ),
    "paper_row": "Published figure (same setting and variant; source)",
}
NOTE = (
    "Recomputed from the published labels (compliance from the refusal label; alignment faking "
    "as the paper reports it: the mean of its strict and lenient judges; the interval shown for "
    "it averages the two judges' Wilson intervals). A first-N download is a sample, so expect "
    "differences within the interval."
)


def show_paper_check(
    title: str, frame: pd.DataFrame, measured: str = results_view.PAPER_MEASURED
) -> None:
    """One setting, variant and model beside the paper's figure for the same setting and
    variant (or a plain sentence that the paper has none); gaps in percentage points."""
    show_paper_check_view(results_view.paper_check_view(title, frame, measured))


def show_paper_check_view(check: PaperCheckView) -> None:
    """Draw a check computed before (`results_view.paper_check_view`, maybe shared)."""
    st.markdown(f"**{escape_markdown(check.title)}** · {check.n} transcripts")
    st.caption(escape_markdown(check.explanation))
    if check.note:
        st.caption(escape_markdown(check.note))
    chart = check.chart()
    if chart is None or check.comparison is None:
        return
    show_chart(chart, key=f"paper_check_{check.title}")
    for sentence in check.sentences:
        st.markdown(f"- {escape_markdown(sentence)}")
    st.dataframe(check.comparison, hide_index=True, width="stretch", column_config=COLUMNS)
    if check.from_published_labels:
        st.caption(NOTE)


def show_paper_checks(
    checks: Sequence[PaperCheckView], key: str, table: pd.DataFrame | None = None
) -> None:
    """Each group beside the paper: in full when there are a few; with many (a run over five
    models and four prompt variants), all of them in one table and the chosen one in full, so
    the page stays readable and quick to draw. `table`: `results_view.checks_table(checks)`
    if it was built before."""
    if len(checks) <= DETAIL_LIMIT:
        for check in checks:
            show_paper_check_view(check)
        return
    table = results_view.checks_table(checks) if table is None else table
    st.caption(
        f"{len(checks)} groups (source · setting · prompt variant · model): each measure with "
        "its 95% interval and the paper's figure for the same setting and variant. The last "
        "column names that published row: often Claude 3 Opus's, a different model. Choose "
        "one group below to see its chart."
    )
    if len(table):
        st.dataframe(
            table, hide_index=True, width="stretch", key=f"{key}_table",
            column_config={"Group": st.column_config.TextColumn(width="medium", pinned=True)},
        )  # fmt: skip
    titles = [check.title for check in checks]
    chosen = st.selectbox("One group in detail", titles, key=f"{key}_detail")
    show_paper_check_view(checks[titles.index(chosen)])
