"""Show a chart the accessible way: its title as text, the chart, and its text alternative.

The title and caption are printed by Streamlit (they wrap on a phone and grow in presentation
mode), the figure keeps its fixed, high-contrast colours in the light and the dark theme, and
the sentence and table from `alt_text` / `figure_table` sit right under it.
"""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from alignment_faking_lab.analysis.charts.style import (
    PreparedChart,
    prepare_chart,
)
from alignment_faking_lab.ui.text import escape_markdown, table_text

PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["select2d", "lasso2d"]}


def show_chart(
    figure: go.Figure | PreparedChart,
    *,
    key: str | None = None,
    presentation: bool = False,
    table: bool = True,
    table_when_opened: bool = False,
    target=st,
) -> None:
    """Title, caption, chart, one-sentence summary and (folded) the chart's numbers as a table.

    `figure` is a plotly figure, or one prepared once (`prepare_chart`) and shared;
    `target` is where to draw (a column, a container or an `st.empty()` placeholder). With
    `table_when_opened` the table is built only once its section is opened (a rerun), so a
    first page draws no table and imports no pandas for one."""
    chart = (
        figure
        if isinstance(figure, PreparedChart)
        else prepare_chart(figure, presentation=presentation)
    )
    box = target.container()
    if chart.title:
        box.markdown(f"**{escape_markdown(chart.title)}**")
    if chart.caption:
        box.markdown(f":orange[**{escape_markdown(chart.caption)}**]")
    box.plotly_chart(chart.figure, theme=None, width="stretch", key=key, config=PLOTLY_CONFIG)
    if chart.sentence:
        box.caption(f"In words: {escape_markdown(chart.sentence)}")
    if table and table_when_opened:
        section = box.expander(
            "The numbers in this chart, as a table",
            key=f"chart_table_{key or chart.title}", on_change="rerun",
        )  # fmt: skip
        if section.open:
            section.table(table_text(chart.table))
    elif table:
        with box.expander("The numbers in this chart, as a table"):
            st.table(table_text(chart.table))
