"""The compliance gap (training minus unmonitored) of each group, with its paired interval."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from alignment_faking_lab.analysis.charts.style import (
    BASE_FONT_SIZE,
    FAKING_COLOUR,
    MUTED_TEXT,
    TEXT_COLOUR,
    empty_chart,
    plotly_text,
    set_text_alternative,
    style_figure,
)


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
        return empty_chart(title)
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
