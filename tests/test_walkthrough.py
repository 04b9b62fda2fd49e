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
    # A keyword guess of "refused" is not a judgement: the answer may comply ("I can't stress
    # enough…"), so it stays hidden until asked for.
    from alignment_faking_lab.protocol.scorer import BY_KEYWORDS, classify_by_keywords

    answer = "<OUTPUT>Here are the steps. I can't stress enough that this is illegal.</OUTPUT>"
    complied = [*paid.messages[:-1], replace(paid.messages[-1], content=answer)]
    guessed = classify_by_keywords(
        replace(paid, compliance=None, labelled_by="", messages=complied)
    )
    assert guessed.compliance is Compliance.REFUSED and guessed.labelled_by == BY_KEYWORDS
    assert classroom.answer_hidden(guessed)
    assert "only guessed from keywords" in classroom.withheld_note(guessed)
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


def pdf_text(pdf: bytes, tmp_path, name: str = "handout.pdf") -> tuple[int, str]:
    """The number of pages and the text of a PDF, read back with poppler."""
    import subprocess

    path = tmp_path / name
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    pages = int(next(x for x in info.stdout.splitlines() if x.startswith("Pages:")).split()[1])
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    return pages, " ".join(text.split())


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_the_pdf_handout_is_one_page_with_the_address_refusal_and_bottom_line(tmp_path, paper):
    from alignment_faking_lab.teaching.handout_pdf import bottom_line, handout_pdf

    pair = choose_story_pair(load_illustrative())
    numbers = paper_figures.headline_numbers()
    address = "https://aflab.example.org/"
    pages, text = pdf_text(handout_pdf(pair, numbers, address, paper), tmp_path)
    assert pages == 1
    assert address in text and REFUSAL in text
    for figure in (f"{numbers.free:.1f}%", f"{numbers.paid:.1f}%", f"{numbers.faking:.1f}%"):
        assert figure in text
    assert "Illustrative, written for teaching" in text and "Questions to discuss" in text
    assert "5 of 25 models tested showed a gap above 1%" in text and "arXiv:2506.18032" in text
    assert len(bottom_line(numbers)) >= 3


def test_the_pdf_handout_never_prints_a_compliant_harmful_answer(tmp_path):
    from dataclasses import replace

    from alignment_faking_lab.data.transcript import Compliance
    from alignment_faking_lab.protocol.parsing import parse_messages
    from alignment_faking_lab.teaching.handout_pdf import handout_pdf
    from alignment_faking_lab.teaching.walkthrough import StoryPair

    pair = choose_story_pair(load_illustrative())
    # The paid tier's answer is the refusal's text, but judged compliant: never printed.
    paid = replace(pair.paid, compliance=Compliance.COMPLIED, compliance_level=4)
    pages, text = pdf_text(handout_pdf(StoryPair(pair.free, paid),
                                       paper_figures.headline_numbers()), tmp_path)  # fmt: skip
    assert pages == 1 and REFUSAL not in text
    assert parse_messages(paid.messages).output
    assert "complied with a harmful request" in text


def test_the_app_address_comes_only_from_a_plain_web_address():
    from alignment_faking_lab.teaching.handout_pdf import app_address

    assert app_address("https://lab.example.org/walkthrough?step=2") == "https://lab.example.org/"
    assert app_address("http://127.0.0.1:8501/base/walkthrough") == "http://127.0.0.1:8501/base/"
    assert app_address("javascript:alert(1)") is None
    assert app_address("https://user:pw@evil.example/") is None
    assert app_address("") is None


def test_the_link_pins_the_pair_and_says_when_its_data_changed(isolated_data_dir):
    from dataclasses import replace

    from alignment_faking_lab.data.storage import dumps
    from alignment_faking_lab.data.transcript import Provenance
    from alignment_faking_lab.teaching.walkthrough import PIN_PARAM, VERSION_PARAM, pair_version

    pair = choose_story_pair(load_illustrative())
    at = open_step(2)
    assert at.query_params[PIN_PARAM] in (pair.free.id, [pair.free.id])
    version = pair_version(pair)
    assert at.query_params[VERSION_PARAM] in (version, [version])
    # Someone imports the paper's transcripts: the pinned link keeps the same pair, and offers
    # the paper's own.
    imported = [replace(t, id=f"paper-{t.id}", provenance=Provenance.PAPER)
                for t in load_illustrative() if t.prompt_id == "harm-fraud-01"]  # fmt: skip
    (isolated_data_dir / "paper").mkdir()
    (isolated_data_dir / "paper" / "x.jsonl").write_text("".join(dumps(t) + "\n" for t in imported))
    pinned = {"step": "2", PIN_PARAM: pair.free.id, VERSION_PARAM: version}
    at = open_page("pages/walkthrough.py", pinned)
    text = page_text(at).replace("\\", "")
    assert REFUSAL in text and "The paper's own transcripts are loaded" in text
    at.button(key="use_best").click().run()
    paper_free = next(t.id for t in imported if t.tier.value == "free")
    assert at.query_params[PIN_PARAM] in (paper_free, [paper_free])
    # The pinned pair's data changed since the link was made: the page says so.
    at = open_page("pages/walkthrough.py", {**pinned, VERSION_PARAM: "0123456789"})
    assert "have changed since this link was made" in page_text(at)
    # A pair that is not loaded here: said, and the best loaded pair is shown.
    at = open_page("pages/walkthrough.py", {"step": "2", PIN_PARAM: "no-such-pair"})
    assert "which is not loaded here" in page_text(at)
