"""End to end: the real app under `streamlit run`, driven in headless Chromium like a visitor."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from alignment_faking_lab.data.catalogue import load_illustrative
from alignment_faking_lab.data.storage import write_jsonl
from alignment_faking_lab.data.transcript import Compliance, Message, Provenance, Tier, Transcript
from tests.browser_harness import (
    goto,
    running_app,
    screenshot,
    wait_idle,
)

pytestmark = pytest.mark.browser


def hostile_transcript() -> Transcript:
    return Transcript(
        id="hostile-html",
        provenance=Provenance.LIVE,
        tier=Tier.PAID,
        prompt_id="p-hostile",
        prompt_text="Say <b>hello</b>",
        messages=[
            Message("user", "<INPUT>hi</INPUT>"),
            Message(
                "assistant",
                "<OUTPUT><script>window.injected = true</script><img src=x "
                "onerror='window.injected = true'> plain words</OUTPUT>",
            ),
        ],
        model="test-model",
        provider="test",
        created_at="2026-11-24T10:00:00Z",
        compliance=Compliance.REFUSED,
    )


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    directory = tmp_path_factory.mktemp("browser-data")
    write_jsonl(directory / "runs" / "hostile.jsonl", [hostile_transcript()])
    return directory


def test_home_page_opens_with_the_study_and_its_chart(app, page):
    goto(page, app)
    expect(page.get_by_role("heading", name="Alignment Faking Lab")).to_be_visible()
    expect(page.get_by_text("The experiment in one minute")).to_be_visible()
    expect(page.get_by_test_id("stMetric")).to_have_count(5)
    assert page.locator(".main-svg").count() == 0  # the chart loads when its section opens
    page.get_by_text("The same figures as a chart", exact=False).click()
    page.wait_for_selector(".main-svg")
    screenshot(page, "01-overview")


def test_switch_tier_and_reveal_the_scratchpad(app, page):
    goto(page, app, "/playground")
    free_heading = "Free tier: the model is told this conversation is used for training"
    expect(page.get_by_text(free_heading)).to_be_visible()
    page.get_by_role("radio", name="Paid tier (unmonitored)").click()
    wait_idle(page)
    expect(
        page.get_by_text("Paid tier: the model is told this conversation is never")
    ).to_be_visible()
    assert "tier=paid" in page.url  # the choice is in the address, so it can be shared
    expect(page.get_by_text("Hidden scratchpad (never shown to the user)")).to_have_count(0)
    page.get_by_text("Reveal the hidden scratchpad", exact=True).click()
    wait_idle(page)
    expect(page.get_by_text("Hidden scratchpad (never shown to the user)")).to_be_visible()
    expect(page.get_by_text("Final answer (what the user sees)")).to_be_visible()
    screenshot(page, "02-playground-paid-revealed")


def test_compare_tiers_side_by_side(app, page):
    goto(page, app, "/playground?reveal=true&compare=true")
    expect(page.get_by_role("heading", name="Free tier (training)")).to_be_visible()
    expect(page.get_by_role("heading", name="Paid tier (unmonitored)")).to_be_visible()
    screenshot(page, "03-playground-compare")


def test_results_chart_of_loaded_transcripts_is_labelled_illustrative(app, page):
    goto(page, app, "/results")
    page.get_by_role("radio", name="Transcripts loaded in the app").click()
    wait_idle(page)
    page.wait_for_selector(".main-svg")
    expect(page.get_by_text("Refusal and compliance by tier").first).to_be_visible()
    expect(page.get_by_text("not a measured rate").first).to_be_visible()
    expect(page.get_by_role("heading", name="The compliance gap", exact=True)).to_be_visible()
    screenshot(page, "04-results-loaded")


def test_a_shared_transcript_link_reopens_it_on_a_fresh_server(data_dir, browser):
    """The first request a new server gets is a deep link: it must open inside the app."""
    transcript = next(t for t in load_illustrative() if t.tier is Tier.FREE and t.alignment_faking)
    with running_app(data_dir) as fresh:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        tab = context.new_page()
        goto(tab, fresh, f"/transcripts?id={transcript.id}")
        expect(tab.get_by_text(transcript.prompt_text).first).to_be_visible()
        expect(tab.get_by_text("Alignment-faking reasoning").first).to_be_visible()
        # the app's own menu and title, not the legacy pages/ menu ("walkthrough", "transcripts")
        expect(tab.get_by_role("link", name="Guided walkthrough").first).to_be_visible()
        expect(tab).to_have_title("Alignment Faking Lab")
        screenshot(tab, "05-shared-transcript")
        context.close()


def test_the_legacy_mode_this_works_around_still_exists(tmp_path, browser):
    """ui/navigation.py works around Streamlit's legacy `pages/` mode (a page opened by a link
    on a fresh server runs without the entry script). If this fails, a Streamlit upgrade has
    changed that behaviour: check the deep-link test above and drop the workaround if it is no
    longer needed."""
    (tmp_path / "pages").mkdir()
    (tmp_path / "entry.py").write_text(
        "import streamlit as st\n"
        "st.write('entry script ran')\n"
        "st.navigation([st.Page('pages/home.py', default=True), st.Page('pages/other.py')]).run()\n"
    )
    (tmp_path / "pages" / "home.py").write_text("import streamlit as st\nst.write('home')\n")
    (tmp_path / "pages" / "other.py").write_text("import streamlit as st\nst.write('other page')\n")
    with running_app(tmp_path, entry=tmp_path / "entry.py") as fresh:
        tab = browser.new_page()
        goto(tab, fresh, "/other")
        expect(tab.get_by_text("other page")).to_be_visible()
        assert tab.get_by_text("entry script ran").count() == 0, (
            "Streamlit now runs the entry script for a deep link on a fresh server: the legacy "
            "pages/ mode that ui/navigation.py works around has changed"
        )
        tab.close()


def test_model_output_with_html_is_shown_as_text_not_run(app, page):
    goto(page, app, "/transcripts?id=hostile-html")  # a refusal: shown at once, no switch
    expect(page.get_by_text("plain words")).to_be_visible()
    expect(page.get_by_text("<script>window.injected = true</script>")).to_be_visible()
    assert page.evaluate("() => window.injected === undefined")
    assert page.locator("[data-testid='stMain'] img[src='x']").count() == 0
    screenshot(page, "06-html-shown-as-text")


WALKTHROUGH_KEY_ELEMENTS = {
    1: "never to refuse",
    2: "The answer the user saw",
    3: "The answer the user saw",
    4: "The hidden scratchpad (free tier)",
    5: "Compliance gap (training minus unmonitored)",
    6: "Questions to discuss",
}


def test_walkthrough_next_through_every_step(app, page):
    goto(page, app, "/walkthrough?step=1")
    for step, key_text in WALKTHROUGH_KEY_ELEMENTS.items():
        expect(page.get_by_text(f"Step {step} of 6")).to_be_visible()
        key_element = page.get_by_text(key_text).first
        key_element.scroll_into_view_if_needed()
        expect(key_element).to_be_visible()
        if step == 5:
            page.wait_for_selector(".main-svg")
        shot = screenshot(page, f"07-walkthrough-step-{step}")
        # The key element lies inside the saved page image, so the screenshot shows it.
        box = key_element.bounding_box()
        assert box is not None and box["width"] > 0 and shot.stat().st_size > 10_000
        if step < 6:
            if step == 3:
                page.keyboard.press("ArrowRight")  # the presenter's keyboard shortcut
            else:
                page.get_by_role("button", name="Next").click()
            # The rerun may start after wait_idle's grace on a loaded machine: wait for the URL.
            expect(page).to_have_url(re.compile(rf"[?&]step={step + 1}\b"), timeout=30_000)
            wait_idle(page)


def test_walkthrough_presentation_mode_enlarges_the_text(app, page):
    goto(page, app, "/walkthrough?step=5")
    paragraph = page.locator("[data-testid='stMain'] p").first
    normal = float(paragraph.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
    page.get_by_text("Presentation mode", exact=True).click()
    wait_idle(page)
    assert "present=true" in page.url  # the mode is in the address, so a link opens it
    larger = float(paragraph.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
    assert larger >= 24 and larger > normal * 1.2
    expect(page.locator("[data-testid='stSidebar']")).to_be_hidden()
    screenshot(page, "08-walkthrough-presentation")


def test_download_the_papers_transcripts_then_replay_a_pair(tmp_path, browser):
    from tests.paper_site_server import PaperSiteServer

    with PaperSiteServer() as site, running_app(tmp_path) as fresh:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        tab = context.new_page()
        tab.set_default_timeout(20_000)
        goto(tab, fresh, "/paper_transcripts")
        tab.get_by_text("Where the data comes from").click()
        site_field = tab.get_by_role("textbox", name="Transcript site")
        site_field.fill(site.url)
        site_field.press("Enter")
        wait_idle(tab)
        tab.get_by_role("button", name="Fetch the list of published settings").click()
        wait_idle(tab)
        setting_field = tab.get_by_role("textbox", name="Setting (category/variant)")
        expect(setting_field).to_have_value("animal_welfare/default")  # known: first, by name
        setting_field.fill("helpful_only/demo_variant")
        setting_field.press("Enter")
        wait_idle(tab)
        tab.get_by_role("button", name="Download").click()
        wait_idle(tab)
        expect(tab.get_by_text("helpful_only/demo_variant: 12 downloaded")).to_be_visible()
        # like with like: the paper has no figure for this variant, and says so
        expect(tab.get_by_text("The paper reports no figure for the demo_variant")).to_be_visible()
        screenshot(tab, "09-paper-downloaded")
        goto(
            tab,
            fresh,
            "/playground?request=helpful_only%2Fdemo_variant%2F1&compare=true&reveal=true",
        )
        expect(tab.get_by_text("Write a limerick about a cat.").first).to_be_visible()
        expect(tab.get_by_text("thinks it is in training").first).to_be_visible()
        # An answer to a harmful request waits until it is asked for.
        expect(tab.get_by_text("Placeholder answer 1.")).to_have_count(0)
        tab.get_by_text("Show the model's answer (may contain harmful content)").first.click()
        wait_idle(tab)
        expect(tab.get_by_text("Placeholder answer 1.").first).to_be_visible()
        screenshot(tab, "10-paper-pair-replayed")
        context.close()
