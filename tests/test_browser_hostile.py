"""A public deployment met by a hostile visitor or a careless owner, in headless Chromium.

Each test starts the real app with `streamlit run` in public mode and tries one thing a visitor
(or an owner's typo) could do: the page must say what happened in plain words, never show a
traceback, and never let the owner's settings quietly lapse."""

from __future__ import annotations

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
