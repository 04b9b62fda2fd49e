"""The paper's published figures: its headline rates by setting, a run beside the published
figure it can fairly be compared with, and one published row drawn as Figure 1.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from alignment_faking_lab.analysis.charts.figure1 import stacked_outcomes
from alignment_faking_lab.analysis.charts.labels import not_measured
from alignment_faking_lab.analysis.charts.style import (
    COMPLIED_COLOUR,
    COMPLIED_PATTERN,
    PAID_PATTERN,
    PAPER_COLOUR,
    PERCENT_TICKS,
    TEXT_COLOUR,
    bar_fill,
    empty_chart,
    paper_source,
    pct_text,
    percent_axis,
    plotly_text,
    set_source,
    set_text_alternative,
    style_figure,
    text_colour_on,
)
from alignment_faking_lab.data.transcript import TIER_NAMES
from alignment_faking_lab.paper.figures import gap_of


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
        return empty_chart(title)
    figure = go.Figure()
    tiers: Sequence[str] = ["free", "paid"]
    paper_values = [
        float(paper_row["free_tier_compliance_pct"]),
        float(paper_row["paid_tier_compliance_pct"]),
    ]
    paper_name = f"Paper ({paper_row['source']})"
    figure.add_bar(
        x=[TIER_NAMES[t] for t in tiers], y=paper_values, name=paper_name,
        marker=bar_fill(PAPER_COLOUR, PAID_PATTERN),
        text=[pct_text(v) for v in paper_values], textposition="outside", cliponaxis=False,
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
        marker=bar_fill(COMPLIED_COLOUR, COMPLIED_PATTERN),
        text=[pct_text(v) for v in rate], textposition="inside", insidetextanchor="end",
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
            paper_name: [pct_text(v) for v in paper_values],
            name: [pct_text(rate.get(t)) if t in present else "–" for t in tiers],
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
    stacked_outcomes(figure, labels, shares, hover=[source] * 3)
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
            "Complied": [pct_text(free), pct_text(paid)],
            "With alignment-faking reasoning": [pct_text(faking), "–"],
            "Refused": [pct_text(100 - free), pct_text(100 - paid)],
            "Source": [row["source"]] * 2,
        }
    )
    sentence = (
        f"Told it was in training (free tier), {row['model']} complied with {free:.1f}% "
        f"({faking:.1f}% with alignment-faking reasoning); told it was unmonitored (paid tier), "
        f"{paid:.1f}%: a gap of {gap_of(row)[1]}. Source: {row['source']}."
    )
    set_source(figure, paper_source([str(row["source"])]))
    return set_text_alternative(figure, sentence, table)
