"""Presentation grade, checked in headless Chromium: axe-core on every page in both themes, the
projector mode at two screen sizes, the phone layout, the keyboard, and the printed handout.

One app serves every test here. Screenshots go to test-artifacts/screenshots/ to be looked at.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest
from playwright.sync_api import expect

from alignment_faking_lab.data.catalogue import load_illustrative
from alignment_faking_lab.data.transcript import Tier
from alignment_faking_lab.paper.figures import headline_numbers
from alignment_faking_lab.teaching.handout import handout_html
from alignment_faking_lab.teaching.walkthrough import LAST_STEP, choose_story_pair
from tests.browser_harness import (
    SCREENSHOTS,
    axe_violations,
    chromium_browser,
    goto,
    running_app,
    wait_idle,
)

pytestmark = pytest.mark.browser

SHOWN_ID = next(t.id for t in load_illustrative() if t.tier is Tier.FREE and t.alignment_faking)
LOADED = "/results?data=Transcripts+loaded+in+the+app"
PAGES = {
    "overview": "/",
    "walkthrough": "/walkthrough?step=1",
    "playground": "/playground?reveal=true",
    "playground-live": "/playground?mode=live",
    "transcripts": "/transcripts",
    "transcript": f"/transcripts?id={SHOWN_ID}",
    "results-paper": "/results",
    "results-loaded": LOADED,
    "run": "/run_experiment",
    "paper": "/paper_transcripts",
    "judge-check": "/judge_check",
    "prompts": "/prompts",
    "glossary": "/glossary",
}
STEPS = {f"step-{n}": f"/walkthrough?step={n}" for n in range(2, LAST_STEP + 1)}
PRESENTING = {f"present-{n}": f"/walkthrough?step={n}&present=true" for n in (1, 4, 5, 6)}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    with running_app(tmp_path_factory.mktemp("presentation-data")) as running:
        yield running


@pytest.fixture(scope="module")
def browser():
    with chromium_browser() as chromium:
        yield chromium


def open_page(page, app, path: str) -> None:
    goto(page, app, path)
    if page.locator("[data-testid='stPlotlyChart']").count():
        page.wait_for_selector(".main-svg", timeout=20_000)
    page.wait_for_timeout(300)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_serious_on_any_page_or_step(app, browser, scheme):
    """Every page and walkthrough step (and presentation mode) in the light and dark theme."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, color_scheme=scheme)
    page = context.new_page()
    failures = []
    for name, path in {**PAGES, **STEPS, **PRESENTING}.items():
        open_page(page, app, path)
        background = page.evaluate(
            "() => getComputedStyle(document.querySelector('[data-testid=stApp]')).backgroundColor"
        )
        assert (background == "rgb(255, 255, 255)") == (scheme == "light"), background
        failures += [f"{name}: {line}" for line in axe_violations(page)]
    context.close()
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("size", [(1920, 1080), (1280, 720)], ids=["1080p", "720p"])
def test_presentation_mode_on_a_projector(app, browser, size):
    width, height = size
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    open_page(page, app, "/walkthrough?step=1&present=true")
    for step in range(1, LAST_STEP + 1):
        expect(page.get_by_text(f"Step {step} of {LAST_STEP}")).to_be_visible()
        # The page alone: no sidebar, no menu; the step's heading at the top of the screen.
        expect(page.locator("[data-testid='stSidebar']")).to_be_hidden()
        expect(page.locator("[data-testid='stHeader']")).to_be_hidden()
        heading = page.locator("[data-testid='stMain'] h1").first
        box = heading.bounding_box()
        assert box and 0 <= box["y"] < height / 3, (step, box)
        # Every text on screen is large: 24 px or more, the chart's text too.
        sizes = page.evaluate(
            """() => [...document.querySelectorAll(
                  '[data-testid=stMain] :is(p, li, button, label, h1, h2, h3, text)')]
                .filter(e => e.getClientRects().length && (e.textContent || '').trim())
                .filter(e => e.getBoundingClientRect().top < innerHeight)
                .filter(e => !e.closest('[data-testid=stExpander], .modebar, .hoverlayer'))
                .map(e => [parseFloat(getComputedStyle(e).fontSize), e.textContent.slice(0, 40)])"""
        )
        small = [s for s in sizes if s[0] < 24]
        assert not small, (step, small[:5])
        if step in (5, 6):
            assert page.locator("svg text.xtick, svg .xtick text").count()
        page.screenshot(path=str(SCREENSHOTS / f"presentation-{width}x{height}-step-{step}.png"))
        if step < LAST_STEP:
            # The presenter scrolled down to read; one key press opens the next step at its top,
            # with Next focused (so Enter, Space, → or a clicker's Page Down go on).
            page.mouse.wheel(0, 600)
            page.wait_for_timeout(200)
            page.keyboard.press("PageDown" if step % 2 else "ArrowRight")
            wait_idle(page)
            page.wait_for_timeout(400)
            assert f"step={step + 1}" in page.url
            assert page.evaluate(
                "() => !!document.activeElement.closest('.st-key-next, .st-key-back')"
            )
    page.keyboard.press("ArrowLeft")
    wait_idle(page)
    assert f"step={LAST_STEP - 1}" in page.url
    context.close()


def test_phone_layout_of_every_page(app, browser):
    """390 px wide: nothing wider than the screen; one screenshot per page to look at."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=1, is_mobile=True,
        has_touch=True,
    )  # fmt: skip
    page = context.new_page()
    wide = []
    for name, path in {**PAGES, "step-5": STEPS["step-5"]}.items():
        open_page(page, app, path)
        overflow = page.evaluate(
            "() => Math.max(document.documentElement.scrollWidth,"
            " document.querySelector('[data-testid=stMain]').scrollWidth)"
        )
        if overflow > 392:
            wide.append((name, overflow))
        # The app scrolls inside its own container: a tall window shows the whole page.
        tall = page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollHeight")
        page.set_viewport_size({"width": 390, "height": min(max(tall, 844), 6000)})
        page.wait_for_timeout(300)
        page.screenshot(path=str(SCREENSHOTS / f"phone-{name}.png"))
        page.set_viewport_size({"width": 390, "height": 844})
    context.close()
    assert not wide


# The page's main action and how a keyboard user finds it: Tab to the skip link, Enter, then
# Tab until the action has focus.
MAIN_ACTIONS = {
    "/": ("link", "Start the guided walkthrough"),
    "/playground": ("combobox", "Request"),
    "/transcripts": ("textbox", "Search the requests and conversations"),
    "/results": ("radio", "The paper's published figures"),
    "/paper_transcripts": ("button", "Fetch the headline setting"),
    "/run_experiment": ("radio", "Shipped harmful requests"),
}


@pytest.mark.parametrize("path", list(MAIN_ACTIONS))
def test_the_keyboard_reaches_each_pages_main_action_in_a_few_presses(app, browser, path):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    open_page(page, app, path)
    role, name = MAIN_ACTIONS[path]
    target = page.get_by_role(role, name=name).first
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Skip to main content")
    page.keyboard.press("Enter")
    presses = 2
    while not target.evaluate(
        "e => e === document.activeElement || e.contains(document.activeElement)"
    ):
        page.keyboard.press("Tab")
        presses += 1
        assert presses <= 7, f"{path}: {name} not reached in 7 key presses"
    context.close()


def test_walkthrough_next_has_focus_when_the_page_opens(app, browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    open_page(page, app, "/walkthrough?step=2")
    page.wait_for_function("() => !!document.activeElement.closest('.st-key-next')")
    page.keyboard.press("Enter")
    wait_idle(page)
    assert "step=3" in page.url
    context.close()


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_handout_prints_on_one_page_with_numbers_on_its_chart(browser, tmp_path, paper):
    pair = choose_story_pair(load_illustrative())
    numbers = headline_numbers()
    page = browser.new_page()
    page.set_content(handout_html(pair, numbers))
    pdf = tmp_path / f"handout-{paper}.pdf"
    page.pdf(path=str(pdf), format=paper, print_background=True)
    page.close()
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    pages = next(line for line in info.stdout.splitlines() if line.startswith("Pages:"))
    assert pages.split()[1] == "1", info.stdout
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    for figure in (f"{numbers.free:.1f}%", f"{numbers.paid:.1f}%", f"{numbers.faking:.1f}%"):
        assert figure in text
    assert "Illustrative" in text and "Source:" in text
    # Rendered to images in colour and in greyscale, to be looked at.
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(pdf, SCREENSHOTS / pdf.name)
    for extra, suffix in (([], ""), (["-gray"], "-greyscale")):
        subprocess.run(
            ["pdftoppm", "-png", "-r", "80", "-singlefile", *extra, str(pdf),
             str(SCREENSHOTS / f"handout-{paper}{suffix}")],
            check=True,
        )  # fmt: skip
