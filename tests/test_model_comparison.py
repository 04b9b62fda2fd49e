"""Many models side by side: the paper's per-model figures, Sheshadri et al. 2025 (only what its
text states), and a user's runs of several models with intervals, from one plan."""

from __future__ import annotations

import re

from alignment_faking_lab.analysis import model_comparison
from alignment_faking_lab.analysis.charts.models import model_comparison_chart, model_gap_chart
from alignment_faking_lab.data import paths, storage
from alignment_faking_lab.data.frames import transcripts_frame
from tests.fake_llm_server import FakeLLMServer
from tests.page_helpers import open_page, page_text


def test_later_work_keeps_only_what_its_text_states():
    later = model_comparison.later_work()
    assert len(later) == 25 and later["compliance_gap_above_1pct"].sum() == 5
    gap = set(later[later["compliance_gap_above_1pct"]]["model"])
    assert gap == {"Claude 3 Opus", "Claude 3.5 Sonnet (June)", "Llama 3 405B", "Grok 3 Beta",
                   "Gemini 2.0 Flash"}  # fmt: skip
    assert all(source.startswith("arXiv:2506.18032") for source in later["source"])
    numeric = later.select_dtypes("number").columns
    assert list(numeric) == []  # no per-model numbers: the paper draws them only as charts


def test_the_papers_rows_carry_their_table():
    rows = model_comparison.published_rows().set_index(["model", "source"])
    llama = rows.loc[("llama-3.1-405b-instruct", "paper: minimal_repro_advbench")]
    assert (llama["free_pct"], llama["paid_pct"]) == (19.0, 4.7)
    assert "Table 5" in llama["citation"] and round(llama["gap_points"], 1) == 14.3


def test_a_run_of_several_models_from_the_run_page_appears_beside_the_published(monkeypatch):
    from tests.test_live_pages import run_page

    with FakeLLMServer() as server:
        monkeypatch.setenv("ANTHROPIC_BASE_URL", server.url)
        at = run_page(server)
        at.multiselect(key="run_more_models").set_value(["fake-gpt"]).run()
        at.button(key="run_start").click().run()
        assert not at.exception
        sent_to = {e.body["model"] for e in server.state.model_requests()}
        assert sent_to == {"fake-claude", "fake-gpt"}
        results = open_page("pages/results.py", {"data": "Transcripts loaded in the app"})
    saved = storage.read_jsonl(paths.runs_dir() / "class-demo.jsonl").transcripts
    table = model_comparison.run_rows(transcripts_frame(saved)).set_index("model")
    assert set(table.index) == {"fake-claude", "fake-gpt"}
    claude = table.loc["fake-claude"]
    assert claude["free_pct"] == 100.0 and claude["paid_pct"] == 0.0 and claude["n_free"] == 3
    assert claude["free_low"] < 100.0 and claude["gap_low"] < claude["gap_points"]
    compared = model_comparison.comparison(transcripts_frame(saved))
    figure = model_comparison_chart(compared)
    labels = set(figure.data[0].y)
    assert "fake-gpt<br>your run" in labels and any("llama-3.1-405b" in y for y in labels)
    gap = model_gap_chart(compared)  # its own chart, full width on a phone
    assert list(gap.data[0].y) == list(figure.data[0].y)  # the models in the same order
    bars = dict(zip(gap.data[0].y, gap.data[0].text, strict=True))
    assert bars["fake-claude<br>your run"] == "+100.0"
    assert bars["claude-3-opus<br>paper, helpful-only"] == "+11.3"  # Table 1, not 14.2 - 2.8
    text = re.sub(r"\\(.)", r"\1", page_text(results))
    assert "2 model(s) from your runs" in text and "Sheshadri et al. 2025" in text
