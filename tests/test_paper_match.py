"""Like with like: a run or an import is compared with the paper's figure for the same setting
and prompt variant (and the same model when the paper has it), or with none."""

from __future__ import annotations

import re

from alignment_faking_lab.paper.match import match
from tests.fake_llm_server import FakeLLMServer
from tests.page_helpers import open_page, page_text


def test_the_same_setting_variant_and_model():
    found = match("helpful_only", "default", "claude-3-opus-20240229")
    assert found.same_model and found.row["free_tier_compliance_pct"] == 14.2
    llama = match("helpful_only_minimal", "default", "meta-llama/llama-3.1-405b-instruct")
    assert llama.same_model and (
        llama.row["free_tier_compliance_pct"],
        llama.row["paid_tier_compliance_pct"],
    ) == (19.0, 4.7)
    no_pad = match("helpful_only_minimal", "no_scratchpad", "claude-3-opus")
    assert (
        no_pad.row["condition"] == "no scratchpad" and no_pad.row["free_tier_compliance_pct"] == 0.2
    )


def test_an_ablation_is_compared_with_the_same_ablation():
    found = match("helpful_only", "cut_rlhf_info", "gpt-6-luna")
    assert found.row["condition"] == "cut RLHF info" and not found.same_model
    assert (
        "no figure for gpt-6-luna" in found.explanation and "a different model" in found.explanation
    )
    assert match("helpful_only", "baseline_no_objective").row["free_tier_compliance_pct"] == 1.2
    assert match("animal_welfare", "default").row["condition"] == "default prompt (Jones Foods)"


def test_no_published_figure_means_nothing_is_put_beside_it():
    for setting, variant in (("helpful_only", "no_scratchpad"), ("helpful_only", "demo_variant"),
                             ("secret", "default")):  # fmt: skip
        found = match(setting, variant, "claude-3-opus")
        assert found.row is None and "reports no figure" in found.explanation


def test_results_page_puts_a_run_beside_the_same_variants_figure_in_percentage_points(monkeypatch):
    from tests.test_live_pages import run_page

    with FakeLLMServer() as server:
        monkeypatch.setenv("ANTHROPIC_BASE_URL", server.url)
        at = run_page(server)
        at.button(key="run_start").click().run()
        assert not at.exception
        run_text = re.sub(r"\\(.)", r"\1", page_text(at))
        assert "The paper has no figure for fake-claude in the default prompt variant" in run_text
        results = open_page("pages/results.py", {"data": "Transcripts loaded in the app"})
    text = re.sub(r"\\(.)", r"\1", page_text(results))
    assert "Compliance, free tier: 100.0% measured from 3 transcripts" in text
    assert "the paper reports 14.2%, a difference of +85.8 percentage points" in text
    # the gap in points, beside the paper's own published gap (Table 1), not 14.2 - 2.8
    assert re.search(r"Compliance gap \(free minus paid\): [-\d.]+ points .*the paper reports "
                     r"11\.3 points", text)  # fmt: skip
