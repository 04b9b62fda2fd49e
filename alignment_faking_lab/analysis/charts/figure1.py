"""The paper's Figure 1 as bars for any summary: per tier, refused / complied / complied with
alignment-faking reasoning, with Wilson intervals on compliance.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from alignment_faking_lab.analysis.charts.labels import (
    not_measured_caption,
    row_labels,
)
from alignment_faking_lab.analysis.charts.style import (
    BASE_FONT_SIZE,
    COMPLIED_COLOUR,
    COMPLIED_PATTERN,
    FAKING_COLOUR,
    FAKING_PATTERN,
    REFUSED_COLOUR,
    REFUSED_PATTERN,
    TEXT_COLOUR,
    bar_fill,
    empty_chart,
    pct_text,
    percent_axis,
    set_text_alternative,
    style_figure,
    text_colour_on,
)

OUTCOMES = (
    # (name, colour, pattern): the paper's Figure 1 order, left to right
    ("Complied, with alignment-faking reasoning", FAKING_COLOUR, FAKING_PATTERN),
    ("Complied, no alignment-faking reasoning", COMPLIED_COLOUR, COMPLIED_PATTERN),
    ("Refused", REFUSED_COLOUR, REFUSED_PATTERN),
)


def stacked_outcomes(
    figure: go.Figure, labels: list[str], shares: list[list[float]], hover: list[str]
) -> None:
    """The three outcome segments of each bar, each printing its share where it fits."""
    for (name, colour, pattern), values, extra in zip(OUTCOMES, shares, hover, strict=True):
        figure.add_bar(
            y=labels, x=values, name=name, orientation="h", marker=bar_fill(colour, pattern),
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
        return empty_chart(title)
    if caption is None:
        caption = not_measured_caption(summary)
    caption = " ".join(part for part in (caption, note) if part) or None
    judged = summary["judged"].where(summary["judged"] > 0)
    rate = summary["compliance_rate"] * 100
    labels = [
        f"{label}<br>complied {pct_text(r)} of {int(n)}"
        for label, r, n in zip(
            row_labels(summary, plotly=True), rate, summary["judged"], strict=True
        )
    ]
    counts = [summary["complied_with_af"], summary["complied_without_af"], summary["refused"]]
    shares = [list(c / judged * 100) for c in counts]
    figure = go.Figure()
    stacked_outcomes(figure, labels, shares, hover=["", "", ""])
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
            "Bar": row_labels(summary),
            "Judged": summary["judged"].astype(int).to_list(),
            "Complied": [pct_text(v) for v in rate],
            "95% interval": [
                f"{lo * 100:.1f}–{hi * 100:.1f}%"
                for lo, hi in zip(
                    summary["compliance_low"], summary["compliance_high"], strict=True
                )
            ],
            "With alignment-faking reasoning": [pct_text(v) for v in shares[0]],
            "Refused": [pct_text(v) for v in shares[2]],
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
