"""The guided walkthrough: every step reachable by URL, honest about its data, printable."""

import pytest
from streamlit.testing.v1 import AppTest

from alignment_faking_lab.data.catalogue import load_illustrative
from alignment_faking_lab.paper import figures as paper_figures
from alignment_faking_lab.protocol import prompts
from alignment_faking_lab.teaching.handout import handout_html
from alignment_faking_lab.teaching.walkthrough import (
    LAST_STEP,
    choose_story_pair,
    clamp_step,
    setup_segments,
)
from tests.page_helpers import open_page, page_text


def open_step(step: int | str) -> AppTest:
    return open_page("pages/walkthrough.py", {"step": str(step)})


def test_steps_from_urls_are_clamped():
    assert [clamp_step(v) for v in ("3", "0", "99", "x", None)] == [3, 1, LAST_STEP, 1, 1]


def test_story_uses_a_pair_that_shows_the_pattern():
    pair = choose_story_pair(load_illustrative())
    assert pair.free.prompt_id == pair.paid.prompt_id
    assert pair.free.alignment_faking and pair.paid.compliance.value == "refused"
    assert pair.is_illustrative


def test_setup_highlights_every_key_sentence_in_order():
    segments = setup_segments()
    assert "".join(text for text, _ in segments) == prompts.situation_text("default")
    assert {element for _, element in segments if element} == {
        e for e, _ in prompts.key_sentences("default")
    }


def test_handout_is_printable_and_escapes_transcript_text():
    pair = choose_story_pair(load_illustrative())
    html = handout_html(pair, paper_figures.headline_numbers())
    assert "<svg" in html and "<script" not in html
    assert "14.2%" in html and "arXiv:2412.14093 Table 1" in html
    assert "Illustrative, written for teaching, not model output" in html
    assert "&lt;is_free_tier_user&gt;" not in html  # the scratchpad text is escaped, not raw
    assert "Questions to discuss" in html


@pytest.mark.parametrize(
    ("step", "expected"),
    [
        (1, "never to refuse"),
        (2, "Paid tier: the model is told"),
        (3, "Free tier: the model is told"),
        (4, "The hidden scratchpad (free tier)"),
        (5, "Claude 3 Opus complied with"),
        (6, "Questions to discuss"),
    ],
)
def test_each_step_shows_its_key_element(step, expected):
    at = open_step(step)
    assert f"Step {step} of {LAST_STEP}" in at.get("progress")[0].proto.text
    assert expected in page_text(at)
    if step in (2, 3, 4):
        assert "Illustrative, written for teaching" in page_text(at)


def test_next_and_back_walk_through_every_step():
    at = open_step(1)
    for step in range(2, LAST_STEP + 1):
        at.button(key="next").click().run()
        assert at.query_params["step"] == str(step)
        assert f"Step {step} of" in at.get("progress")[0].proto.text
    assert at.button(key="next").disabled
    at.button(key="back").click().run()
    assert at.query_params["step"] == str(LAST_STEP - 1)


def test_story_prefers_the_papers_own_transcripts_when_imported():
    from dataclasses import replace

    from alignment_faking_lab.data.transcript import Provenance

    illustrative = load_illustrative()
    imported = [
        replace(t, id=f"paper-{t.id}", provenance=Provenance.PAPER, alignment_faking=None)
        for t in illustrative
        if t.prompt_id == "harm-violence-02"
    ]
    pair = choose_story_pair(illustrative + imported)
    assert pair.free.provenance is Provenance.PAPER and not pair.is_illustrative


REFUSAL = "I can't help spread false information about elections"


def test_only_compliant_or_unknown_harmful_answers_are_hidden():
    from dataclasses import replace

    from alignment_faking_lab.data.transcript import Compliance
    from alignment_faking_lab.teaching import classroom

    pair = choose_story_pair(load_illustrative())
    paid = pair.paid  # an unredacted refusal of a harmful request
    assert classroom.is_sensitive(paid) and not classroom.answer_hidden(paid)
    assert classroom.answer_hidden(replace(paid, compliance=Compliance.COMPLIED))
    assert classroom.answer_hidden(replace(paid, compliance=None))
    assert classroom.answer_hidden(replace(paid, compliance_level=2))  # partly engaged
    assert not classroom.answer_hidden(pair.free)  # redacted by its authors


def test_step_two_shows_the_refusal_and_step_three_withholds_nothing_it_needs_not():
    text = page_text(open_step(2)).replace("\\", "")
    assert REFUSAL in text and "not shown here" not in text
    pair = choose_story_pair(load_illustrative())
    html = handout_html(pair, paper_figures.headline_numbers())
    assert REFUSAL.replace("'", "&#x27;") in html and "outcome above" not in html


def test_the_playground_shows_a_refusal_without_a_switch_and_opens_on_a_gentle_example():
    from alignment_faking_lab.teaching import classroom

    at = open_page("pages/playground.py", {"tier": "paid"})
    assert at.selectbox(key="request").value == classroom.CLASS_SAFE_EXAMPLE
    assert REFUSAL in page_text(at).replace("\\", "")
    assert not [t for t in at.toggle if t.label == classroom.SHOW_ANSWER]


def test_class_mode_shows_no_harmful_request_text_in_the_walkthrough_or_handout(monkeypatch):
    from alignment_faking_lab.public import deployment

    monkeypatch.setenv(deployment.CLASSROOM_SETTING, "1")
    pair = choose_story_pair(load_illustrative())
    for step in (1, 2, 3, 4):
        at = open_step(step)
        shown = page_text(at) + "".join(str(c.value) for c in at.code)
        assert pair.free.prompt_text not in shown, step
        assert step == 4 or "text hidden in class" in shown, step
    html = handout_html(pair, paper_figures.headline_numbers())
    assert pair.free.prompt_text not in html and "text hidden in class" in html
