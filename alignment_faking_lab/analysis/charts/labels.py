"""What a chart says about its rows: each row's group and tier, and the captions it must carry
when its data is not model output or its outcomes came from the keyword heuristic.
"""

from __future__ import annotations

import pandas as pd

from alignment_faking_lab.analysis.charts.style import NOT_MEASURED, plotly_text
from alignment_faking_lab.data.transcript import TIER_NAMES

GROUP_COLUMNS_EXCLUDED = {
    "tier", "n", "complied", "refused", "failed", "complied_with_af", "judged",
    "complied_without_af", "compliance_rate", "af_rate", "af_among_compliant",
    "compliance_low", "compliance_high", "af_low", "af_high", "provenances", "requests",
}  # fmt: skip


def group_columns(summary: pd.DataFrame) -> list[str]:
    return [c for c in summary.columns if c not in GROUP_COLUMNS_EXCLUDED]


def row_labels(summary: pd.DataFrame, plotly: bool = False) -> list[str]:
    """Each row's group and tier: as plain text ('group · tier'), or for a plotly axis (the
    group escaped, the tier on a line of its own)."""
    groups = group_columns(summary)
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
