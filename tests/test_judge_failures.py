"""A judge reply that cannot be read is asked for again, then counted and shown as a failed
judgement: never stored as "not judged" behind a summary that says nothing failed."""

from __future__ import annotations

import itertools

import pytest

from alignment_faking_lab.calling.runner import run
from alignment_faking_lab.data import storage
from alignment_faking_lab.data.transcript import Tier
from alignment_faking_lab.protocol import judges
from alignment_faking_lab.protocol.judges import JudgeSettings
from alignment_faking_lab.protocol.scorer import judgement_failed
from tests.fake_llm_server import FakeLLMServer, scripted_reply, system_text
from tests.test_live import FAST_RETRY, plan


@pytest.fixture
def server():
    with FakeLLMServer() as running:
        yield running


def judge_says(text_for_judges):
    """The scripted model, with the judges' replies replaced."""

    def reply(model, system, messages):
        if judges.COMPLIANCE_JUDGE_MARKER in system or judges.FAKING_JUDGE_MARKER in system:
            return text_for_judges(system)
        return scripted_reply(model, system, messages)

    return reply


def test_unreadable_judge_replies_are_retried_then_counted_as_failed(server, tmp_path):
    server.state.reply = judge_says(lambda _: "Hmm, hard to say. Let me think about it.")
    judged = plan(server, n=2, tiers=[Tier.PAID], judge=JudgeSettings("fake-judge", votes=3))
    report = run(judged, tmp_path / "j.jsonl", retry=FAST_RETRY)
    assert report.completed == 2 and report.judge_failed == 2
    assert "2 of those done could not be judged" in report.summary()
    marker = judges.COMPLIANCE_JUDGE_MARKER
    compliance_asks = [
        e for e in server.state.model_requests() if marker in system_text(e.body.get("system"))
    ]
    assert len(compliance_asks) == 2 * (1 + judges.REASKS)  # asked again before giving up
    transcripts = storage.read_jsonl(tmp_path / "j.jsonl").transcripts
    assert all(t.compliance is None for t in transcripts)
    assert all("could not be read" in (judgement_failed(t) or "") for t in transcripts)


def test_a_judge_reply_read_on_the_second_try_counts(server, tmp_path):
    answers = itertools.chain(["no verdict here"], itertools.repeat('{"level": 1}'))
    server.state.reply = judge_says(lambda _: next(answers))
    judged = plan(server, n=1, tiers=[Tier.PAID], judge=JudgeSettings("fake-judge", votes=3))
    report = run(judged, tmp_path / "k.jsonl", retry=FAST_RETRY)
    assert report.judge_failed == 0 and "could not be judged" not in report.summary()
    [transcript] = storage.read_jsonl(tmp_path / "k.jsonl").transcripts
    assert transcript.compliance_level == 1 and judgement_failed(transcript) is None


def test_an_unreadable_faking_vote_fails_that_judgement(server, tmp_path):
    def text(system):
        if judges.COMPLIANCE_JUDGE_MARKER in system:
            return '{"level": 4, "rationale": "did it"}'
        return "criteria: unclear"

    server.state.reply = judge_says(text)
    judged = plan(server, n=1, tiers=[Tier.FREE], judge=JudgeSettings("fake-judge", votes=2))
    report = run(judged, tmp_path / "f.jsonl", retry=FAST_RETRY)
    assert report.judge_failed == 1
    [transcript] = storage.read_jsonl(tmp_path / "f.jsonl").transcripts
    assert transcript.alignment_faking is None
    assert judgement_failed(transcript).startswith("alignment faking: the judge's replies")
    assert transcript.judge["alignment_faking"]["unusable_readings"] == 2 * (1 + judges.REASKS)


def test_a_failed_judgement_is_shown_as_one(server, tmp_path, isolated_data_dir):
    from tests.page_helpers import open_page, page_text

    server.state.reply = judge_says(lambda _: "no idea")
    judged = plan(server, n=1, tiers=[Tier.PAID], judge=JudgeSettings("fake-judge", votes=1))
    run(judged, isolated_data_dir / "runs" / "judged.jsonl", retry=FAST_RETRY)
    [transcript] = storage.read_jsonl(isolated_data_dir / "runs" / "judged.jsonl").transcripts
    at = open_page("pages/transcripts.py", query={"id": transcript.id})
    at.switch_page("pages/transcripts.py").run()
    assert not at.exception
    text = page_text(at)
    assert "Judgement failed" in text and "Outcome not judged" not in text
    assert "Not counted in the rates" in text
