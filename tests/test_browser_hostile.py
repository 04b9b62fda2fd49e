"""A public deployment met by a hostile visitor or a careless owner, in headless Chromium.

Each test starts the real app with `streamlit run` in public mode and tries one thing a visitor
(or an owner's typo) could do: the page must say what happened in plain words, never show a
traceback, and never let the owner's settings quietly lapse."""

from __future__ import annotations

import re
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser_harness import (
    chromium_browser,
    click_button,
    goto,
    running_app,
    screenshot,
    sidebar_field,
    wait_idle,
)

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


def server_memory_mb(app) -> int:
    status = Path(f"/proc/{app.process.pid}/status").read_text()
    return int(status.split("VmRSS:")[1].split()[0]) // 1024


def test_a_zip_bomb_and_a_big_upload_stay_within_one_visitors_share(browser, tmp_path):
    """A small zip of many large members, through the archive upload: the server reads only
    one visitor's share of it, writes no more than that, and says why it stopped; a JSONL
    file larger than what is left is refused before it is read."""
    from tests.test_archive_input import make_zip, member, record

    bomb = make_zip(
        tmp_path / "bomb.zip",
        {
            member("train", n): record(n)[:-1] + b', "pad": "' + b" " * 3_000_000 + b'"}'
            for n in range(1, 61)
        },
    )  # fmt: skip  (180 MB unpacked)
    big = tmp_path / "big.jsonl"
    big.write_bytes(b"{}\n" * 3_000_000)  # 9 MB: more than the 4 MB share
    data = tmp_path / "data"
    data.mkdir()
    with running_app(data, {"AFLAB_MODE": "public", "AFLAB_VISITOR_DATA_MB": "4"}) as app:
        page = browser.new_page()
        goto(page, app, "/paper_transcripts")
        before = server_memory_mb(app)
        page.get_by_text("…or import the bulk archive").click()
        page.locator("input[type=file]").last.set_input_files(str(bomb))
        click_button(page, "Import archive")
        expect(page.get_by_text("what one visitor may import on this server")).to_be_visible()
        on_disk = sum(f.stat().st_size for f in (data / "sessions").rglob("*") if f.is_file())
        assert on_disk < 5_000_000 and not list((data / "sessions").rglob("archive.zip"))
        assert server_memory_mb(app) - before < 100
        page.get_by_text("Load your own transcripts (JSONL)").click()
        page.get_by_test_id("stSidebar").locator("input[type=file]").set_input_files(str(big))
        expect(
            page.get_by_text("does not fit: each visitor may load and import up to")
        ).to_be_visible()
        screenshot(page, "hostile-upload-over-the-visitors-share")
        assert "Traceback" not in page.content()
        goto(page, app, "/run_experiment")  # an Inspect log over the share: refused unread
        (log := tmp_path / "big.eval").write_bytes(big.read_bytes())
        page.get_by_text("Import an Inspect AI log of an alignment-faking task").click()
        page.locator("input[type=file]").last.set_input_files(str(log))
        click_button(page, "Import")
        expect(
            page.get_by_text("does not fit: each visitor may load and import up to")
        ).to_be_visible()
        assert "Traceback" not in page.content()
        page.close()


def test_a_visitor_gets_back_to_their_own_work_with_their_private_link(browser, tmp_path):
    """A reload or a typed link starts a new session: the sidebar's private resume link brings
    the visitor's sends back (and says what a restart wipes); without it, nobody sees them."""
    from tests.fake_llm_server import FakeLLMServer

    with FakeLLMServer() as owners:
        owners.state.valid_keys.add("sk-owner-resume-1")
        env = {"AFLAB_MODE": "public", "ANTHROPIC_API_KEY": "sk-owner-resume-1",
               "ANTHROPIC_BASE_URL": owners.url, "AFLAB_OWNER_KEY_OPEN": "1",
               "AFLAB_OWNER_MODELS": "fake-claude"}  # fmt: skip
        with running_app(tmp_path, env) as app:
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            page = context.new_page()
            goto(page, app, "/playground?mode=live")
            sidebar_field(page, "Model id", "fake-claude")
            click_button(page, "Send")
            page.get_by_role("link", name="Transcripts").first.click()  # the same session
            wait_idle(page)
            page.get_by_text("Load your own transcripts (JSONL)").click()
            note = page.get_by_text("Your private way back").first
            expect(note).to_be_visible()
            expect(page.get_by_text("A restart of this server wipes your work")).to_be_visible()
            screenshot(page, "hostile-resume-link")
            secret = re.search(r"resume=([0-9a-f]{32})", note.inner_text()).group(1)
            context.close()
            for link, has_work in (
                ("/transcripts", False),
                (f"/transcripts?resume={secret}", True),
            ):
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                page = context.new_page()
                goto(page, app, link)
                page.get_by_text("Load your own transcripts (JSONL)").click()
                mine = page.get_by_role("button", name="Download my transcripts (JSONL)")
                expect(mine).to_be_enabled() if has_work else expect(mine).to_be_disabled()
                context.close()
