"""The models table: defaults, prices, deprecation and retirement warnings, the provider's list
(read over HTTP from the loopback model server, shutdown dates included)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from alignment_faking_lab.calling import estimate, models
from alignment_faking_lab.calling.endpoints import PRESETS, Api, Endpoint, ErrorKind, ProviderError
from alignment_faking_lab.calling.providers import complete, read_model_list
from alignment_faking_lab.data import paths, storage
from alignment_faking_lab.data.transcript import Message
from alignment_faking_lab.paper.match import paper_figures_for
from tests.fake_llm_server import VALID_KEY, FakeLLMServer
from tests.page_helpers import open_page, page_text

TODAY = date(2026, 11, 25)


@pytest.fixture
def server(monkeypatch):
    with FakeLLMServer() as running:
        monkeypatch.setenv("ANTHROPIC_BASE_URL", running.url)
        yield running


def test_no_preset_defaults_to_a_deprecated_or_retired_model():
    for preset in PRESETS.values():
        info = models.lookup(preset.default_model) if preset.default_model else None
        if info is not None:
            assert info.status_on(TODAY) in (models.Status.CURRENT, models.Status.UNVERIFIED)
    assert PRESETS["OpenAI"].default_model == "gpt-6-luna"
    assert PRESETS["Anthropic"].default_model == "claude-haiku-5-5"


def test_presets_for_hosts_of_models_that_showed_a_gap():
    expected = {
        "OpenRouter": "https://openrouter.ai/api/v1",
        "DeepInfra": "https://api.deepinfra.com/v1/openai",
        "Together": "https://api.together.xyz/v1",
        "xAI": "https://api.x.ai/v1",
        "Google Gemini": "https://generativelanguage.googleapis.com/v1beta/openai/",
    }
    for name, url in expected.items():
        assert PRESETS[name].base_url == url and PRESETS[name].api is Api.OPENAI
    assert "405b" in PRESETS["Together"].default_model.lower()
    assert (
        "grok" in PRESETS["xAI"].default_model
        and "gemini" in PRESETS["Google Gemini"].default_model
    )


def test_estimate_prices_come_from_the_dated_table():
    assert estimate.PRICES_PER_MILLION["gpt-6-luna"] == (0.10, 0.50)
    assert models.lookup("claude-haiku-5-5").price_noted == models.PRICES_NOTED


def test_deprecated_model_warns_with_its_shutdown_date_and_becomes_retired_after_it():
    text = models.warning("gpt-5-mini", TODAY)
    assert "2026-12-11" in text and "16 days" in text and "gpt-6-luna" in text
    assert models.is_retired("gpt-5-mini", date(2026, 12, 11))
    assert not models.is_retired("gpt-5-mini", TODAY)


def test_retired_model_gets_a_plain_message_and_the_papers_figures():
    assert models.is_retired("claude-3-opus-20240229", TODAY)
    assert models.lookup("claude-3-opus").id == "claude-3-opus-20240229"  # the paper's name
    text = models.warning("claude-3-opus-20240229", TODAY)
    assert "retired on 2026-01-05" in text and "404" in text
    figures = paper_figures_for(models.lookup("claude-3-opus-20240229"))
    assert any("14.2%" in line and "Table 1" in line for line in figures)


def test_a_retired_model_answering_404_reads_as_retired_not_as_a_raw_error(server):
    endpoint = Endpoint(Api.ANTHROPIC, "Anthropic", server.url, VALID_KEY)
    with pytest.raises(ProviderError) as caught:
        complete(endpoint, "claude-3-opus-20240229", "system", [Message("user", "hi")])
    assert caught.value.kind is ErrorKind.NOT_FOUND
    assert str(caught.value).startswith("claude-3-opus-20240229 was retired on 2026-01-05")


@pytest.mark.parametrize("api", [Api.ANTHROPIC, Api.OPENAI])
def test_the_providers_list_gives_shutdown_dates(server, api):
    server.state.shutdown_dates["fake-gpt"] = "2026-12-20"
    url = server.url if api is Api.ANTHROPIC else server.openai_url
    listed = {m.id: m for m in read_model_list(Endpoint(api, "Test", url, VALID_KEY))}
    assert listed["fake-gpt"].shutdown == date(2026, 12, 20)
    assert listed["fake-claude"].shutdown is None
    info = models.merged("Test", "fake-gpt", list(listed.values()))
    assert info.status is models.Status.DEPRECATED
    assert "2026-12-20" in models.warning("fake-gpt", TODAY, info)


def test_shutdown_dates_are_read_whatever_the_field_is_called():
    assert models.shutdown_from_fields({"retirement_date": "2027-01-14"}) == date(2027, 1, 14)
    assert models.shutdown_from_fields({"shutdown_at": 1796774400}) == date(2026, 12, 9)
    assert models.shutdown_from_fields({"shutdown_date": "soon", "id": "x"}) is None


def test_run_page_refuses_a_retired_model_and_shows_the_papers_figures(server):
    at = open_page("pages/run_experiment.py")
    next(t for t in at.text_input if t.key.startswith("live_key_")).set_value(VALID_KEY)
    model = next(t for t in at.text_input if t.key.startswith("live_model_"))
    model.set_value("claude-3-opus-20240229").run()
    text = re.sub(r"\\(.)", r"\1", page_text(at))  # as read on screen
    assert "retired on 2026-01-05" in " ".join(e.value for e in at.sidebar.error)
    assert "14.2%" in text  # the paper's figure for Claude 3 Opus, instead of a 404 later
    at.button(key="run_start").click().run()
    assert any("retired" in e.value for e in at.error)
    assert not server.state.model_requests()
    assert (
        not list(paths.runs_dir().glob("*.jsonl"))
        or not storage.read_jsonl(next(paths.runs_dir().glob("*.jsonl"))).transcripts
    )


def test_sidebar_shows_the_deprecation_warning_and_the_dated_price(server):
    at = open_page("pages/run_experiment.py")
    at.selectbox(key="live_provider").set_value("OpenAI").run()
    assert any("$0.1 / $0.5" in c.value for c in at.sidebar.caption)
    next(t for t in at.text_input if t.key.startswith("live_model_")).set_value("gpt-5-mini").run()
    assert any("shuts down on 2026-12-11" in w.value for w in at.sidebar.warning)


def test_command_line_refuses_a_retired_model_with_the_papers_figures(capsys):
    from alignment_faking_lab.__main__ import main

    assert main(["run", "--model", "claude-3-opus-20240229", "--dry-run"]) == 2
    err = capsys.readouterr().err
    assert "retired on 2026-01-05" in err and "14.2%" in err


def test_every_price_and_shutdown_date_says_as_of_when_and_from_where():
    haiku = models.lookup("claude-haiku-5-5")
    assert (
        haiku.price_source
        == f"as of {models.PRICES_NOTED}, from {models.TABLE_SOURCES['Anthropic']}"
    )
    text = models.warning("gpt-5-mini", TODAY)
    assert f"as of {models.DATES_NOTED}, from OpenAI's" in text
    retired = models.warning("claude-3-opus-20240229", TODAY)
    assert f"retired on 2026-01-05 (as of {models.DATES_NOTED}, from Anthropic's" in retired
    assert "reads the provider's live list" in models.LIVE_LIST_NOTE


def test_a_date_read_from_the_providers_list_says_so():
    info = models.merged("Test", "fake-gpt", [models.Listed("fake-gpt", date(2026, 12, 20))])
    assert info.date_source == "from the provider's live model list"
    assert "from the provider's live model list" in models.warning("fake-gpt", TODAY, info)
