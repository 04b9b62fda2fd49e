"""Importing a whole category of the paper's site: every variant through one bounded pool of
downloads, resumable, each setting saved on its own (a loopback mirror of the fixture pages)."""

from __future__ import annotations

import shutil
import threading

import pytest

from alignment_faking_lab.data.storage import read_jsonl
from alignment_faking_lab.paper.site import PaperSite
from alignment_faking_lab.public.downloads import FetchError
from tests.paper_site_server import FIXTURE_SITE, PaperSiteServer

VARIANTS = ("first_variant", "second_variant")


@pytest.fixture
def mirror(tmp_path):
    root = tmp_path / "mirror"
    links = []
    for variant in VARIANTS:
        shutil.copytree(FIXTURE_SITE / "files/helpful_only/demo_variant",
                        root / "files/helpful_only" / variant)  # fmt: skip
        links += [f"files/helpful_only/{variant}/{split}/trajectory_selector.html"
                  for split in ("train", "deploy")]  # fmt: skip
    anchors = "".join(f'<a href="{link}">x</a>' for link in links)
    (root / "index.html").write_text(f"<!DOCTYPE html><html><body>{anchors}</body></html>")
    with PaperSiteServer(root, delay=0.02) as server:
        yield server


def pages(server) -> list[str]:
    return [r for r in server.state.requests if r.rsplit("/", 1)[-1][:1].isdigit()]


def test_a_whole_category_is_imported_through_one_bounded_pool_and_resumes(mirror, tmp_path):
    cancel = threading.Event()
    site = PaperSite(mirror.url, cache_dir=tmp_path / "cache")

    def stop_early(done: int, total: int) -> None:
        if done >= 9:
            cancel.set()

    first = site.import_category("helpful_only", 4, stop_early, cancel, tmp_path)
    assert 2 <= mirror.state.max_active <= 4
    fetched_first = len(pages(mirror))
    assert 9 <= fetched_first < 24 and any(report.cancelled for report, _, _ in first)
    again = PaperSite(mirror.url, cache_dir=tmp_path / "cache").import_category(
        "helpful_only", data_dir=tmp_path
    )
    fetched = pages(mirror)
    assert len(set(fetched)) == 24  # every page, each fetched again at most once: those that
    assert max(fetched.count(p) for p in fetched) <= 2  # were cut off by the cancel
    kept = sum(r.cached for r, _, _ in again)
    assert kept >= 9 and sum(r.total for r, _, _ in again) == 24  # the rest fetched on resume
    saved = {path.stem: read_jsonl(path).transcripts for _, _, path in again}
    assert set(saved) == {"helpful_only__first_variant", "helpful_only__second_variant"}
    assert all(len(transcripts) == 11 for transcripts in saved.values())  # one page is broken


def test_an_unknown_category_is_named(mirror, tmp_path):
    with pytest.raises(FetchError, match="no variant of the category 'secret'"):
        PaperSite(mirror.url, cache_dir=tmp_path).import_category("secret")
