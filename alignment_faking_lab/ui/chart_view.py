"""Show a chart the accessible way: its title as text, the chart, and its text alternative.

The title and caption are printed by Streamlit (they wrap on a phone and grow in presentation
mode), the figure keeps its fixed, high-contrast colours in the light and the dark theme, and
the sentence and table from `charts.alt_text` / `charts.figure_table` sit right under it.
"""

from __future__ import annotations

from collections.abc import Iterable

import plotly.graph_objects as go
import streamlit as st

from alignment_faking_lab.analysis import charts, judge_check
from alignment_faking_lab.analysis.charts import PreparedChart
from alignment_faking_lab.ui import visitor_space
from alignment_faking_lab.ui.text import escape_markdown, table_text

PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["select2d", "lasso2d"]}


def show_chart(
    figure: go.Figure | PreparedChart,
    *,
    key: str | None = None,
    presentation: bool = False,
    table: bool = True,
    target=st,
) -> None:
    """Title, caption, chart, one-sentence summary and (folded) the chart's numbers as a table.

    `figure` is a plotly figure, or one prepared once (`charts.prepare_chart`) and shared;
    `target` is where to draw (a column, a container or an `st.empty()` placeholder)."""
    chart = (
        figure
        if isinstance(figure, PreparedChart)
        else charts.prepare_chart(figure, presentation=presentation)
    )
    box = target.container()
    if chart.title:
        box.markdown(f"**{escape_markdown(chart.title)}**")
    if chart.caption:
        box.markdown(f":orange[**{escape_markdown(chart.caption)}**]")
    box.plotly_chart(chart.figure, theme=None, width="stretch", key=key, config=PLOTLY_CONFIG)
    if chart.sentence:
        box.caption(f"In words: {escape_markdown(chart.sentence)}")
    if table:
        with box.expander("The numbers in this chart, as a table"):
            st.table(table_text(chart.table))


def show_judge_notes(labelled_by: Iterable[str]) -> None:
    """Under a chart of alignment-faking rates: how far each judge behind its labels was checked
    against human labels (this visitor's checks), or that a label is a keyword guess or the
    paper's own."""
    for note in judge_check.judge_notes(labelled_by, visitor_space.data_root()):
        st.caption(f"⚖️ {escape_markdown(note)}")
