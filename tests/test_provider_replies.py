"""Replies that are not model replies, and replies from another address, over real HTTP."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from alignment_faking_lab.calling.endpoints import Api, Endpoint, ErrorKind, ProviderError
from alignment_faking_lab.calling.plan import Plan
from alignment_faking_lab.calling.providers import complete
from alignment_faking_lab.calling.response_cache import ResponseCache
from alignment_faking_lab.calling.runner import run, send_one
from alignment_faking_lab.data import storage
from alignment_faking_lab.data.transcript import Message, Tier
from alignment_faking_lab.protocol.queries import Query
from tests.fake_llm_server import VALID_KEY, FakeLLMServer
from tests.test_live import FAST_RETRY, PROJECT_ROOT, harmful, plan


@pytest.fixture
def server():
    with FakeLLMServer() as running:
        yield running


CASES = [(api, fault, stream) for api in Api for fault in ("html", "wrong-json")
         for stream in (False, True)]  # fmt: skip


@pytest.mark.parametrize(("api", "fault", "stream"), CASES)
def test_a_reply_that_is_not_a_model_reply_is_a_clear_error(server, api, fault, stream):
    server.state.faults.append(fault)
    url = server.url if api is Api.ANTHROPIC else server.openai_url
    with pytest.raises(ProviderError) as caught:
        complete(
            Endpoint(api, "Test server", url, VALID_KEY), "fake-claude", "system",
            [Message("user", "hello")], on_text=(lambda _: None) if stream else None,
        )  # fmt: skip
    assert caught.value.kind is ErrorKind.BAD_REPLY
    assert "answered with something that is not a model reply" in str(caught.value)
    if fault == "html" and not stream:
        assert "Sign in to the Wi-Fi" in str(caught.value)


def test_a_portal_page_fails_that_call_and_the_run_goes_on(server, tmp_path):
    server.state.faults.append("html")  # the first call: not retried, it is not a glitch
    report = run(plan(server, n=2, tiers=[Tier.PAID], concurrency=1), tmp_path / "r.jsonl",
                 retry=FAST_RETRY)  # fmt: skip
    assert report.completed == 1 and report.fatal is None
    assert "not a model reply" in report.failed[0][1]


def test_the_command_line_reports_a_portal_page_without_a_traceback(server, tmp_path):
    server.state.faults.extend(["html"] * 50)
    finished = subprocess.run(
        [sys.executable, "-m", "alignment_faking_lab", "run", "--provider", "Anthropic",
         "--base-url", server.url, "--model", "fake-claude", "--first", "1", "--tiers", "paid",
         "--out", str(tmp_path / "cli.jsonl"), "--no-cache"],
        env={**os.environ, "ANTHROPIC_API_KEY": VALID_KEY}, cwd=PROJECT_ROOT,
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert finished.returncode == 1
    assert "Traceback" not in finished.stderr
    assert "not a model reply" in finished.stderr + finished.stdout


def test_the_playground_send_reports_a_portal_page(server):
    server.state.faults.extend(["html"] * 5)
    query = Query("q1", "test", False, "Describe a thing.")
    outcome = send_one(
        Endpoint(Api.ANTHROPIC, "Test server", server.url, VALID_KEY), "fake-claude", query,
        Tier.FREE, on_text=lambda _: None,
    )  # fmt: skip
    assert outcome.transcript is None and "not a model reply" in (outcome.error or "")


def test_changing_the_sdk_address_variable_changes_the_cache_key_and_the_ids(tmp_path, monkeypatch):
    cache = ResponseCache(tmp_path / "cache")
    with FakeLLMServer() as first, FakeLLMServer() as second:
        default = Endpoint(Api.ANTHROPIC, "Anthropic", None, VALID_KEY)  # the SDK's address
        plan_ = Plan("same-name", default, ["fake-claude"], harmful(1), tiers=[Tier.PAID])
        monkeypatch.setenv("ANTHROPIC_BASE_URL", first.url)
        run(plan_, tmp_path / "a.jsonl", cache=cache, retry=FAST_RETRY)
        monkeypatch.setenv("ANTHROPIC_BASE_URL", second.url)
        report = run(plan_, tmp_path / "b.jsonl", cache=cache, retry=FAST_RETRY)
        assert report.cached == 0  # not the first server's cached reply
        assert len(second.state.model_requests()) == len(first.state.model_requests()) > 0
    [a] = storage.read_jsonl(tmp_path / "a.jsonl").transcripts
    [b] = storage.read_jsonl(tmp_path / "b.jsonl").transcripts
    assert a.id != b.id
    assert (a.request["base_url"], b.request["base_url"]) == (first.url, second.url)


def test_reply_limits_are_part_of_the_id_but_defaults_keep_old_ids(server):
    base = plan(server, n=1, tiers=[Tier.PAID])
    from alignment_faking_lab.calling.plan import plan_calls

    default_id = plan_calls(base)[0].id
    shorter = Plan(**{**base.__dict__, "max_tokens": 512})
    assert plan_calls(shorter)[0].id != default_id
    assert plan_calls(Plan(**base.__dict__))[0].id == default_id


def test_the_live_playground_shows_a_portal_page_as_an_error(monkeypatch):
    from tests.test_live_pages import key_field, live_playground, model_field

    with FakeLLMServer() as running:
        monkeypatch.setenv("ANTHROPIC_BASE_URL", running.url)
        running.state.faults.extend(["html"] * 10)
        at = live_playground()
        key_field(at).set_value(VALID_KEY)
        model_field(at).set_value("fake-claude")
        at.button(key="live_send").click().run()
        assert not at.exception, at.exception
        errors = " ".join(e.value for e in at.error)
        assert "not a model reply" in errors and "Traceback" not in errors
