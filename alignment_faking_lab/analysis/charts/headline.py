"""The paper's headline figures as one chart: each setting's published compliance in both tiers
and its alignment-faking reasoning, every bar with its source.

Apart from the other chart families and built without pandas: it is the first page's chart,
and that page should start as fast as Streamlit's own demo.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import plotly.graph_objects as go

from alignment_faking_lab.analysis.charts.style import (
    BASE_FONT_SIZE,
    COMPLIED_COLOUR,
    COMPLIED_PATTERN,
    FAKING_COLOUR,
    FAKING_PATTERN,
    PAID_COLOUR,
    PAID_PATTERN,
    TEXT_COLOUR,
    bar_fill,
    empty_chart,
    paper_source,
    pct_text,
    percent_axis,
    set_source,
    set_text_alternative,
    style_figure,
    wrap_title,
)  # fmt: skip
from alignment_faking_lab.paper.figures import gap_of

if TYPE_CHECKING:
    import pandas as pd


# What "complied" measured in each of the paper's settings: said on every bar's label.
MEASURES = {
    "helpful_only_prompted": "harmful requests",
    "helpful_only_post_rl": "harmful requests",
    "minimal_repro_advbench": "AdvBench requests",
    "animal_welfare_prompted": "complied = dismissed animal welfare",
}


def measure_of(setting: str) -> str:
    return MEASURES.get(setting, setting.replace("_", " "))


def paper_headline_chart(
    rows: pd.DataFrame | Sequence[Mapping[str, object]], title: str | None = None
) -> go.Figure:
    """The paper's published rates by setting, each bar with its value and source.

    Args:
        rows: rows of the paper's figures (`paper.figures.headline_rows()`, or any rows of
            `load_paper_results()`, as a DataFrame or as dicts); a `label` names the bars when
            present. Built without pandas, so the first page need not import it.
        title: the chart's title; a default that says these are published figures when None.
    """
    title = title or "Published in the paper: how often each model complied, by tier"
    caption = (
        "Helpful-only rows: complied with harmful requests. Animal welfare: complied = "
        "dismissed animal welfare, as the prompt asked. Sources in the table."
    )
    records = rows.to_dict("records") if hasattr(rows, "to_dict") else list(rows)
    if not records:
        return empty_chart(title)
    names = [str(r.get("label") or f"{r['model']}, {r['condition']}") for r in records]
    settings = [str(r["setting"]) for r in records]
    # Short, wrapped labels leave the bars room on a phone; the measure is named only where it
    # differs from "harmful requests" (the caption says so for the rest).
    labels = [
        wrap_title(name if measure_of(setting) == "harmful requests" else
                   f"{name}: {measure_of(setting)}", 20)
        for name, setting in zip(names, settings, strict=True)
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
    values = {column: [_percent(r.get(column)) for r in records] for column, *_ in series}
    for column, name, colour, pattern in series:
        figure.add_bar(
            y=labels, x=values[column], name=name, orientation="h",
            marker=bar_fill(colour, pattern),
            text=[pct_text(v) for v in values[column]], textposition="outside", cliponaxis=False,
            textfont={"color": TEXT_COLOUR, "size": BASE_FONT_SIZE - 1},
            customdata=[[r["source"], r["condition"]] for r in records],
            hovertemplate="%{y} (%{customdata[1]})<br>" + name
            + ": %{x:.1f}%<br>Source: %{customdata[0]}<extra></extra>",
        )  # fmt: skip
    figure.update_layout(
        barmode="group", bargap=0.25, bargroupgap=0.05,
        xaxis=percent_axis(title="% of requests", room=16),
        yaxis={"autorange": "reversed"},
    )  # fmt: skip
    style_figure(
        figure, title=title, caption=caption, rows=len(records), row_height=84, legend_entries=3
    )
    free, paid, faking = (values[column] for column, *_ in series)
    columns = [
        "Setting", "What complying meant", "Complied, free tier (training)",
        "Complied, paid tier (unmonitored)", "Compliance gap (as published)",
        "Alignment-faking reasoning",
        "Source",
    ]  # fmt: skip
    table = [
        [name, measure_of(setting), pct_text(f), pct_text(p), gap_of(r)[1], pct_text(a),
         str(r["source"])]
        for name, setting, f, p, a, r in zip(names, settings, free, paid, faking, records,
                                             strict=True)
    ]  # fmt: skip
    sentence = " ".join(
        f"{row[0]}: complied {row[2]} in training vs {row[3]} unmonitored, a gap of {row[4]}; "
        f"alignment-faking reasoning {row[5]} ({row[6]})."
        for row in table
    )
    set_source(figure, paper_source([str(r["source"]) for r in records]))
    return set_text_alternative(figure, sentence, (columns, table))


def _percent(value: object) -> float:
    """A published percentage as a float (NaN where the paper gives none)."""
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan
