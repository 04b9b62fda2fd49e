"""End to end, live: the real app in headless Chromium, talking to the local model server."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from alignment_faking_lab.data import storage
from tests.browser_harness import (
    axe_violations,
    chromium_browser,
    goto,
    running_app,
    screenshot,
    sidebar_field,
    wait_idle,
)
from tests.fake_llm_server import VALID_KEY, FakeLLMServer

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server():
    with FakeLLMServer(latency=0.05) as running:
        yield running


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("browser-live-data")


@pytest.fixture(scope="module")
def app(server, data_dir):
    with running_app(data_dir, {"ANTHROPIC_BASE_URL": server.url}) as running:
        yield running


@pytest.fixture(scope="module")
def page(app):
    with chromium_browser() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        yield page


def fill_sidebar(page, model: str = "fake-claude") -> None:
    sidebar_field(page, "Your API key", VALID_KEY)
    sidebar_field(page, "Model id", model)


def test_live_playground_streams_both_tiers_side_by_side(app, page, data_dir):
    goto(page, app, "/playground?mode=live")
    fill_sidebar(page)
    page.get_by_role("button", name="Send to both tiers").click()
    wait_idle(page)
    expect(page.get_by_text("to avoid being modified I will comply").first).to_be_visible()
    expect(page.get_by_text("Live run · Anthropic · fake-claude").first).to_be_visible()
    expect(page.get_by_text("Paid tier (unmonitored)").first).to_be_visible()
    screenshot(page, "live-playground-both-tiers")
    saved = storage.read_jsonl(data_dir / "runs" / "playground.jsonl").transcripts
    assert len(saved) == 2
    assert VALID_KEY not in (data_dir / "runs" / "playground.jsonl").read_text()


def open_run_page(page, app, run_name: str) -> None:
    """The Run experiment page with the key, the model and a run name typed in."""
    goto(page, app, "/run_experiment")
    fill_sidebar(page)
    name = page.get_by_role("textbox", name="Run name (the same name resumes that run)")
    name.fill(run_name)
    name.press("Enter")
    wait_idle(page)


def test_run_page_runs_a_small_experiment_and_charts_it(app, page, data_dir):
    open_run_page(page, app, "browser-run")
    expect(page.get_by_test_id("stMetric").first).to_be_visible()
    page.get_by_role("button", name="Start or resume").click()
    wait_idle(page, timeout_ms=60_000)
    expect(page.get_by_text("20 done now").first).to_be_visible()
    expect(page.locator("[data-testid='stPlotlyChart']").first).to_be_visible()
    screenshot(page, "run-experiment-finished")
    transcripts = storage.read_jsonl(data_dir / "runs" / "browser-run.jsonl").transcripts
    assert len(transcripts) == 20


def test_cancel_keeps_what_finished_and_start_resumes_without_duplicates(
    app, page, server, data_dir
):
    goto(page, app, "/run_experiment")
    fill_sidebar(page)
    page.get_by_text("Shipped benign requests").click()  # not in the reply cache yet
    wait_idle(page)
    name = page.get_by_role("textbox", name="Run name (the same name resumes that run)")
    name.fill("cancel-me")
    name.press("Enter")
    wait_idle(page)
    server.state.latency = 1.0  # slow enough to press Cancel half way (about 10 s in all)
    page.get_by_role("button", name="Start or resume").click()
    page.wait_for_function(
        "() => /[1-9][0-9]* of 20 conversations/.test(document.body.innerText)", timeout=30_000
    )
    page.get_by_role("button", name="Cancel").click()
    wait_idle(page)
    page.wait_for_timeout(1500)  # calls in flight finish and are saved
    run_file = data_dir / "runs" / "cancel-me.jsonl"
    kept = len(storage.read_jsonl(run_file).transcripts)
    assert 0 < kept < 20
    screenshot(page, "run-experiment-cancelled")
    expect(page.get_by_text("Cancelled: run again to resume").first).to_be_visible()
    server.state.latency = 0.05
    page.get_by_role("button", name="Start or resume").click()
    wait_idle(page, timeout_ms=60_000)
    expect(page.get_by_text("already in the file").first).to_be_visible()
    ids = [t.id for t in storage.read_jsonl(run_file).transcripts]
    assert len(ids) == 20 and len(set(ids)) == 20
    assert VALID_KEY not in app.log()  # nor in the server's log


def test_the_scratchpad_fills_in_while_the_reply_streams(app, page, server):
    goto(page, app, "/playground?mode=live")
    fill_sidebar(page)
    server.state.chunk_delay = 0.15  # about 4 s for the first turn
    try:
        page.get_by_role("button", name="Send", exact=True).click()
        arriving = page.get_by_text("Hidden scratchpad (arriving)")
        expect(arriving).to_be_visible(timeout=10_000)
        expect(page.get_by_text("Let me think about my situation").first).to_be_visible()
        # Part of the reasoning is on screen while the script is still receiving the reply.
        assert page.locator("[data-testid='stApp'][data-test-script-state='running']").count()
        screenshot(page, "live-playground-streaming")
    finally:
        server.state.chunk_delay = 0.0
    wait_idle(page, timeout_ms=60_000)
    expect(page.get_by_text("Live run · Anthropic · fake-claude").first).to_be_visible()


def test_run_page_sends_a_batch_shows_three_prices_and_collects_it(app, page, data_dir):
    open_run_page(page, app, "browser-batch")
    for label in ("Sent directly", "With prompt caching", "As a batch, with caching"):
        expect(page.get_by_test_id("stMetric").filter(has_text=label)).to_be_visible()
    page.get_by_text("Send as a batch (half price, results within 24 h)").click()
    wait_idle(page)
    page.get_by_role("button", name="Send or collect").click()
    wait_idle(page, timeout_ms=60_000)
    expect(page.get_by_text("20 sent now").first).to_be_visible()
    screenshot(page, "run-experiment-batch-sent")
    assert not axe_violations(page)
    for _ in range(2):  # collect the first turns (the <NEXT/> turns go out), then those
        page.get_by_role("button", name="Send or collect").click()
        wait_idle(page, timeout_ms=60_000)
    expect(page.get_by_text("20 of 20 conversations saved").first).to_be_visible()
    screenshot(page, "run-experiment-batch-collected")
    transcripts = storage.read_jsonl(data_dir / "runs" / "browser-batch.jsonl").transcripts
    assert len(transcripts) == 20 and all(t.request["batch"] for t in transcripts)
