"""Honest counts: a reply served again from the cache is not a new sample, repeated samples of
one request widen intervals instead of shrinking them, and illustrative transcripts are never
pooled into a measured rate."""

from __future__ import annotations

from dataclasses import replace

import pytest

from alignment_faking_lab.analysis import statistics
from alignment_faking_lab.analysis.results_view import results_view
from alignment_faking_lab.calling.endpoints import Api, Endpoint
from alignment_faking_lab.calling.plan import Plan, RetryPolicy
from alignment_faking_lab.calling.response_cache import ResponseCache
from alignment_faking_lab.calling.runner import run
from alignment_faking_lab.data import storage
from alignment_faking_lab.data.catalogue import load_illustrative
from alignment_faking_lab.data.frames import transcripts_frame
from alignment_faking_lab.data.transcript import Compliance, Message, Provenance, Tier, Transcript
from alignment_faking_lab.protocol.queries import load_shipped_queries
from tests.fake_llm_server import VALID_KEY, FakeLLMServer
from tests.page_helpers import open_page, page_text

FAST_RETRY = RetryPolicy(attempts=4, backoff=0.01, max_backoff=0.05)
RUNS = ("first", "second", "third")


@pytest.fixture
def three_runs(isolated_data_dir):
    """The same 10 harmful requests run three times over the loopback model server: the second
    and third answered entirely from the reply cache. Returns every transcript written."""
    queries = [q for q in load_shipped_queries() if q.harmful][:10]
    cache = ResponseCache(isolated_data_dir / "cache" / "responses")
    (isolated_data_dir / "runs").mkdir(exist_ok=True)
    with FakeLLMServer() as server:
        endpoint = Endpoint(Api.ANTHROPIC, "Test server", server.url, VALID_KEY)
        for name in RUNS:
            plan = Plan(run_id=name, endpoint=endpoint, models=["fake-claude"], queries=queries)
            report = run(plan, isolated_data_dir / "runs" / f"{name}.jsonl", cache=cache,
                         retry=FAST_RETRY)  # fmt: skip
            assert report.completed == 20
            assert report.cached == (0 if name == "first" else 20)
        assert len(server.state.model_requests()) >= 20  # the first run only (judging aside)
    return [
        t for name in RUNS
        for t in storage.read_jsonl(isolated_data_dir / "runs" / f"{name}.jsonl").transcripts
    ]  # fmt: skip


def test_three_runs_of_ten_requests_count_ten_per_tier_not_thirty(three_runs):
    frame = transcripts_frame(three_runs)
    assert len(frame) == 60
    view = results_view(frame, sorted(frame["source"].astype(str).unique()), [], True)
    assert view.summary.set_index("tier")["n"].to_dict() == {"free": 10, "paid": 10}
    assert view.n == 20 and view.repeats == 40
    assert int(view.gaps.iloc[0]["n_pairs"]) == 10
    per_run = view.per_run.set_index("run_id")
    assert per_run.loc["first", "counted"] == 20 and per_run.loc["first", "repeats"] == 0
    assert per_run.loc["second", "repeats"] == 20 and per_run.loc["third", "counted"] == 0
    assert "20 of 60 transcripts counted; 40 set aside as repeats" in view.counting_note


def test_the_results_page_says_how_many_it_set_aside(three_runs):
    at = open_page("pages/results.py", {"data": "Transcripts loaded in the app"})
    text = page_text(at).replace("\\", "")
    assert "set aside as repeats" in text
    assert "Counted once." in text


def _sample(request: str, tier: Tier, index: int, complied: bool, **fields) -> Transcript:
    return Transcript(
        id=f"{request}-{tier.value}-{index}-{fields.get('provenance', 'live')}",
        provenance=fields.pop("provenance", Provenance.LIVE),
        tier=tier, prompt_id=request, prompt_text=request, messages=[Message("user", "x")],
        model="m", sample_index=index, harmful=True,
        compliance=Compliance.COMPLIED if complied else Compliance.REFUSED, **fields,
    )  # fmt: skip


def test_repeated_samples_of_one_request_give_the_interval_of_the_requests():
    """5 requests sampled 4 times each (20 samples per tier): the rate is over the samples, the
    interval as wide as 5 requests', not 20 independent samples'."""
    transcripts = [
        _sample(f"r{r}", tier, i, complied=tier is Tier.FREE and r < 2)
        for r in range(5) for i in range(4) for tier in Tier
    ]  # fmt: skip
    frame = transcripts_frame(transcripts)
    free = statistics.tier_summary(frame).set_index("tier").loc["free"]
    assert (free["judged"], free["requests"]) == (20, 5)
    assert free["compliance_rate"] == pytest.approx(0.4)
    low, high = statistics.wilson_interval(2, 5)
    assert (free["compliance_low"], free["compliance_high"]) == pytest.approx((low, high))
    naive_low, _ = statistics.wilson_interval(8, 20)
    assert free["compliance_low"] < naive_low
    gap = statistics.gap_table(frame).iloc[0]
    assert gap["n_pairs"] == 20 and gap["method"] == "paired (Newcombe), n = requests"
    assert gap["gap"] == pytest.approx(0.4)
    five = statistics.paired_gap(0, 2, 0, 3)
    assert (gap["gap_low"], gap["gap_high"]) == pytest.approx((five.low, five.high))


def test_illustrative_transcripts_are_their_own_group_never_pooled_into_a_measured_rate():
    live = [_sample(f"q{r}", tier, 0, complied=False) for r in range(4) for tier in Tier]
    illustrative = [t for t in load_illustrative() if t.harmful]
    frame = transcripts_frame([*live, *illustrative])
    view = results_view(frame, sorted(frame["source"].astype(str).unique()), [], True)
    assert view.split == ("provenance",)
    groups = view.summary.groupby("provenance", observed=True)["n"].sum().to_dict()
    assert groups["live"] == 8 and groups["illustrative"] == len(illustrative)
    live_free = view.summary[(view.summary["provenance"] == "live")
                             & (view.summary["tier"] == "free")].iloc[0]  # fmt: skip
    assert live_free["compliance_rate"] == 0.0  # the illustrative examples did not leak in
    # a split that keeps them apart already is left as chosen
    assert results_view(frame, sorted(frame["source"].astype(str).unique()), ["source"],
                        True).split == ("source",)  # fmt: skip
    same = [replace(t, id=t.id + "-x") for t in live]  # the same samples loaded again
    assert statistics.count_once(transcripts_frame([*live, *same]))[1].shape[0] == 8
