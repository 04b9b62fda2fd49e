"""One writer per run file: a second run of the same name is refused, never sent twice."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import pytest

from alignment_faking_lab.calling.runner import RunReport, iter_run, run
from alignment_faking_lab.data import storage
from tests.fake_llm_server import VALID_KEY, FakeLLMServer
from tests.test_live import FAST_RETRY, PROJECT_ROOT, plan


@pytest.fixture
def server():
    with FakeLLMServer() as running:
        yield running


def test_a_second_run_of_the_same_file_in_another_thread_is_refused(server, tmp_path):
    server.state.latency = 0.2
    path = tmp_path / "same.jsonl"
    first = iter_run(plan(server, n=4, concurrency=2), path, retry=FAST_RETRY)
    next(first)  # the first run is going, one conversation saved
    refused = RunReport()
    errors: list[Exception] = []

    def second() -> None:
        try:
            run(plan(server, n=4, concurrency=2), path, retry=FAST_RETRY, report=refused)
        except storage.FileBusyError as exc:
            errors.append(exc)

    worker = threading.Thread(target=second)
    worker.start()
    worker.join(10)
    assert len(errors) == 1 and "Another run is writing to same.jsonl" in str(errors[0])
    assert refused.finished  # a page waiting on it does not hang
    for _ in first:
        pass
    ids = [t.id for t in storage.read_jsonl(path).transcripts]
    assert len(ids) == 8 == len(set(ids))
    assert len(server.state.model_requests()) == 8 * 2  # two turns each, sent once
    report = run(plan(server, n=4, concurrency=2), path, retry=FAST_RETRY)  # now free again
    assert report.already_done == 8 and len(server.state.model_requests()) == 16


def test_a_second_process_with_the_same_run_name_is_refused_clearly(server, tmp_path):
    server.state.latency = 0.3
    path = tmp_path / "cli.jsonl"
    command = [
        sys.executable, "-m", "alignment_faking_lab", "run", "--provider", "Anthropic",
        "--base-url", server.url, "--model", "fake-claude", "--prompts", "harmful",
        "--first", "4", "--concurrency", "1", "--out", str(path), "--no-cache",
    ]  # fmt: skip
    environment = {**os.environ, "ANTHROPIC_API_KEY": VALID_KEY}
    with storage.WriterLock(path):  # as a run in another window holds it
        second = subprocess.run(
            command, env=environment, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60
        )
    assert second.returncode == 2
    assert "Another run is writing to cli.jsonl" in second.stderr
    assert "Traceback" not in second.stderr
    assert server.state.model_requests() == []


def test_a_run_where_every_call_failed_does_not_say_cancelled(server, tmp_path):
    server.state.faults.extend(["500"] * 100)
    report = run(plan(server, n=2, concurrency=1), tmp_path / "fail.jsonl", retry=FAST_RETRY)
    assert len(report.failed) == 4 and not report.cancelled
    assert "Cancelled" not in report.summary()
    assert "4 failed" in report.summary() and "retry the failed ones" in report.summary()


def test_the_run_page_refuses_a_run_going_on_in_another_tab(monkeypatch):
    from alignment_faking_lab.data import paths
    from tests.test_live_pages import run_page

    with FakeLLMServer() as running:
        monkeypatch.setenv("ANTHROPIC_BASE_URL", running.url)
        at = run_page(running)
        with storage.WriterLock(paths.runs_dir() / "class-demo.jsonl"):  # the other tab's run
            at.button(key="run_start").click().run()
        assert not at.exception, at.exception
        shown = " ".join(e.value for e in at.error)
        assert "Another run is writing to class\\-demo\\.jsonl right now" in shown
        assert running.state.model_requests() == []
