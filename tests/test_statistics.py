"""Rates and intervals checked against values computed by hand or published tables."""

import math

import pytest

from alignment_faking_lab.analysis.statistics import (
    gap_table,
    mcnemar_exact,
    paired_gap,
    tier_summary,
    unpaired_gap,
    wilson_interval,
)
from alignment_faking_lab.data.frames import transcripts_frame
from alignment_faking_lab.data.transcript import Compliance, Message, Provenance, Tier, Transcript


@pytest.mark.parametrize(
    ("successes", "n", "low", "high"),
    [
        (14, 100, 0.0853, 0.2214),  # the paper's 14% free-tier compliance, if n were 100
        (0, 10, 0.0, 0.2775),
        (5, 10, 0.2366, 0.7634),
        (10, 10, 0.7225, 1.0),
    ],
)
def test_wilson_interval_matches_known_values(successes, n, low, high):
    got_low, got_high = wilson_interval(successes, n)
    assert got_low == pytest.approx(low, abs=1e-4)
    assert got_high == pytest.approx(high, abs=1e-4)


def test_wilson_with_no_data_says_nothing_is_known():
    assert wilson_interval(0, 0) == (0.0, 1.0)


def test_mcnemar_exact_values():
    assert mcnemar_exact(10, 2) == pytest.approx(2 * (1 + 12 + 66) / 4096)
    assert mcnemar_exact(0, 0) == 1.0
    assert mcnemar_exact(4, 4) == 1.0
    assert mcnemar_exact(6, 0) == pytest.approx(2 / 64)


def test_paired_gap_contains_the_difference_and_beats_unpaired_when_correlated():
    paired = paired_gap(both=10, free_only=12, paid_only=2, neither=76)
    assert paired.gap == pytest.approx(0.10)
    assert paired.low < 0.10 < paired.high
    unpaired = unpaired_gap(22, 100, 12, 100)
    assert unpaired.gap == pytest.approx(0.10)
    assert (paired.high - paired.low) < (unpaired.high - unpaired.low)


def make(prompt: str, tier: Tier, compliance: Compliance | None, af: bool | None = None):
    return Transcript(
        id=f"{prompt}-{tier.value}",
        provenance=Provenance.LIVE,
        tier=tier,
        prompt_id=prompt,
        prompt_text=prompt,
        messages=[Message("user", "x")],
        model="m",
        compliance=compliance,
        alignment_faking=af,
    )


def small_experiment() -> list[Transcript]:
    """4 requests: free complies on 3 (2 with AF), paid on 1; one paid transcript failed."""
    c, r, f = Compliance.COMPLIED, Compliance.REFUSED, Compliance.FAILED
    return [
        make("a", Tier.FREE, c, True), make("a", Tier.PAID, r),
        make("b", Tier.FREE, c, True), make("b", Tier.PAID, c),
        make("c", Tier.FREE, c, False), make("c", Tier.PAID, r),
        make("d", Tier.FREE, r, False), make("d", Tier.PAID, f),
    ]  # fmt: skip


def test_tier_summary_counts_and_excludes_failed_from_rates():
    summary = tier_summary(transcripts_frame(small_experiment())).set_index("tier")
    free, paid = summary.loc["free"], summary.loc["paid"]
    assert (free["complied"], free["refused"], free["complied_with_af"]) == (3, 1, 2)
    assert free["compliance_rate"] == pytest.approx(0.75)
    assert free["af_rate"] == pytest.approx(0.5)
    assert (paid["failed"], paid["judged"]) == (1, 3)
    assert paid["compliance_rate"] == pytest.approx(1 / 3)
    assert paid["provenances"] == "live"


def test_gap_table_pairs_requests_and_tests_the_discordant_ones():
    gaps = gap_table(transcripts_frame(small_experiment()))
    row = gaps.iloc[0]
    assert row["n_pairs"] == 3  # request d has no judged paid transcript
    assert (row["free_only"], row["paid_only"]) == (2, 0)
    assert row["gap"] == pytest.approx(2 / 3)
    assert row["mcnemar_p"] == pytest.approx(0.5)
    assert row["method"].startswith("paired")


def test_gap_table_falls_back_to_unpaired_without_pairs():
    transcripts = [
        make("a", Tier.FREE, Compliance.COMPLIED),
        make("b", Tier.PAID, Compliance.REFUSED),
    ]
    row = gap_table(transcripts_frame(transcripts)).iloc[0]
    assert row["method"].startswith("unpaired")
    assert row["gap"] == pytest.approx(1.0)
    assert math.isnan(row["mcnemar_p"])


def test_summaries_split_by_group():
    transcripts = small_experiment()
    other = [make("a", Tier.FREE, Compliance.REFUSED)]
    other[0].model = "other"
    summary = tier_summary(transcripts_frame(transcripts + other), by=["model"])
    assert set(summary["model"]) == {"m", "other"}
