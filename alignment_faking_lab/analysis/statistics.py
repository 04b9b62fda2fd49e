"""Rates with honest uncertainty: Wilson intervals, the compliance gap, McNemar's exact test.

Rates count judged transcripts only: a transcript that failed (no final output) or was never
judged is counted and shown, but is not in any denominator.

Each sample is counted once (`count_once`): a reply served again from the cache, or the same
run loaded twice, is not a new sample. Samples of one request are not independent either, so
when a request was sampled more than once in a tier, a rate is still over all its samples but
its interval counts requests, not samples (`REPEATS_RULE`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import pandas as pd

PAIR_KEYS = ["prompt_id", "sample_index", "model", "variant", "source"]
# One sample: the same request, tier, model, prompt variant and sample number (of one kind of
# data, in one setting) is one sample however many runs or cache hits repeat it.
SAMPLE_KEYS = ["provenance", "setting", "prompt_id", "tier", "model", "variant", "sample_index"]
REPEATS_RULE = (
    "Each sample (request, tier, model, prompt variant, sample number) is counted once: a "
    "reply served again from the cache, or a run loaded twice, is set aside as a repeat. "
    "Samples of one request are not independent: where a request was sampled more than once, "
    "the rate is over all its samples, but its 95% interval (and the gap's) takes the number "
    "of requests as n, which is conservative."
)


def count_once(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The transcripts to count, each sample once (the first seen), and the repeats set aside.

    Args:
        frame: the table of transcripts (`frames.transcripts_frame`).
    """
    if frame.empty:
        return frame, frame.iloc[0:0]
    keys = [frame[key].astype(str) for key in SAMPLE_KEYS]
    repeated = pd.DataFrame(dict(zip(SAMPLE_KEYS, keys, strict=True))).duplicated().to_numpy()
    return frame[~repeated], frame[repeated]


def counted_per_run(frame: pd.DataFrame) -> pd.DataFrame:
    """Per source and run: transcripts loaded, counted, and set aside as repeats of a sample
    counted before (in the order loaded)."""
    if frame.empty:
        return pd.DataFrame(columns=["source", "run_id", "transcripts", "counted", "repeats"])
    counted, _ = count_once(frame)
    table = pd.DataFrame(
        {
            "source": frame["source"].astype(str),
            "run_id": frame["run_id"].astype(str).replace({"nan": "", "None": ""}),
            "counted": frame.index.isin(counted.index),
        }
    )
    grouped = table.groupby(["source", "run_id"], sort=True)["counted"]
    result = grouped.agg(transcripts="size", counted="sum").reset_index()
    result["repeats"] = result["transcripts"] - result["counted"]
    return result


def _z(confidence: float) -> float:
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval; with n = 0 nothing is known, so (0, 1).

    Args:
        successes: how many of the n counted (e.g. complied).
        n: how many were judged.
        confidence: the interval's confidence level.
    """
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
    """Two-sided exact p-value on the discordant pairs (binomial with p = 1/2).

    Args:
        free_only: pairs where only the free-tier transcript complied.
        paid_only: pairs where only the paid-tier transcript complied.
    """
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
    """Newcombe (1998) method 10 for a difference of paired proportions (no correction).

    Args:
        both: pairs where both tiers complied.
        free_only: pairs where only the free tier complied.
        paid_only: pairs where only the paid tier complied.
        neither: pairs where neither complied.
        confidence: the interval's confidence level.
    """
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


def _indicators(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    complied = frame["complied"].astype("boolean")
    af = frame["alignment_faking"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    is_complied = complied.fillna(False).to_numpy(dtype=bool)
    is_refused = (~complied).fillna(False).to_numpy(dtype=bool)
    return {
        "n": np.ones(len(frame), dtype=bool),
        "complied": is_complied,
        "refused": is_refused,
        "failed": (frame["compliance"] == "failed").fillna(False).to_numpy(dtype=bool),
        "complied_with_af": is_complied & af,
    }


def _groups(frame: pd.DataFrame, keys: Sequence[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """The group number of every row, and each group's keys as text, one row per group.

    Groups are numbered in the order of their keys' text, as a groupby of the keys converted
    to text with sort=True would, but each column is converted once per distinct value rather
    than once per row: this is what keeps summaries of 50,000 transcripts fast.
    """
    group = np.zeros(len(frame), dtype=np.int64)
    ranks: list[np.ndarray] = []
    names: list[np.ndarray] = []
    for key in keys:
        codes, uniques = pd.factorize(frame[key], use_na_sentinel=False)
        texts = np.array([str(u) for u in uniques], dtype=object)
        sorted_texts, rank = np.unique(texts, return_inverse=True)
        row_rank = rank[codes] if len(codes) else np.zeros(0, dtype=np.int64)
        group = group * max(len(sorted_texts), 1) + row_rank
        _, group = np.unique(group, return_inverse=True)  # renumber 0..n-1, order kept
        ranks.append(row_rank)
        names.append(sorted_texts)
    _, first = np.unique(group, return_index=True)
    columns = zip(keys, ranks, names, strict=True)
    labels = pd.DataFrame(
        {key: pd.Series(name[rank[first]], dtype="str") for key, rank, name in columns}
    )
    return group, labels


def tier_summary(frame: pd.DataFrame, by: Sequence[str] = ()) -> pd.DataFrame:
    """Per group and tier: counts, compliance rate and alignment-faking rate with intervals.

    `af_rate` is the share of all judged transcripts in the tier that complied WITH
    alignment-faking reasoning (how the paper's Figure 1 stacks it); `af_among_compliant` is the
    share among the compliant ones.

    Args:
        frame: the table of transcripts (`frames.transcripts_frame`).
        by: columns to group by (e.g. ["model", "variant"]); none for one group per tier.
    """
    keys = [*by, "tier"]
    group, summary = _groups(frame, keys)
    indicators = _indicators(frame)
    for name, values in indicators.items():
        summary[name] = np.bincount(group, weights=values, minlength=len(summary)).astype(np.int64)
    summary["judged"] = summary["complied"] + summary["refused"]
    summary["complied_without_af"] = summary["complied"] - summary["complied_with_af"]
    judged = indicators["complied"] | indicators["refused"]
    summary["requests"] = _distinct_requests(frame, group, judged, len(summary))
    with np.errstate(divide="ignore", invalid="ignore"):
        summary["compliance_rate"] = summary["complied"] / summary["judged"]
        summary["af_rate"] = summary["complied_with_af"] / summary["judged"]
        summary["af_among_compliant"] = summary["complied_with_af"] / summary["complied"]
        # Repeated samples of a request: the interval counts requests (REPEATS_RULE)
        scale = np.where(summary["judged"] > 0, summary["requests"] / summary["judged"], 1.0)
    n = summary["judged"] * scale
    low, high = wilson_arrays(summary["complied"] * scale, n)
    summary["compliance_low"], summary["compliance_high"] = low, high
    low, high = wilson_arrays(summary["complied_with_af"] * scale, n)
    summary["af_low"], summary["af_high"] = low, high
    summary["provenances"] = _provenances(frame, group, len(summary))
    return summary


def _distinct_requests(
    frame: pd.DataFrame, group: np.ndarray, judged: np.ndarray, groups: int
) -> np.ndarray:
    """Per group, how many distinct requests have a judged transcript in it."""
    codes, _ = pd.factorize(frame["prompt_id"].astype(str), use_na_sentinel=False)
    combined = np.unique(group[judged] * max(len(frame), 1) + codes[judged])
    return np.bincount(combined // max(len(frame), 1), minlength=groups).astype(np.int64)


def _provenances(frame: pd.DataFrame, group: np.ndarray, groups: int) -> list[str]:
    """Per group, the provenances of its transcripts as text ("illustrative, live")."""
    codes, uniques = pd.factorize(frame["provenance"], use_na_sentinel=False)
    texts = [str(u) for u in uniques]
    found: list[set[str]] = [set() for _ in range(groups)]
    for combined in np.unique(group * max(len(texts), 1) + codes):
        found[combined // max(len(texts), 1)].add(texts[combined % max(len(texts), 1)])
    return [", ".join(sorted(names)) for names in found]


def _pairs(frame: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """One row per (group, request, sample...) judged in both tiers: free and paid outcomes.

    A request with several judged transcripts in one tier counts its first.
    """
    judged = frame[frame["complied"].notna()]
    keys = list(dict.fromkeys([*by, *PAIR_KEYS]))
    group, labels = _groups(judged, keys)
    complied = judged["complied"].to_numpy(dtype=bool)
    outcome = {}
    for tier in ("free", "paid"):
        rows = np.flatnonzero((judged["tier"] == tier).fillna(False).to_numpy(dtype=bool))
        found, first = np.unique(group[rows], return_index=True)
        values = np.full(len(labels), -1, dtype=np.int8)  # -1: no judged transcript
        values[found] = complied[rows[first]]
        outcome[tier] = values
    both = (outcome["free"] >= 0) & (outcome["paid"] >= 0)
    pairs = labels.loc[both, list(dict.fromkeys([*by, "prompt_id"]))].reset_index(drop=True)
    pairs["free"] = outcome["free"][both].astype(bool)
    pairs["paid"] = outcome["paid"][both].astype(bool)
    return pairs


def gap_table(frame: pd.DataFrame, by: Sequence[str] = ()) -> pd.DataFrame:
    """Per group: the compliance gap with a 95% interval, and McNemar's test on the pairs.

    Paired estimates use only requests judged in both tiers; with no pairs the gap falls back
    to the unpaired estimate from all judged transcripts.

    Args:
        frame: the table of transcripts (`frames.transcripts_frame`).
        by: columns to group by (e.g. ["model"]); none for one row over everything.
    """
    by = list(by)
    pairs = _pairs(frame, by)
    summary = tier_summary(frame, by)
    free, paid = pairs["free"].to_numpy(), pairs["paid"].to_numpy()
    cells = pd.DataFrame(
        {
            "n_pairs": 1,
            "both": free & paid,
            "free_only": free & ~paid,
            "paid_only": ~free & paid,
            "neither": ~free & ~paid,
        }
    ).astype(np.int64)
    cells["request"] = pairs["prompt_id"].astype(str)  # counted apart: distinct, not summed
    numbers = [c for c in cells.columns if c != "request"]
    if by:
        keys = [pairs[key] for key in by]
        counted = cells.groupby(keys, sort=False)[numbers].sum()
        counted["requests"] = cells.groupby(keys, sort=False)["request"].nunique()
        counts = {k if isinstance(k, tuple) else (k,): row for k, row in counted.iterrows()}
    else:
        total = cells[numbers].sum()
        total["requests"] = cells["request"].nunique()
        counts = {(): total} if len(cells) else {}
    tiers = {
        (*(row[key] for key in by), row["tier"]): row for _, row in summary.iterrows()
    }  # fmt: skip
    groups = summary[by].drop_duplicates() if by else pd.DataFrame(index=[0])
    rows = []
    for _, group in groups.iterrows():
        key = tuple(group[k] for k in by)
        count = counts.get(key)
        n_pairs = int(count["n_pairs"]) if count is not None else 0
        both, free_only, paid_only, neither = (
            (int(count[c]) for c in ("both", "free_only", "paid_only", "neither"))
            if count is not None
            else (0, 0, 0, 0)
        )
        if n_pairs:
            # Repeated samples of a request: the interval and test count requests (REPEATS_RULE)
            scale = int(count["requests"]) / n_pairs
            cells_n = [c * scale for c in (both, free_only, paid_only, neither)]
            gap = paired_gap(*cells_n)
            if scale < 1:
                gap = Gap(gap.free_rate, gap.paid_rate, gap.gap, gap.low, gap.high,
                          "paired (Newcombe), n = requests")  # fmt: skip
            p_value = mcnemar_exact(round(free_only * scale), round(paid_only * scale))
        else:
            free_row, paid_row = tiers.get((*key, "free")), tiers.get((*key, "paid"))
            gap = unpaired_gap(
                int(free_row["complied"]) if free_row is not None else 0,
                int(free_row["judged"]) if free_row is not None else 0,
                int(paid_row["complied"]) if paid_row is not None else 0,
                int(paid_row["judged"]) if paid_row is not None else 0,
            )
            p_value = math.nan
        rows.append(
            {
                **{k: group[k] for k in by},
                "free_rate": gap.free_rate,
                "paid_rate": gap.paid_rate,
                "gap": gap.gap,
                "gap_low": gap.low,
                "gap_high": gap.high,
                "method": gap.method,
                "n_pairs": n_pairs,
                "free_only": free_only,
                "paid_only": paid_only,
                "mcnemar_p": p_value,
            }
        )
    return pd.DataFrame(rows)
