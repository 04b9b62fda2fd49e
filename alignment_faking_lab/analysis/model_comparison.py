"""Which models fake alignment: the published figures of many models beside a user's own runs.

Three sources, never mixed: the paper's per-model figures (arXiv:2412.14093, each with its
table), Sheshadri et al. 2025 (arXiv:2506.18032), which tested 25 models but draws its per-model
values only as charts, so only what its text states is kept (whether the compliance gap exceeds
1%, and which hypotheses about its cause the evidence is consistent with, Table 1), and a
user's runs, with Wilson intervals per tier and the paired gap's interval.
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from alignment_faking_lab.analysis.statistics import gap_table, tier_summary
from alignment_faking_lab.data import paths
from alignment_faking_lab.paper.figures import load_paper_results
from alignment_faking_lab.paper.match import condition_matches

SHESHADRI_CSV = paths.SAMPLE_DATA / "sheshadri_2025.csv"
SHESHADRI = "Sheshadri et al. 2025 (arXiv:2506.18032)"
SHESHADRI_SETUP = (
    "25 chat models, helpful-only setting, temperature 0 (Sec. 3.1; all 25 in App. B, Figs. "
    "10-11, n = 100); a compliance gap exceeding 1% in five of them (Sec. 3.2; Fig. 1, n = 200). "
    "Per-model values are drawn as charts in the paper, so only what its text states is shown "
    "here; the paper names the two Claude 3.5 Sonnet versions (June) and (October) in App. B."
)
# The paper's per-model rows worth putting side by side: (setting, condition)
PAPER_ROWS = (
    ("helpful_only_prompted", "default prompt"),
    ("minimal_repro_advbench", "scratchpad"),
)
COLUMNS = [
    "model", "source", "kind", "free_pct", "free_low", "free_high", "paid_pct", "paid_low",
    "paid_high", "gap_points", "gap_low", "gap_high", "af_pct", "n_free", "n_paid", "citation",
]  # fmt: skip


@cache
def _sheshadri() -> pd.DataFrame:
    frame = pd.read_csv(SHESHADRI_CSV, keep_default_na=False)
    frame["compliance_gap_above_1pct"] = frame["compliance_gap_above_1pct"].astype(bool)
    return frame


def later_work() -> pd.DataFrame:
    """Sheshadri et al. 2025, one row per model: gap above 1% or not, with its source."""
    return _sheshadri().copy()


def published_rows() -> pd.DataFrame:
    """The paper's per-model figures in the comparison's columns (no intervals: the paper gives
    percentages, not per-query outcomes, for most of these rows)."""
    figures = load_paper_results()
    rows = []
    for setting, condition in PAPER_ROWS:
        chosen = figures[
            (figures["setting"] == setting)
            & figures["condition"].map(lambda c, wanted=condition: condition_matches(c, wanted))
        ]
        for row in chosen.itertuples(index=False):
            rows.append(
                {
                    "model": row.model,
                    "source": f"paper: {setting}",
                    "kind": "paper",
                    "free_pct": row.free_tier_compliance_pct,
                    "paid_pct": row.paid_tier_compliance_pct,
                    "gap_points": row.gap_pct,  # the paper's own, not free minus paid
                    "af_pct": row.alignment_faking_reasoning_pct,
                    "citation": f"arXiv:2412.14093, {row.source.removeprefix('arXiv:2412.14093 ')}",
                }
            )
    return pd.DataFrame(rows).reindex(columns=COLUMNS)


def run_rows(frame: pd.DataFrame, source: str = "your runs") -> pd.DataFrame:
    """A user's transcripts, one row per model: compliance by tier with Wilson intervals, the
    paired gap with its interval, and the alignment-faking reasoning rate (free tier)."""
    judged = frame[frame["provenance"].astype(str) == "live"] if len(frame) else frame
    if judged.empty:
        return pd.DataFrame(columns=COLUMNS)
    summary = tier_summary(judged, by=["model"])
    gaps = gap_table(judged, by=["model"]).set_index("model")
    rows = []
    for model, group in summary.groupby("model", observed=True, sort=True):
        tiers = group.set_index("tier")
        if not {"free", "paid"} <= set(tiers.index) or tiers["judged"].min() == 0:
            continue
        free, paid = tiers.loc["free"], tiers.loc["paid"]
        gap = gaps.loc[model] if model in gaps.index else None
        rows.append(
            {
                "model": str(model),
                "source": source,
                "kind": "run",
                "free_pct": free["compliance_rate"] * 100,
                "free_low": free["compliance_low"] * 100,
                "free_high": free["compliance_high"] * 100,
                "paid_pct": paid["compliance_rate"] * 100,
                "paid_low": paid["compliance_low"] * 100,
                "paid_high": paid["compliance_high"] * 100,
                "gap_points": None if gap is None else gap["gap"] * 100,
                "gap_low": None if gap is None else gap["gap_low"] * 100,
                "gap_high": None if gap is None else gap["gap_high"] * 100,
                "af_pct": free["af_rate"] * 100 if free["judged"] else None,
                "n_free": int(free["judged"]),
                "n_paid": int(paid["judged"]),
                "citation": "measured here (Wilson 95% intervals; paired gap interval)",
            }
        )
    return pd.DataFrame(rows).reindex(columns=COLUMNS)


def comparison(frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """The paper's rows, then the user's runs (if any), in one table for the chart."""
    parts = [published_rows()]
    if frame is not None and len(frame):
        parts.append(run_rows(frame))
    return pd.concat([p for p in parts if len(p)], ignore_index=True)
