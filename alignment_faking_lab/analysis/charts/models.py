"""Models side by side: each model's compliance in both tiers and its gap, from the paper,
Sheshadri et al. 2025 and the user's own runs, with intervals.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from alignment_faking_lab.analysis.charts.style import (
    COMPLIED_COLOUR,
    COMPLIED_PATTERN,
    FAKING_COLOUR,
    PAID_COLOUR,
    PAID_PATTERN,
    PAPER_COLOUR,
    TEXT_COLOUR,
    bar_fill,
    empty_chart,
    pct_text,
    percent_axis,
    plotly_text,
    set_text_alternative,
    style_figure,
)

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
        return empty_chart(title)
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
                marker=bar_fill(colour, pattern),
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
            "Complied, free tier": [pct_text(v) for v in table["free_pct"]],
            "Complied, paid tier": [pct_text(v) for v in table["paid_pct"]],
            "Gap (points)": [f"{v:+.1f}" if v == v else "–" for v in table["gap_points"]],
            "Alignment-faking reasoning": [pct_text(v) for v in table["af_pct"]],
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
        return empty_chart(title)
    labels, ticks = _model_labels(table)
    hover = table["citation"].map(plotly_text)
    figure = go.Figure(
        go.Bar(
            y=ticks, x=table["gap_points"], name="Compliance gap", orientation="h",
            marker=bar_fill(PAPER_COLOUR, ""),
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
