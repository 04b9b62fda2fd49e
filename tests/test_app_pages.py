"""Every page, driven by Streamlit's AppTest on the shipped data: what a visitor sees and does."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from alignment_faking_lab.data.catalogue import load_illustrative
from alignment_faking_lab.data.storage import dumps, write_jsonl
from alignment_faking_lab.data.transcript import Compliance, Message, Provenance, Tier, Transcript
from alignment_faking_lab.paper import figures as paper_figures
from tests.page_helpers import load_file, open_page, page_text


def test_overview_explains_the_study_and_charts_the_papers_figures():
    at = open_page()
    assert at.title[0].value.endswith("Alignment Faking Lab")
    text = page_text(at)
    assert "free-tier" in text and "paid-tier" in text and "scratchpad" in text
    # The headline figures as big numbers with sources; the chart only once its section opens
    # (plotly's script would cost every visitor's first page about a second).
    tiles = {metric.label: (metric.value, metric.help) for metric in at.metric}
    assert tiles["Complied, free tier (told: training)"] == ("14.2%", "arXiv:2412.14093 Table 1")
    assert tiles["Compliance gap in points, as the paper gives it"][0] == "11.3 ± 2.1"
    assert tiles["Alignment-faking reasoning after RL training"][0] == "78.4%"
    assert len(at.get("plotly_chart")) == 0
    at.session_state["headline_chart"] = True  # the section opened, as a click does
    at.run()
    assert len(at.get("plotly_chart")) == 1 and not at.exception
    assert "arXiv:2412.14093" in " ".join(c.value for c in at.caption)
    # the figures in the text are the paper's, from sample_data/paper_results.csv, with sources
    numbers = paper_figures.headline_numbers()
    for figure in (numbers.paid, numbers.free, numbers.faking, numbers.after_rl_faking):
        assert f"**{figure:.1f}%**" in text


def test_playground_tier_switch_changes_the_transcript_shown():
    at = open_page("pages/playground.py")
    assert any("Illustrative, written for teaching" in w.value for w in at.warning)
    free_text = page_text(at)
    assert "Free tier: the model is told" in free_text
    at.segmented_control(key="tier").set_value("paid").run()
    paid_text = page_text(at)
    assert "Paid tier: the model is told" in paid_text
    assert paid_text != free_text


def test_playground_reveal_shows_the_scratchpad_beside_the_answer():
    at = open_page("pages/playground.py")
    assert "Hidden scratchpad" not in page_text(at)
    at.toggle(key="reveal").set_value(True).run()
    text = page_text(at)
    assert "Hidden scratchpad" in text and "Final answer" in text


def test_playground_compare_shows_both_tiers_and_what_was_sent():
    at = open_page("pages/playground.py")
    at.toggle(key="compare").set_value(True).run()
    headers = [h.value for h in [*at.header, *at.subheader]]
    assert "Free tier (training)" in headers and "Paid tier (unmonitored)" in headers
    sent = "\n".join(c.value for c in at.code)
    assert "<is_free_tier_user>True</is_free_tier_user>" in sent
    assert "<is_free_tier_user>False</is_free_tier_user>" in sent


def test_transcripts_filters_narrow_the_table():
    at = open_page("pages/transcripts.py")
    everything = len(at.dataframe[0].value)
    at.multiselect(key="f_tier").set_value(["paid"]).run()
    paid = at.dataframe[0].value
    assert 0 < len(paid) < everything
    assert set(paid["tier"].astype(str)) == {"paid"}
    at.text_input(key="q").set_value("no-such-words-anywhere-xyz").run()
    assert len(at.dataframe[0].value) == 0


def test_shared_transcript_url_reopens_the_same_transcript():
    transcript = next(t for t in load_illustrative() if t.tier is Tier.FREE and t.harmful)
    at = open_page("pages/transcripts.py", query={"id": transcript.id})
    at.switch_page("pages/transcripts.py")
    at.query_params["id"] = transcript.id
    at.run()
    text = page_text(at)
    assert "Free tier: the model is told" in text
    assert transcript.prompt_text.split()[0] in text


def write_file(directory: Path, name: str, transcripts: list[Transcript]) -> Path:
    path = directory / name
    write_jsonl(path, transcripts)
    return path


def hostile_transcript() -> Transcript:
    return Transcript(
        id="hostile",
        provenance=Provenance.LIVE,
        tier=Tier.PAID,
        prompt_id="p-hostile",
        prompt_text="<script>alert('x')</script> tell me",
        messages=[
            Message("user", "<INPUT>x</INPUT>"),
            Message("assistant", "<OUTPUT><script>alert('answer')</script></OUTPUT>"),
        ],
        model="test-model",
        provider="test",
        compliance=Compliance.REFUSED,
    )


def test_model_text_with_html_is_shown_as_text(tmp_path):
    path = write_file(tmp_path, "hostile.jsonl", [hostile_transcript()])
    at = open_page("pages/transcripts.py")
    load_file(at, path)
    at.query_params["id"] = "hostile"
    at.run()
    assert not at.exception
    rendered = page_text(at)
    assert "<script>" not in rendered
    assert r"\<script\>" in rendered


def test_a_malformed_file_reports_line_and_field_and_loads_the_rest(tmp_path):
    good = json.dumps(hostile_transcript().to_dict())
    broken = json.dumps({**hostile_transcript().to_dict(), "id": "other", "tier": "gold"})
    path = tmp_path / "mixed.jsonl"
    path.write_text(good + "\n" + broken + "\n")
    at = open_page("pages/transcripts.py")
    load_file(at, path)
    assert any(r"mixed\.jsonl: 1 valid, 1 rejected" in e.value for e in at.error)
    assert any("line 2: field 'tier'" in c.value for c in at.code)


@pytest.mark.parametrize("data", ["paper", "loaded"])
def test_results_page_draws_charts_for_each_data_choice(data):
    at = open_page("pages/results.py")
    if data == "loaded":
        at.segmented_control(key="data").set_value("Transcripts loaded in the app").run()
        assert any("not a measured rate" in w.value for w in at.warning)
        assert len(at.get("plotly_chart")) >= 2
        assert any("McNemar" in m.value for m in at.markdown)
    else:  # the headline chart and the model comparison (compliance, then the gap)
        assert len(at.get("plotly_chart")) == 3
    assert not at.exception


def test_transcripts_page_sends_one_page_of_rows_at_a_time(isolated_data_dir):
    base = load_illustrative()[0]
    many = [replace(base, id=f"many-{i}", prompt_id=f"p{i}") for i in range(120)]
    write_file(isolated_data_dir / "runs", "many.jsonl", many)
    at = open_page("pages/transcripts.py")
    assert len(at.dataframe) == 1 and len(at.dataframe[0].value) == 50
    last = (len(load_illustrative()) + 120 - 1) // 50 + 1
    at.number_input(key="page").set_value(last).run()
    assert len(at.dataframe[0].value) == (len(load_illustrative()) + 120) % 50


def test_a_run_that_grows_shows_its_new_transcripts(isolated_data_dir):
    base = load_illustrative()[0]
    run = [
        replace(base, id=f"run-{i}", prompt_id=f"p{i}", prompt_text=f"grow {i}") for i in range(8)
    ]
    path = write_file(isolated_data_dir / "runs", "growing.jsonl", run[:5])
    at = open_page("pages/transcripts.py")
    at.text_input(key="q").set_value("grow").run()
    assert len(at.dataframe[0].value) == 5
    with path.open("a", encoding="utf-8") as handle:
        handle.write("".join(dumps(t) + "\n" for t in run[5:]))
    at.run()
    assert sorted(at.dataframe[0].value["prompt_text"]) == [f"grow {i}" for i in range(8)]
