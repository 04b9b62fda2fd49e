"""In Chromium, as a visitor of a public deployment: messy files (Excel's 'Unicode text', a cell
a spreadsheet would run, an old-Mac text file, the paper's archive JSON) are each named in plain
words, never a traceback (issue 24, item 18)."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.browser_harness import goto, running_app, screenshot, wait_idle

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    with running_app(tmp_path_factory.mktemp("file-faults"), {"AFLAB_MODE": "public"}) as running:
        yield running


def no_traceback(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0
    assert "Traceback" not in page.locator("[data-testid='stMain']").inner_text()


def test_a_visitors_request_files_are_named_not_a_traceback(app, page, tmp_path):
    goto(page, app, "/run_experiment")
    page.get_by_text("Your file (CSV or JSONL)").click()
    wait_idle(page)
    files = {
        "excel.csv": ("id\ttext\na\tHello\n".encode("utf-16"),
                      "the file is UTF-16 text (what Excel saves as 'Unicode text')"),
        "formula.csv": (b'id,text\na,=HYPERLINK("http://x")\n',
                        "row 2, column 'text': starts with '=', which a spreadsheet runs"),
    }  # fmt: skip
    for name, (data, said) in files.items():
        (tmp_path / name).write_bytes(data)
        page.get_by_test_id("stFileUploader").locator("input[type=file]").set_input_files(
            str(tmp_path / name)
        )
        wait_idle(page)
        expect(page.get_by_text(said).first).to_be_visible()
        no_traceback(page)
    screenshot(page, "file-faults-formula-csv")


def test_a_visitors_transcript_files_are_named_not_a_traceback(app, page, tmp_path):
    from alignment_faking_lab.data import paths

    first, second = paths.ILLUSTRATIVE_TRANSCRIPTS.read_bytes().splitlines()[:2]
    files = {
        "mac.jsonl": (first + b"\r" + second + b"\r", "an old Mac text file"),
        "archive.jsonl": (
            json.dumps({"messages": [{"role": "user", "content": "hi"}]}, indent=1).encode(),
            "looks like JSON from the paper's archive",
        ),
    }
    goto(page, app, "/transcripts")
    page.get_by_text("Load your own transcripts (JSONL)").click()
    for name, (data, said) in files.items():
        (tmp_path / name).write_bytes(data)
        page.get_by_test_id("stSidebar").locator("input[type=file]").set_input_files(
            str(tmp_path / name)
        )
        wait_idle(page)
        expect(page.get_by_test_id("stSidebar").get_by_text(said).first).to_be_visible()
        no_traceback(page)
    screenshot(page, "file-faults-archive-json")
