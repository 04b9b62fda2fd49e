"""The house style every chart shares: colours of at least 3:1 with patterns, text of at least
4.5:1, values on bars, titles that wrap, a text alternative and table per chart, projector
size, and a chart prepared once to be drawn by every session.
"""

from __future__ import annotations

import html
import math
import textwrap
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import plotly.graph_objects as go

from alignment_faking_lab.data.transcript import PROVENANCE_LABELS, Provenance

if TYPE_CHECKING:  # pandas is imported where a table is built: the first page draws none
    import pandas as pd

# A chart's table as plain columns and rows (what the paper's headline chart gives, without
# pandas), or a DataFrame.
Rows = tuple[list[str], list[list[object]]]

# House colours. Each fill has at least 3:1 contrast with the white chart background, and the
# three outcomes differ in lightness and pattern too, so a greyscale print or a colour-blind
# reader still tells them apart (each bar also carries its value as text).
REFUSED_COLOUR = "#1F4E8C"  # navy, solid
COMPLIED_COLOUR = "#C77C02"  # amber, dotted
FAKING_COLOUR = "#C0392B"  # red, hatched
PAID_COLOUR = "#4A7A96"  # steel blue, cross-hatched (the paper's paid-tier compliance)
PAPER_COLOUR = "#5F6368"  # grey: the paper's published figure beside a run
REFUSED_PATTERN, COMPLIED_PATTERN, FAKING_PATTERN, PAID_PATTERN = "", ".", "/", "x"
BACKGROUND = "#FFFFFF"
TEXT_COLOUR = "#1A1A1A"  # 17:1 on the background
MUTED_TEXT = "#4A4A4A"  # 8.9:1: axis titles, captions
CAPTION_COLOUR = "#8A2E0B"  # 7.6:1: "not a measured rate" and other warnings under a title
GRID_COLOUR = "#D4D4D4"
FONT = '"Source Sans 3", "Source Sans Pro", Helvetica, Arial, sans-serif'
BASE_FONT_SIZE = 14  # on screen; `presentation_figure` scales every text to 24 px or more
PRESENTATION_FONT_SIZE = 26
PERCENT_TICKS = [0, 25, 50, 75, 100]
ILLUSTRATIVE_CAPTION = f"{PROVENANCE_LABELS[Provenance.ILLUSTRATIVE]}: not a measured rate."
SYNTHETIC_CAPTION = f"{PROVENANCE_LABELS[Provenance.SYNTHETIC]}: not a measured rate."
# Data that is not model output, with the caption every chart of it carries.
NOT_MEASURED = {
    Provenance.ILLUSTRATIVE.value: ILLUSTRATIVE_CAPTION,
    Provenance.SYNTHETIC.value: SYNTHETIC_CAPTION,
}


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    """WCAG relative luminance of a `#RRGGBB` colour."""
    h = colour.lstrip("#")
    r, g, b = (_channel(int(h[i : i + 2], 16)) for i in (0, 2, 4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: str, second: str) -> float:
    """WCAG contrast ratio of two `#RRGGBB` colours (1 to 21)."""
    a, b = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def text_colour_on(fill: str) -> str:
    """Black or white, whichever reads better on a bar of this colour."""
    return (
        "#000000"
        if contrast_ratio(fill, "#000000") >= contrast_ratio(fill, "#FFFFFF")
        else ("#FFFFFF")
    )


def plotly_text(text: object) -> str:
    """Text from data (a group, a model, a run's name) for a plotly label, legend or hover: plotly
    draws a small HTML subset there (`<a href>` links, `<span style>`, `<b>`), so `<`, `>` and
    `&` are written as entities, which it shows as the characters themselves."""
    return html.escape(str(text), quote=False)


def wrap_title(text: str, width: int = 52) -> str:
    """Plotly never wraps a title: break it into lines so a phone shows it whole."""
    return "<br>".join(textwrap.wrap(text, width)) if text else text


def _lines(text: str | None) -> int:
    return text.count("<br>") + 1 if text else 0


def percent_axis(largest: float = 100.0, title: str | None = None, room: float = 0.0) -> dict:
    """A 0-100 % axis (wider when a value or its printed label needs it) with fixed ticks."""
    top = max(100.0, float(largest)) + room
    return {
        "range": [0, top], "tickvals": PERCENT_TICKS, "ticksuffix": "%", "title": title,
        "showgrid": True, "zeroline": False, "fixedrange": True,
    }  # fmt: skip


def style_figure(
    figure: go.Figure,
    *,
    title: str | None = None,
    caption: str | None = None,
    rows: int = 2,
    row_height: int = 56,
    legend_entries: int = 0,
) -> go.Figure:
    """The house style: white card, dark text, a wrapped title with its caption under it, and a
    one-entry-per-line legend below the axis (it never overlaps anything, at any width)."""
    title_text = wrap_title(plotly_text(title or ""))
    caption_text = wrap_title(plotly_text(caption or ""), 70)
    top = 24 + 24 * _lines(title_text) + 20 * _lines(caption_text)
    bottom = 64 + 22 * legend_entries
    figure.update_layout(
        template="none",
        paper_bgcolor=BACKGROUND,
        plot_bgcolor=BACKGROUND,
        font={"family": FONT, "size": BASE_FONT_SIZE, "color": TEXT_COLOUR},
        title={
            "text": title_text, "x": 0, "xanchor": "left", "y": 0.99, "yanchor": "top",
            "yref": "container", "automargin": True, "pad": {"t": 8},
            "font": {"size": BASE_FONT_SIZE + 4, "color": TEXT_COLOUR},
            "subtitle": {
                "text": caption_text,
                "font": {"color": CAPTION_COLOUR, "size": BASE_FONT_SIZE - 1},
            },
        },
        showlegend=legend_entries > 0,
        legend={
            "orientation": "h", "entrywidth": 640, "entrywidthmode": "pixels",
            "yref": "container", "y": 0, "yanchor": "bottom", "xref": "container", "x": 0,
            "xanchor": "left", "font": {"size": BASE_FONT_SIZE, "color": TEXT_COLOUR},
            "traceorder": "normal",
        },
        margin={"t": top, "b": bottom, "l": 24, "r": 44, "autoexpand": True},
        height=top + bottom + row_height * max(rows, 1),
        hoverlabel={"font": {"family": FONT, "size": BASE_FONT_SIZE}},
        uniformtext={"minsize": BASE_FONT_SIZE - 2, "mode": "hide"},
        meta={**(figure.layout.meta or {}), "caption": caption or "", "title": title or ""},
    )  # fmt: skip
    axis = {
        "gridcolor": GRID_COLOUR, "linecolor": MUTED_TEXT, "zerolinecolor": MUTED_TEXT,
        "tickfont": {"color": TEXT_COLOUR}, "title": {"font": {"color": MUTED_TEXT}},
        "automargin": True, "ticks": "outside", "tickcolor": MUTED_TEXT,
    }  # fmt: skip
    figure.update_xaxes(**axis)
    figure.update_yaxes(**axis)
    return figure


def set_text_alternative(figure: go.Figure, sentence: str, table: pd.DataFrame | Rows) -> go.Figure:
    """What the chart shows in words and as a table, for a screen reader, a phone or a print."""
    meta = dict(figure.layout.meta or {})
    meta["alt"] = sentence
    if isinstance(table, tuple):
        columns, rows = table
        meta["table"] = {"columns": list(columns), "rows": [list(row) for row in rows]}
    else:
        meta["table"] = {
            "columns": list(table.columns), "rows": table.astype(object).values.tolist()
        }  # fmt: skip
    figure.update_layout(meta=meta)
    return figure


def alt_text(figure: go.Figure) -> str:
    """The sentence a chart function wrote to describe its figure ('' if none)."""
    return str((figure.layout.meta or {}).get("alt", ""))


def chart_title(figure: go.Figure) -> tuple[str, str]:
    """The title and caption as plain text (without the line breaks added for plotly)."""
    meta = figure.layout.meta or {}
    return str(meta.get("title", "")), str(meta.get("caption", ""))


def figure_table(figure: go.Figure) -> pd.DataFrame:
    """The chart's numbers as a table: the one its chart function stored, or else read from its
    bar traces (one row per bar label, one column per series)."""
    import pandas as pd

    stored = (figure.layout.meta or {}).get("table")
    if stored:
        return pd.DataFrame(stored["rows"], columns=stored["columns"])
    rows: dict[str, dict[str, object]] = {}
    for trace in figure.data:
        horizontal = getattr(trace, "orientation", None) == "h"
        labels, values = (trace.y, trace.x) if horizontal else (trace.x, trace.y)
        if labels is None or values is None:
            continue
        for label, value in zip(labels, values, strict=False):
            rows.setdefault(str(label).replace("<br>", " "), {})[trace.name or ""] = value
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("").reset_index()


def without_title(figure: go.Figure) -> go.Figure:
    """A copy for a page that prints the title and caption as text above the chart (wrapping
    on any screen); the space they took goes back to the plot."""
    out = go.Figure(figure)
    top = out.layout.margin.t or 0
    out.update_layout(title={"text": "", "subtitle": {"text": ""}}, margin={"t": 16})
    out.update_layout(height=max(160, (out.layout.height or 300) - top + 16))
    return out


def presentation_figure(figure: go.Figure) -> go.Figure:
    """A copy with every text at 24 px or more and room to match, for a projector."""
    out = go.Figure(figure)
    scale = PRESENTATION_FONT_SIZE / BASE_FONT_SIZE
    big = PRESENTATION_FONT_SIZE
    out.update_layout(
        font={"size": big},
        title={"font": {"size": big + 4}, "subtitle": {"font": {"size": big - 2}}},
        legend={"font": {"size": big}},
        hoverlabel={"font": {"size": big}},
        uniformtext={"minsize": big - 2, "mode": "hide"},
        height=int((out.layout.height or 300) * scale * 0.9),
        margin={key: int((getattr(out.layout.margin, key) or 0) * scale) for key in ("t", "b")},
    )
    # Ticks and axis titles at full size and full strength: read from the back of the room.
    axis_text = {"size": big, "color": TEXT_COLOUR}
    out.update_xaxes(tickfont=axis_text, title={"font": axis_text})
    out.update_yaxes(tickfont=axis_text, title={"font": axis_text})
    for trace in out.data:
        if getattr(trace, "textfont", None) is not None:
            trace.textfont.size = big - 2
        if trace.type == "scatter" and trace.marker.size:
            trace.marker.size = trace.marker.size * 1.6
    return out


@dataclass(frozen=True)
class PreparedChart:
    """A chart ready to draw: title and caption as text, the figure without them, its sentence
    and its numbers. Preparing costs plotly's validation once; a prepared chart can then be
    shared read-only by every session (Streamlit draws a copy of the figure)."""

    title: str
    caption: str
    figure: go.Figure
    sentence: str
    source: str = ""  # the source line an exported image carries (`set_source`)

    @cached_property
    def table(self) -> pd.DataFrame:
        """`figure_table`, indexed by its first column (the rows' names); built when first
        asked for, so a page that keeps the table folded never imports pandas for it."""
        table = figure_table(self.figure)
        return table.set_index(table.columns[0]) if len(table.columns) else table


def prepare_chart(figure: go.Figure, presentation: bool = False) -> PreparedChart:
    """The parts a page draws for `figure` (at projector size with `presentation`)."""
    title, caption = chart_title(figure)
    shown = without_title(figure)
    if presentation:
        shown = presentation_figure(shown)
    return PreparedChart(title, caption, shown, alt_text(figure), chart_source(figure))


def pct_text(value: float) -> str:
    return (
        "–"
        if value is None or (isinstance(value, float) and math.isnan(value))
        else (f"{value:.1f}%")
    )


def bar_fill(colour: str, pattern: str) -> dict:
    """A bar fill with its pattern drawn in the bar's text colour, faint enough to read over."""
    return {
        "color": colour,
        "line": {"color": BACKGROUND, "width": 1},
        "pattern": {
            "shape": pattern, "fillmode": "overlay", "fgcolor": text_colour_on(colour),
            "fgopacity": 0.3, "size": 9, "solidity": 0.2,
        },
    }  # fmt: skip


def empty_chart(title: str, message: str = "No data to show") -> go.Figure:
    figure = go.Figure()
    figure.update_layout(
        xaxis={"visible": False},
        yaxis={"visible": False},
        annotations=[{"text": message, "showarrow": False, "font": {"size": 16}}],
    )
    style_figure(figure, title=title, rows=2, row_height=60)
    return set_text_alternative(figure, message + ".", ([""], [[message]]))


APP_NAME = "Alignment Faking Lab"
PAPER_SOURCE = "Greenblatt et al. 2024, arXiv:2412.14093"
NOT_MODEL_OUTPUT_SOURCE = "illustrative, not model output"


def set_source(figure: go.Figure, source: str) -> go.Figure:
    """Where the chart's numbers come from, for the image a reader downloads: a paper table, a
    live run's model and date, or "illustrative, not model output"."""
    figure.update_layout(meta={**(figure.layout.meta or {}), "source": source})
    return figure


def chart_source(figure: go.Figure) -> str:
    return str((figure.layout.meta or {}).get("source", ""))


def paper_source(sources: list[str]) -> str:
    """One source line for figures quoted from the paper, each table or section once."""
    parts: list[str] = []
    for source in sources:
        for part in str(source).removeprefix("arXiv:2412.14093").split(";"):
            if part.strip() and part.strip() not in parts:
                parts.append(part.strip())
    return f"{PAPER_SOURCE}: " + "; ".join(parts) if parts else PAPER_SOURCE


def data_source(frame: pd.DataFrame) -> str:
    """The source line of a chart of loaded transcripts: each kind once, live runs with their
    models and dates, never the project's own text as a measurement."""
    parts = []
    kinds = set(frame["provenance"].astype(str))
    if "paper" in kinds:
        parts.append(f"the paper's published transcripts and labels ({PAPER_SOURCE})")
    if "live" in kinds:
        live = frame[frame["provenance"].astype(str) == "live"]
        models = ", ".join(sorted(set(live["model"].astype(str))))
        days = sorted(str(d)[:10] for d in live["created_at"] if str(d)[:10])
        when = (f" on {days[0]}" if days[0] == days[-1] else f", {days[0]} to {days[-1]}") if (
            days) else ""  # fmt: skip
        parts.append(f"live run of {models}{when}")
    if "illustrative" in kinds:
        parts.append(NOT_MODEL_OUTPUT_SOURCE)
    if "synthetic" in kinds:
        parts.append("synthetic benchmark data, not model output")
    return "; ".join(parts)


def export_figure(chart: PreparedChart) -> go.Figure:
    """The chart as a downloaded image shows it: its title, its caption, its source line and the
    app's name drawn into the figure (so they are in the PNG and the SVG), then the plot. Every
    text from data is escaped for plotly."""
    out = go.Figure(chart.figure)
    title_text = wrap_title(plotly_text(chart.title), 70)
    source = f"Source: {chart.source or 'not recorded'}"
    lines = [wrap_title(plotly_text(text), 100)
             for text in (chart.caption, source, f"Made with {APP_NAME}") if text]  # fmt: skip
    subtitle = "<br>".join(lines)
    top = 32 + 24 * _lines(title_text) + 19 * _lines(subtitle)
    margin = out.layout.margin
    out.update_layout(
        title={
            "text": title_text, "x": 0, "xanchor": "left", "y": 0.99, "yanchor": "top",
            "yref": "container", "font": {"size": BASE_FONT_SIZE + 4, "color": TEXT_COLOUR},
            "subtitle": {"text": subtitle,
                         "font": {"color": MUTED_TEXT, "size": BASE_FONT_SIZE - 1}},
        },
        margin={"t": top},
        height=(out.layout.height or 300) - (margin.t or 0) + top,
        width=900,
    )  # fmt: skip
    return out
