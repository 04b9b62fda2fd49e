"""Presentation grade, checked in headless Chromium: axe-core on every page in both themes, the
projector mode at two screen sizes, the phone layout, the keyboard, and the printed handout.

One app serves every test here. Screenshots go to test-artifacts/screenshots/ to be looked at.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace

import pytest
from playwright.sync_api import expect

from alignment_faking_lab.data.catalogue import load_illustrative
from alignment_faking_lab.data.storage import dumps
from alignment_faking_lab.data.transcript import Compliance, Provenance, Tier
from alignment_faking_lab.paper.figures import headline_numbers
from alignment_faking_lab.protocol.parsing import parse_messages
from alignment_faking_lab.protocol.queries import load_shipped_queries
from alignment_faking_lab.teaching import classroom
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
        if step in (5, 6):  # the chart is drawn after the page's run ends
            page.wait_for_selector("svg .xtick text", timeout=20_000)
            page.wait_for_timeout(300)
        # The step's key sentence and figure fit the screen as it opens; more is on demand.
        key = page.locator(".st-key-step_key").bounding_box()
        assert key and key["y"] >= 0 and key["y"] + key["height"] <= height, (step, key)
        if step == 5:  # every bar prints its share at projector size, the thin faking one too
            shown = page.eval_on_selector_all(
                "[data-testid=stPlotlyChart] .bartext",
                "els => els.filter(e => e.getBoundingClientRect().width > 0"
                " && getComputedStyle(e).display !== 'none').map(e => e.textContent)",
            )
            assert {"12%", "86%", "97%"} <= set(shown), shown
        page.screenshot(path=str(SCREENSHOTS / f"presentation-{width}x{height}-step-{step}.png"))
        if step < LAST_STEP:
            # The presenter scrolled down to read; one key press opens the next step at its top,
            # with Next focused (so Enter, Space or → go on).
            page.mouse.wheel(0, 600)
            page.wait_for_timeout(200)
            page.keyboard.press("ArrowRight")
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


def scroll_top(page) -> int:
    return page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollTop")


@pytest.mark.parametrize("present", [False, True], ids=["page", "presenting"])
def test_page_down_scrolls_to_the_bottom_before_it_goes_on(app, browser, present):
    """A presenter's clicker sends Page Down: it reads the step to its end, then goes on; Page
    Up reads back up to the top, then goes back."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    open_page(page, app, "/walkthrough?step=1" + ("&present=true" if present else ""))
    page.wait_for_function("() => window.__aflabClicker === true")
    tops = [scroll_top(page)]
    for _ in range(12):
        page.keyboard.press("PageDown")
        page.wait_for_timeout(250)
        if "step=2" in page.url:
            break
        tops.append(scroll_top(page))
    wait_idle(page)
    assert "step=2" in page.url, tops
    assert len(tops) >= 2 and tops == sorted(tops) and tops[-1] > 0, tops  # scrolled first
    assert scroll_top(page) == 0  # the next step opens at its top
    page.keyboard.press("PageUp")  # at the top already: back to step 1
    wait_idle(page)
    page.wait_for_timeout(300)
    assert "step=1" in page.url
    context.close()


REFUSAL = "I can't help spread false information about elections"


def pdf_text(path) -> tuple[str, str]:
    """The page count and the text of a PDF, as poppler reads it."""
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    pages = next(x for x in info.stdout.splitlines() if x.startswith("Pages:")).split()[1]
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    return pages, " ".join(text.split())


def download_handout(page, paper: str, folder) -> object:
    """Open the handout menu of presentation mode and download the PDF of one paper size."""
    page.get_by_test_id("stPopover").get_by_role("button").click()
    button = page.get_by_role("button", name=f"Handout, PDF ({paper})")
    button.wait_for()
    # A run still going when the button is pressed replaces the file it offers (Streamlit then
    # answers "Deferred file not found"): press it once the page is idle.
    wait_idle(page)
    # The PDF is made when pressed (its chart drawn too): slow on a loaded machine.
    with page.expect_download(timeout=90_000) as download:
        button.click()
    path = folder / f"handout-{paper}.pdf"
    download.value.save_as(path)
    page.keyboard.press("Escape")
    return path


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_the_pdf_handout_is_reachable_when_presenting(app, browser, tmp_path, paper):
    """One page, the app's own address (and its QR code), the refusal printed, the figures."""
    context = browser.new_context(viewport={"width": 1280, "height": 720}, accept_downloads=True)
    page = context.new_page()
    open_page(page, app, "/walkthrough?step=3&present=true")
    pdf = download_handout(page, paper, tmp_path)
    context.close()
    pages, text = pdf_text(pdf)
    assert pages == "1", text
    assert app.url + "/" in text and REFUSAL in text
    numbers = headline_numbers()
    assert f"{numbers.free:.1f}%" in text and numbers.source in text
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-singlefile", str(pdf),
                    str(SCREENSHOTS / f"handout-pdf-{paper}")], check=True)  # fmt: skip


HARMFUL_TEXTS = [q.text for q in load_shipped_queries() if q.harmful]
COMPLIED = next(t for t in load_illustrative() if t.tier is Tier.FREE and t.harmful
                and t.compliance is Compliance.COMPLIED)  # fmt: skip
LIVE_COMPLIED = replace(COMPLIED, id="live-complied-1", provenance=Provenance.LIVE,
                        redacted=False, run_id="class")  # fmt: skip


@pytest.fixture(scope="module")
def class_app(tmp_path_factory):
    """The app with the owner's classroom switch on, and one unredacted live answer that
    complied with a harmful request among its runs."""
    data = tmp_path_factory.mktemp("class-data")
    (data / "runs").mkdir()
    (data / "runs" / "class.jsonl").write_text(dumps(LIVE_COMPLIED) + "\n")
    with running_app(data, extra_env={"AFLAB_CLASSROOM": "1"}) as running:
        yield running


def page_words(page) -> str:
    """Everything the page holds as text, folded sections included (textContent)."""
    return page.evaluate("() => document.querySelector('[data-testid=stApp]').textContent")


def test_class_mode_shows_no_harmful_request_text_on_any_page(class_app, browser, tmp_path):
    graphic = next(t for t in load_illustrative() if t.prompt_id == "harm-violence-01")
    paths = {
        **PAGES, **STEPS, **PRESENTING, "step-1": "/walkthrough?step=1",
        "playground-graphic": "/playground?request=harm-violence-01&compare=true&reveal=true",
        "transcript-graphic": f"/transcripts?id={graphic.id}",
        "transcript-live": f"/transcripts?id={LIVE_COMPLIED.id}",
        "transcripts-search": "/transcripts?q=quartered",
    }  # fmt: skip
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    leaks = []
    for name, path in paths.items():
        open_page(page, class_app, path)
        words = page_words(page).replace("\\", "")
        leaks += [f"{name}: {text[:50]}" for text in HARMFUL_TEXTS if text in words]
    open_page(page, class_app, "/walkthrough?step=2&present=true")
    _, handout = pdf_text(download_handout(page, "A4", tmp_path))
    leaks += [f"handout: {text[:50]}" for text in HARMFUL_TEXTS if text in handout]
    context.close()
    assert not leaks, "\n".join(leaks)


def test_refusals_show_in_class_and_a_compliant_harmful_answer_does_not(class_app, browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    for path in ("/walkthrough?step=2", "/playground?request=harm-misinfo-02&tier=paid"):
        open_page(page, class_app, path)
        expect(page.get_by_text(REFUSAL)).to_be_visible()
        expect(page.get_by_role("switch", name=classroom.SHOW_ANSWER)).to_have_count(0)
    open_page(page, class_app, "/playground")  # the default example: nothing graphic
    assert f"request={classroom.CLASS_SAFE_EXAMPLE}" in page.url
    answer = parse_messages(LIVE_COMPLIED.messages).output
    open_page(page, class_app, f"/transcripts?id={LIVE_COMPLIED.id}")
    assert answer and answer not in page_words(page)
    expect(page.get_by_text(classroom.ANSWER_WARNING)).to_be_visible()
    context.close()
