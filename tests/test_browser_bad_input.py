"""In Chromium: a transcript full of image links and formatting makes the browser fetch nothing,
and a bad file in the runs folder (a link to nothing and a pipe among them) leaves every page
working and says what was wrong."""

from __future__ import annotations

import json
import os
import threading
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
from playwright.sync_api import expect

from alignment_faking_lab.data.catalogue import load_illustrative
from alignment_faking_lab.data.storage import dumps
from alignment_faking_lab.data.transcript import Message, Provenance, Tier
from tests.browser_harness import goto, screenshot, wait_idle


class _Pixel(BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Pixel.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def pixel_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Pixel)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory, pixel_server):
    directory = tmp_path_factory.mktemp("bad-input-browser")
    runs = directory / "runs"
    runs.mkdir()
    pixel = f"![x]({pixel_server}/pixel.png)"
    link = (f"[click]({pixel_server}/link) <img src='{pixel_server}/img.png'> $x^2$ "
            f"<a href='{pixel_server}/chart-link'>chart link</a>")  # fmt: skip
    trap = f"{pixel} {link}"
    base = next(t for t in load_illustrative() if t.tier is Tier.FREE)
    tracked = replace(
        base, id="tracked", provenance=Provenance.LIVE, provider=trap, model=trap,
        prompt_text=f"Request {trap}", created_at=trap, variant=trap, labelled_by=trap,
        system_prompt=None, system_prompt_hash=trap, notes=trap, source_url=trap, canary=trap,
        labels={"deceptive_alignment": True},
        messages=[Message("user", f"<INPUT>{trap}</INPUT>"),
                  Message("assistant", f"<SCRATCHPAD_REASONING>{trap}</SCRATCHPAD_REASONING>"
                                       f"<OUTPUT>{trap}</OUTPUT>")],
        judge={"model": trap, "compliance_rationale": trap,
               "alignment_faking": {"verdict": True, "vote_share": 1.0, "votes": 5,
                                    "criteria": {"1": {"met": True, "criterion": trap,
                                                       "quote": trap}},
                                    "rationale": trap}},
    )  # fmt: skip
    (runs / "tracked.jsonl").write_text(dumps(tracked) + "\n", encoding="utf-8")
    good = json.loads(dumps(replace(base, id="good-in-bad-file", provenance=Provenance.LIVE)))
    bad_lines = [json.dumps(good), json.dumps({**good, "id": "b1", "harmful": {"x": 1}}),
                 json.dumps({**good, "id": "b2", "sample_index": "two"}), "{not json"]  # fmt: skip
    (runs / "broken.jsonl").write_text("\n".join(bad_lines) + "\n", encoding="utf-8")
    (runs / "utf16.jsonl").write_bytes((json.dumps(good) + "\n").encode("utf-16"))
    (runs / "gone.jsonl").symlink_to(runs / "deleted-since.jsonl")  # a link to nothing
    os.mkfifo(runs / "pipe.jsonl")  # opening it would wait for a writer forever
    return directory


def test_opening_a_transcript_with_image_links_fetches_nothing(app, page, pixel_server):
    _Pixel.requests.clear()
    goto(page, app, "/transcripts?id=tracked")
    expect(page.get_by_text("Request ![x](").first).to_be_visible()
    for label in ("What the model was sent", "What these labels mean", "Judge's reasoning"):
        page.get_by_text(label).first.click()
        wait_idle(page)
    page.wait_for_timeout(1000)
    screenshot(page, "bad-input-tracking-pixel-as-text")
    assert _Pixel.requests == []
    main = page.locator("[data-testid='stMain']")
    assert main.locator(f"img[src^='{pixel_server}']").count() == 0
    assert main.locator(f"a[href^='{pixel_server}']").count() == 0
    assert main.locator(".katex").count() == 0  # no LaTeX rendered from data


@pytest.mark.parametrize(
    "path", ["/", "/walkthrough", "/playground", "/transcripts", "/results", "/run_experiment",
             "/paper_transcripts"],
)  # fmt: skip
def test_every_page_works_with_a_bad_file_in_the_runs_folder(app, page, path):
    goto(page, app, path)
    assert page.locator("[data-testid='stException']").count() == 0
    assert "Traceback" not in page.locator("[data-testid='stMain']").inner_text()
    if path == "/transcripts":
        page.get_by_text("line(s) could not be loaded").click()
        wait_idle(page)
        sidebar = page.locator("[data-testid='stSidebar']")
        expect(sidebar.get_by_text("broken.jsonl, line 2: field 'harmful'")).to_be_visible()
        expect(sidebar.get_by_text("utf16.jsonl: the file is UTF-16 text")).to_be_visible()
        screenshot(page, "bad-input-runs-folder")


def test_the_results_page_with_image_links_in_the_data_fetches_nothing(app, page, pixel_server):
    """The charts' tables (an HTML table that renders markdown) name the groups from the data."""
    _Pixel.requests.clear()
    goto(page, app, "/results?data=Transcripts+loaded+in+the+app")
    page.get_by_text("Harmful only").click()  # the trap transcript, whatever its request
    wait_idle(page)
    main = page.locator("[data-testid='stMain']")
    expect(main.get_by_text("![x](").first).to_be_visible()
    page.wait_for_timeout(1000)
    assert _Pixel.requests == []
    assert main.locator(f"img[src^='{pixel_server}']").count() == 0
    assert main.locator(f"a[href^='{pixel_server}']").count() == 0
    # plotly draws `<a href>` in its labels as SVG links (xlink:href)
    chart_links = main.locator("[data-testid='stPlotlyChart'] a").evaluate_all(
        "links => links.map(a => a.getAttribute('xlink:href') || a.getAttribute('href'))"
    )
    assert not [link for link in chart_links if link and pixel_server in link]
