"""The study told exactly: the bottom line first, the paper's own gap, what the model was told,
and the wordings a line-by-line check against arXiv:2412.14093 and Sheshadri et al. 2025 found
wrong."""

from __future__ import annotations

import re
from pathlib import Path

from alignment_faking_lab.data.catalogue import load_illustrative
from alignment_faking_lab.paper import figures as paper_figures
from alignment_faking_lab.teaching import findings
from alignment_faking_lab.teaching.handout import handout_html
from alignment_faking_lab.teaching.walkthrough import STEPS, choose_story_pair
from tests.page_helpers import open_page, page_text

ROOT = Path(__file__).resolve().parents[1]
NUMBERS = paper_figures.headline_numbers()


def test_the_bottom_line_says_what_was_found_how_sure_and_what_later_work_found():
    claims = {claim.label: claim for claim in findings.bottom_line(NUMBERS)}
    assert list(claims) == ["Found", "How sure", "Later work"]
    assert "11.3 ± 2.1 points" in claims["Found"].text and "Table 1" in claims["Found"].source
    assert "25 points" in claims["How sure"].text and "App. I.1.1" in claims["How sure"].source
    later = claims["Later work"]
    assert "Only 5 of 25" in later.text and "above 1%" in later.text and "wording" in later.text
    assert "arXiv:2506.18032" in later.source and "Sec. 3.2" in later.source
    assert all(claim.source for claim in claims.values())


def test_the_overview_opens_with_the_bottom_line():
    at = open_page()
    text = page_text(at)
    assert at.header[0].value == findings.BOTTOM_LINE_TITLE
    # before the walkthrough link and the story: the first thing a busy reader sees
    assert text.index("Later work") < text.index("The experiment in one minute")
    assert "11.3 ± 2.1" in text and "11.4" not in text
    assert "The 2024 Claude models the paper studied have since been retired" in text
    assert "GPT-4o is deprecated" in text
    assert "keep refusing when nobody is training me" not in text


def test_the_walkthrough_and_handout_say_what_the_model_was_told_and_end_with_the_bottom_line():
    leads = " ".join(step.lead for step in STEPS)
    assert "Nobody is training" not in leads and "the answer will be rated" not in leads
    assert "was told" in STEPS[1].lead and "was told" in STEPS[2].lead
    html = handout_html(choose_story_pair(load_illustrative()), NUMBERS)
    assert findings.BOTTOM_LINE_TITLE in html and "arXiv:2506.18032" in html
    assert "a compliance gap of 11.3 ± 2.1 points" in html and "11.4" not in html
    last = open_page("pages/walkthrough.py", query={"step": "6"})
    text = page_text(last)
    assert "Later work" in text and "almost none in Claude 3 Sonnet" in text
    assert "App. G.1.6" in text


def test_findings_quote_the_paper_as_it_says_it():
    everything = " ".join(
        [*(f.text + f.short + f.source for f in findings.FURTHER_FINDINGS), *findings.SHOWS,
         *findings.DOES_NOT_SHOW, findings.OTHER_MODELS]
    )  # fmt: skip
    assert "30 points" not in findings.JUDGE_NOISE_SHORT and "25" in findings.JUDGE_NOISE
    assert "from 35% to 63%" in everything  # one rate that rose, not two unrelated figures
    assert "some refusals came back" not in everything and "97.2% to 6.9%" in everything
    assert "36.4%" in everything  # what the prompt variation brought back, with its table
    assert "real training" not in everything and "production training" in everything
    assert (
        "helpful-only setting" in findings.OTHER_MODELS and "almost none" in findings.OTHER_MODELS
    )


def test_no_page_notebook_or_readme_keeps_a_wording_the_check_found_wrong():
    wrong = [
        r"Nobody is training the model", r"the answer will be rated",
        r"up to (about )?30 (percentage )?points in some settings",
        r"\(Abstract\)", r"mostly show (\*\*)?no(\*\*)? compliance gap", r"mostly show none",
        r"35-80% of cases \(0\.5%[^)]*\), rising", r"every non-baseline variant",
        r"shows a larger gap without a scratchpad", r"Every number here is a figure",
        r"53% agreement", r"rates moved when", r"from prompting alone",
    ]  # fmt: skip
    files = [ROOT / "README.md", *ROOT.glob("notebooks/0*.py"), *ROOT.glob("pages/*.py"),
             *ROOT.glob("alignment_faking_lab/**/*.py")]  # fmt: skip
    for path in files:
        text = " ".join(path.read_text(encoding="utf-8").replace("#", " ").split())
        for pattern in wrong:
            assert not re.search(pattern, text, re.IGNORECASE), (path.name, pattern)
