"""Logging in with st.login in headless Chromium, through a real OpenID Connect flow on loopback.

The real app runs with `streamlit run` in public mode: the owner's key and address (a loopback
model server recording every request) are in its environment, the owner requires a login, and
the `[auth]` secrets (in a temporary secrets file) point at a loopback identity provider that
logs its chosen user in at once (tests/fake_oidc_server.py). Visitors press "Log in", go through
the provider's redirects, Authlib's state, nonce, PKCE and ID-token checks, and come back with
Streamlit's login cookie. Authlib accepts plain http here without AUTHLIB_INSECURE_TRANSPORT:
it counts loopback addresses as secure transport (RFC 8252 7.3)."""

from __future__ import annotations

import dataclasses
import re

import pytest
from playwright.sync_api import expect

from tests.browser_harness import (
    click_button,
    goto,
    running_app,
    screenshot,
    sidebar_field,
)
from tests.fake_llm_server import FakeLLMServer
from tests.fake_oidc_server import ADA, CLIENT_ID, CLIENT_SECRET, FakeOIDCServer

pytestmark = pytest.mark.browser

OWNER_KEY = "sk-owner-key-for-logged-in-visitors-7319"
COOKIE_SECRET = "cookie-secret-for-the-login-test-0123456789abcdef"
BOB = {"sub": "user-bob-002", "email": "bob@school.example", "name": "Bob"}
CAP = 2  # one Send with fake-claude is two requests: its scratchpad turn, then the answer
LOGIN = "Log in to use this deployment's key"


def secrets_toml(provider: FakeOIDCServer) -> str:
    """What an owner pastes into the secrets; Streamlit fills in `{port}`. The browser reaches
    the app at localhost, the host of the redirect_uri: the login cookie is kept per host, and
    Streamlit honours it only on a page whose origin is the redirect_uri's."""
    return (
        "[auth]\n"
        'redirect_uri = "http://localhost:{port}/oauth2callback"\n'
        f'cookie_secret = "{COOKIE_SECRET}"\n'
        f'client_id = "{CLIENT_ID}"\n'
        f'client_secret = "{CLIENT_SECRET}"\n'
        f'server_metadata_url = "{provider.metadata_url}"\n'
    )


@pytest.fixture(scope="module")
def servers():
    with FakeLLMServer() as owners, FakeOIDCServer() as provider:
        owners.state.valid_keys.add(OWNER_KEY)
        yield owners, provider


@pytest.fixture(scope="module")
def app(servers, tmp_path_factory):
    owners, provider = servers
    folder = tmp_path_factory.mktemp("login-data")
    secrets = folder / "secrets.toml"
    secrets.write_text(secrets_toml(provider), encoding="utf-8")
    env = {
        "AFLAB_MODE": "public", "AFLAB_REQUIRE_LOGIN": "1",
        "ANTHROPIC_API_KEY": OWNER_KEY, "ANTHROPIC_BASE_URL": owners.url,
        "AFLAB_OWNER_MODELS": "fake-claude,fake-gpt,fake-judge",
        "AFLAB_VISITOR_REQUEST_CAP": str(CAP),
    }  # fmt: skip
    with running_app(folder, env, secrets_file=secrets) as running:
        yield dataclasses.replace(running, url=running.url.replace("127.0.0.1", "localhost"))


def visitor(browser, app):
    """A new browser context (no cookies) on the playground's live mode, model chosen."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)  # generous: matters only when a page never comes
    open_playground(page, app)
    return context, page


def open_playground(page, app) -> None:
    goto(page, app, "/playground?mode=live")
    sidebar_field(page, "Model id", "fake-claude")


def log_in(page, app) -> None:
    """Press the button, follow the provider's redirects back to the app's front page (where
    Streamlit always lands), and return to the playground."""
    page.get_by_role("button", name=LOGIN, exact=True).click()
    page.wait_for_url(front_page(app))
    open_playground(page, app)


def front_page(app) -> re.Pattern:
    return re.compile(re.escape(app.url) + r"/?$")


def sidebar(page) -> str:
    """The sidebar as a visitor reads it."""
    return page.get_by_test_id("stSidebar").inner_text()


def logged_in_as(page, email: str) -> None:
    """The address shows exactly as it is (what a visitor copies), and not as a link."""
    expect(page.get_by_test_id("stSidebar")).to_contain_text(f"Logged in as {email}.")
    expect(page.get_by_test_id("stSidebar").get_by_role("link", name=email)).to_have_count(0)


def assert_no_secret_leaked(app, provider: FakeOIDCServer) -> None:
    """Neither the app's log nor the identity provider ever sees what it should not."""
    log = app.log()
    assert CLIENT_SECRET not in log and COOKIE_SECRET not in log and OWNER_KEY not in log
    assert not [r for r in provider.state.requests if OWNER_KEY in str(r)]


def test_a_visitor_logs_in_with_the_provider_and_sends_on_the_owners_key(app, servers, browser):
    owners, provider = servers
    tokens_before = len(provider.state.paths("POST", "/token"))
    ada_context, ada = visitor(browser, app)
    click_button(ada, "Send")  # logged out: refused, and told how to get in
    expect(ada.get_by_text("Press “Log in to use this deployment's key”").first).to_be_visible()
    assert not owners.state.exchanges

    log_in(ada, app)
    logged_in_as(ada, "ada@school.example")
    expect(ada.get_by_role("button", name=LOGIN)).to_have_count(0)
    assert f"{CAP} of {CAP} requests left" in sidebar(ada)
    screenshot(ada, "login-logged-in-sidebar")
    click_button(ada, "Send")
    expect(ada.get_by_text("Live run · Anthropic · fake-claude").first).to_be_visible()
    sent = owners.state.model_requests()
    assert len(sent) == CAP and all(OWNER_KEY in str(r.headers) for r in sent)
    expect(ada.get_by_text(f"0 of {CAP} requests left").first).to_be_visible()

    # The provider saw one authorization-code flow done properly.
    authorize = provider.state.paths("GET", "/authorize")[-1]
    assert authorize.query["client_id"] == CLIENT_ID and authorize.query["nonce"]
    assert authorize.query["code_challenge_method"] == "S256"
    assert authorize.query["redirect_uri"] == app.url + "/oauth2callback"
    token = provider.state.paths("POST", "/token")[-1]
    assert token.form["grant_type"] == "authorization_code" and token.form["code_verifier"]
    assert token.headers["authorization"].startswith("Basic ")  # client_secret_basic

    # Ada again, in a context of her own (another device): the allowance is hers, so it
    # is used up there too. Bob, from the same address, has his own.
    again_context, again = visitor(browser, app)
    log_in(again, app)
    logged_in_as(again, "ada@school.example")
    assert f"0 of {CAP} requests left" in sidebar(again)
    click_button(again, "Send")
    expect(again.get_by_text("per visitor per day").first).to_be_visible()
    provider.state.user = dict(BOB)
    bob_context, bob = visitor(browser, app)
    log_in(bob, app)
    logged_in_as(bob, "bob@school.example")
    assert f"{CAP} of {CAP} requests left" in sidebar(bob)
    assert len(owners.state.model_requests()) == CAP
    provider.state.user = dict(ADA)

    # Logging out closes the key again.
    bob.get_by_role("button", name="Log out", exact=True).click()
    bob.wait_for_url(front_page(app))
    open_playground(bob, app)
    expect(bob.get_by_role("button", name=LOGIN)).to_be_visible()
    for context in (ada_context, again_context, bob_context):
        context.close()
    assert len(provider.state.paths("POST", "/token")) == tokens_before + 3
    assert_no_secret_leaked(app, provider)


def test_a_login_the_provider_refuses_leaves_the_key_closed(app, servers, browser):
    """The owner changed the client secret at the provider but not in the app's secrets: the
    token exchange fails, the visitor comes back logged out, and the key stays closed."""
    owners, provider = servers
    sent_before = len(owners.state.model_requests())
    tokens_before = len(provider.state.paths("POST", "/token"))
    provider.state.client_secret = "rotated-at-the-provider-only"
    try:
        context, page = visitor(browser, app)
        log_in(page, app)
        expect(page.get_by_role("button", name=LOGIN)).to_be_visible()
        assert "Logged in as" not in sidebar(page)
        click_button(page, "Send")
        expect(
            page.get_by_text("Press “Log in to use this deployment's key”").first
        ).to_be_visible()
        context.close()
    finally:
        provider.state.client_secret = CLIENT_SECRET
    assert len(provider.state.paths("POST", "/token")) == tokens_before + 1  # tried, refused
    assert len(owners.state.model_requests()) == sent_before
    assert "rotated-at-the-provider-only" not in app.log()
    assert_no_secret_leaked(app, provider)
