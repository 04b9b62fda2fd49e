"""Runs sent as batches, over real HTTP through the official SDKs to the loopback server's
Anthropic Message Batches and OpenAI Batch API (tests/fake_batch_api.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace

import pytest

from alignment_faking_lab.calling import batch
from alignment_faking_lab.calling.endpoints import Api, Endpoint
from alignment_faking_lab.data import storage
from alignment_faking_lab.public.owner_gate import Ledger, Limits, OwnerGate
from tests.fake_llm_server import VALID_KEY
from tests.test_live import PROJECT_ROOT, plan, server  # noqa: F401  (the fixture)


def until_done(the_plan, path, limit: int = 6, **options) -> list[batch.BatchReport]:
    reports = [batch.advance(the_plan, path, **options)]
    while not reports[-1].finished and len(reports) < limit:
        reports.append(batch.advance(the_plan, path))
    return reports


@pytest.mark.parametrize("api", [Api.ANTHROPIC, Api.OPENAI])
def test_a_batch_run_takes_its_next_turns_as_further_batches_and_loses_nothing(
    server,  # noqa: F811
    tmp_path,
    api,
):
    server.state.cache_min_tokens = 200
    path = tmp_path / "run.jsonl"
    the_plan = plan(server, api, n=3)
    first = batch.advance(the_plan, path)
    assert first.sent == 6 and first.saved == 0 and first.waiting == 6
    assert not server.state.model_requests()  # nothing went out one by one
    reports = [first, *until_done(the_plan, path)]
    # first turns, then the <NEXT/> turns as a further batch, then the results collected
    assert [(r.sent, r.saved) for r in reports] == [(6, 0), (6, 0), (0, 6)]
    assert reports[-1].finished and not reports[-1].failed
    transcripts = storage.read_jsonl(path).transcripts
    ids = [t.id for t in transcripts]
    assert len(ids) == 6 and len(set(ids)) == 6
    assert server.state.batches.items_answered == 12  # each turn answered once
    assert {t.tier.value for t in transcripts} == {"free", "paid"}
    assert all(t.request["batch"] is True and t.request["turns"] == 2 for t in transcripts)
    assert sum(t.usage["cache_read_input_tokens"] for t in transcripts) > 0
    # done: running again sends nothing
    again = batch.advance(the_plan, path)
    assert again.sent == 0 and again.already_done == 6 and again.finished


def test_a_batch_reply_that_cannot_be_stored_is_a_failed_call_and_never_bought_again(
    server,  # noqa: F811
    tmp_path,
):
    from alignment_faking_lab.data.transcript import Compliance, Tier
    from tests.test_disk_and_reply_faults import lone_surrogate_when_free

    server.state.reply = lone_surrogate_when_free  # a free-tier answer holds "\ud83d"
    path = tmp_path / "run.jsonl"
    the_plan = plan(server, Api.ANTHROPIC, n=2)
    assert until_done(the_plan, path)[-1].finished
    loaded = storage.read_jsonl(path)
    assert not loaded.errors and len(loaded.transcripts) == 4
    free = [t for t in loaded.transcripts if t.tier is Tier.FREE]
    assert len(free) == 2
    for transcript in free:
        assert transcript.compliance is Compliance.FAILED
        assert "lone surrogate (U+D83D)" in transcript.error
    answered = server.state.batches.items_answered
    again = batch.advance(the_plan, path)
    assert again.sent == 0 and again.already_done == 4
    assert server.state.batches.items_answered == answered


def test_a_poll_with_fewer_requests_planned_keeps_the_others_and_starts_nothing(
    server,  # noqa: F811
    tmp_path,
):
    """A new session polls with the page's defaults (fewer requests than were sent): the
    other conversations' paid replies are kept, and a poll never starts new requests."""
    path = tmp_path / "run.jsonl"
    sent = plan(server, Api.ANTHROPIC, n=3)
    assert batch.advance(sent, path).sent == 6
    fewer, more = plan(server, Api.ANTHROPIC, n=1), plan(server, Api.ANTHROPIC, n=5)
    assert batch.advance(fewer, path, start_new=False).sent == 2  # only its next turns
    assert batch.advance(more, path, start_new=False).sent == 4  # next turns, nothing new
    assert until_done(sent, path)[-1].finished
    assert len(storage.read_jsonl(path).transcripts) == 6
    assert server.state.batches.items_answered == 12  # each of 6 x 2 turns bought once


def test_a_batch_survives_the_app_restarting_between_send_and_results(server, tmp_path):  # noqa: F811
    path = tmp_path / "run.jsonl"
    command = [
        sys.executable, "-m", "alignment_faking_lab", "run", "--batch", "--provider",
        "Anthropic", "--base-url", server.url, "--model", "fake-claude", "--first", "4",
        "--out", str(path), "--name", "restart",
    ]  # fmt: skip
    environment = {**os.environ, "ANTHROPIC_API_KEY": VALID_KEY}
    codes = []
    for _ in range(3):  # a new process each time: only the saved batch ids carry over
        finished = subprocess.run(command, env=environment, cwd=PROJECT_ROOT, capture_output=True)
        codes.append(finished.returncode)
        if finished.returncode == 0:
            break
    assert codes == [3, 3, 0], finished.stderr.decode()
    assert "8 of 8 conversations saved" in finished.stdout.decode()
    ids = [t.id for t in storage.read_jsonl(path).transcripts]
    assert len(ids) == 8 and len(set(ids)) == 8
    assert server.state.batches.items_answered == 16
    assert VALID_KEY not in path.read_text() + batch.state_path(path).read_text()


def test_failed_and_expired_items_are_reported_and_resent_on_request(server, tmp_path):  # noqa: F811
    server.state.batches.item_faults.extend(["errored", "expired"])
    path = tmp_path / "run.jsonl"
    the_plan = plan(server, n=2)
    reports = until_done(the_plan, path)
    last = reports[-1]
    assert last.finished and len(last.failed) == 2
    assert {reason.split(":")[0] for _, reason in last.failed} == {"failed", "expired"}
    assert len(storage.read_jsonl(path).transcripts) == 2
    assert batch.advance(the_plan, path).sent == 0  # not re-sent until asked
    resent = until_done(the_plan, path, resend_failed=True)
    assert resent[0].sent == 2 and resent[-1].finished and not resent[-1].failed
    assert len(storage.read_jsonl(path).transcripts) == 4


def test_cancel_cancels_the_batch_and_its_items_are_reported(server, tmp_path):  # noqa: F811
    server.state.batches.polls_before_end = 100
    path = tmp_path / "run.jsonl"
    the_plan = plan(server, Api.OPENAI, n=2)
    assert batch.advance(the_plan, path).sent == 4
    waiting = batch.advance(the_plan, path)
    assert waiting.waiting == 4 and "in_progress" in waiting.open_batches[0]
    assert len(batch.cancel(the_plan, path)) == 1
    after = batch.advance(the_plan, path)
    assert after.finished and len(after.failed) == 4
    assert all(reason == "cancelled" for _, reason in after.failed)
    assert server.state.batches.items_answered == 0


def test_an_expired_batch_is_reported_item_by_item(server, tmp_path):  # noqa: F811
    server.state.batches.expire_all = True
    path = tmp_path / "run.jsonl"
    reports = until_done(plan(server, n=2), path)
    assert [reason for _, reason in reports[-1].failed] == ["expired"] * 4


def test_a_batch_on_the_owners_key_counts_against_the_owners_limits(server, tmp_path):  # noqa: F811
    ledger = Ledger(tmp_path / "ledger.json")
    prices = {"fake-claude": (1000.0, 1000.0)}

    def owner_plan(limits: Limits):
        gate = OwnerGate("v", limits, ledger, prices)
        endpoint = Endpoint(Api.ANTHROPIC, "Anthropic", server.url, VALID_KEY, gate=gate)
        return replace(plan(server, n=2), endpoint=endpoint)

    refused = batch.advance(owner_plan(Limits(visitor_requests=3)), tmp_path / "a.jsonl")
    assert refused.sent == 0 and "3 more requests" in (refused.fatal or "")
    assert not server.state.batches.batches  # nothing was sent
    path = tmp_path / "b.jsonl"
    the_plan = owner_plan(Limits(visitor_requests=8, daily_usd=10_000))
    reports = until_done(the_plan, path)
    assert reports[-1].finished
    assert ledger.usage("v").requests == 8  # both turns of four conversations
    transcripts = storage.read_jsonl(path).transcripts
    real = sum(
        (t.usage["input_tokens"] + t.usage["output_tokens"]) * 0.001 / 2 for t in transcripts
    )
    assert ledger.usage("v").usd == pytest.approx(real)  # reservations settled at batch price


def test_a_direct_run_waits_for_the_batches_in_flight_then_collecting_skips_what_it_saved(
    server,  # noqa: F811
    tmp_path,
):
    server.state.batches.polls_before_end = 1
    path = tmp_path / "run.jsonl"
    the_plan = plan(server, n=2)
    assert batch.advance(the_plan, path).sent == 4
    assert batch.in_flight(path)
    command = [
        sys.executable, "-m", "alignment_faking_lab", "run", "--provider", "Anthropic",
        "--base-url", server.url, "--model", "fake-claude", "--first", "2", "--out", str(path),
        "--name", "test",
    ]  # fmt: skip
    environment = {**os.environ, "ANTHROPIC_API_KEY": VALID_KEY}
    refused = subprocess.run(command, env=environment, cwd=PROJECT_ROOT, capture_output=True)
    assert refused.returncode == 2 and b"batches in flight" in refused.stderr
    assert not server.state.model_requests()
    # A plan that shrank since: what is no longer planned is dropped, nothing crashes.
    smaller = replace(the_plan, queries=the_plan.queries[:1])
    reports = until_done(smaller, path)
    assert reports[-1].finished and not reports[-1].fatal
    assert len(storage.read_jsonl(path).transcripts) == 2


def test_a_damaged_batch_file_is_a_plain_error_and_sends_nothing(server, tmp_path):  # noqa: F811
    path = tmp_path / "run.jsonl"
    batch.state_path(path).write_text('{"batches": [', encoding="utf-8")
    report = batch.advance(plan(server, n=1), path)
    assert "cannot be read" in (report.fatal or "") and report.sent == 0
    assert not server.state.batches.batches
    assert batch.in_flight(path) == ["unreadable run.batch.json"]
    # Damaged inside: a batch entry without its fields is the same plain error, no traceback
    batch.state_path(path).write_text(
        '{"batches": [{"id": 7}], "conversations": {}, "failed": {}}', encoding="utf-8"
    )
    report = batch.advance(plan(server, n=1), path)
    assert "a batch's entry is damaged" in (report.fatal or "") and report.sent == 0
    assert batch.in_flight(path) == ["unreadable run.batch.json"]
