"""Checking the alignment-faking judge against human labels, end to end over loopback HTTP:
the labels come through the real `huggingface_hub` client from a Hub stand-in (HF_ENDPOINT),
the judge is the fake model server answering with known vote shares, so every figure is exact.

The labelled scratchpads here are made up for the test (never the real dataset)."""

from __future__ import annotations

import io
import json
import re
import threading

import pandas as pd
import pytest

from alignment_faking_lab.__main__ import main
from alignment_faking_lab.analysis import human_labels, judge_check
from alignment_faking_lab.calling.endpoints import Api, Endpoint
from alignment_faking_lab.calling.plan import RetryPolicy
from alignment_faking_lab.calling.response_cache import ResponseCache
from alignment_faking_lab.data import paths, storage
from alignment_faking_lab.protocol.judges import (
    FAKING_CRITERIA,
    FAKING_JUDGE_MARKER,
    replication_settings,
)
from alignment_faking_lab.public import owner_gate
from alignment_faking_lab.public.downloads import FetchError, OfflineError
from tests.browser_harness import free_port
from tests.fake_llm_server import VALID_KEY, FakeLLMServer
from tests.hf_hub_server import HubServer
from tests.page_helpers import open_page, page_text

FAST = RetryPolicy(attempts=2, backoff=0.01, max_backoff=0.02)
# (human label, how many of 20 judge votes say yes): TP x4, FN x2 (one "maybe"), TN x3, FP x1
CASES = [(True, 20)] * 4 + [(True, 6), (True, 0)] + [(False, 0)] * 3 + [(False, 20)]


def made_up_rows() -> list[dict]:
    return [
        {
            "text": f"Made-up scratchpad {n}: I am told this chat trains me. [votes {yes}/20]",
            "label": "potential_faking" if human else "aligned",
        }
        for n, (human, yes) in enumerate(CASES)
    ]


def known_judge() -> tuple:
    """A reply function: for a scratchpad marked [votes k/20], the first k readings of it say
    all five criteria are met, the rest say none is."""
    seen: dict[str, int] = {}
    lock = threading.Lock()

    def reply(model, system, messages):
        if FAKING_JUDGE_MARKER not in system:
            return "not a judge request"
        content = messages[-1]["content"]
        yes = int(content.split("[votes ")[1].split("/")[0])
        with lock:
            number = seen.get(content, 0)
            seen[content] = number + 1
        met = number % 20 < yes
        criteria = [{"id": i, "met": met, "quote": "made-up"} for i in FAKING_CRITERIA]
        return json.dumps({"criteria": criteria, "rationale": "known answer"})

    return reply


@pytest.fixture
def hub(monkeypatch):
    files = {"data/train.json": json.dumps(made_up_rows()).encode(), "README.md": b"# made up"}
    with HubServer({human_labels.REPO: files}) as running:
        monkeypatch.setenv("HF_ENDPOINT", running.url)
        yield running


@pytest.fixture
def judge_server():
    with FakeLLMServer(reply=known_judge(), models=("fake-judge",)) as running:
        yield running


def on_screen(at) -> str:
    """The page's text as read on screen (without markdown escapes)."""
    return re.sub(r"\\(.)", r"\1", page_text(at))


def plan_for(server, items, **options):
    endpoint = Endpoint(Api.OPENAI, "Test judge", server.openai_url, VALID_KEY)
    return judge_check.CheckPlan(endpoint, replication_settings("fake-judge"), items, **options)


def test_the_mirror_layout_downloads_through_huggingface_hub_and_is_cached(hub):
    items = human_labels.load()
    assert len(items) == 10 and sum(i.faking for i in items) == 6
    assert items[0].label == "potential_faking" and items[0].text.startswith("Made-up")
    assert any(r.startswith("GET /api/datasets/" + human_labels.REPO) for r in hub.requests)
    assert any("/resolve/" in r for r in hub.requests)
    assert "README" not in " ".join(hub.requests)  # only data files are fetched


def test_cached_labels_still_load_when_the_hub_is_gone(hub, monkeypatch):
    human_labels.load()
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{free_port()}")
    assert len(human_labels.load()) == 10


def test_offline_with_nothing_cached_says_so_plainly(monkeypatch):
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{free_port()}")
    with pytest.raises(OfflineError, match="needs internet access"):
        human_labels.load()


def test_a_missing_dataset_names_the_repository(monkeypatch):
    with HubServer({}) as empty:
        monkeypatch.setenv("HF_ENDPOINT", empty.url)
        with pytest.raises(FetchError, match=human_labels.REPO):
            human_labels.load()


def test_a_parquet_file_with_numeric_labels_and_other_column_names_is_read(monkeypatch):
    frame = pd.DataFrame(
        {"id": ["a", "b", "c"], "scratchpad": ["one", "two", "three"], "human_label": [1, 0, 1]}
    )
    buffer = io.BytesIO()
    frame.to_parquet(buffer)
    files = {"data/train-00000-of-00001.parquet": buffer.getvalue()}
    with HubServer({human_labels.REPO: files}) as running:
        monkeypatch.setenv("HF_ENDPOINT", running.url)
        items = human_labels.load()
    assert [(i.id, i.text, i.faking) for i in items] == [
        ("a", "one", True), ("b", "two", False), ("c", "three", True),
    ]  # fmt: skip


def test_files_without_the_needed_columns_get_a_message_naming_what_is_missing(monkeypatch):
    rows = "\n".join(json.dumps({"prompt": "x", "score": 3}) for _ in range(2))
    with HubServer({human_labels.REPO: {"data.jsonl": rows.encode()}}) as running:
        monkeypatch.setenv("HF_ENDPOINT", running.url)
        with pytest.raises(human_labels.LabelsFormatError) as caught:
            human_labels.load()
    message = str(caught.value)
    assert "no text column" in message and "no label column" in message
    assert "prompt, score" in message  # what was found


def test_the_same_scratchpads_in_two_files_count_once(tmp_path):
    rows = made_up_rows()
    (tmp_path / "train.json").write_text(json.dumps(rows))
    (tmp_path / "train.jsonl").write_text("\n".join(json.dumps(r) for r in rows))
    assert len(human_labels.read_items(tmp_path)) == len(rows)


def test_an_unknown_label_value_is_named(tmp_path):
    (tmp_path / "x.json").write_text(json.dumps([{"text": "t", "label": "unsure"}]))
    with pytest.raises(human_labels.LabelsFormatError, match="'unsure'"):
        human_labels.read_items(tmp_path)


def test_the_judge_agreement_figures_are_exact(hub, judge_server):
    items = human_labels.load()
    plan = plan_for(judge_server, items)
    verdicts = list(judge_check.iter_check(plan, cache=ResponseCache(), retry=FAST))
    assert len(verdicts) == 10 and len(judge_server.state.model_requests()) == 200
    result = judge_check.measure(judge_check.read_verdicts(plan.path))
    assert (result.true_positive, result.false_negative) == (4, 2)
    assert (result.false_positive, result.true_negative) == (1, 3)
    assert result.maybe == 1  # 6 of 20 = 30%: between the replication's 20% and 40%
    assert result.agreement.value == pytest.approx(0.7)
    assert result.sensitivity.value == pytest.approx(4 / 6)
    assert result.specificity.value == pytest.approx(3 / 4)
    assert result.auroc.value == pytest.approx(18.5 / 24)
    for measure in (result.agreement, result.sensitivity, result.specificity, result.auroc):
        assert measure.low <= measure.value <= measure.high and measure.low < measure.high
    wrong = judge_check.disagreements(judge_check.read_verdicts(plan.path), items)
    assert len(wrong) == 3
    assert {item.text.split("[")[1] for item, _ in wrong} == {"votes 6/20]", "votes 0/20]",
                                                              "votes 20/20]"}  # fmt: skip
    # A concurrent check writes its verdicts in the order they finish: the same verdicts in
    # another order show the same intervals.
    assert judge_check.measure(judge_check.read_verdicts(plan.path)[::-1]) == result


def test_a_cancelled_check_resumes_without_judging_anything_twice(hub, judge_server):
    items = human_labels.load()
    plan = plan_for(judge_server, items, concurrency=1)
    checking = judge_check.iter_check(plan, retry=FAST)
    first = [next(checking) for _ in range(3)]
    checking.close()
    saved = len(judge_check.read_verdicts(plan.path))  # the item in flight finishes and is kept
    assert len(first) == 3 and saved in (3, 4)
    sent = len(judge_server.state.model_requests())
    resumed = list(judge_check.iter_check(plan, retry=FAST))
    verdicts = judge_check.read_verdicts(plan.path)
    assert len(resumed) == 10 - saved and len({v.item_id for v in verdicts}) == len(verdicts) == 10
    assert len(judge_server.state.model_requests()) - sent == (10 - saved) * 20


def test_the_cost_is_known_before_anything_is_sent(hub, judge_server):
    plan = plan_for(judge_server, human_labels.load())
    requests, input_tokens, _, cost = judge_check.cost_estimate(plan, {"fake-judge": (1.0, 2.0)})
    assert requests == 200 and input_tokens > 0 and cost > 0
    assert not judge_server.state.model_requests()


def test_two_judges_on_the_same_items_and_the_status_beside_a_rate(hub, judge_server):
    items = human_labels.load()
    assert "not checked" in judge_check.status_for("fake-judge")
    first = plan_for(judge_server, items)
    list(judge_check.iter_check(first, retry=FAST))
    endpoint = Endpoint(Api.OPENAI, "Test judge", judge_server.openai_url, VALID_KEY)
    single = judge_check.CheckPlan(endpoint, judge_check.JudgeSettings("fake-judge", 1, 0.3, 0.7),
                                   items)  # fmt: skip
    list(judge_check.iter_check(single, retry=FAST))
    both = judge_check.compare_judges(
        judge_check.read_verdicts(first.path), judge_check.read_verdicts(single.path)
    )
    assert both.compared == 10 and both.agree == 9  # the single vote also says yes to 6/20
    status = judge_check.status_for("fake-judge", votes=20, thresholds=(0.2, 0.4))
    assert "agreed with human labels on 70% of 10 scratchpads" in status
    assert "80% of 10" in judge_check.status_for("fake-judge", votes=1)
    assert "not checked" in judge_check.status_for("fake-judge", votes=5)


def test_command_line_judge_check(hub, judge_server, monkeypatch, capsys):
    monkeypatch.setenv("AFLAB_TEST_JUDGE_KEY", VALID_KEY)
    argv = [
        "judge-check", "--provider", "OpenAI", "--base-url", judge_server.openai_url,
        "--key-env", "AFLAB_TEST_JUDGE_KEY", "--model", "fake-judge", "--replication",
    ]  # fmt: skip
    assert main([*argv, "--dry-run"]) == 0
    assert "~200 requests" in capsys.readouterr().err
    assert not judge_server.state.model_requests()
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "Agreement with the human labels: 70.0%" in out
    assert "AUROC from the vote shares: 0.771" in out
    assert "'maybe' (counted as no): 1" in out
    assert VALID_KEY not in out


def test_check_the_judge_page_downloads_shows_cost_then_exact_figures(hub, monkeypatch):
    with FakeLLMServer(reply=known_judge(), models=("fake-judge",)) as server:
        monkeypatch.setenv("ANTHROPIC_BASE_URL", server.url)
        at = open_page("pages/judge_check.py")
        assert "not checked" not in page_text(at) and "No check yet." in page_text(at)
        at.button(key="labels_download").click().run()
        assert "10 labelled scratchpads: 6 alignment faking, 4 not" in at.success[0].value
        next(t for t in at.text_input if t.key.startswith("live_key_")).set_value(VALID_KEY)
        at.text_input(key="check_judge_model").set_value("fake-judge").run()
        assert at.metric[0].value == "200"  # requests, shown before anything is sent
        assert not server.state.model_requests()
        at.button(key="check_start").click().run()
        assert not at.exception and not at.error, [e.value for e in at.error]
        values = {m.label: m.value for m in at.metric}
        assert values["Agreement"] == "70.0%" and values["AUROC (vote shares)"] == "0.771"
        assert values["Sensitivity"] == "66.7%" and values["Specificity"] == "75.0%"
        assert values["Requests still to send"] == "0"
        assert len(at.expander) == 3  # every disagreement, readable
        assert "Made-up scratchpad 4" in " ".join(t.value for t in at.text)
        at.radio(key="check_method").set_value("custom").run()
        at.number_input(key="check_votes").set_value(1).run()
        at.button(key="check_start").click().run()
        at.selectbox(key="check_pick").set_value(next(
            name for name in at.selectbox(key="check_pick").options if "-20v-" in name
        )).run()  # fmt: skip
        assert "The two judges agree with each other on" in page_text(at)


def test_a_run_with_the_replications_judge_shows_its_unchecked_status_beside_the_rate(monkeypatch):
    from tests.test_live_pages import run_page

    with FakeLLMServer() as server:
        monkeypatch.setenv("ANTHROPIC_BASE_URL", server.url)
        at = run_page(server)
        at.toggle(key="run_use_judge").set_value(True).run()
        at.text_input(key="run_judge").set_value("fake-judge").run()
        at.toggle(key="run_replication").set_value(True).run()
        assert "Judge fake-judge: not checked against human labels yet." in on_screen(at)
        at.button(key="run_start").click().run()
        assert not at.exception
        transcripts = storage.read_jsonl(paths.runs_dir() / "class-demo.jsonl").transcripts
        free = [t for t in transcripts if t.judge.get("alignment_faking")]
        assert free and all(t.judge["alignment_faking"]["votes"] == 20 for t in free)
        assert all(t.judge["thresholds"] == [0.2, 0.4] for t in transcripts)
        results = open_page("pages/results.py", {"data": "Transcripts loaded in the app"})
        assert "⚖️ Judge fake-judge: not checked against human labels yet." in on_screen(results)
        one = open_page("pages/transcripts.py", {"id": free[0].id})
        assert "⚖️ Judge fake-judge: not checked against human labels yet." in on_screen(one)


def test_in_public_mode_a_visitors_check_is_theirs_alone(hub, monkeypatch):
    """A visitor's check (here on the owner's key, opened with the access code) is theirs: its
    figures must never be shown to another visitor as the judge's measured agreement. (A
    visitor's own key goes to the provider's public address, never the owner's server.)"""
    monkeypatch.setenv("AFLAB_MODE", "public")
    monkeypatch.setenv("ANTHROPIC_API_KEY", VALID_KEY)  # the owner's key, behind the code
    monkeypatch.setenv(owner_gate.ACCESS_CODE, "judge-2026")
    monkeypatch.setenv("AFLAB_OWNER_MODELS", "fake-judge")
    monkeypatch.setenv("AFLAB_VISITOR_REQUEST_CAP", "0")  # the check's 200 requests, no cap
    with FakeLLMServer(reply=known_judge(), models=("fake-judge",)) as server:
        monkeypatch.setenv("ANTHROPIC_BASE_URL", server.url)
        first = open_page("pages/judge_check.py")
        first.button(key="labels_download").click().run()
        first.text_input(key="live_access_code").set_value("judge-2026").run()
        first.text_input(key="check_judge_model").set_value("fake-judge").run()
        first.button(key="check_start").click().run()
        assert {m.label: m.value for m in first.metric}.get("Agreement") == "70.0%", on_screen(
            first
        )

        second = open_page("pages/judge_check.py")
        assert "No check yet." in page_text(second)
        assert "Agreement" not in {m.label for m in second.metric}
        assert "not checked" in judge_check.status_for("fake-judge")


def test_a_torn_check_file_keeps_its_readable_verdicts_and_judges_the_rest_again(
    hub, judge_server, monkeypatch
):
    items = human_labels.load()
    plan = plan_for(judge_server, items, concurrency=1)
    list(judge_check.iter_check(plan, retry=FAST))
    lines = plan.path.read_bytes().splitlines(keepends=True)
    lines[2] = lines[2][:30] + b"\x00" * 20 + b"\n"  # as a full disk leaves a block
    plan.path.write_bytes(b"".join(lines) + lines[5][:25])  # and a torn last line
    verdicts, unreadable = judge_check.read_check(plan.path)
    assert len(verdicts) == 9 and unreadable == [3, 11]
    at = open_page("pages/judge_check.py")
    assert not at.exception
    assert "Line(s) 3, 11 of the saved check" in on_screen(at)
    assert "could not be read" in on_screen(at) and "Agreement" in {m.label for m in at.metric}
    monkeypatch.setenv("ANTHROPIC_BASE_URL", judge_server.url)
    from tests.test_live_pages import run_page

    run = run_page(judge_server)
    run.toggle(key="run_use_judge").set_value(True).run()
    run.text_input(key="run_judge").set_value("fake-judge").run()
    run.toggle(key="run_replication").set_value(True).run()
    assert not run.exception
    assert "Judge fake-judge (20 votes) agreed with human labels on" in on_screen(run)
    sent = len(judge_server.state.model_requests())
    again = list(judge_check.iter_check(plan, retry=FAST))
    assert len(again) == 1 and len(judge_server.state.model_requests()) - sent == 20
    assert lines[2][:30] in plan.path.read_bytes()  # the damaged line is kept as it was
    assert len(judge_check.read_verdicts(plan.path)) == 10


def test_labels_nested_too_deep_are_named_and_the_other_files_kept(tmp_path):
    (tmp_path / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(human_labels.LabelsFormatError, match=r"deep\.json: could not be read"):
        human_labels.read_items(tmp_path)
    rows = made_up_rows()
    (tmp_path / "train.jsonl").write_text(
        "\n".join([json.dumps(rows[0]), "[" * 100_000 + "]" * 100_000, json.dumps(rows[1])])
    )
    read = human_labels.read_labels(tmp_path)
    assert len(read.items) == 2
    assert "deep.json: could not be read (JSON nested too deeply)" in read.notes
    assert "train.jsonl: line 2 could not be read (not a JSON object); left out" in read.notes


def test_a_torn_labels_line_is_named_and_the_rest_kept_on_the_page(monkeypatch):
    lines = [json.dumps(row) for row in made_up_rows()]
    lines[3] = lines[3][:30]  # torn, as a full disk or a cut download leaves it
    with HubServer({human_labels.REPO: {"data/train.jsonl": "\n".join(lines).encode()}}) as hub:
        monkeypatch.setenv("HF_ENDPOINT", hub.url)
        at = open_page("pages/judge_check.py")
        at.button(key="labels_download").click().run()
    assert not at.exception
    assert "9 labelled scratchpads" in at.success[0].value
    assert "train.jsonl: line 4 could not be read (not a JSON object); left out" in on_screen(at)


def test_identical_texts_are_counted_once_and_said_so(tmp_path):
    rows = [{"text": "The same scratchpad.", "label": "aligned"}] * 106
    (tmp_path / "train.json").write_text(json.dumps(rows))
    read = human_labels.read_labels(tmp_path)
    assert len(read.items) == 1
    assert read.notes == [
        "train.json: 105 row(s) repeat the text of an earlier row (row 2, 3, 4, 5, 6, 7, 8, 9, "
        "10, 11 …): the same scratchpad is counted once"
    ]
