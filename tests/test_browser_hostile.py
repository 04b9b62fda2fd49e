"""A public deployment met by a hostile visitor or a careless owner, in headless Chromium.

Each test starts the real app with `streamlit run` in public mode and tries one thing a visitor
(or an owner's typo) could do: the page must say what happened in plain words, never show a
traceback, and never let the owner's settings quietly lapse."""

from __future__ import annotations

import urllib.request

import pytest
from playwright.sync_api import expect

from tests.browser_harness import chromium_browser, goto, running_app, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser():
    with chromium_browser() as chromium:
        yield chromium


def test_a_secrets_file_that_does_not_parse_is_said_plainly(browser, tmp_path):
    """Streamlit reads an unparsable secrets.toml as no file at all: every owner setting (the
    key, the access code, the limits) would lapse without a word."""
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('AFLAB_ACCESS_CODE = "class-2026"\nANTHROPIC_API_KEY = sk-unquoted-77\n')
    with running_app(tmp_path, {"AFLAB_MODE": "public"}, secrets_file=secrets) as app:
        page = browser.new_page()
        goto(page, app, "/")
        sidebar = page.get_by_test_id("stSidebar")
        expect(sidebar.get_by_text("secrets.toml) does not parse")).to_be_visible()
        expect(sidebar.get_by_text("line 2")).to_be_visible()
        screenshot(page, "hostile-secrets-do-not-parse")
        assert "sk-unquoted-77" not in page.content()
        assert "does not parse" in app.log()
        page.close()


def metrics(app) -> str:
    with urllib.request.urlopen(app.url + "/_stcore/metrics", timeout=10) as reply:
        return reply.read().decode()


@pytest.mark.parametrize("mode", ["public", "local"])
def test_the_metrics_page_tells_a_visitor_nothing_of_other_visitors(browser, tmp_path, mode):
    """Anyone may open /_stcore/metrics: on a public server it must not count other visitors'
    sessions, their session state or their use of caches."""
    with running_app(tmp_path, {"AFLAB_MODE": mode}) as app:
        other = browser.new_page()
        goto(other, app, "/results")  # another visitor, using the app
        seen = metrics(app)
        other.close()
    if mode == "local":  # your own machine: Streamlit's page as it is (this test's control)
        assert "active_sessions 1" in seen
        return
    assert "session" not in seen and "cache_memory_bytes" not in seen, seen
