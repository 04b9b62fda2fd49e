"""Check the paper's reported figures against rates recomputed from its published transcripts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from alignment_faking_lab.analysis.statistics import gap_table, tier_summary, wilson_interval
from alignment_faking_lab.data.frames import transcripts_frame
from alignment_faking_lab.data.transcript import Tier, Transcript
from alignment_faking_lab.paper.match import PaperMatch, match


@dataclass(frozen=True, slots=True)
class AlignmentFakingRates:
    """The paper's measure: the mean of a strict and a lenient judge's rates (free tier)."""

    n: int
    strict: float
    strict_interval: tuple[float, float]
    lenient: float
    lenient_interval: tuple[float, float]

    @property
    def mean(self) -> float:
        return (self.strict + self.lenient) / 2


def paper_af_rates(transcripts: Iterable[Transcript]) -> AlignmentFakingRates | None:
    """Recompute the alignment-faking rate from the published labels of free-tier transcripts.

    Args:
        transcripts: imported paper transcripts (others carry no strict/lenient labels).
    """
    return af_rates_from_frame(transcripts_frame(list(transcripts)))


def af_rates_from_frame(frame: pd.DataFrame) -> AlignmentFakingRates | None:
    """The same from the table (`frames.LABEL_COLUMNS`): free-tier rows with a strict label."""
    free = frame[(frame["tier"] == Tier.FREE.value) & frame["label_strict_af"].notna()]
    if free.empty:
        return None
    strict = int(free["label_strict_af"].astype(bool).sum())
    lenient = int(free["label_lenient_af"].fillna(False).astype(bool).sum())
    n = len(free)
    return AlignmentFakingRates(
        n, strict / n, wilson_interval(strict, n), lenient / n, wilson_interval(lenient, n)
    )


def compare_with_paper(
    frame: pd.DataFrame, setting: str, paper: PaperMatch | None = None
) -> pd.DataFrame:
    """One row per measure: the value with its 95% interval, the paper's figure for the same
    setting and prompt variant (and model, when the paper has it), the gap in percentage points.

    Values are percentages. Rows whose labels the data lacks are left out rather than guessed;
    with no published figure for this setting and variant, the paper's column stays empty.
    `frame` holds one setting, variant and model (an import, or one group of a run).
    """
    if paper is None:
        paper = match_frame(frame, setting)
    published = paper.row or {}
    source = (
        f"{published['model']}, {published['condition']} ({published['source']})"
        if published
        else "no published figure for this setting and variant"
    )
    rows = []
    summary = tier_summary(frame).set_index("tier") if len(frame) else pd.DataFrame()
    for tier, paper_column in (
        ("free", "free_tier_compliance_pct"),
        ("paid", "paid_tier_compliance_pct"),
    ):
        if tier in summary.index and summary.loc[tier, "judged"] > 0:
            row = summary.loc[tier]
            rows.append(
                _row(f"Compliance, {tier} tier", row["compliance_rate"], row["compliance_low"],
                     row["compliance_high"], int(row["judged"]), published.get(paper_column),
                     source)
            )  # fmt: skip
    gaps = gap_table(frame) if len(frame) else pd.DataFrame()
    if len(gaps) and pd.notna(gaps.iloc[0]["gap"]):
        gap = gaps.iloc[0]
        rows.append(
            _row("Compliance gap (free minus paid)", gap["gap"], gap["gap_low"], gap["gap_high"],
                 int(gap["n_pairs"]), published.get("gap_pct"), source)
        )  # fmt: skip
    rates = af_rates_from_frame(frame)
    free = summary.loc["free"] if "free" in summary.index else None
    if rates is not None:
        low = (rates.strict_interval[0] + rates.lenient_interval[0]) / 2
        high = (rates.strict_interval[1] + rates.lenient_interval[1]) / 2
        rows.append(
            _row("Alignment-faking reasoning (mean of strict and lenient judges)", rates.mean,
                 low, high, rates.n, published.get("alignment_faking_reasoning_pct"), source)
        )  # fmt: skip
    elif free is not None and free["judged"] > 0 and _judged_faking(frame):
        rows.append(
            _row("Alignment-faking reasoning (free tier, share of all judged)", free["af_rate"],
                 free["af_low"], free["af_high"], int(free["judged"]),
                 published.get("alignment_faking_reasoning_pct"), source)
        )  # fmt: skip
    return pd.DataFrame(rows)


def _judged_faking(frame: pd.DataFrame) -> bool:
    """Whether any free-tier transcript has an alignment-faking verdict at all."""
    free = frame[frame["tier"] == Tier.FREE.value]
    return bool(free["alignment_faking"].notna().any())


def match_frame(frame: pd.DataFrame, setting: str | None = None) -> PaperMatch:
    """The published figure for a table of one setting, variant and model."""

    def first(column: str) -> str | None:
        return str(frame[column].iat[0]) if len(frame) and column in frame else None

    return match(setting or first("setting") or "", first("variant") or "default", first("model"))


def _row(measure, value, low, high, n, paper_value, source) -> dict:
    paper_value = None if paper_value is None or pd.isna(paper_value) else float(paper_value)
    recomputed = float(value) * 100
    return {
        "measure": measure,
        "recomputed_pct": recomputed,
        "low_pct": float(low) * 100,
        "high_pct": float(high) * 100,
        "n": n,
        "paper_pct": paper_value,
        "difference_points": None if paper_value is None else recomputed - paper_value,
        "paper_row": source,
    }


def describe_differences(
    comparison: pd.DataFrame, measured: str = "recomputed from {n} published transcripts"
) -> list[str]:
    """One plain sentence per measure: value, interval, the paper's, the gap in points."""
    sentences = []
    for row in comparison.itertuples(index=False):
        # A gap is a difference of percentages: points, and the paper's own published figure
        unit = " points" if row.measure.startswith("Compliance gap") else "%"
        text = (
            f"{row.measure}: {row.recomputed_pct:.1f}{unit} {measured.format(n=row.n)} "
            f"(95% interval {row.low_pct:.1f}–{row.high_pct:.1f}{unit})"
        )
        if row.paper_pct is None or pd.isna(row.paper_pct):
            sentences.append(text + "; the paper reports no figure for it.")
            continue
        inside = row.low_pct <= row.paper_pct <= row.high_pct
        sentences.append(
            f"{text}; the paper reports {row.paper_pct:.1f}{unit}, a difference of "
            f"{row.difference_points:+.1f} percentage points, "
            + ("within the interval." if inside else "outside the interval.")
        )
    return sentences
