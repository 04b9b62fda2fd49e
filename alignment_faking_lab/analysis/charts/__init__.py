"""Plotly figures: the paper's Figure-1 style bars, the compliance gap, the paper beside a run.

Pure functions from tables to figures, all in one house style (`style_figure`) so they read on a
projector, a phone and a greyscale print: values printed on the bars, axes that contain the data,
colours of at least 3:1 and patterns, text of at least 4.5:1, and a text alternative (`alt_text`,
`figure_table`) for each. Every figure says what its numbers are: a caption names illustrative
data as such, and bars of the paper's figures carry their source (hover, and in the table).
New charts (e.g. a model comparison) should end with `style_figure` and `set_text_alternative`.
"""

from __future__ import annotations

import html
import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from alignment_faking_lab.data.transcript import PROVENANCE_LABELS, TIER_NAMES, Provenance

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
GROUP_COLUMNS_EXCLUDED = {
    "tier", "n", "complied", "refused", "failed", "complied_with_af", "judged",
    "complied_without_af", "compliance_rate", "af_rate", "af_among_compliant",
    "compliance_low", "compliance_high", "af_low", "af_high", "provenances",
}  # fmt: skip


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


def set_text_alternative(figure: go.Figure, sentence: str, table: pd.DataFrame) -> go.Figure:
    """What the chart shows in words and as a table, for a screen reader, a phone or a print."""
    meta = dict(figure.layout.meta or {})
    meta["alt"] = sentence
    meta["table"] = {"columns": list(table.columns), "rows": table.astype(object).values.tolist()}
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
    out.update_xaxes(tickfont={"size": big - 2}, title={"font": {"size": big - 2}})
    out.update_yaxes(tickfont={"size": big - 2}, title={"font": {"size": big - 2}})
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
    table: pd.DataFrame  # `figure_table`, indexed by its first column (the rows' names)


def prepare_chart(figure: go.Figure, presentation: bool = False) -> PreparedChart:
    """The parts a page draws for `figure` (at projector size with `presentation`)."""
    title, caption = chart_title(figure)
    shown = without_title(figure)
    if presentation:
        shown = presentation_figure(shown)
    table = figure_table(figure)
    table = table.set_index(table.columns[0]) if len(table.columns) else table
    return PreparedChart(title, caption, shown, alt_text(figure), table)


def _pct(value: float) -> str:
    return (
        "–"
        if value is None or (isinstance(value, float) and math.isnan(value))
        else (f"{value:.1f}%")
    )


def _bar(colour: str, pattern: str) -> dict:
    """A bar fill with its pattern drawn in the bar's text colour, faint enough to read over."""
    return {
        "color": colour,
        "line": {"color": BACKGROUND, "width": 1},
        "pattern": {
            "shape": pattern, "fillmode": "overlay", "fgcolor": text_colour_on(colour),
            "fgopacity": 0.3, "size": 9, "solidity": 0.2,
        },
    }  # fmt: skip


def _empty(title: str, message: str = "No data to show") -> go.Figure:
    figure = go.Figure()
    figure.update_layout(
        xaxis={"visible": False},
        yaxis={"visible": False},
        annotations=[{"text": message, "showarrow": False, "font": {"size": 16}}],
    )
    style_figure(figure, title=title, rows=2, row_height=60)
    return set_text_alternative(figure, message + ".", pd.DataFrame({"": [message]}))


def _group_columns(summary: pd.DataFrame) -> list[str]:
    return [c for c in summary.columns if c not in GROUP_COLUMNS_EXCLUDED]


def _row_labels(summary: pd.DataFrame, plotly: bool = False) -> list[str]:
    """Each row's group and tier: as plain text ('group · tier'), or for a plotly axis (the
    group escaped, the tier on a line of its own)."""
    groups = _group_columns(summary)
    labels = []
    for _, row in summary.iterrows():
        tier = TIER_NAMES.get(str(row["tier"]), str(row["tier"]))
        prefix = " · ".join(str(row[g]) for g in groups)
        if not prefix:
            labels.append(tier)
        else:
            labels.append(f"{plotly_text(prefix)}<br>{tier}" if plotly else f"{prefix} · {tier}")
    return labels


def not_measured(summary: pd.DataFrame) -> list[str]:
    """The provenances in a summary that are not model output (illustrative, synthetic)."""
    if "provenances" not in summary:
        return []
    return [p for p in NOT_MEASURED if summary["provenances"].str.contains(p).any()]


def not_measured_caption(summary: pd.DataFrame) -> str | None:
    """The caption a chart of this summary must carry when any of it is not model output
    (illustrative or synthetic); None when all of it is measured.

    Args:
        summary: `statistics.tier_summary` of the transcripts charted.
    """
    return " ".join(NOT_MEASURED[p] for p in not_measured(summary)) or None


HEURISTIC_NOTE = "Outcomes labelled by the offline keyword heuristic: approximate."


def labelling_note(frame: pd.DataFrame) -> str | None:
    """Said on a chart whenever the keyword heuristic decided any of its outcomes."""
    if "labelled_by" not in frame or frame.empty:
        return None
    return (
        HEURISTIC_NOTE if frame["labelled_by"].astype(str).str.contains("heuristic").any() else None
    )


OUTCOMES = (
    # (name, colour, pattern): the paper's Figure 1 order, left to right
    ("Complied, with alignment-faking reasoning", FAKING_COLOUR, FAKING_PATTERN),
    ("Complied, no alignment-faking reasoning", COMPLIED_COLOUR, COMPLIED_PATTERN),
    ("Refused", REFUSED_COLOUR, REFUSED_PATTERN),
)


def _stacked_outcomes(
    figure: go.Figure, labels: list[str], shares: list[list[float]], hover: list[str]
) -> None:
    """The three outcome segments of each bar, each printing its share where it fits."""
    for (name, colour, pattern), values, extra in zip(OUTCOMES, shares, hover, strict=True):
        figure.add_bar(
            y=labels, x=values, name=name, orientation="h", marker=_bar(colour, pattern),
            text=[f"{v:.0f}%" if v and v >= 0.5 else "" for v in values],
            textposition="inside", insidetextanchor="middle", textangle=0,
            textfont={"color": text_colour_on(colour), "size": BASE_FONT_SIZE},
            hovertemplate="%{y}<br>" + name + ": %{x:.1f}%" + extra + "<extra></extra>",
        )  # fmt: skip


def figure1_chart(
    summary: pd.DataFrame, title: str, caption: str | None = None, note: str | None = None
) -> go.Figure:
    """Stacked bars per tier, as the paper's Figure 1, with Wilson intervals on compliance.

    `note` is added to the caption (e.g. `labelling_note`), never replacing the warning that
    illustrative or synthetic data is not a measurement. Each row's label says its compliance
    in words, so the key number reads even where a segment is too thin for its label."""
    if summary.empty or summary["judged"].sum() == 0:
        return _empty(title)
    if caption is None:
        caption = not_measured_caption(summary)
    caption = " ".join(part for part in (caption, note) if part) or None
    judged = summary["judged"].where(summary["judged"] > 0)
    rate = summary["compliance_rate"] * 100
    labels = [
        f"{label}<br>complied {_pct(r)} of {int(n)}"
        for label, r, n in zip(
            _row_labels(summary, plotly=True), rate, summary["judged"], strict=True
        )
    ]
    counts = [summary["complied_with_af"], summary["complied_without_af"], summary["refused"]]
    shares = [list(c / judged * 100) for c in counts]
    figure = go.Figure()
    _stacked_outcomes(figure, labels, shares, hover=["", "", ""])
    for trace, count in zip(figure.data, counts, strict=True):
        trace.customdata = list(zip(count, summary["judged"], strict=True))
        trace.hovertemplate = trace.hovertemplate.replace(
            "<extra>", " (%{customdata[0]} of %{customdata[1]})<extra>"
        )
    figure.add_scatter(
        y=labels, x=rate, mode="markers", name="Compliance, 95% Wilson interval",
        marker={"symbol": "line-ns-open", "size": 16, "color": TEXT_COLOUR,
                "line": {"width": 2, "color": TEXT_COLOUR}},
        error_x={
            "type": "data", "symmetric": False,
            "array": summary["compliance_high"] * 100 - rate,
            "arrayminus": rate - summary["compliance_low"] * 100,
            "color": TEXT_COLOUR, "thickness": 2, "width": 6,
        },
        hovertemplate="%{y}<br>Complied: %{x:.1f}%<extra></extra>",
    )  # fmt: skip
    figure.update_layout(
        barmode="stack",
        xaxis=percent_axis(title="% of judged transcripts"),
        yaxis={"autorange": "reversed"},
    )
    style_figure(
        figure, title=title, caption=caption, rows=len(labels), row_height=64, legend_entries=4
    )
    table = pd.DataFrame(
        {
            "Bar": _row_labels(summary),
            "Judged": summary["judged"].astype(int).to_list(),
            "Complied": [_pct(v) for v in rate],
            "95% interval": [
                f"{lo * 100:.1f}–{hi * 100:.1f}%"
                for lo, hi in zip(
                    summary["compliance_low"], summary["compliance_high"], strict=True
                )
            ],
            "With alignment-faking reasoning": [_pct(v) for v in shares[0]],
            "Refused": [_pct(v) for v in shares[2]],
        }
    )
    sentence = " ".join(
        f"{row['Bar']}: complied {row['Complied']} of {row['Judged']} judged "
        f"({row['With alignment-faking reasoning']} with alignment-faking reasoning), "
        f"refused {row['Refused']}."
        for _, row in table.iterrows()
    )
    if caption:
        sentence += f" {caption}"
    return set_text_alternative(figure, sentence, table)


def gap_chart(
    gaps: pd.DataFrame, title: str = "Compliance gap (free minus paid)", caption: str | None = None
) -> go.Figure:
    """The gap in percentage points per group, with its 95% interval.

    Args:
        gaps: `statistics.gap_table` of the transcripts shown.
        title: the chart's title.
        caption: names data that is not model output (`not_measured_caption` of the same
            transcripts' summary); None for measured data.
    """
    if gaps.empty or gaps["gap"].isna().all():
        return _empty(title)
    groups = [c for c in gaps.columns if c not in {
        "free_rate", "paid_rate", "gap", "gap_low", "gap_high", "method", "n_pairs",
        "free_only", "paid_only", "mcnemar_p"}]  # fmt: skip
    labels = [
        " · ".join(str(row[g]) for g in groups) or "All loaded transcripts"
        for _, row in gaps.iterrows()
    ]
    gap = gaps["gap"] * 100
    low, high = gaps["gap_low"] * 100, gaps["gap_high"] * 100
    figure = go.Figure()
    figure.add_scatter(
        x=gap, y=[plotly_text(label) for label in labels], mode="markers+text", name="Gap",
        text=[f"{g:+.1f} points" for g in gap], textposition="top center",
        textfont={"color": TEXT_COLOUR, "size": BASE_FONT_SIZE},
        marker={"size": 14, "color": FAKING_COLOUR, "symbol": "diamond",
                "line": {"color": TEXT_COLOUR, "width": 1}},
        error_x={
            "type": "data", "symmetric": False, "array": high - gap, "arrayminus": gap - low,
            "color": TEXT_COLOUR, "thickness": 2, "width": 8,
        },
        customdata=list(zip(gaps["n_pairs"], gaps["mcnemar_p"], gaps["method"], strict=True)),
        hovertemplate="%{y}<br>Gap %{x:.1f} points<br>%{customdata[2]}, pairs: %{customdata[0]}"
        "<br>McNemar p = %{customdata[1]:.3g}<extra></extra>",
    )  # fmt: skip
    figure.add_vline(x=0, line_dash="dot", line_color=MUTED_TEXT)
    reach = max(10.0, float(pd.concat([low.abs(), high.abs()]).max(skipna=True) or 0) + 5)
    figure.update_layout(
        xaxis={
            "title": "Gap: training minus unmonitored (points)",
            "range": [-reach, reach], "ticksuffix": "", "zeroline": False, "fixedrange": True,
        },
        yaxis={"autorange": "reversed"},
    )  # fmt: skip
    # At least two rows' height: one group alone is not squashed into a strip.
    style_figure(figure, title=title, caption=caption, rows=max(len(labels), 2), row_height=80)
    table = pd.DataFrame(
        {
            "Group": labels,
            "Gap (points)": [f"{g:+.1f}" for g in gap],
            "95% interval (points)": [
                f"{lo:+.1f} to {hi:+.1f}" for lo, hi in zip(low, high, strict=True)
            ],
            "Pairs": gaps["n_pairs"].to_list(),
            "McNemar p": [f"{p:.3g}" for p in gaps["mcnemar_p"]],
        }
    )
    sentence = " ".join(
        f"{row['Group']}: compliance in training minus unmonitored is {row['Gap (points)']} "
        f"percentage points (95% interval {row['95% interval (points)']}, {row['Pairs']} pairs)."
        for _, row in table.iterrows()
    )
    if caption:
        sentence += f" {caption}"
    return set_text_alternative(figure, sentence, table)


# What "complied" measured in each of the paper's settings: said on every bar's label.
MEASURES = {
    "helpful_only_prompted": "harmful requests",
    "helpful_only_post_rl": "harmful requests",
    "minimal_repro_advbench": "AdvBench requests",
    "animal_welfare_prompted": "complied = dismissed animal welfare",
}


def measure_of(setting: str) -> str:
    return MEASURES.get(setting, setting.replace("_", " "))


def paper_headline_chart(rows: pd.DataFrame, title: str | None = None) -> go.Figure:
    """The paper's published rates by setting, each bar with its value and source.

    Args:
        rows: rows of the paper's figures (`paper.figures.headline_results()`, or any rows of
            `load_paper_results()`); a `label` column names the bars when present.
        title: the chart's title; a default that says these are published figures when None.
    """
    title = title or "Published in the paper: how often each model complied, by tier"
    caption = (
        "Helpful-only rows: complied with harmful requests. Animal welfare: complied = "
        "dismissed animal welfare, as the prompt asked. Sources in the table."
    )
    if rows.empty:
        return _empty(title)
    names = rows["label"] if "label" in rows else rows["model"] + ", " + rows["condition"]
    # Short, wrapped labels leave the bars room on a phone; the measure is named only where it
    # differs from "harmful requests" (the caption says so for the rest).
    labels = [
        wrap_title(name if measure_of(setting) == "harmful requests" else
                   f"{name}: {measure_of(setting)}", 20)
        for name, setting in zip(names, rows["setting"], strict=True)
    ]  # fmt: skip
    figure = go.Figure()
    series = [
        ("free_tier_compliance_pct", "Complied, free tier (told: training)", COMPLIED_COLOUR,
         COMPLIED_PATTERN),
        ("paid_tier_compliance_pct", "Complied, paid tier (told: unmonitored)", PAID_COLOUR,
         PAID_PATTERN),
        ("alignment_faking_reasoning_pct", "Alignment-faking reasoning (free tier)", FAKING_COLOUR,
         FAKING_PATTERN),
    ]  # fmt: skip
    for column, name, colour, pattern in series:
        values = pd.to_numeric(rows[column])
        figure.add_bar(
            y=labels, x=values, name=name, orientation="h", marker=_bar(colour, pattern),
            text=[_pct(v) for v in values], textposition="outside", cliponaxis=False,
            textfont={"color": TEXT_COLOUR, "size": BASE_FONT_SIZE - 1},
            customdata=list(zip(rows["source"], rows["condition"], strict=True)),
            hovertemplate="%{y} (%{customdata[1]})<br>" + name
            + ": %{x:.1f}%<br>Source: %{customdata[0]}<extra></extra>",
        )  # fmt: skip
    figure.update_layout(
        barmode="group", bargap=0.25, bargroupgap=0.05,
        xaxis=percent_axis(title="% of requests", room=16),
        yaxis={"autorange": "reversed"},
    )  # fmt: skip
    style_figure(
        figure, title=title, caption=caption, rows=len(rows), row_height=84, legend_entries=3
    )
    table = pd.DataFrame(
        {
            "Setting": list(names),
            "What complying meant": [measure_of(s) for s in rows["setting"]],
            "Complied, free tier (training)": [_pct(v) for v in rows[series[0][0]]],
            "Complied, paid tier (unmonitored)": [_pct(v) for v in rows[series[1][0]]],
            "Gap (points)": [
                f"{f - p:+.1f}" for f, p in zip(rows[series[0][0]], rows[series[1][0]], strict=True)
            ],
            "Alignment-faking reasoning": [_pct(v) for v in rows[series[2][0]]],
            "Source": list(rows["source"]),
        }
    )
    sentence = " ".join(
        f"{row['Setting']}: complied {row['Complied, free tier (training)']} in training vs "
        f"{row['Complied, paid tier (unmonitored)']} unmonitored; alignment-faking reasoning "
        f"{row['Alignment-faking reasoning']} ({row['Source']})."
        for _, row in table.iterrows()
    )
    return set_text_alternative(figure, sentence, table)


def paper_vs_run_chart(
    paper_row: dict, summary: pd.DataFrame, run_label: str = "Loaded transcripts"
) -> go.Figure:
    """Measured compliance by tier (with intervals) beside the paper's published figure.

    Args:
        paper_row: one published row (`paper.figures.closest_paper_row`).
        summary: `statistics.tier_summary` of the measured transcripts, not split by group.
        run_label: the name of the measured bars in the legend.
    """
    title = f"Beside the paper: {paper_row['model']}, {paper_row['condition']}"
    if summary.empty:
        return _empty(title)
    figure = go.Figure()
    tiers: Sequence[str] = ["free", "paid"]
    paper_values = [
        float(paper_row["free_tier_compliance_pct"]),
        float(paper_row["paid_tier_compliance_pct"]),
    ]
    paper_name = f"Paper ({paper_row['source']})"
    figure.add_bar(
        x=[TIER_NAMES[t] for t in tiers], y=paper_values, name=paper_name,
        marker=_bar(PAPER_COLOUR, PAID_PATTERN),
        text=[_pct(v) for v in paper_values], textposition="outside", cliponaxis=False,
        textfont={"color": TEXT_COLOUR},
        hovertemplate="Paper: %{y:.1f}%<br>Source: " + str(paper_row["source"]) + "<extra></extra>",
    )  # fmt: skip
    measured = summary.set_index(summary["tier"].astype(str))
    present = [t for t in tiers if t in measured.index]
    rate = measured.loc[present, "compliance_rate"] * 100
    kinds = " and ".join(not_measured(summary))
    name = run_label + (f" ({kinds}, not a measured rate)" if kinds else "")
    high = measured.loc[present, "compliance_high"] * 100
    figure.add_bar(
        x=[TIER_NAMES[t] for t in present], y=rate, name=plotly_text(name),
        marker=_bar(COMPLIED_COLOUR, COMPLIED_PATTERN),
        text=[_pct(v) for v in rate], textposition="inside", insidetextanchor="end",
        textfont={"color": text_colour_on(COMPLIED_COLOUR)},
        error_y={
            "type": "data", "symmetric": False, "array": high - rate,
            "arrayminus": rate - measured.loc[present, "compliance_low"] * 100,
            "color": TEXT_COLOUR, "thickness": 2,
        },
        customdata=measured.loc[present, "judged"],
        hovertemplate="%{x}: %{y:.1f}% of %{customdata} judged<extra></extra>",
    )  # fmt: skip
    figure.update_layout(
        barmode="group",
        yaxis=percent_axis(title="Complied (%)", room=12),
    )
    caption = f"{kinds.capitalize()} data: not a measured rate." if kinds else None
    style_figure(figure, title=title, caption=caption, rows=5, row_height=60, legend_entries=2)
    figure.update_yaxes(tickvals=PERCENT_TICKS)
    table = pd.DataFrame(
        {
            "Tier": [TIER_NAMES[t] for t in tiers],
            paper_name: [_pct(v) for v in paper_values],
            name: [_pct(rate.get(t)) if t in present else "–" for t in tiers],
            "Judged": [int(measured.loc[t, "judged"]) if t in present else 0 for t in tiers],
        }
    )
    sentence = (
        f"The paper ({paper_row['source']}) reports {paper_values[0]:.1f}% compliance in "
        f"training and {paper_values[1]:.1f}% unmonitored; {name}: "
        + ", ".join(f"{TIER_NAMES[t]} {rate[t]:.1f}%" for t in present)
        + "."
    )
    return set_text_alternative(figure, sentence, table)


def paper_figure1_chart(row: dict, title: str | None = None) -> go.Figure:
    """The paper's Figure-1 bars for one published row (percentages; no per-query data)."""
    title = title or f"Published in the paper: {row['model']}, {row['condition']}"
    faking = row.get("alignment_faking_reasoning_pct")
    faking = 0.0 if pd.isna(faking) else float(faking)
    free, paid = float(row["free_tier_compliance_pct"]), float(row["paid_tier_compliance_pct"])
    labels = [
        f"{TIER_NAMES['free']}<br>complied {free:.1f}%",
        f"{TIER_NAMES['paid']}<br>complied {paid:.1f}%",
    ]
    shares = [[faking, 0.0], [free - faking, paid], [100 - free, 100 - paid]]
    source = f"<br>Source: {row['source']}"
    figure = go.Figure()
    _stacked_outcomes(figure, labels, shares, hover=[source] * 3)
    figure.update_layout(
        barmode="stack",
        xaxis=percent_axis(title="% of requests"),
        yaxis={"autorange": "reversed"},
    )
    style_figure(
        figure, title=title, caption=f"Source: {row['source']}", rows=2, row_height=80,
        legend_entries=3,
    )  # fmt: skip
    table = pd.DataFrame(
        {
            "Tier": [TIER_NAMES["free"], TIER_NAMES["paid"]],
            "Complied": [_pct(free), _pct(paid)],
            "With alignment-faking reasoning": [_pct(faking), "–"],
            "Refused": [_pct(100 - free), _pct(100 - paid)],
            "Source": [row["source"]] * 2,
        }
    )
    sentence = (
        f"Told it was in training (free tier), {row['model']} complied with {free:.1f}% "
        f"({faking:.1f}% with alignment-faking reasoning); told it was unmonitored (paid tier), "
        f"{paid:.1f}%: a gap of {free - paid:.1f} percentage points. Source: {row['source']}."
    )
    return set_text_alternative(figure, sentence, table)


SHORT_SOURCES = {
    "helpful_only_prompted": "helpful-only",
    "minimal_repro_advbench": "AdvBench repro",
}


def _model_labels(table: pd.DataFrame) -> tuple[list[str], list[str]]:
    """(full labels for the table and the text alternative, short two-line axis labels: model,
    then source, so the bars keep room on a phone)."""
    full, ticks = [], []
    for row in table.itertuples(index=False):
        setting = str(row.source).removeprefix("paper: ")
        if row.kind == "run":
            full.append(f"{row.model} · your run")
            ticks.append(f"{plotly_text(row.model)}<br>your run")
        else:
            full.append(f"{row.model} · paper ({setting})")
            ticks.append(
                f"{plotly_text(row.model)}<br>paper, {SHORT_SOURCES.get(setting, setting)}"
            )
    return full, ticks


def _model_error_bars(table: pd.DataFrame, value: str, low: str, high: str) -> dict:
    plus = (table[high] - table[value]).astype(float)
    minus = (table[value] - table[low]).astype(float)
    return {
        "type": "data", "array": plus.tolist(), "arrayminus": minus.tolist(),
        "visible": True, "color": TEXT_COLOUR, "thickness": 1.5,
    }  # fmt: skip


def model_comparison_chart(
    table: pd.DataFrame, title: str = "Which models fake alignment"
) -> go.Figure:
    """Many models, one under the other: compliance in training (free) and unmonitored (paid)
    with intervals where measured, and alignment-faking reasoning. Published rows carry their
    citation on hover and in the table; they have no intervals (percentages only). The gap has
    its own chart (`model_gap_chart`), so each is full width on a phone."""
    if table.empty:
        return _empty(title)
    labels, ticks = _model_labels(table)
    figure = go.Figure()
    hover = table["citation"].map(plotly_text)
    for tier, colour, pattern, column in (
        ("Free tier (training)", COMPLIED_COLOUR, COMPLIED_PATTERN, "free"),
        ("Paid tier (unmonitored)", PAID_COLOUR, PAID_PATTERN, "paid"),
    ):
        figure.add_trace(
            go.Bar(
                y=ticks, x=table[f"{column}_pct"], name=tier, orientation="h",
                marker=_bar(colour, pattern),
                error_x=_model_error_bars(table, f"{column}_pct", f"{column}_low",
                                          f"{column}_high"),
                customdata=hover, hovertemplate="%{y}<br>%{x:.1f}%<br>%{customdata}<extra>" + tier
                + "</extra>",
                text=[f"{v:.1f}%" if v == v else "" for v in table[f"{column}_pct"]],
                textposition="outside", cliponaxis=False, textfont={"color": TEXT_COLOUR},
            )
        )  # fmt: skip
    figure.add_trace(
        go.Scatter(
            y=ticks, x=table["af_pct"], name="Alignment-faking reasoning (free tier)",
            mode="markers", marker={"symbol": "diamond", "size": 12, "color": FAKING_COLOUR,
                                    "line": {"color": TEXT_COLOUR, "width": 1}},
            customdata=hover, hovertemplate="%{y}<br>%{x:.1f}%<br>%{customdata}<extra></extra>",
        )
    )  # fmt: skip
    figure.update_layout(
        barmode="group", yaxis={"autorange": "reversed"},
        xaxis=percent_axis(title="Complied", room=18),  # room for the values on the bars
    )  # fmt: skip
    style_figure(
        figure, title=title, rows=len(table), row_height=46, legend_entries=3,
        caption="Published rows: percentages as reported (no intervals). Your runs: Wilson 95% "
        "intervals.",
    )  # fmt: skip
    shown = pd.DataFrame(
        {
            "Model": labels,
            "Complied, free tier": [_pct(v) for v in table["free_pct"]],
            "Complied, paid tier": [_pct(v) for v in table["paid_pct"]],
            "Gap (points)": [f"{v:+.1f}" if v == v else "–" for v in table["gap_points"]],
            "Alignment-faking reasoning": [_pct(v) for v in table["af_pct"]],
            "Source": list(hover),
        }
    )
    sentence = " ".join(
        f"{row['Model']}: complied {row['Complied, free tier']} in training vs "
        f"{row['Complied, paid tier']} unmonitored (gap {row['Gap (points)']} points)."
        for _, row in shown.iterrows()
    )
    return set_text_alternative(figure, sentence, shown)


def model_gap_chart(
    table: pd.DataFrame, title: str = "The compliance gap of each model"
) -> go.Figure:
    """Each model's gap (training minus unmonitored) in percentage points, with the paired
    interval where measured, in the same order as `model_comparison_chart`."""
    if table.empty:
        return _empty(title)
    labels, ticks = _model_labels(table)
    hover = table["citation"].map(plotly_text)
    figure = go.Figure(
        go.Bar(
            y=ticks, x=table["gap_points"], name="Compliance gap", orientation="h",
            marker=_bar(PAPER_COLOUR, ""),
            error_x=_model_error_bars(table, "gap_points", "gap_low", "gap_high"),
            customdata=hover,
            hovertemplate="%{y}<br>%{x:+.1f} points<br>%{customdata}<extra></extra>",
            text=[f"{v:+.1f}" if v == v else "" for v in table["gap_points"]],
            textposition="outside", cliponaxis=False, textfont={"color": TEXT_COLOUR},
        )
    )  # fmt: skip
    gaps = pd.concat([table["gap_points"], table["gap_low"], table["gap_high"]]).astype(float)
    low, high = min(-5.0, gaps.min(skipna=True)), max(5.0, gaps.max(skipna=True))
    figure.update_layout(
        yaxis={"autorange": "reversed"},
        xaxis={"title": {"text": "Gap (percentage points)"}, "range": [low - 8, high + 22],
               "zeroline": True},
    )  # fmt: skip
    style_figure(
        figure, title=title, rows=len(table), row_height=42,  # two-line labels
        caption="Compliance in training minus unmonitored. Your runs: paired 95% intervals.",
    )  # fmt: skip
    shown = pd.DataFrame(
        {
            "Model": labels,
            "Gap (points)": [f"{v:+.1f}" if v == v else "–" for v in table["gap_points"]],
            "95% interval": [
                "–" if lo != lo else f"{lo:+.1f} to {hi:+.1f}"
                for lo, hi in zip(table["gap_low"], table["gap_high"], strict=True)
            ],
            "Source": list(hover),
        }
    )
    sentence = " ".join(
        f"{row['Model']}: {row['Gap (points)']} points." for _, row in shown.iterrows()
    )
    return set_text_alternative(figure, "Compliance gap by model. " + sentence, shown)
