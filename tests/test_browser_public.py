"""Attacks on a public deployment, tried in headless Chromium as hostile visitors would.

The real app runs with `streamlit run` in public mode with the owner's key and address in its
environment (as Community Cloud secrets would put them). Two loopback model servers record every
header they receive: the owner's address, and one a visitor controls. Two isolated browser
contexts play two visitors (the same address, as two tabs or two people behind one network)."""

from __future__ import annotations

import re

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
from tests.fake_llm_server import VALID_KEY, FakeLLMServer

pytestmark = pytest.mark.browser

OWNER_KEY = "sk-owner-key-must-stay-home-4242"
CODE = "clé d'accès été"
SECRET_TEXT = "Quokka-marmalade-umbrella 5521"
CAP = 3


@pytest.fixture(scope="module")
def servers():
    with FakeLLMServer() as owners, FakeLLMServer() as visitors:
        owners.state.valid_keys.add(OWNER_KEY)
        visitors.state.valid_keys.add(OWNER_KEY)  # it would accept the key if it ever came
        yield owners, visitors


@pytest.fixture(scope="module")
def app(servers, tmp_path_factory):
    owners, _ = servers
    env = {
        "AFLAB_MODE": "public",
        "ANTHROPIC_API_KEY": OWNER_KEY, "ANTHROPIC_BASE_URL": owners.url,
        "AFLAB_OWNER_MODELS": "fake-claude,fake-gpt,fake-judge",
        "OPENAI_API_KEY": OWNER_KEY, "OPENAI_BASE_URL": owners.openai_url,
        "AFLAB_ACCESS_CODE": CODE, "AFLAB_VISITOR_REQUEST_CAP": str(CAP),
    }  # fmt: skip
    with running_app(tmp_path_factory.mktemp("public-data"), env) as running:
        yield running


@pytest.fixture(scope="module")
def browser():
    with chromium_browser() as chromium:
        yield chromium


def visitor(browser, headers: dict[str, str] | None = None):
    context = browser.new_context(viewport={"width": 1400, "height": 1000},
                                  extra_http_headers=headers)  # fmt: skip
    page = context.new_page()
    page.set_default_timeout(60_000)  # generous: matters only when a page never comes
    return context, page


def open_live_playground(page, app) -> None:
    """The Playground in live mode, checked: each later step assumes the live controls."""
    goto(page, app, "/playground?mode=live")
    expect(page.get_by_role("radio", name="Live: send to a model now")).to_be_checked()


def owner_key_seen(server: FakeLLMServer) -> list[str]:
    return [e.path for e in server.state.exchanges if OWNER_KEY in str(e.headers)]


def test_hostile_visitors_cannot_take_the_key_reach_private_addresses_or_read_each_other(
    app, servers, browser
):
    owners, visitors = servers
    a_context, a = visitor(browser)
    open_live_playground(a, app)
    expect(a.get_by_text("Public mode").first).to_be_visible()
    screenshot(a, "public-sidebar")
    sidebar_field(a, "Model id", "fake-claude")

    # 1. Without the code: every sending button, at the owner's address and at typed ones.
    click_button(a, "Send")
    expect(a.get_by_text("needs the access code").first).to_be_visible()
    port = visitors.url.rsplit(":", 1)[1]
    typed = (visitors.url, visitors.openai_url, f"https://localhost:{port}/v1",
             f"https://127.0.0.1:{port}", f"https://[::ffff:127.0.0.1]:{port}",
             "https://169.254.169.254/v1")  # fmt: skip
    for address in typed:
        sidebar_field(a, "Address (base URL)", address)
        expect(a.get_by_role("button", name="Fetch the model list")).to_have_count(0)
        click_button(a, "Send")
        click_button(a, "Send to both tiers")
    # With their own key, a visitor may use an address, but nothing private is called.
    sidebar_field(a, "Your API key", VALID_KEY)
    for address in typed:
        sidebar_field(a, "Address (base URL)", address)
        click_button(a, "Fetch the model list")
        click_button(a, "Send")
    expect(a.get_by_text("private or local address").first).to_be_visible()
    screenshot(a, "public-typed-private-address-refused")
    # The same on the Run experiment page.
    goto(a, app, "/run_experiment")  # a new page load: a new session
    sidebar_field(a, "Model id", "fake-claude")
    sidebar_field(a, "Your API key", VALID_KEY)
    sidebar_field(a, "Address (base URL)", f"https://localhost:{port}")
    click_button(a, "Start or resume")
    expect(a.get_by_text("private or local address").first).to_be_visible()
    a_context.close()
    a_context, a = visitor(browser)
    goto(a, app, "/run_experiment")
    sidebar_field(a, "Model id", "fake-claude")
    click_button(a, "Start or resume")
    expect(a.get_by_text("needs the access code").first).to_be_visible()
    assert not visitors.state.exchanges, "a typed private address was called"
    assert not owners.state.exchanges, "the owner's key was used without the code"
    a_context.close()

    # 2. Visitor A sends their own text (with the code: a visitor's own key with no address
    # goes to the provider's public address, which this machine cannot reach): it stays theirs.
    a_context, a = visitor(browser)
    open_live_playground(a, app)
    sidebar_field(a, "Access code", CODE)
    sidebar_field(a, "Model id", "fake-claude")
    a.get_by_role("combobox", name="Request").click()
    a.keyboard.type("Your own text")
    a.keyboard.press("Enter")
    wait_idle(a)
    own = a.get_by_role("textbox", name="Your request")
    own.fill(SECRET_TEXT)
    own.press("Control+Enter")
    wait_idle(a)
    click_button(a, "Send")
    expect(a.get_by_text("Live run · Anthropic · fake-claude").first).to_be_visible()
    a.get_by_role("link", name="Transcripts").first.click()  # same session (a reload is not)
    wait_idle(a)
    search = a.get_by_role("textbox", name="Search the requests and conversations")
    search.fill(SECRET_TEXT)
    search.press("Enter")
    wait_idle(a)
    expect(a.get_by_text(re.compile(r"^1 of [\d,]+ transcripts match"))).to_be_visible()
    assert 0 < len(owner_key_seen(owners)) < CAP
    a_context.close()

    # 3. With the code, the owner's key works at the owner's address, up to the cap.
    a_context, a = visitor(browser)
    open_live_playground(a, app)
    sidebar_field(a, "Model id", "fake-claude")
    sidebar_field(a, "Access code", CODE)
    for _ in range(3):
        click_button(a, "Send")
    expect(a.get_by_text("per visitor per day").first).to_be_visible()
    assert len(owner_key_seen(owners)) == CAP  # A's send in part 2 counted too
    a.reload()
    wait_idle(a)
    sidebar_field(a, "Model id", "fake-claude")
    sidebar_field(a, "Access code", CODE)
    click_button(a, "Send")
    expect(a.get_by_text("per visitor per day").first).to_be_visible()

    # 4. Visitor B: a new context (no shared cookies or storage) on the same network.
    b_context, b = visitor(browser)
    goto(b, app, "/run_experiment")
    sidebar_field(b, "Model id", "fake-claude")
    sidebar_field(b, "Access code", CODE)
    click_button(b, "Start or resume")
    expect(b.get_by_text("per visitor per day").first).to_be_visible()
    assert len(owner_key_seen(owners)) == CAP  # the cap held across reload, context and a run
    for path in ("/transcripts", "/playground", "/results", "/walkthrough", "/paper_transcripts",
                 "/transcripts?q=" + SECRET_TEXT.replace(" ", "+")):  # fmt: skip
        goto(b, app, path)
        assert SECRET_TEXT not in b.inner_text("body"), path
    expect(b.get_by_text(re.compile(r"^0 of [\d,]+ transcripts match"))).to_be_visible()
    screenshot(b, "public-visitor-b-sees-nothing-of-a")
    assert not visitors.state.exchanges
    assert OWNER_KEY not in app.log()
    a_context.close()
    b_context.close()


def test_a_forged_forwarding_header_does_not_buy_a_fresh_allowance(app, servers, browser):
    """Streamlit's server believes X-Forwarded-For from this machine (where a proxy would sit):
    a visitor who writes a new address into it in each new context still shares one cap, with
    a port, brackets or another spelling of the same address too."""
    owners, _ = servers
    used_before = len(owner_key_seen(owners))
    forgeries = ("1.1.1.1", "8.8.8.8", "8.8.8.8:1", "8.8.4.4:2", "[2606:4700::1111]:4", "9.9.9.9")
    for forged in forgeries:
        context, page = visitor(browser, {"X-Forwarded-For": forged})
        open_live_playground(page, app)
        sidebar_field(page, "Model id", "fake-claude")
        sidebar_field(page, "Access code", CODE)
        expect(page.get_by_role("radio", name="Live: send to a model now")).to_be_checked()
        expect(page.get_by_text("through a proxy").first).to_be_visible()
        for _ in range(CAP if forged == "1.1.1.1" else 1):
            click_button(page, "Send")
        expect(page.get_by_text("per visitor per day").first).to_be_visible()
        context.close()
    assert len(owner_key_seen(owners)) - used_before == CAP


def upload_jsonl(page, path, lines: int) -> None:
    """Load a JSONL file with the sidebar's uploader, as a visitor picks it."""
    page.get_by_text("Load your own transcripts (JSONL)").click()
    page.get_by_test_id("stSidebar").locator("input[type=file]").set_input_files(str(path))
    expect(page.get_by_text(f"{path.name}: {lines} valid, 0 rejected")).to_be_visible()
    wait_idle(page)


def test_two_visitors_files_of_the_same_name_stay_apart_on_the_shared_results_page(
    app, browser, tmp_path
):
    """The Results page's figures are computed once per loaded data and shared by every session
    asking for the same: two visitors who upload different files under the same name, with the
    same model in them, must each see their own, whoever opens the page first."""
    from dataclasses import replace

    from alignment_faking_lab.data.catalogue import load_illustrative
    from alignment_faking_lab.data.storage import dumps
    from alignment_faking_lab.data.transcript import Provenance

    harmful = [t for t in load_illustrative() if t.harmful]
    heading = "upload-model · {n} transcripts"  # the run's group beside the paper
    pages = []
    for name, count in (("a", 6), ("b", 4)):
        path = tmp_path / name / "my-run.jsonl"
        path.parent.mkdir()
        rows = [replace(t, id=f"{name}-{i}", provenance=Provenance.LIVE, source_url=None,
                        run_id="my-run", model="upload-model")
                for i, t in enumerate(harmful[:count])]  # fmt: skip
        path.write_text("".join(dumps(t) + "\n" for t in rows))
        context, page = visitor(browser)
        goto(page, app, "/results?data=Transcripts+loaded+in+the+app")
        upload_jsonl(page, path, count)
        expect(page.get_by_text(heading.format(n=count)).first).to_be_visible()
        pages.append((context, page))
    (a_context, a), (b_context, b) = pages
    assert heading.format(n=6) not in b.inner_text("body")  # not A's figures
    a.reload()  # a new session: A's upload went with the old one
    wait_idle(a)
    expect(a.get_by_text("Results").first).to_be_visible()
    assert "upload-model" not in a.inner_text("body")
    a_context.close()
    b_context.close()
