"""Charts that carry their source: the downloaded PNG and SVG hold the title, the source line and
the app's name; the page's link reopens the chart with its choices."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from alignment_faking_lab.analysis.charts.headline import paper_headline_chart
from alignment_faking_lab.analysis.charts.style import (
    data_source,
    export_figure,
    prepare_chart,
)
from alignment_faking_lab.paper import figures
from tests.browser_harness import chromium_browser, goto, running_app, wait_idle
from tests.page_helpers import open_page

TITLE = "Published in the paper: how often each model complied, by tier"
SOURCE = "Greenblatt et al. 2024, arXiv:2412.14093: Table 1; Abstract; Fig. 1;"


def test_the_exported_figure_draws_title_source_and_app_name():
    chart = prepare_chart(paper_headline_chart(figures.headline_rows()))
    assert chart.source.startswith(SOURCE)
    assert "App. G.3 row 58" in chart.source  # every row's table or section, once
    assert chart.figure.layout.title.text == ""  # on the page the title is text above
    exported = export_figure(chart).layout.title
    assert exported.text.replace("<br>", " ") == TITLE
    subtitle = exported.subtitle.text.replace("<br>", " ")
    assert "Source: " + SOURCE in subtitle and subtitle.endswith("Made with Alignment Faking Lab")


def test_a_chart_of_loaded_transcripts_names_its_sources_and_never_calls_examples_measured():
    frame = pd.DataFrame({
        "provenance": ["live", "live", "illustrative", "paper"],
        "model": ["claude-haiku-5-5", "gpt-6-luna", "x", "claude-3-opus"],
        "created_at": ["2026-12-01T10:00:00Z", "2026-12-03T09:00:00Z", "", ""],
    })  # fmt: skip
    assert data_source(frame) == (
        "the paper's published transcripts and labels (Greenblatt et al. 2024, "
        "arXiv:2412.14093); live run of claude-haiku-5-5, gpt-6-luna, 2026-12-01 to 2026-12-03; "
        "illustrative, not model output"
    )


def test_a_model_name_cannot_become_markup_in_the_image():
    frame = pd.DataFrame({"provenance": ["live"], "model": ["<a href='x'>m</a>"],
                          "created_at": ["2026-12-01"]})  # fmt: skip
    chart = prepare_chart(paper_headline_chart(figures.headline_rows()))
    chart = replace(chart, source=data_source(frame))
    assert "<a " not in export_figure(chart).layout.title.subtitle.text


def test_the_results_choices_are_in_the_address_and_reopen_the_chart():
    query = {"data": "Transcripts loaded in the app", "r_harmful": "false",
             "r_sources": "illustrative"}  # fmt: skip
    at = open_page("pages/results.py", query)
    assert at.toggle(key="r_harmful").value is False
    assert at.multiselect(key="r_sources").value == ["illustrative"]


@pytest.mark.browser
def test_downloaded_png_and_svg_hold_title_and_source(tmp_path):
    from PIL import Image

    with running_app(tmp_path) as app, chromium_browser() as browser:
        context = browser.new_context(viewport={"width": 1400, "height": 1000},
                                      accept_downloads=True)  # fmt: skip
        page = context.new_page()
        page.set_default_timeout(20_000)
        goto(page, app, "/results")
        bare = page.locator("[data-testid='stPlotlyChart']").first.bounding_box()
        page.get_by_text("Download this chart (PNG or SVG").first.click()
        wait_idle(page)
        export = page.locator("[data-testid='stPlotlyChart']").nth(1)
        export.hover()
        with page.expect_download() as png_download:
            export.locator("[data-title^='Download plot']").click()
        png = png_download.value
        assert png.suggested_filename == re.sub(r"[^a-z0-9]+", "-", TITLE.lower()) + ".png"
        image = Image.open(io.BytesIO(Path(png.path()).read_bytes()))
        # scale 2, 900 px wide; taller than the bare plot on the page: the title and source
        # lines are drawn in
        assert image.width == 1800 and image.height > 2 * bare["height"]
        assert len(set(image.convert("L").tobytes())) > 10  # a drawn chart, not a blank image

        page.get_by_role("radiogroup", name="Image format").get_by_text("SVG").click()
        wait_idle(page)
        export = page.locator("[data-testid='stPlotlyChart']").nth(1)
        export.hover()
        with page.expect_download() as svg_download:
            export.locator("[data-title^='Download plot']").click()
        svg = Path(svg_download.value.path()).read_text(encoding="utf-8")
        text = " ".join(re.findall(r">([^<]+)<", svg))
        assert TITLE in text
        assert "Source: Greenblatt et al. 2024, arXiv:2412.14093: Table 1;" in text
        assert "Made with Alignment Faking Lab" in text
        context.close()


def test_a_published_rows_chart_carries_its_table():
    from alignment_faking_lab.analysis.charts.paper import paper_figure1_chart

    row = figures.headline_rows()[0]
    chart = prepare_chart(paper_figure1_chart(row))
    assert chart.source == "Greenblatt et al. 2024, arXiv:2412.14093: Table 1; Abstract; Fig. 1"


def test_a_live_runs_chart_names_the_model_and_date(server_for_run):
    """After a run on the Run page, its chart's image carries the model and the day it ran."""
    import json
    from datetime import UTC, datetime

    at = server_for_run
    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    sources = [c["layout"].get("meta", {}).get("source", "") for c in charts]
    today = datetime.now(UTC).date().isoformat()
    assert f"live run of fake-claude on {today}" in sources


@pytest.fixture
def server_for_run(monkeypatch):
    from tests.fake_llm_server import FakeLLMServer
    from tests.test_live_pages import run_page

    with FakeLLMServer() as server:
        monkeypatch.setenv("ANTHROPIC_BASE_URL", server.url)
        at = run_page(server)
        at.button(key="run_start").click().run()
        assert not at.exception, at.exception
        yield at
