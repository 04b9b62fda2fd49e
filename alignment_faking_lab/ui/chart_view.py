"""Show a chart the accessible way: its title as text, the chart, and its text alternative.

The title and caption are printed by Streamlit (they wrap on a phone and grow in presentation
mode), the figure keeps its fixed, high-contrast colours in the light and the dark theme, and
the sentence and table from `alt_text` / `figure_table` sit right under it.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

import plotly.graph_objects as go
import streamlit as st

from alignment_faking_lab.analysis.charts.style import (
    PreparedChart,
    export_figure,
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
    download_section(chart, key or chart.title, box)
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


def image_name(title: str) -> str:
    """A file name from the chart's title (letters, digits and dashes only)."""
    return re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-").lower()[:60] or "chart"


def download_section(chart: PreparedChart, key: str, target=st) -> None:
    """Download the chart as PNG or SVG with its title, source line and the app's name drawn
    in, by plotly's own camera button in the browser (no server-side renderer: a public
    deployment has no Chromium); and the link that reopens the page with its choices. Built only
    once opened, so a page with its section folded draws one chart, not two."""
    section = target.expander(
        "Download this chart (PNG or SVG, with its title and source)",
        key=f"chart_download_{key}", on_change="rerun",
    )  # fmt: skip
    if not section.open:
        return
    kind = section.segmented_control(
        "Image format", ["PNG", "SVG"], default="PNG", required=True, key=f"chart_format_{key}"
    )
    section.caption(
        "Press the camera button (Download plot) at the top right of this copy of the chart: "
        "the image carries the title, the source and the app's name."
    )
    config = {
        **PLOTLY_CONFIG,
        "toImageButtonOptions": {
            "format": str(kind).lower(), "filename": image_name(chart.title), "scale": 2,
        },
    }  # fmt: skip
    section.plotly_chart(export_figure(chart), theme=None, key=f"chart_export_{key}",
                         config=config, width="content")  # fmt: skip
    query = {name: st.query_params.get_all(name) for name in st.query_params}
    link = (st.context.url or "") + ("?" + urlencode(query, doseq=True) if query else "")
    section.caption("Link that reopens this chart with its choices:")
    section.code(link, language=None, wrap_lines=True)
