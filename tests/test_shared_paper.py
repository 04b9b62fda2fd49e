"""A public server fetches the headline setting once, when the first visitor needs it, shares it
with every visitor, and fetches it again after a restart with an empty disk."""

from __future__ import annotations

import pytest

from alignment_faking_lab.paper import shared
from alignment_faking_lab.paper.settings import HEADLINE
from tests.page_helpers import open_page, page_text
from tests.paper_site_server import PaperSiteServer, site_with_headline

FETCH = "Fetch the paper's real transcripts"


@pytest.fixture
def fresh_server(monkeypatch):
    """A freshly started server: no fetch made yet (the state lives in the process)."""
    monkeypatch.setenv("AFLAB_MODE", "public")
    monkeypatch.setattr(shared, "HEADLINE_SHARED", shared.SharedSetting(HEADLINE))


@pytest.fixture
def site(tmp_path, monkeypatch):
    with PaperSiteServer(site_with_headline(tmp_path / "site")) as server:
        monkeypatch.setenv("AFLAB_PAPER_BASE_URL", server.url)
        yield server


def _pages(site) -> list[str]:
    return [p for p in site.state.requests if p.endswith(".html") and "/default/" in p]


def _fetch_button(at):
    return next(b for b in at.button if b.label == FETCH)


def test_fetched_once_for_every_visitor_and_again_after_a_restart_with_an_empty_disk(
    fresh_server, site, tmp_path, monkeypatch
):
    site.state.slow_seconds = 4  # long enough for a second visitor to arrive meanwhile
    site.state.faults["files/helpful_only/default/deploy/trajectory_selector.html"] = "slow"
    first = open_page("pages/transcripts.py")
    assert "Read the paper's real transcripts:" in page_text(first)
    assert not _pages(site)  # nothing fetched before anyone asks
    _fetch_button(first).click().run()
    assert not first.exception, first.exception

    meanwhile = open_page("pages/transcripts.py")  # a second visitor while it is fetched
    assert any("Fetching" in str(p.proto) for p in meanwhile.get("progress"))
    assert not any(b.label == FETCH for b in meanwhile.button)

    assert shared.HEADLINE_SHARED.wait(30).status == "ready"
    fetched = len(_pages(site))
    assert fetched == 14  # two selector pages and 12 transcript pages

    later = open_page("pages/transcripts.py")  # every later visitor: loaded, nothing fetched
    assert "paper" in "".join(str(v) for v in later.dataframe[0].value["source"])
    assert "Read the paper's real transcripts:" not in page_text(later)
    assert len(_pages(site)) == fetched and shared.HEADLINE_SHARED.fetches == 1

    # Restarted with an empty disk (Community Cloud wipes it): fetched again when needed.
    monkeypatch.setenv("AFLAB_DATA_DIR", str(tmp_path / "wiped"))
    monkeypatch.setattr(shared, "HEADLINE_SHARED", shared.SharedSetting(HEADLINE))
    after_restart = open_page("pages/transcripts.py")
    _fetch_button(after_restart).click().run()
    assert shared.HEADLINE_SHARED.wait(30).status == "ready"
    assert len(_pages(site)) == 2 * fetched


def test_offline_says_so_plainly_and_the_illustrative_set_stays(fresh_server, monkeypatch):
    monkeypatch.setenv("AFLAB_PAPER_BASE_URL", "http://127.0.0.1:9/")
    at = open_page("pages/transcripts.py")
    _fetch_button(at).click().run()
    assert shared.HEADLINE_SHARED.wait(30).status == "failed"
    at.run()
    assert "cannot reach the paper's transcript site right now" in page_text(at)
    assert "illustrative" in "".join(str(v) for v in at.dataframe[0].value["source"])
    assert any(b.label == FETCH for b in at.button)  # and it can be tried again


def test_the_walkthrough_offers_the_papers_real_transcripts(fresh_server, site):
    at = open_page("pages/walkthrough.py", {"step": "4"})
    _fetch_button(at).click().run()
    assert shared.HEADLINE_SHARED.wait(30).status == "ready"
    at.run()
    assert not at.exception, at.exception
    assert "Read the paper's real transcripts:" not in page_text(at)  # loaded: offered no more
