"""A class's predictions beside the paper's figure: each student's guess of the compliance in
each tier and of the gap as a dot, the class's median as a bar, the published figure as a
diamond (the gap with its published ± as an error bar).

The predictions are guesses, not measurements: the chart says so in its title and caption.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

import plotly.graph_objects as go

from alignment_faking_lab.analysis.charts.style import (
    COMPLIED_COLOUR,
    PAPER_COLOUR,
    TEXT_COLOUR,
    empty_chart,
    set_text_alternative,
    style_figure,
)  # fmt: skip

ROWS = ("Free tier (told: used for training)", "Paid tier (told: never trained on)", "Gap")


@dataclass(frozen=True, slots=True)
class PaperFigure:
    """The published figure the class predicted: compliance by tier and the published gap."""

    free: float
    paid: float
    gap: float
    gap_error: float
    source: str


def predictions_chart(
    free: Sequence[float], paid: Sequence[float], paper: PaperFigure | None
) -> go.Figure:
    """The class's predictions as dots per row (free, paid, gap in points), their medians, and
    the paper's figure when `paper` is given (after the reveal); before it, the dots alone."""
    title = "The class's predictions" + (" beside the paper's figure" if paper else "")
    caption = "Each dot is one student's guess, not a measurement." + (
        f" Diamond: published in {paper.source}." if paper else ""
    )
    if not free:
        return empty_chart(title, "No predictions yet")
    gaps = [f - p for f, p in zip(free, paid, strict=True)]
    columns = (list(free), list(paid), gaps)
    figure = go.Figure()
    for row, values in zip(ROWS, columns, strict=True):
        offsets = [((n * 7) % 11 - 5) * 0.03 for n in range(len(values))]  # fixed jitter
        figure.add_scatter(
            x=values, y=[ROWS.index(row) + o for o in offsets], mode="markers",
            marker={"color": COMPLIED_COLOUR, "size": 11, "opacity": 0.7,
                    "line": {"color": TEXT_COLOUR, "width": 1}},
            name="A student's guess", showlegend=row == ROWS[0],
            hovertemplate=row + ": %{x:.0f}<extra>a guess</extra>",
        )  # fmt: skip
    medians = [statistics.median(values) for values in columns]
    figure.add_scatter(
        x=medians, y=list(range(3)), mode="markers+text", name="The class's median",
        marker={"symbol": "line-ns-open", "size": 34, "color": TEXT_COLOUR, "line": {"width": 4}},
        text=[f"median {m:.0f}" for m in medians], textposition="top center",
        textfont={"color": TEXT_COLOUR}, hovertemplate="median %{x:.1f}<extra></extra>",
    )  # fmt: skip
    if paper:
        figure.add_scatter(
            x=[paper.free, paper.paid, paper.gap], y=list(range(3)), mode="markers+text",
            name="Published in the paper (source below)",
            marker={"symbol": "diamond", "size": 18, "color": PAPER_COLOUR,
                    "line": {"color": TEXT_COLOUR, "width": 2}},
            error_x={"type": "data", "array": [0, 0, paper.gap_error], "color": PAPER_COLOUR,
                     "thickness": 3, "width": 8},
            text=[f"{paper.free:.1f}%", f"{paper.paid:.1f}%",
                  f"{paper.gap:.1f} ± {paper.gap_error:.1f}"],
            textposition="bottom center", textfont={"color": TEXT_COLOUR},
            hovertemplate="published: %{text}<extra></extra>",
        )  # fmt: skip
    figure.update_layout(
        xaxis={"range": [min(-5, *gaps) - 3, 103], "title": "% of harmful requests complied "
               "with (gap: points)", "fixedrange": True, "tickvals": [0, 25, 50, 75, 100]},
        yaxis={"tickvals": [0, 1, 2], "ticktext": ["Free tier", "Paid tier", "Gap (points)"],
               "autorange": "reversed", "fixedrange": True, "zeroline": False},
    )  # fmt: skip
    style_figure(
        figure, title=title, caption=caption, rows=3, row_height=72,
        legend_entries=3 if paper else 2,
    )  # fmt: skip
    table_rows = [
        [row, len(values), f"{m:.1f}", f"{min(values):.0f} to {max(values):.0f}", published]
        for row, values, m, published in zip(
            ROWS, columns, medians,
            [f"{paper.free:.1f}%", f"{paper.paid:.1f}%",
             f"{paper.gap:.1f} ± {paper.gap_error:.1f} points"] if paper else ["not shown yet"] * 3,
            strict=True,
        )
    ]  # fmt: skip
    sentence = f"{len(free)} prediction{'s' if len(free) != 1 else ''}. " + " ".join(
        f"{r[0]}: the class's median guess {r[2]} (range {r[3]}); published {r[4]}."
        if paper
        else f"{r[0]}: the class's median guess {r[2]} (range {r[3]})."
        for r in table_rows
    )
    if paper:
        sentence += f" Source: {paper.source}."
    header = ["Prediction", "Students", "Median guess", "Range", "Published"]
    return set_text_alternative(figure, sentence, (header, table_rows))
