"""What a visitor to a public deployment meets when they type something hostile or odd (AppTest,
one session each, against loopback model servers): a plain message, never a traceback, and
the owner's address and key kept to the owner."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from alignment_faking_lab.ui.navigation import PAGE_FAILED
from tests.fake_llm_server import VALID_KEY, FakeLLMServer
from tests.page_helpers import open_page, page_text

OWNER_KEY = "sk-owner-key-never-leaves-0002"


@pytest.fixture
def public(monkeypatch):
    monkeypatch.setenv("AFLAB_MODE", "public")


def field(at, prefix):
    return next(t for t in at.text_input if t.key.startswith(prefix))


def errors(at) -> str:
    return " ".join(str(e.value) for e in at.error)


def _a_page_that_fails() -> None:
    import streamlit as st

    from alignment_faking_lab.ui.navigation import _run_page

    def broken() -> None:
        raise OSError("[Errno 36] File name too long: '/srv/app/secret-folder/runs/x.jsonl'")

    _run_page(st.navigation([st.Page(broken, title="Broken")]))


@pytest.mark.parametrize("mode", ["public", "local"])
def test_in_public_mode_a_failing_page_says_so_plainly_without_a_traceback(mode, monkeypatch):
    monkeypatch.setenv("AFLAB_MODE", mode)
    at = AppTest.from_function(_a_page_that_fails).run()
    if mode == "local":  # on your own machine, the traceback helps you
        assert at.exception
        return
    assert not at.exception
    assert errors(at) == PAGE_FAILED
    assert "secret-folder" not in page_text(at) and "Errno" not in page_text(at)


def test_a_run_name_over_255_characters_is_shortened_not_a_crash(public):
    with FakeLLMServer() as server:  # the run goes no further than the address check
        at = open_page("pages/run_experiment.py")
        field(at, "live_key_").set_value(VALID_KEY)
        field(at, "live_base_url_").set_value(server.url)
        field(at, "live_model_").set_value("fake-claude").run()
        at.number_input(key="run_first_n").set_value(1)
        at.text_input(key="run_name").set_value("é" * 300).run()
        at.button(key="run_start").click().run()
    assert not at.exception, at.exception
    assert PAGE_FAILED not in errors(at), errors(at)
    # The run started (a typed http address is then refused per call: public mode wants https).
    assert "done now" in errors(at) + " ".join(str(s.value) for s in at.success)


@pytest.mark.parametrize("host", ["0177.0.0.1", "0x7f.0.0.1", "2130706433"])
def test_a_private_address_in_another_form_is_refused_on_fetch_the_model_list(public, host):
    at = open_page("pages/playground.py", {"mode": "live"})
    at.selectbox(key="live_provider").set_value("OpenAI").run()
    field(at, "live_key_").set_value("sk-visitor-000111")
    field(at, "live_base_url_").set_value(f"https://{host}").run()
    at.button(key="live_list_models").click().run()
    assert not at.exception, at.exception
    assert "private or local address" in errors(at)
    assert PAGE_FAILED not in errors(at)


@pytest.fixture
def owner(public, monkeypatch):
    """The owner's key and their own hidden address (a loopback model server, a proxy say)."""
    with FakeLLMServer() as server:
        server.state.valid_keys.add(OWNER_KEY)
        monkeypatch.setenv("ANTHROPIC_API_KEY", OWNER_KEY)
        monkeypatch.setenv("AFLAB_OWNER_MODELS", "fake-claude,fake-judge")  # the owner's choice
        monkeypatch.setenv("ANTHROPIC_BASE_URL", server.url)
        monkeypatch.setenv("AFLAB_OWNER_KEY_OPEN", "1")
        yield server


def test_the_owners_hidden_address_is_not_shown_or_written_into_a_visitors_transcripts(
    owner, isolated_data_dir
):
    at = open_page("pages/playground.py", {"mode": "live"})
    field(at, "live_model_").set_value("fake-claude")
    at.button(key="live_send").click().run()
    assert not at.error, errors(at)
    assert owner.state.model_requests()  # the owner's key went to the owner's address
    written = "".join(p.read_text() for p in isolated_data_dir.rglob("*.jsonl"))
    assert "this deployment's own address (not shown)" in written
    shown = page_text(at) + "".join(str(j.proto.body) for j in at.get("json"))
    at.switch_page("pages/transcripts.py").run()
    shown += page_text(at) + "".join(str(j.proto.body) for j in at.get("json"))
    for where in (written, shown):
        assert owner.url not in where and str(owner.httpd.server_address[1]) not in where


def test_a_visitors_own_key_with_no_address_goes_to_the_provider_not_the_owners_proxy(owner):
    at = open_page("pages/playground.py", {"mode": "live"})
    field(at, "live_key_").set_value("sk-visitor-own-key-4455")
    field(at, "live_model_").set_value("fake-claude")
    at.button(key="live_send").click().run()
    at.button(key="live_list_models").click().run()
    assert not at.exception, at.exception
    assert not owner.state.exchanges  # nothing of the visitor's reached the owner's proxy
    shown = re.sub(r"\\(.)", r"\1", errors(at)).replace("\u2060", "")  # as read on screen
    assert "Anthropic at https://api.anthropic.com" in shown  # refused or unreachable there


@pytest.mark.parametrize("api", ["anthropic", "openai"])
def test_a_visitors_typed_key_is_not_kept_by_the_server_after_their_call(api):
    """Clients are cached per address for speed; the key a visitor typed must not stay in that
    cache (for any later code, crash report or memory dump to find) once their call is done."""
    import gc

    from alignment_faking_lab.calling.endpoints import Api, Endpoint
    from alignment_faking_lab.calling.providers import complete
    from alignment_faking_lab.data.transcript import Message

    typed = f"{VALID_KEY}-typed-by-a-visitor-{api}"
    with FakeLLMServer() as server:
        server.state.valid_keys.add(typed)
        url = server.url if api == "anthropic" else server.openai_url
        endpoint = Endpoint(Api(api), "Visitor's", url, typed)
        reply = complete(endpoint, "fake-claude", "system", [Message("user", "hi")], 50)
        assert reply.text and typed in str(server.state.model_requests()[-1].headers)
    del endpoint
    gc.collect()
    clients = [o for o in gc.get_objects() if type(o).__name__ in ("Anthropic", "OpenAI")]
    assert clients and not [c for c in clients if getattr(c, "api_key", "") == typed]
