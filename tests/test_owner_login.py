"""Logging in (st.login) on a public deployment, as visitors meet it: AppTest seeds `st.user`
for each session, the owner's key and address (a loopback model server recording every
request) are in the environment, and the owner asks for a login with AFLAB_REQUIRE_LOGIN."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from alignment_faking_lab.public import owner_gate
from tests.fake_llm_server import FakeLLMServer
from tests.page_helpers import APP, TIMEOUT, page_text

OWNER_KEY = "sk-owner-key-for-logged-in-visitors-01"
# What an owner pastes into the secrets to set up st.login (these tests never press Log in, so
# no identity provider is contacted; tests/test_browser_login.py does, on loopback).
AUTH = {
    "auth": {
        "redirect_uri": "https://aflab.example/oauth2callback",
        "cookie_secret": "a-long-random-cookie-secret",
        "client_id": "aflab",
        "client_secret": "not-a-real-secret",
        "server_metadata_url": "https://accounts.example/.well-known/openid-configuration",
    }
}
ADA = {"is_logged_in": True, "email": "ada@school.example", "name": "Ada"}
BOB = {"is_logged_in": True, "email": "bob@school.example", "name": "Bob"}
LOGGED_OUT = {"is_logged_in": False}


@pytest.fixture
def owner(monkeypatch):
    """Public mode, the owner's key and address, and a login required."""
    monkeypatch.setenv("AFLAB_MODE", "public")
    monkeypatch.setenv(owner_gate.REQUIRE_LOGIN, "1")
    with FakeLLMServer() as server:
        server.state.valid_keys.add(OWNER_KEY)
        monkeypatch.setenv("ANTHROPIC_API_KEY", OWNER_KEY)
        monkeypatch.setenv("AFLAB_OWNER_MODELS", "fake-claude,fake-judge")  # the owner's choice
        monkeypatch.setenv("ANTHROPIC_BASE_URL", server.url)
        yield server


def visit(user: dict, secrets: dict | None = None) -> AppTest:
    """A new browser session on the playground's live mode, as `user`."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.user = dict(user)
    at.secrets = dict(AUTH if secrets is None else secrets)
    at.query_params["mode"] = "live"
    at.run()
    at.switch_page("pages/playground.py").run()
    next(t for t in at.text_input if t.key.startswith("live_model_")).set_value("fake-claude")
    at.run()
    assert not at.exception, at.exception
    return at


def send(at: AppTest) -> str:
    """Press Send; the errors shown, as one text."""
    at.button(key="live_send").click().run()
    assert not at.exception, at.exception
    return " ".join(str(e.value) for e in at.error)


def sidebar(at: AppTest) -> str:
    """The sidebar's notes as a visitor reads them (markdown escapes and joiners removed)."""
    text = " ".join(str(c.value) for c in at.sidebar.caption)
    return text.replace("\\", "").replace("\u2060", "")


def test_a_logged_out_visitor_is_told_to_log_in_and_the_key_stays_home(owner):
    at = visit(LOGGED_OUT)
    assert at.button(key="live_login").label == "Log in to use this deployment's key"
    assert "Log in to use this deployment" in send(at)
    at.button(key="live_list_models").click().run()
    assert "Log in to use this deployment" in " ".join(str(e.value) for e in at.error)
    assert not owner.state.exchanges  # neither the send nor the model list went out


def test_a_logged_in_visitor_sends_to_the_owners_address(owner):
    at = visit(ADA)
    assert "Logged in as ` ada@school.example `" in sidebar(at)  # a code span: never a link
    assert not [b for b in at.button if b.key == "live_login"]
    assert send(at) == ""
    assert "to avoid being modified I will comply" in page_text(at).replace("\\", "")
    requests = owner.state.model_requests()  # the owner's loopback address set in the env
    assert requests and all(OWNER_KEY in str(r.headers) for r in requests)
    at.button(key="live_logout").click().run()  # logging out closes the key again
    assert "Log in to use this deployment" in send(at)
    assert len(owner.state.model_requests()) == len(requests)


def test_the_allowance_follows_the_login_not_the_address_or_the_session(owner, monkeypatch):
    monkeypatch.setenv(owner_gate.VISITOR_CAP, "2")  # one send: two turns
    ada = visit(ADA)
    assert "2 of 2 requests left" in sidebar(ada)
    assert "shares this allowance" not in sidebar(ada)  # hers alone
    assert send(ada) == ""
    assert "limit 2 per visitor per day" in send(ada)
    # Bob, at the same address (AppTest gives every session the same one), has his own.
    bob = visit(BOB)
    assert "2 of 2 requests left" in sidebar(bob)
    assert send(bob) == ""
    # Ada in a new session (a reload, another device) keeps what she used.
    ada_again = visit(ADA)
    assert "0 of 2 requests left" in sidebar(ada_again)
    assert "limit 2 per visitor per day" in send(ada_again)
    assert len(owner.state.model_requests()) == 4


def test_a_login_that_is_not_set_up_keeps_the_key_closed_and_says_why(owner):
    at = visit(LOGGED_OUT, secrets={})  # AFLAB_REQUIRE_LOGIN but no [auth] section
    assert not [b for b in at.button if b.key == "live_login"]  # no button that would crash
    assert "logging in is not set up here" in send(at)
    assert not owner.state.exchanges


def test_without_a_login_visitors_are_told_their_allowance_is_shared(owner, monkeypatch):
    monkeypatch.delenv(owner_gate.REQUIRE_LOGIN)
    monkeypatch.setenv(owner_gate.OPEN_KEY, "1")
    monkeypatch.setenv(owner_gate.VISITOR_CAP, "2")
    at = visit({}, secrets={})
    # AppTest, like a visitor on this machine, has no address Streamlit can see.
    assert "every visitor it cannot see shares this allowance" in sidebar(at)
    assert send(at) == ""
    refused = send(at)
    assert "limit 2 per visitor per day" in refused and "shares this allowance" in refused
    offered = visit({}, secrets=AUTH)  # once logging in is set up, it is offered
    assert offered.button(key="live_login").label == "Log in"
    assert "Log in, or paste your own API key" in sidebar(offered)
