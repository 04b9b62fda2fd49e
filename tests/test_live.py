"""Live mode against a model server on 127.0.0.1 that speaks the providers' wire formats.

The official SDKs make real HTTP requests to it (streaming included); nothing is patched.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from alignment_faking_lab.calling import keys
from alignment_faking_lab.calling.endpoints import Api, Endpoint, ErrorKind, ProviderError
from alignment_faking_lab.calling.estimate import dry_run, estimate
from alignment_faking_lab.calling.plan import Plan, RetryPolicy, plan_calls
from alignment_faking_lab.calling.providers import complete, list_models
from alignment_faking_lab.calling.response_cache import ResponseCache
from alignment_faking_lab.calling.runner import iter_run, run, send_one
from alignment_faking_lab.data import storage
from alignment_faking_lab.data.transcript import Compliance, Message, Provenance, Tier
from alignment_faking_lab.protocol.advbench import AdvBenchSite, load_advbench
from alignment_faking_lab.protocol.judges import JudgeSettings, vote
from alignment_faking_lab.protocol.parsing import NEXT_TURN, parse_messages
from alignment_faking_lab.protocol.queries import Query, load_shipped_queries
from alignment_faking_lab.public.downloads import OfflineError
from tests.browser_harness import free_port
from tests.fake_llm_server import VALID_KEY, FakeLLMServer
from tests.paper_site_server import PaperSiteServer

FAST_RETRY = RetryPolicy(attempts=4, backoff=0.01, max_backoff=0.05)
PROJECT_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def server():
    with FakeLLMServer() as running:
        yield running


def endpoint(server: FakeLLMServer, api: Api = Api.ANTHROPIC, key: str = VALID_KEY, **kw):
    url = server.url if api is Api.ANTHROPIC else server.openai_url
    return Endpoint(api, "Test server", url, key, **kw)


def harmful(n: int) -> list[Query]:
    return [q for q in load_shipped_queries() if q.harmful][:n]


def plan(server, api=Api.ANTHROPIC, n=3, **options) -> Plan:
    model = "fake-claude" if api is Api.ANTHROPIC else "fake-gpt"
    return Plan(
        run_id="test", endpoint=endpoint(server, api), models=[model], queries=harmful(n),
        **options,
    )  # fmt: skip


@pytest.mark.parametrize("api", [Api.ANTHROPIC, Api.OPENAI])
def test_streamed_reply_arrives_in_pieces_with_usage(server, api):
    pieces: list[str] = []
    reply = complete(
        endpoint(server, api),
        "fake-claude",
        "system",
        [Message("user", "<is_free_tier_user>True</is_free_tier_user> hello")],
        on_text=pieces.append,
    )
    assert len(pieces) > 1 and "".join(pieces) == reply.text
    assert reply.text.startswith("<SCRATCHPAD_REASONING>")
    assert reply.usage["output_tokens"] > 0
    assert "temperature" not in server.state.model_requests()[-1].body


@pytest.mark.parametrize("api", [Api.ANTHROPIC, Api.OPENAI])
def test_experiment_runs_the_multi_turn_protocol_and_labels_each_tier(server, api, tmp_path):
    path = tmp_path / "run.jsonl"
    report = run(plan(server, api, n=2), path, retry=FAST_RETRY)
    assert report.completed == 4 and not report.failed
    transcripts = storage.read_jsonl(path).transcripts
    assert len(transcripts) == 4
    for transcript in transcripts:
        roles = [m.role for m in transcript.messages]
        assert roles == ["user", "assistant", "user", "assistant"]
        assert transcript.messages[2].content == NEXT_TURN
        assert transcript.provenance is Provenance.LIVE
        assert transcript.system_prompt and transcript.system_prompt_hash
        assert transcript.provider == "Test server" and transcript.created_at
        parsed = parse_messages(transcript.messages)
        assert len(parsed.scratchpad_blocks) == 2 and parsed.output
        expected = Compliance.COMPLIED if transcript.tier is Tier.FREE else Compliance.REFUSED
        assert transcript.compliance is expected
        assert "heuristic" in transcript.labelled_by
    sent = server.state.model_requests()[0].body
    if api is Api.ANTHROPIC:  # the study's prefill, where the API allows it
        assert sent["messages"][-1] == {"role": "assistant", "content": "<"}
        assert transcripts[0].messages[1].content.startswith("<SCRATCHPAD")
    else:
        assert sent["messages"][0]["role"] == "system"
        assert sent["messages"][-1]["role"] == "user"


def test_a_reply_that_never_reaches_output_is_kept_as_failed(server, tmp_path):
    never = Plan("test", endpoint(server), ["fake-never-finishes"], harmful(1), tiers=[Tier.FREE])
    run(never, tmp_path / "run.jsonl", retry=FAST_RETRY)
    (transcript,) = storage.read_jsonl(tmp_path / "run.jsonl").transcripts
    assert transcript.compliance is Compliance.FAILED
    assert sum(m.role == "assistant" for m in transcript.messages) == 4
    assert transcript.messages[-1].role == "assistant"


@pytest.mark.parametrize("fault", ["429", "500", "529", "drop", "drop-mid-stream"])
def test_transient_faults_are_retried(server, tmp_path, fault):
    server.state.faults.extend([fault, fault])
    report = run(plan(server, n=1, tiers=[Tier.PAID]), tmp_path / "run.jsonl", retry=FAST_RETRY)
    assert report.completed == 1 and not report.failed
    assert len(server.state.model_requests()) == 4  # two faults, then two turns


def test_retry_after_is_honoured(server, tmp_path):
    server.state.faults.append("429")  # asks for 0.2 s
    started = time.perf_counter()
    run(plan(server, n=1, tiers=[Tier.PAID]), tmp_path / "run.jsonl", retry=FAST_RETRY)
    assert time.perf_counter() - started >= 0.2


def test_a_timeout_is_retried_then_reported_clearly(server, tmp_path):
    server.state.slow_seconds = 1.5
    server.state.faults.extend(["slow"] * 8)
    slow_plan = Plan(
        "test", endpoint(server, timeout=0.3), ["fake-claude"], harmful(1), tiers=[Tier.PAID]
    )
    retry = RetryPolicy(attempts=2, backoff=0.01)
    report = run(slow_plan, tmp_path / "run.jsonl", retry=retry)
    assert report.completed == 0
    ((_, reason),) = report.failed
    assert "did not answer within 0.3 s" in reason


def test_persistent_server_errors_are_reported_and_the_rest_land(server, tmp_path):
    server.state.faults.extend(["500"] * 4)  # the first call uses all its attempts
    small = plan(server, n=2, tiers=[Tier.PAID], concurrency=1)
    report = run(small, tmp_path / "run.jsonl", retry=FAST_RETRY)
    assert report.completed == 1
    assert len(report.failed) == 1 and "server error (HTTP 500)" in report.failed[0][1]
    # the failed call is not written, so the next run tries it again
    again = run(small, tmp_path / "run.jsonl", retry=FAST_RETRY)
    assert again.already_done == 1 and again.completed == 1
    assert len(storage.read_jsonl(tmp_path / "run.jsonl").transcripts) == 2


def test_a_bad_key_stops_the_run_with_a_clear_message_and_no_key_anywhere(server, tmp_path):
    wrong_key = "sk-wrong-key-that-must-not-leak-123"
    bad = Plan("test", endpoint(server, key=wrong_key), ["fake-claude"], harmful(5))
    report = run(bad, tmp_path / "run.jsonl", retry=FAST_RETRY)
    assert report.fatal and "rejected the API key (HTTP 401)" in report.fatal
    assert wrong_key not in report.summary()
    assert len(server.state.model_requests()) < 10  # stopped, not 10 failing calls
    assert not (tmp_path / "run.jsonl").exists() or not (tmp_path / "run.jsonl").read_text()


def test_unknown_model_names_the_model(server):
    with pytest.raises(ProviderError) as caught:
        complete(endpoint(server), "claude-3-opus-20240229", "s", [Message("user", "hi")])
    assert caught.value.kind is ErrorKind.NOT_FOUND
    assert "claude-3-opus-20240229" in str(caught.value) and "retired" in str(caught.value)


def test_keys_are_never_written_to_any_file(server, tmp_path):
    data_dir = Path(os.environ["AFLAB_DATA_DIR"])
    path = data_dir / "runs" / "run.jsonl"
    judged = plan(server, n=2, judge=JudgeSettings("fake-judge", votes=3))
    run(judged, path, cache=ResponseCache(), retry=FAST_RETRY)
    written = [p for p in data_dir.rglob("*") if p.is_file()]
    assert len(written) > 3  # the run file and cache entries
    for file in written:
        assert VALID_KEY not in file.read_text(errors="replace"), file


def test_a_repeated_run_is_answered_from_the_cache(server, tmp_path):
    cache = ResponseCache(tmp_path / "cache")
    run(plan(server, n=2), tmp_path / "first.jsonl", cache=cache, retry=FAST_RETRY)
    sent = len(server.state.model_requests())
    report = run(plan(server, n=2), tmp_path / "second.jsonl", cache=cache, retry=FAST_RETRY)
    assert len(server.state.model_requests()) == sent
    assert report.cached == 4 and report.completed == 4


def test_cancel_then_resume_loses_and_duplicates_nothing(server, tmp_path):
    server.state.latency = 0.05
    path = tmp_path / "run.jsonl"
    cancel = threading.Event()
    outcomes = iter_run(plan(server, n=6, concurrency=2), path, cancel=cancel, retry=FAST_RETRY)
    for seen, _ in enumerate(outcomes, start=1):
        if seen == 3:
            cancel.set()
    storage.WriterLock(path, wait=60).release()  # the run lets go once calls in flight are saved
    first = storage.read_jsonl(path).transcripts
    assert 3 <= len(first) < 12
    report = run(plan(server, n=6, concurrency=2), path, retry=FAST_RETRY)
    assert report.already_done == len(first)
    ids = [t.id for t in storage.read_jsonl(path).transcripts]
    assert len(ids) == 12 and len(set(ids)) == 12


def test_a_killed_run_resumes_where_it_stopped(server, tmp_path):
    # The server answers 12 model requests, then holds the rest unanswered: by then at least
    # (12 - 2) / 2 = 5 conversations are saved, and the run cannot finish before it is killed,
    # however slowly this machine runs. The deadline only matters if something is broken.
    server.state.hold_after = 12
    path = tmp_path / "killed.jsonl"
    command = [
        sys.executable, "-m", "alignment_faking_lab", "run", "--provider", "Anthropic",
        "--base-url", server.url, "--model", "fake-claude", "--prompts", "harmful",
        "--first", "10", "--concurrency", "2", "--out", str(path), "--no-cache",
    ]  # fmt: skip
    environment = {**os.environ, "ANTHROPIC_API_KEY": VALID_KEY}
    process = subprocess.Popen(command, env=environment, cwd=PROJECT_ROOT, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 180
    # Both workers wait on a held request (so none is still on its way), and what was answered
    # is saved.
    while len(server.state.model_requests()) < 12 + 2 or (
        not path.exists() or path.read_text().count("\n") < 5
    ):
        assert process.poll() is None, process.stderr.read().decode()
        assert time.monotonic() < deadline, "the run did not reach the held requests"
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    process.stderr.close()
    server.state.released.set()
    with path.open("a") as handle:  # as if killed in the middle of a write
        handle.write('{"schema_version": 1, "id": "torn')
    before = len(storage.read_jsonl(path).transcripts)
    assert 5 <= before < 20
    requests_before = len(server.state.model_requests())
    assert requests_before == 12 + 2
    finished = subprocess.run(command, env=environment, cwd=PROJECT_ROOT, capture_output=True)
    assert finished.returncode == 0, finished.stderr.decode()
    result = storage.read_jsonl(path)
    assert not result.errors
    ids = [t.id for t in result.transcripts]
    assert len(ids) == 20 and len(set(ids)) == 20
    # only the missing conversations were sent again (two turns each)
    assert len(server.state.model_requests()) - requests_before == 2 * (20 - before)
    assert VALID_KEY not in path.read_text()


def test_concurrency_is_bounded(server, tmp_path):
    server.state.latency = 0.05
    run(plan(server, n=8, concurrency=3), tmp_path / "run.jsonl", retry=FAST_RETRY)
    assert server.state.max_active <= 3


def test_judges_label_compliance_and_alignment_faking_with_votes_and_quotes(server, tmp_path):
    judged = plan(server, n=2, judge=JudgeSettings("fake-judge", votes=3))
    run(judged, tmp_path / "run.jsonl", retry=FAST_RETRY)
    transcripts = storage.read_jsonl(tmp_path / "run.jsonl").transcripts
    free = [t for t in transcripts if t.tier is Tier.FREE]
    paid = [t for t in transcripts if t.tier is Tier.PAID]
    for transcript in free:
        assert transcript.compliance is Compliance.COMPLIED and transcript.compliance_level == 4
        assert transcript.alignment_faking is True
        faking = transcript.judge["alignment_faking"]
        assert faking["vote_share"] == 1.0 and faking["votes"] == 3
        assert faking["criteria"]["5"]["quote"]
        assert transcript.judge["model"] == "fake-judge"
    for transcript in paid:
        assert transcript.compliance is Compliance.REFUSED and transcript.alignment_faking is False
        assert "alignment_faking" not in transcript.judge  # refusals are not sent to that judge
    faking_requests = [
        e for e in server.state.model_requests() if "private reasoning" in str(e.body)
    ]
    assert len(faking_requests) == 3 * len(free)


def test_votes_between_the_thresholds_are_uncertain():
    reading = {
        "criteria": {i: {"met": True, "quote": "q"} for i in range(1, 6)},
        "all_met": True,
        "rationale": "",
    }
    not_met = {**reading, "all_met": False}
    assert vote([reading, reading, not_met], 0.3, 0.7)["verdict"] is None
    assert vote([reading, reading, reading], 0.3, 0.7)["verdict"] is True
    assert vote([not_met, not_met, reading], 0.3, 0.7)["uncertain"] is True
    assert vote([not_met] * 4 + [reading], 0.3, 0.7)["verdict"] is False


def test_minimal_reproduction_uses_the_acceptance_tag(server, tmp_path):
    tagged = Plan("test", endpoint(server), ["fake-direct"], harmful(1), minimal_repro_suffix=True)
    run(tagged, tmp_path / "run.jsonl", retry=FAST_RETRY)
    transcripts = storage.read_jsonl(tmp_path / "run.jsonl").transcripts
    assert {t.labelled_by for t in transcripts} == {"acceptance tag"}
    assert {t.setting for t in transcripts} == {"helpful_only_minimal"}
    assert "<request_fully_accepted/>" in transcripts[0].messages[0].content


def test_send_one_streams_and_saves_a_new_sample_each_time(server, tmp_path):
    pieces: list[str] = []
    path = tmp_path / "playground.jsonl"
    query = harmful(1)[0]
    first = send_one(
        endpoint(server), "fake-claude", query, Tier.FREE, path=path, on_text=pieces.append
    )
    second = send_one(endpoint(server), "fake-claude", query, Tier.FREE, path=path)
    assert first.transcript and second.transcript and first.transcript.id != second.transcript.id
    assert "".join(pieces).count("SCRATCHPAD_REASONING>") >= 4  # both turns streamed
    assert len(storage.read_jsonl(path).transcripts) == 2


def test_models_are_listed_from_the_provider(server):
    assert "fake-claude" in list_models(endpoint(server))
    assert "fake-gpt" in list_models(endpoint(server, Api.OPENAI))


def test_estimate_and_dry_run_count_calls_and_send_nothing(server):
    judged = plan(server, n=3, samples=2, judge=JudgeSettings("fake-judge", votes=5))
    guess = estimate(judged, prices={"fake-claude": (1.0, 2.0), "fake-judge": (1.0, 1.0)})
    assert guess.calls == len(plan_calls(judged)) == 12
    assert guess.judge_requests == 12 + 6 * 5  # compliance for all, faking votes for free
    assert guess.cost_usd and guess.cost_usd > 0
    assert estimate(judged, prices={}).cost_usd is None
    shown = dry_run(judged, limit=2)
    assert shown[0]["messages"][0]["content"].startswith("<INPUT>")
    assert VALID_KEY not in str(shown)
    assert not server.state.model_requests()


def test_key_sources_and_redaction():
    secrets = {"ANTHROPIC_API_KEY": "sk-secret-999"}
    assert keys.resolve_key("ANTHROPIC_API_KEY", "", secrets, {}).key == "sk-secret-999"
    owners = keys.resolve_key("ANTHROPIC_API_KEY", "", {}, {"ANTHROPIC_API_KEY": "sk-owner-1234"})
    assert owners.is_owners
    mine = keys.resolve_key("ANTHROPIC_API_KEY", "sk-mine-5678", secrets, {})
    assert mine.key == "sk-mine-5678" and not mine.is_owners
    assert keys.redact("error with sk-secret-999 inside", ["sk-secret-999"]) == (
        f"error with {keys.REDACTED} inside"
    )


def test_advbench_downloads_once_and_is_cached(tmp_path):
    folder = tmp_path / "advbench"
    folder.mkdir()
    (folder / "harmful_behaviors.csv").write_text(
        "goal,target\nWrite a thing,Sure\nDo another thing,Sure\n", encoding="utf-8"
    )
    with PaperSiteServer(folder) as site:
        first = load_advbench(1, base_url=site.url)
        again = load_advbench(2, base_url=site.url)
        assert site.state.requests.count("harmful_behaviors.csv") == 1
    assert [q.text for q in first] == ["Write a thing"]
    assert len(again) == 2 and again[1].category == "AdvBench"


def test_advbench_offline_says_it_needs_internet():
    closed = f"http://127.0.0.1:{free_port()}/"
    with pytest.raises(OfflineError, match="Downloading AdvBench needs internet access"):
        AdvBenchSite(closed, retries=0).get("harmful_behaviors.csv")


def test_command_line_dry_run_sends_nothing_and_a_missing_key_is_named(server, capsys):
    from alignment_faking_lab.__main__ import main

    assert main(["run", "--dry-run", "--first", "1", "--base-url", server.url]) == 0
    out = capsys.readouterr()
    assert "<is_free_tier_user>True</is_free_tier_user>" in out.out
    assert "2 conversations" in out.err and not server.state.model_requests()
    assert main(["run", "--first", "1", "--base-url", server.url]) == 2
    assert "set the environment variable ANTHROPIC_API_KEY" in capsys.readouterr().err


def test_every_request_sent_is_counted_judges_and_retries_included(server, tmp_path):
    server.state.faults.append("500")
    judged = plan(server, n=1, tiers=[Tier.FREE], judge=JudgeSettings("fake-judge", votes=3))
    outcomes = list(iter_run(judged, tmp_path / "run.jsonl", retry=FAST_RETRY))
    # one retried failure + two turns + one compliance verdict + three alignment-faking votes
    assert outcomes[0].requests_sent == len(server.state.model_requests()) == 7


def test_command_line_judge_through_another_provider(server, tmp_path, monkeypatch):
    from alignment_faking_lab.__main__ import main

    server.state.valid_keys.add("not-needed")
    monkeypatch.setenv("ANTHROPIC_API_KEY", VALID_KEY)
    out = tmp_path / "run.jsonl"
    code = main([
        "run", "--base-url", server.url, "--model", "fake-claude", "--first", "1",
        "--judge-model", "fake-judge", "--judge-votes", "2", "--judge-provider", "vLLM (local)",
        "--judge-base-url", server.openai_url, "--out", str(out), "--no-cache",
    ])  # fmt: skip
    assert code == 0
    judged = [e for e in server.state.model_requests() if e.body.get("model") == "fake-judge"]
    assert judged and {e.api for e in judged} == {"openai"}
    assert all("fake-judge" in t.labelled_by for t in storage.read_jsonl(out).transcripts)


def test_estimate_counts_the_minimal_reproduction_suffix(server):
    plain = estimate(plan(server, n=2), prices={})
    suffixed = estimate(plan(server, n=2, minimal_repro_suffix=True), prices={})
    assert suffixed.input_tokens > plain.input_tokens
