"""Prompt caching and the three prices: over real HTTP through the official SDKs, against the
loopback model server, which reports cached tokens as the providers do."""

from __future__ import annotations

import pytest

from alignment_faking_lab.calling import estimate, models
from alignment_faking_lab.calling.endpoints import Api
from alignment_faking_lab.calling.runner import run
from alignment_faking_lab.data import storage
from alignment_faking_lab.protocol import prompts
from tests.test_live import plan, server  # noqa: F401  (the fixture)


@pytest.mark.parametrize("api", [Api.ANTHROPIC, Api.OPENAI])
def test_a_cached_runs_transcripts_hold_the_cached_token_counts(server, tmp_path, api):  # noqa: F811
    server.state.cache_min_tokens = 200  # the shipped prompt (~860 tokens) is then cacheable
    path = tmp_path / "run.jsonl"
    report = run(plan(server, api, n=3), path)
    assert report.completed == 6
    transcripts = storage.read_jsonl(path).transcripts
    system = prompts.get_variant("default").text
    prefix_tokens = len(system) // 4
    read = [t.usage["cache_read_input_tokens"] for t in transcripts]
    # Every conversation takes two turns: the first request of the run writes the cache, and
    # every later one reads the system prompt from it.
    assert sum(read) == (2 * len(transcripts) - 1) * prefix_tokens
    assert all(t.usage["input_tokens"] > 0 and t.usage["output_tokens"] > 0 for t in transcripts)
    if api is Api.ANTHROPIC:
        assert sum(t.usage["cache_creation_input_tokens"] for t in transcripts) >= prefix_tokens
        sent = server.state.model_requests()
        assert all(e.body["system"][0]["cache_control"] == {"type": "ephemeral"} for e in sent)
        assert all(e.body["system"][0]["text"] == system for e in sent)  # the same words
        continuation = next(e for e in sent if len(e.body["messages"]) > 2)
        marked = continuation.body["messages"][-2]["content"][0]
        assert marked["text"] == "<NEXT/>" and marked["cache_control"]
    assert all(t.system_prompt == system for t in transcripts)  # what the model was told


def test_the_estimate_shows_three_prices_cheapest_as_a_batch(server):  # noqa: F811
    guess = estimate.estimate(plan(server, n=20), prices={"fake-claude": (2.0, 10.0)})
    assert guess.batch_cost_usd < guess.cached_cost_usd < guess.cost_usd
    assert guess.batch_cost_usd == pytest.approx(guess.cached_cost_usd / 2)


def test_the_actual_cost_prices_reported_usage_with_cache_and_batch_discounts(server, tmp_path):  # noqa: F811
    server.state.cache_min_tokens = 200
    path = tmp_path / "run.jsonl"
    run(plan(server, n=2), path)
    transcripts = storage.read_jsonl(path).transcripts
    prices = {"fake-claude": (1.0, 1.0)}  # $1 a million tokens: the cost is a token count
    cached = estimate.actual_cost(transcripts, prices)
    full = sum(sum(t.usage[f] for f in models._PRICED) for t in transcripts) / 1e6
    assert 0 < cached < full  # cache reads at a tenth outweigh the one write at 1.25
    for t in transcripts:
        t.request["batch"] = True
    assert estimate.actual_cost(transcripts, prices) == pytest.approx(cached / 2)


def test_old_usage_without_cache_fields_still_prices():
    discounts = models.DISCOUNTS["anthropic"]
    assert discounts.cost({"input_tokens": 1000, "output_tokens": 0}, (1.0, 5.0)) == 0.001
    assert discounts.cost({"input_tokens": "many"}, (1.0, 5.0)) == 0.0
