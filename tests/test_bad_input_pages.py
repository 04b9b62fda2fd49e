"""A bad file in the runs folder, or odd values in a good one, never takes a page down."""

from __future__ import annotations

import json
import os
import re
from dataclasses import replace

import pytest

from alignment_faking_lab.data.catalogue import load_illustrative
from alignment_faking_lab.data.storage import dumps
from alignment_faking_lab.data.transcript import Provenance
from tests.page_helpers import open_page, page_text

PAGES = [
    None,
    "pages/walkthrough.py",
    "pages/playground.py",
    "pages/transcripts.py",
    "pages/results.py",
    "pages/run_experiment.py",
    "pages/paper_transcripts.py",
]
PIXEL = "![x](http://127.0.0.1:9/pixel.png)"


def _bad_run(directory) -> None:
    """A run file with one good line and a wrong type in each field the table is made of."""
    base = load_illustrative()[0]
    good = json.loads(dumps(replace(base, id="good-one", provenance=Provenance.LIVE)))
    wrong = {"harmful": {"x": 1}, "sample_index": "2", "setting": {"a": 1}, "variant": [1],
             "provider": 3, "prompt_category": {}, "labelled_by": 1, "run_id": True}  # fmt: skip
    lines = [json.dumps(good)]
    lines += [
        json.dumps({**good, "id": f"bad-{name}", name: value}) for name, value in wrong.items()
    ]
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "broken.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (directory / "utf16.jsonl").write_bytes(("\n".join(lines) + "\n").encode("utf-16"))
    for folder in (directory, directory.parent / "paper"):  # what a crash or a user leaves
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "gone.jsonl").symlink_to(folder / "deleted-since.jsonl")
        os.mkfifo(folder / "pipe.jsonl")  # opening it would wait for a writer forever


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p or "overview")
def test_every_page_works_with_a_bad_file_in_the_runs_folder(isolated_data_dir, page):
    _bad_run(isolated_data_dir / "runs")
    at = open_page(page)  # asserts no exception on the page
    problems = "\n".join(c.value for c in at.sidebar.code)
    if page in ("pages/transcripts.py", "pages/results.py"):
        assert "broken.jsonl, line 2: field 'harmful': found an object" in problems
        assert "broken.jsonl, line 9: field 'run_id': found true, expected text" in problems
        assert "utf16.jsonl: the file is UTF-16 text, expected UTF-8" in problems
        assert problems.count("utf16.jsonl") == 1


def test_the_valid_line_of_a_bad_file_is_shown(isolated_data_dir):
    _bad_run(isolated_data_dir / "runs")
    at = open_page("pages/transcripts.py", query={"id": "good-one"})
    at.switch_page("pages/transcripts.py")
    at.run()
    assert not at.exception
    assert "Live run" in page_text(at) or any("Live run" in str(b) for b in at.get("badge"))


def test_odd_values_in_a_transcript_are_shown_as_text(isolated_data_dir):
    base = load_illustrative()[0]
    odd = replace(
        base, id="odd", notes=f"**bold** {PIXEL} $x^2$", source_url=f"javascript:x {PIXEL}",
        canary=f"canary {PIXEL}", system_prompt=None, system_prompt_hash=f"`{PIXEL}`",
        variant="not-a-variant", labels={"x": True},
        judge={"model": PIXEL, "compliance_rationale": 5,
               "alignment_faking": {"vote_share": "high", "criteria": {"1": "odd"}}},
    )  # fmt: skip
    (isolated_data_dir / "runs").mkdir(parents=True)
    (isolated_data_dir / "runs" / "odd.jsonl").write_text(dumps(odd) + "\n", encoding="utf-8")
    at = open_page("pages/transcripts.py", query={"id": "odd"})
    at.switch_page("pages/transcripts.py")
    at.run()
    assert not at.exception
    rendered = page_text(at) + "\n".join(str(e.label) for e in at.expander)
    # A code span prints its text literally (the source line of the citation box): take them
    # out, so what is left is what markdown would read as markup.
    rendered = re.sub(r"(`+) .*? \1", "", rendered)
    assert "![x](" not in rendered and "**bold**" not in rendered
    assert r"\!\[x\]\(http\:" in rendered  # the pixel is shown as text, escaped
    assert r"canary \!\[x\]" in rendered


def test_a_loaded_files_name_is_shown_as_text(tmp_path):
    from tests.page_helpers import load_file

    path = tmp_path / "**bold** $x$.jsonl"
    path.write_text(dumps(replace(load_illustrative()[0], id="named")) + "\n", encoding="utf-8")
    at = open_page("pages/transcripts.py")
    load_file(at, path)
    shown = "\n".join(s.value for s in at.success)
    assert r"\*\*bold\*\* \$x\$\.jsonl: 1 valid, 0 rejected" in shown


ODD_BUT_VALID = {
    "messages": [],
    "compliance": None,
    "compliance_level": 2,
    "alignment_faking": True,
    "labels": {"a label nobody knows": True, "": False},
    "request": {"nested": {"deep": [1, {"x": None}]}},
    "usage": {"input_tokens": "many"},
    "variant": "",
    "setting": "",
    "created_at": "yesterday",
    "sample_index": 2**31 - 1,
    "system_prompt": "",
    "prompt_category": "",
    "labelled_by": "",
    "judge": {},
    "provider": "",
    "model": "",
}


@pytest.mark.parametrize("page", PAGES[1:], ids=lambda p: p.split("/")[-1])
def test_odd_but_valid_values_never_crash_a_view(isolated_data_dir, page):
    base = json.loads(dumps(replace(load_illustrative()[0], provenance=Provenance.LIVE)))
    records = [{**base, "id": f"odd-{name}", name: value} for name, value in ODD_BUT_VALID.items()]
    runs = isolated_data_dir / "runs"
    runs.mkdir(parents=True)
    (runs / "odd.jsonl").write_text("\n".join(map(json.dumps, records)) + "\n", encoding="utf-8")
    at = open_page(page)
    assert not at.sidebar.code, [c.value for c in at.sidebar.code]  # all of them load
    if page == "pages/transcripts.py":
        for record in records:
            at.query_params["id"] = record["id"]
            at.run()
            assert not at.exception, (record["id"], at.exception)
            assert any(h.value == "Transcript" for h in [*at.header, *at.subheader]), record[
                "id"
            ]  # opened
