"""Presentation-grade content on the pages (AppTest): glossary, sources, policy, student fixes."""

from __future__ import annotations

import re

from alignment_faking_lab.data.catalogue import load_illustrative
from alignment_faking_lab.data.filtering import SEARCH_EXAMPLES
from alignment_faking_lab.data.frames import transcripts_frame
from alignment_faking_lab.teaching.findings import FURTHER_FINDINGS, GLOSSARY, glossary_link
from tests.page_helpers import open_page, page_text


def test_glossary_explains_every_term_under_its_own_anchor():
    at = open_page("pages/glossary.py")
    headers = {h.value for h in at.header}
    for term in GLOSSARY:
        assert term.term in headers
        assert term.meaning in page_text(at)
    # Each anchor is one the other pages link to.
    assert glossary_link("rlhf", "RLHF") == "[RLHF](/glossary#rlhf)"


def test_overview_cites_its_figures_and_says_what_the_study_does_not_show():
    text = page_text(open_page())
    for cited in ("2.8%** of harmful requests (Table 1)", "(Table 2; Sec. 5.2)"):
        assert cited in text
    for finding in FURTHER_FINDINGS:  # exfiltration and fine-tuning included, with sources
        assert finding.title in text and finding.source in text
    assert "What this shows, and what it doesn't" in text and "It does not show" in text
    assert "/glossary#rlhf" in text and "/glossary#percentage-points" in text


def test_walkthrough_in_presentation_mode_makes_the_step_the_pages_heading():
    at = open_page("pages/walkthrough.py", {"step": "4", "present": "true"})
    assert at.title[0].value == "4. The hidden scratchpad"
    assert at.toggle(key="present").value is True
    normal = open_page("pages/walkthrough.py", {"step": "4"})
    assert normal.title[0].value.endswith("Guided walkthrough")
    assert normal.header[0].value == "4. The hidden scratchpad"


def test_every_example_in_the_search_box_finds_transcripts():
    at = open_page("pages/transcripts.py")
    assert all(e in at.text_input(key="q").placeholder for e in SEARCH_EXAMPLES)
    for example in SEARCH_EXAMPLES:
        at.text_input(key="q").set_value(example).run()
        assert len(at.dataframe[0].value) > 0, f"the search box suggests {example!r}: 0 found"


def test_transcripts_table_marks_keyword_guesses_as_guesses():
    from dataclasses import replace

    from alignment_faking_lab.data.filtering import faking_labels
    from alignment_faking_lab.protocol.scorer import BY_KEYWORDS

    base = [t for t in load_illustrative() if t.alignment_faking][:2]
    guessed = replace(base[1], id="guess", labelled_by=BY_KEYWORDS)
    labels = faking_labels(transcripts_frame([base[0], guessed]))
    assert labels == ["yes", "yes? (keyword guess)"]


def test_run_name_follows_the_model_until_the_visitor_types_one():
    at = open_page("pages/run_experiment.py")
    first = at.text_input(key="run_name").value
    model_box = next(t for t in at.sidebar.text_input if t.label == "Model id")
    model_box.set_value("my-other-model").run()
    assert at.text_input(key="run_name").value.startswith("my-other-model-")
    assert at.text_input(key="run_name").value != first
    at.text_input(key="run_name").set_value("class-demo").run()
    next(t for t in at.sidebar.text_input if t.label == "Model id").set_value("third").run()
    assert at.text_input(key="run_name").value == "class-demo"


def test_run_page_says_a_key_is_missing_before_start_and_offers_a_free_route():
    at = open_page("pages/run_experiment.py")
    infos = " ".join(i.value for i in at.info)
    assert "key" in infos.lower()
    assert "Ollama" in " ".join(c.value for c in at.caption)
    requests = next(m for m in at.metric if m.label == "Requests (estimate)")
    assert "judge" in requests.help


def test_run_page_shows_no_server_path_and_no_escaped_markdown():
    at = open_page("pages/run_experiment.py")
    shown = page_text(at)
    # Inside a code span a markdown escape is printed as a backslash (`claude\-haiku`).
    assert not re.findall(r"`[^`]*\\[^`]*`", shown), re.findall(r"`[^`]*\\[^`]*`", shown)
    assert "/tmp/" not in shown


def test_a_playground_link_to_an_unknown_request_says_so():
    at = open_page("pages/playground.py", {"request": "no-such-request"})
    warnings = " ".join(w.value for w in at.warning)
    assert "no-such-request" in warnings and "not among" in warnings
    assert not any("no-such-request" in w.value for w in open_page("pages/playground.py").warning)
