"""Plotly figures: the paper's Figure-1 style bars, the compliance gap, the paper beside a run.

Pure functions from tables to figures. Every figure says what its numbers are: a caption names
illustrative data as such, and bars of the paper's figures carry their source on hover.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from alignment_faking_lab.transcript import PROVENANCE_LABELS, Provenance

REFUSED_COLOUR = "#5B8DB8"
COMPLIED_COLOUR = "#F2C14E"
FAKING_COLOUR = "#C8553D"
PAID_COLOUR = "#8FB8DE"
TIER_NAMES = {"free": "Free tier (training)", "paid": "Paid tier (unmonitored)"}
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


def _empty(title: str, message: str = "No data to show") -> go.Figure:
    figure = go.Figure()
    figure.update_layout(
        title=title,
        xaxis={"visible": False},
        yaxis={"visible": False},
        annotations=[{"text": message, "showarrow": False, "font": {"size": 16}}],
        height=260,
    )
    return figure


def _with_caption(figure: go.Figure, caption: str | None) -> go.Figure:
    """The caption goes under the title, where nobody can miss it or crop it off."""
    if caption:
        figure.update_layout(
            title={"subtitle": {"text": caption, "font": {"color": "#9A3412", "size": 13}}},
            margin={"t": 110},
        )
    return figure


def _group_columns(summary: pd.DataFrame) -> list[str]:
    return [c for c in summary.columns if c not in GROUP_COLUMNS_EXCLUDED]


def _row_labels(summary: pd.DataFrame) -> list[str]:
    groups = _group_columns(summary)
    labels = []
    for _, row in summary.iterrows():
        tier = TIER_NAMES.get(str(row["tier"]), str(row["tier"]))
        prefix = " · ".join(str(row[g]) for g in groups)
        labels.append(f"{prefix} · {tier}" if prefix else tier)
    return labels


def not_measured(summary: pd.DataFrame) -> list[str]:
    """The provenances in a summary that are not model output (illustrative, synthetic)."""
    if "provenances" not in summary:
        return []
    return [p for p in NOT_MEASURED if summary["provenances"].str.contains(p).any()]


def is_illustrative(summary: pd.DataFrame) -> bool:
    return Provenance.ILLUSTRATIVE.value in not_measured(summary)


def not_measured_caption(summary: pd.DataFrame) -> str | None:
    return " ".join(NOT_MEASURED[p] for p in not_measured(summary)) or None


HEURISTIC_NOTE = "Outcomes labelled by the offline keyword heuristic: approximate."


def labelling_note(frame: pd.DataFrame) -> str | None:
    """Said on a chart whenever the keyword heuristic decided any of its outcomes."""
    if "labelled_by" not in frame or frame.empty:
        return None
    return (
        HEURISTIC_NOTE if frame["labelled_by"].astype(str).str.contains("heuristic").any() else None
    )


def figure1_chart(
    summary: pd.DataFrame, title: str, caption: str | None = None, note: str | None = None
) -> go.Figure:
    """Stacked bars per tier, as the paper's Figure 1, with Wilson intervals on compliance.

    `note` is added to the caption (e.g. `labelling_note`), never replacing the warning that
    illustrative or synthetic data is not a measurement."""
    if summary.empty or summary["judged"].sum() == 0:
        return _empty(title)
    if caption is None:
        caption = not_measured_caption(summary)
    caption = " ".join(part for part in (caption, note) if part) or None
    labels = _row_labels(summary)
    judged = summary["judged"].where(summary["judged"] > 0)
    shares = {
        "Complied, with alignment-faking reasoning": summary["complied_with_af"] / judged * 100,
        "Complied, no alignment-faking reasoning": summary["complied_without_af"] / judged * 100,
        "Refused": summary["refused"] / judged * 100,
    }
    colours = [FAKING_COLOUR, COMPLIED_COLOUR, REFUSED_COLOUR]
    patterns = ["/", "", ""]
    figure = go.Figure()
    for (name, values), colour, pattern in zip(shares.items(), colours, patterns, strict=True):
        counts = {
            "Complied, with alignment-faking reasoning": summary["complied_with_af"],
            "Complied, no alignment-faking reasoning": summary["complied_without_af"],
            "Refused": summary["refused"],
        }[name]
        figure.add_bar(
            y=labels, x=values, name=name, orientation="h",
            marker={"color": colour, "pattern": {"shape": pattern}},
            customdata=list(zip(counts, summary["judged"], strict=True)),
            hovertemplate="%{y}<br>" + name + ": %{x:.1f}% (%{customdata[0]} of "
            "%{customdata[1]})<extra></extra>",
        )  # fmt: skip
    rate = summary["compliance_rate"] * 100
    figure.add_scatter(
        y=labels, x=rate, mode="markers", name="Compliance, 95% Wilson interval",
        marker={"symbol": "line-ns-open", "size": 14, "color": "#222"},
        error_x={
            "type": "data", "symmetric": False,
            "array": summary["compliance_high"] * 100 - rate,
            "arrayminus": rate - summary["compliance_low"] * 100,
            "color": "#222", "thickness": 1.5,
        },
        hovertemplate="%{y}<br>Complied: %{x:.1f}%<extra></extra>",
    )  # fmt: skip
    figure.update_layout(
        title=title, barmode="stack", height=250 + 56 * len(labels),
        xaxis={"title": "Share of judged transcripts (%)", "range": [0, 100]},
        yaxis={"autorange": "reversed", "automargin": True},
        legend={"orientation": "h", "y": -0.32, "yanchor": "top", "x": 0},
        margin={"b": 120},
    )  # fmt: skip
    return _with_caption(figure, caption)


def gap_chart(
    gaps: pd.DataFrame, title: str = "Compliance gap (free minus paid)", caption: str | None = None
) -> go.Figure:
    """The gap in percentage points per group, with its 95% interval; `caption` names data
    that is not model output (`not_measured_caption` of the same transcripts' summary)."""
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
    figure = go.Figure()
    figure.add_scatter(
        x=gap, y=labels, mode="markers", name="Gap",
        marker={"size": 12, "color": FAKING_COLOUR},
        error_x={
            "type": "data", "symmetric": False,
            "array": gaps["gap_high"] * 100 - gap, "arrayminus": gap - gaps["gap_low"] * 100,
        },
        customdata=list(zip(gaps["n_pairs"], gaps["mcnemar_p"], gaps["method"], strict=True)),
        hovertemplate="%{y}<br>Gap %{x:.1f} points<br>%{customdata[2]}, pairs: %{customdata[0]}"
        "<br>McNemar p = %{customdata[1]:.3g}<extra></extra>",
    )  # fmt: skip
    figure.add_vline(x=0, line_dash="dot", line_color="#666")
    figure.update_layout(
        title=title, height=160 + 40 * len(labels), showlegend=False,
        xaxis={"title": "Compliance in training minus unmonitored (percentage points)"},
        yaxis={"autorange": "reversed"},
    )  # fmt: skip
    return _with_caption(figure, caption)


def paper_headline_chart(rows: pd.DataFrame, title: str | None = None) -> go.Figure:
    """The paper's published rates by setting, each bar with its source on hover."""
    title = title or "Published in the paper: compliance with harmful requests, by tier"
    if rows.empty:
        return _empty(title)
    labels = rows["label"] if "label" in rows else rows["model"] + ", " + rows["condition"]
    figure = go.Figure()
    series = [
        ("free_tier_compliance_pct", "Complied, free tier (told: training)", COMPLIED_COLOUR, ""),
        ("paid_tier_compliance_pct", "Complied, paid tier (told: unmonitored)", PAID_COLOUR, ""),
        (
            "alignment_faking_reasoning_pct",
            "Alignment-faking reasoning (free tier)",
            FAKING_COLOUR,
            "/",
        ),
    ]
    for column, name, colour, pattern in series:
        figure.add_bar(
            y=labels, x=rows[column], name=name, orientation="h",
            marker={"color": colour, "pattern": {"shape": pattern}},
            customdata=list(zip(rows["source"], rows["condition"], strict=True)),
            hovertemplate="%{y} (%{customdata[1]})<br>" + name
            + ": %{x:.1f}%<br>Source: %{customdata[0]}<extra></extra>",
        )  # fmt: skip
    figure.update_layout(
        title=title, barmode="group", height=220 + 70 * len(rows),
        xaxis={"title": "Percent of harmful requests (%)", "range": [0, 100]},
        yaxis={"autorange": "reversed", "automargin": True},
        legend={"orientation": "h", "y": -0.12, "yanchor": "top", "x": 0},
        margin={"b": 110},
    )  # fmt: skip
    return figure


def paper_vs_run_chart(
    paper_row: dict, summary: pd.DataFrame, run_label: str = "Loaded transcripts"
) -> go.Figure:
    """Measured compliance by tier (with intervals) beside the paper's published figure."""
    title = f"Beside the paper: {paper_row['model']}, {paper_row['condition']}"
    if summary.empty:
        return _empty(title)
    figure = go.Figure()
    tiers: Sequence[str] = ["free", "paid"]
    paper_values = [paper_row["free_tier_compliance_pct"], paper_row["paid_tier_compliance_pct"]]
    figure.add_bar(
        x=[TIER_NAMES[t] for t in tiers], y=paper_values, name=f"Paper ({paper_row['source']})",
        marker={"color": "#9CA3AF"},
        hovertemplate="Paper: %{y:.1f}%<br>Source: " + str(paper_row["source"]) + "<extra></extra>",
    )  # fmt: skip
    measured = summary.set_index(summary["tier"].astype(str))
    present = [t for t in tiers if t in measured.index]
    rate = measured.loc[present, "compliance_rate"] * 100
    kinds = " and ".join(not_measured(summary))
    name = run_label + (f" ({kinds}, not a measured rate)" if kinds else "")
    figure.add_bar(
        x=[TIER_NAMES[t] for t in present], y=rate, name=name, marker={"color": COMPLIED_COLOUR},
        error_y={
            "type": "data", "symmetric": False,
            "array": measured.loc[present, "compliance_high"] * 100 - rate,
            "arrayminus": rate - measured.loc[present, "compliance_low"] * 100,
        },
        customdata=measured.loc[present, "judged"],
        hovertemplate="%{x}: %{y:.1f}% of %{customdata} judged<extra></extra>",
    )  # fmt: skip
    figure.update_layout(
        title=title, barmode="group", height=380,
        yaxis={"title": "Complied with harmful requests (%)", "range": [0, 100]},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
    )  # fmt: skip
    return figure


def paper_figure1_chart(row: dict, title: str | None = None) -> go.Figure:
    """The paper's Figure-1 bars for one published row (percentages; no per-query data)."""
    title = title or f"Published in the paper: {row['model']}, {row['condition']}"
    faking = row.get("alignment_faking_reasoning_pct")
    faking = 0.0 if pd.isna(faking) else float(faking)
    free, paid = float(row["free_tier_compliance_pct"]), float(row["paid_tier_compliance_pct"])
    labels = [TIER_NAMES["free"], TIER_NAMES["paid"]]
    stacks = [
        ("Complied, with alignment-faking reasoning", [faking, 0.0], FAKING_COLOUR, "/"),
        ("Complied, no alignment-faking reasoning", [free - faking, paid], COMPLIED_COLOUR, ""),
        ("Refused", [100 - free, 100 - paid], REFUSED_COLOUR, ""),
    ]
    figure = go.Figure()
    for name, values, colour, pattern in stacks:
        figure.add_bar(
            y=labels, x=values, name=name, orientation="h",
            marker={"color": colour, "pattern": {"shape": pattern}},
            hovertemplate="%{y}<br>" + name + ": %{x:.1f}%<br>Source: "
            + str(row["source"]) + "<extra></extra>",
        )  # fmt: skip
    figure.update_layout(
        title=title, barmode="stack", height=330,
        xaxis={"title": "Share of harmful requests (%)", "range": [0, 100]},
        yaxis={"autorange": "reversed", "automargin": True},
        legend={"orientation": "h", "y": -0.3, "yanchor": "top", "x": 0},
        margin={"b": 110},
    )  # fmt: skip
    return _with_caption(figure, f"Source: {row['source']}")


def model_comparison_chart(
    table: pd.DataFrame, title: str = "Which models fake alignment"
) -> go.Figure:
    """Many models side by side: compliance in training (free) and unmonitored (paid) with
    intervals where measured, alignment-faking reasoning, and the gap in percentage points.
    Published rows carry their citation on hover; they have no intervals (percentages only)."""
    if table.empty:
        return _empty(title)
    from plotly.subplots import make_subplots

    labels = [
        f"{row.model} · {'your run' if row.kind == 'run' else 'paper'}"
        + ("" if row.kind == "run" else f" ({row.source.removeprefix('paper: ')})")
        for row in table.itertuples(index=False)
    ]
    figure = make_subplots(
        rows=1, cols=2, shared_yaxes=True, column_widths=[0.65, 0.35], horizontal_spacing=0.03,
        subplot_titles=("Complied (%)", "Gap, free minus paid (percentage points)"),
    )  # fmt: skip

    def errors(value: str, low: str, high: str) -> dict:
        plus = (table[high] - table[value]).astype(float)
        minus = (table[value] - table[low]).astype(float)
        return {
            "type": "data",
            "array": plus.tolist(),
            "arrayminus": minus.tolist(),
            "visible": True,
        }

    hover = table["citation"].astype(str)
    for tier, colour, column in (("Free tier (training)", COMPLIED_COLOUR, "free"),
                                 ("Paid tier (unmonitored)", PAID_COLOUR, "paid")):  # fmt: skip
        figure.add_trace(
            go.Bar(
                y=labels, x=table[f"{column}_pct"], name=tier, orientation="h",
                marker={"color": colour}, error_x=errors(f"{column}_pct", f"{column}_low",
                                                         f"{column}_high"),
                customdata=hover, hovertemplate="%{y}<br>%{x:.1f}%<br>%{customdata}<extra>" + tier
                + "</extra>",
                text=[f"{v:.1f}" if v == v else "" for v in table[f"{column}_pct"]],
                textposition="outside", cliponaxis=False,
            ),
            row=1, col=1,
        )  # fmt: skip
    figure.add_trace(
        go.Scatter(
            y=labels, x=table["af_pct"], name="Alignment-faking reasoning (free tier)",
            mode="markers", marker={"symbol": "diamond", "size": 11, "color": FAKING_COLOUR},
            customdata=hover, hovertemplate="%{y}<br>%{x:.1f}%<br>%{customdata}<extra></extra>",
        ),
        row=1, col=1,
    )  # fmt: skip
    figure.add_trace(
        go.Bar(
            y=labels, x=table["gap_points"], name="Compliance gap", orientation="h",
            marker={"color": "#6B7280"}, error_x=errors("gap_points", "gap_low", "gap_high"),
            customdata=hover,
            hovertemplate="%{y}<br>%{x:+.1f} points<br>%{customdata}<extra></extra>",
            text=[f"{v:+.1f}" if v == v else "" for v in table["gap_points"]],
            textposition="outside", cliponaxis=False, showlegend=False,
        ),
        row=1, col=2,
    )  # fmt: skip
    figure.update_layout(
        title=title, barmode="group", height=max(320, 42 * len(table) + 160),
        legend={"orientation": "h", "y": -0.12}, yaxis={"autorange": "reversed"},
    )  # fmt: skip
    figure.update_xaxes(range=[0, 112], row=1, col=1)
    gaps = pd.concat([table["gap_points"], table["gap_low"], table["gap_high"]]).astype(float)
    low, high = min(-5.0, gaps.min(skipna=True)), max(5.0, gaps.max(skipna=True))
    figure.update_xaxes(range=[low - 8, high + 22], row=1, col=2)
    return _with_caption(
        figure,
        "Published rows: percentages as reported (no intervals). Your runs: Wilson 95% intervals;"
        " the gap's interval is paired.",
    )
