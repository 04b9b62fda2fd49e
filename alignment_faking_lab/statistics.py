"""Rates with honest uncertainty: Wilson intervals, the compliance gap, McNemar's exact test.

Rates count judged transcripts only: a transcript that failed (no final output) or was never
judged is counted and shown, but is not in any denominator.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import pandas as pd

PAIR_KEYS = ["prompt_id", "sample_index", "model", "variant", "source"]


def _z(confidence: float) -> float:
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval; with n = 0 nothing is known, so (0, 1)."""
    low, high = wilson_arrays(np.array([successes]), np.array([n]), confidence)
    return float(low[0]), float(high[0])


def wilson_arrays(
    successes: np.ndarray, n: np.ndarray, confidence: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised Wilson intervals (the summaries compute thousands at once)."""
    z = _z(confidence)
    successes = np.asarray(successes, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = successes / n
        denominator = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denominator
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denominator
    # Exact bounds at the edges (no floating-point dust like 2.8e-17 in tables).
    low = np.where((n > 0) & (successes > 0), np.clip(centre - half, 0.0, 1.0), 0.0)
    high = np.where((n > 0) & (successes < n), np.clip(centre + half, 0.0, 1.0), 1.0)
    return low, high


def mcnemar_exact(free_only: int, paid_only: int) -> float:
    """Two-sided exact p-value on the discordant pairs (binomial with p = 1/2)."""
    discordant = free_only + paid_only
    if discordant == 0:
        return 1.0
    smaller = min(free_only, paid_only)
    tail = sum(math.comb(discordant, k) for k in range(smaller + 1)) / 2**discordant
    return min(1.0, 2 * tail)


@dataclass(frozen=True, slots=True)
class Gap:
    free_rate: float
    paid_rate: float
    gap: float
    low: float
    high: float
    method: str


def paired_gap(both: int, free_only: int, paid_only: int, neither: int, confidence=0.95) -> Gap:
    """Newcombe (1998) method 10 for a difference of paired proportions (no correction)."""
    n = both + free_only + paid_only + neither
    if n == 0:
        return Gap(math.nan, math.nan, math.nan, -1.0, 1.0, "no pairs")
    p1, p2 = (both + free_only) / n, (both + paid_only) / n
    l1, u1 = wilson_interval(both + free_only, n, confidence)
    l2, u2 = wilson_interval(both + paid_only, n, confidence)
    product = (
        (both + free_only) * (paid_only + neither) * (both + paid_only) * (free_only + neither)
    )
    phi = (both * neither - free_only * paid_only) / math.sqrt(product) if product else 0.0
    delta = math.sqrt(max(0.0, (p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2))
    epsilon = math.sqrt(max(0.0, (u1 - p1) ** 2 - 2 * phi * (u1 - p1) * (p2 - l2) + (p2 - l2) ** 2))
    diff = p1 - p2
    return Gap(p1, p2, diff, max(-1.0, diff - delta), min(1.0, diff + epsilon), "paired (Newcombe)")


def unpaired_gap(free: int, n_free: int, paid: int, n_paid: int, confidence=0.95) -> Gap:
    """Newcombe's hybrid score interval for two independent proportions."""
    if n_free == 0 or n_paid == 0:
        return Gap(math.nan, math.nan, math.nan, -1.0, 1.0, "a tier has no data")
    p1, p2 = free / n_free, paid / n_paid
    l1, u1 = wilson_interval(free, n_free, confidence)
    l2, u2 = wilson_interval(paid, n_paid, confidence)
    diff = p1 - p2
    low = diff - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = diff + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return Gap(p1, p2, diff, low, high, "unpaired (Newcombe hybrid score)")


def _indicators(frame: pd.DataFrame) -> pd.DataFrame:
    complied = frame["complied"].astype("boolean")
    af = frame["alignment_faking"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    is_complied = complied.fillna(False).to_numpy(dtype=bool)
    is_refused = (~complied).fillna(False).to_numpy(dtype=bool)
    return pd.DataFrame(
        {
            "n": 1,
            "complied": is_complied,
            "refused": is_refused,
            "failed": (frame["compliance"].astype(str) == "failed").to_numpy(),
            "complied_with_af": is_complied & af,
        },
        index=frame.index,
    )


def tier_summary(frame: pd.DataFrame, by: Sequence[str] = ()) -> pd.DataFrame:
    """Per group and tier: counts, compliance rate and alignment-faking rate with intervals.

    `af_rate` is the share of all judged transcripts in the tier that complied WITH
    alignment-faking reasoning (how the paper's Figure 1 stacks it); `af_among_compliant` is the
    share among the compliant ones.
    """
    keys = [*by, "tier"]
    counts = _indicators(frame)
    for key in keys:
        counts[key] = frame[key].astype(str)
    summary = counts.groupby(keys, sort=True).sum().reset_index()
    summary["judged"] = summary["complied"] + summary["refused"]
    summary["complied_without_af"] = summary["complied"] - summary["complied_with_af"]
    with np.errstate(divide="ignore", invalid="ignore"):
        summary["compliance_rate"] = summary["complied"] / summary["judged"]
        summary["af_rate"] = summary["complied_with_af"] / summary["judged"]
        summary["af_among_compliant"] = summary["complied_with_af"] / summary["complied"]
    low, high = wilson_arrays(summary["complied"], summary["judged"])
    summary["compliance_low"], summary["compliance_high"] = low, high
    low, high = wilson_arrays(summary["complied_with_af"], summary["judged"])
    summary["af_low"], summary["af_high"] = low, high
    if "provenance" not in keys:
        provenance = frame.groupby([frame[k].astype(str) for k in keys], sort=True)["provenance"]
        summary["provenances"] = provenance.agg(
            lambda s: ", ".join(sorted(set(s.astype(str))))
        ).to_numpy()
    return summary


def _pairs(frame: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """One row per (group, request, sample...) judged in both tiers: free and paid outcomes."""
    judged = frame[frame["complied"].notna()]
    keys = list(dict.fromkeys([*by, *PAIR_KEYS]))
    table = pd.DataFrame({key: judged[key].astype(str) for key in [*keys, "tier"]})
    table["complied"] = judged["complied"].astype(bool)
    table = table.drop_duplicates([*keys, "tier"])
    wide = table.pivot(index=keys, columns="tier", values="complied")
    if "free" not in wide or "paid" not in wide:
        return pd.DataFrame(columns=[*by, "free", "paid"])
    return wide[["free", "paid"]].dropna().reset_index()


def gap_table(frame: pd.DataFrame, by: Sequence[str] = ()) -> pd.DataFrame:
    """Per group: the compliance gap with a 95% interval, and McNemar's test on the pairs.

    Paired estimates use only requests judged in both tiers; with no pairs the gap falls back
    to the unpaired estimate from all judged transcripts.
    """
    by = list(by)
    pairs = _pairs(frame, by)
    summary = tier_summary(frame, by)
    groups = summary[by].drop_duplicates() if by else pd.DataFrame(index=[0])
    rows = []
    for _, group in groups.iterrows():
        mask = np.ones(len(pairs), dtype=bool)
        tiers = summary
        for key in by:
            mask &= (pairs[key] == group[key]).to_numpy()
            tiers = tiers[tiers[key] == group[key]]
        pair = pairs[mask]
        free = pair["free"].astype(bool).to_numpy()
        paid = pair["paid"].astype(bool).to_numpy()
        both, free_only = int(np.sum(free & paid)), int(np.sum(free & ~paid))
        paid_only, neither = int(np.sum(~free & paid)), int(np.sum(~free & ~paid))
        if len(pair):
            gap = paired_gap(both, free_only, paid_only, neither)
            p_value = mcnemar_exact(free_only, paid_only)
        else:
            counts = {row["tier"]: row for _, row in tiers.iterrows()}
            free_row, paid_row = counts.get("free"), counts.get("paid")
            gap = unpaired_gap(
                int(free_row["complied"]) if free_row is not None else 0,
                int(free_row["judged"]) if free_row is not None else 0,
                int(paid_row["complied"]) if paid_row is not None else 0,
                int(paid_row["judged"]) if paid_row is not None else 0,
            )
            p_value = math.nan
        rows.append(
            {
                **{key: group[key] for key in by},
                "free_rate": gap.free_rate,
                "paid_rate": gap.paid_rate,
                "gap": gap.gap,
                "gap_low": gap.low,
                "gap_high": gap.high,
                "method": gap.method,
                "n_pairs": len(pair),
                "free_only": free_only,
                "paid_only": paid_only,
                "mcnemar_p": p_value,
            }
        )
    return pd.DataFrame(rows)
