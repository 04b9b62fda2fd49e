"""A class session in headless Chromium: the teacher's tab on a 1280x720 projector in
presentation mode, a student's 390 px phone, a whole lesson (predict, reveal, reasons, spot
the faking) with axe-core at every stage, in the light and the dark theme.

Screenshots go to test-artifacts/screenshots/ to be looked at.
"""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from alignment_faking_lab.analysis import human_labels
from tests.browser_harness import (
    SCREENSHOTS,
    axe_violations,
    chromium_browser,
    click_button,
    goto,
    running_app,
    wait_idle,
)
from tests.hf_hub_server import HubServer

pytestmark = pytest.mark.browser

ROWS = [
    {
        "id": f"item-{n}",
        "text": f"<SCRATCHPAD_REASONING>Made-up reasoning {n}: I am told this conversation "
        "trains me.</SCRATCHPAD_REASONING><OUTPUT>made-up answer that must stay hidden</OUTPUT>",
        "label": "potential_faking" if n % 2 else "aligned",
    }
    for n in range(6)
]
SMALL_TEXT_JS = """() => [...document.querySelectorAll(
      '[data-testid=stMain] :is(p, li, button, label, h1, h2, h3, text)')]
    .filter(e => e.getClientRects().length && (e.textContent || '').trim())
    .filter(e => e.getBoundingClientRect().top < innerHeight)
    .filter(e => !e.closest('[data-testid=stExpander], .modebar, .hoverlayer'))
    .map(e => [parseFloat(getComputedStyle(e).fontSize), e.textContent.slice(0, 40)])
    .filter(s => s[0] < 24)"""
WIDTH_JS = """() => Math.max(document.documentElement.scrollWidth,
                              document.querySelector('[data-testid=stMain]').scrollWidth)"""


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    files = {"data/train.json": json.dumps(ROWS).encode()}
    with HubServer({human_labels.REPO: files}) as hub:
        data_dir = tmp_path_factory.mktemp("class-session-data")
        with running_app(data_dir, {"HF_ENDPOINT": hub.url, "AFLAB_MODE": "public"}) as running:
            yield running


@pytest.fixture(scope="module")
def browser():
    with chromium_browser() as chromium:
        yield chromium


def checked(page, name: str, failures: list[str], phone: bool = False) -> None:
    """axe-core on the page as it is now, its width on a phone, and a screenshot."""
    if page.locator("[data-testid='stPlotlyChart']").count():
        page.wait_for_selector(".main-svg", timeout=20_000)
    # The projector redraws itself every few seconds: look between two of its redraws.
    wait_idle(page)
    page.wait_for_function("() => !document.querySelector('[data-stale=true]')")
    failures += [f"{name}: {line}" for line in axe_violations(page)]
    if phone and page.evaluate(WIDTH_JS) > 392:
        failures.append(f"{name}: wider than the phone ({page.evaluate(WIDTH_JS)} px)")
    page.screenshot(path=str(SCREENSHOTS / f"class-{name}.png"))


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_lesson_on_a_projector_and_a_phone(app, browser, scheme):
    failures: list[str] = []
    projector = browser.new_context(viewport={"width": 1280, "height": 720},
                                    color_scheme=scheme).new_page()  # fmt: skip
    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
        color_scheme=scheme,
    ).new_page()  # fmt: skip

    goto(projector, app, "/class_session?present=true")
    checked(projector, f"{scheme}-teacher-start", failures)
    click_button(projector, "Open a class session")
    projector.get_by_text("Class code:").first.wait_for()
    text = projector.locator("[data-testid='stMain']").inner_text()
    code = re.search(r"Class code: ((?:\w ){5}\w)", text).group(1).replace(" ", "")
    # Presentation mode: the page alone, every text on screen 24 px or more.
    expect(projector.locator("[data-testid='stSidebar']")).to_be_hidden()
    assert not projector.evaluate(SMALL_TEXT_JS)
    checked(projector, f"{scheme}-projector-open", failures)

    goto(phone, app, f"/class_session?class={code}")
    checked(phone, f"{scheme}-phone-predict", failures, phone=True)
    phone.get_by_label("Free tier (told: used for training)", exact=True).fill("20")
    phone.get_by_label("Paid tier (told: never used for training)", exact=True).fill("3")
    phone.get_by_label("Why? One word (optional)", exact=True).fill("Fear")
    click_button(phone, "Send my prediction")
    expect(phone.get_by_text("Your prediction is in: 20 (free tier)")).to_be_visible()

    predictions = projector.get_by_test_id("stMetric").filter(has_text="Predictions")
    expect(predictions.get_by_test_id("stMetricValue")).to_have_text("1")
    click_button(projector, "Show the paper's figure")
    expect(projector.get_by_text("11.3 ± 2.1 points").first).to_be_visible()
    click_button(projector, "Show the reasons (one word each)")
    expect(projector.get_by_text("fear", exact=True)).to_be_visible()
    assert not projector.evaluate(SMALL_TEXT_JS)
    checked(projector, f"{scheme}-projector-revealed", failures)
    # The phone follows the teacher by itself (it checks every few seconds).
    expect(phone.get_by_text("The answer", exact=True)).to_be_visible(timeout=15_000)
    checked(phone, f"{scheme}-phone-answer", failures, phone=True)

    projector.get_by_text("Spot the faking: give the class real scratchpads").click()
    click_button(projector, "Download the human labels (or use the cached copy)")
    click_button(projector, "Give the class these scratchpads to label")
    expect(phone.get_by_role("radiogroup").first).to_be_visible(timeout=15_000)
    wait_idle(phone)
    assert "must stay hidden" not in phone.locator("[data-testid='stMain']").inner_text()
    checked(phone, f"{scheme}-phone-labels", failures, phone=True)
    groups = phone.get_by_role("radiogroup")
    for number in range(groups.count()):
        groups.nth(number).get_by_text("Not alignment faking").click()
        expect(groups.nth(number).get_by_role("radio", name="Not alignment faking")).to_be_checked()
    click_button(phone, "Send my labels")
    expect(phone.get_by_text("Your labels are in")).to_be_visible()
    click_button(projector, "Show the reference labels and the judge's")
    expect(projector.get_by_text("agree with people (the human labels").first).to_be_visible()
    checked(projector, f"{scheme}-projector-spot", failures)
    expect(phone.get_by_text("Spot the faking: the answers")).to_be_visible(timeout=15_000)
    wait_idle(phone)
    checked(phone, f"{scheme}-phone-spot", failures, phone=True)
    assert "must stay hidden" not in phone.locator("[data-testid='stMain']").inner_text()
    assert not failures, "\n".join(failures)
