"""Downloads are checked before they are cached, and cannot hold the page or the memory.

A local site (tests/paper_site_server.py) plays a captive portal, a server that cuts a page
short without declaring its length, one that drips a byte at a time, and one that never stops.
"""

from __future__ import annotations

import threading
import time

import pytest

from alignment_faking_lab.paper.html_pages import PaperSetting
from alignment_faking_lab.paper.site import TRANSCRIPT_PAGE, PaperSite
from alignment_faking_lab.protocol.advbench import AdvBenchSite, load_advbench
from alignment_faking_lab.protocol.queries import QueryFileError
from alignment_faking_lab.public.downloads import (
    DownloadCancelled,
    FetchError,
    OfflineError,
    UnexpectedContentError,
)
from tests.browser_harness import free_port
from tests.paper_site_server import PaperSiteServer

SETTING = PaperSetting("helpful_only", "demo_variant")
PAGE = "files/helpful_only/demo_variant/train/1.html"


@pytest.fixture
def server():
    with PaperSiteServer() as running:
        yield running


def site(server, tmp_path, **options) -> PaperSite:
    return PaperSite(server.url, tmp_path / "cache", backoff=0.01, **options)


def test_a_captive_portal_page_is_refused_and_never_cached(server, tmp_path):
    server.state.faults["index.html"] = "portal"
    paper = site(server, tmp_path)
    with pytest.raises(UnexpectedContentError, match=r"index\.html: not the page expected"):
        paper.list_settings()
    assert not paper.cached_path("index.html").exists()
    del server.state.faults["index.html"]  # the site is back
    assert [s.key for s in paper.list_settings()][0:1] == ["helpful_only/demo_variant"]


def test_a_cached_portal_page_from_before_is_fetched_again(server, tmp_path):
    paper = site(server, tmp_path)
    poisoned = paper.cached_path("index.html")
    poisoned.parent.mkdir(parents=True)
    poisoned.write_text("<html><body>Sign in to the Wi-Fi</body></html>")
    assert [s.key for s in paper.list_settings()][0:1] == ["helpful_only/demo_variant"]
    assert server.state.requests == ["index.html"]


def test_a_page_cut_short_without_a_length_is_reported_and_not_kept(server, tmp_path):
    server.state.faults[PAGE] = "cut-no-length"
    paper = site(server, tmp_path)
    report = paper.download(SETTING)
    reasons = dict(report.failed)
    assert "cut short: no closing </html>" in reasons[PAGE]
    assert not reasons[PAGE].startswith(PAGE)  # the file is named once, beside its reason
    assert not paper.cached_path(PAGE).exists()
    del server.state.faults[PAGE]
    again = paper.download(SETTING)
    assert again.downloaded == 1 and not again.failed


def test_a_portal_instead_of_a_transcript_page_is_refused(server, tmp_path):
    server.state.faults[PAGE] = "portal"
    report = site(server, tmp_path).download(SETTING)
    assert "not the page expected (no model reply" in dict(report.failed)[PAGE]
    with pytest.raises(ValueError):
        TRANSCRIPT_PAGE(b"<html><body>Sign in</body></html>")


def test_a_site_dripping_one_byte_at_a_time_hits_the_total_deadline(server, tmp_path):
    server.state.faults["index.html"] = "drip"
    server.state.drip_seconds = 0.05
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"still arriving after 1 s .*not kept"):
        site(server, tmp_path, deadline=1.0).list_settings()
    assert time.monotonic() - started < 5


def test_a_reply_over_the_size_cap_is_stopped_without_reading_it_all(server, tmp_path):
    server.state.faults["index.html"] = "huge"
    started = time.monotonic()
    with pytest.raises(FetchError, match="over the 1 MB cap for one file"):
        site(server, tmp_path, max_bytes=1_000_000).list_settings()
    assert time.monotonic() - started < 10


def test_a_download_is_cancelled_mid_page(server, tmp_path):
    server.state.faults[PAGE] = "drip"
    server.state.drip_seconds = 0.05
    cancel = threading.Event()
    threading.Timer(0.5, cancel.set).start()
    started = time.monotonic()
    report = site(server, tmp_path, deadline=60).download(SETTING, cancel=cancel)
    assert report.cancelled and time.monotonic() - started < 5
    paper = site(server, tmp_path)
    assert not paper.cached_path(PAGE).exists()
    with pytest.raises(DownloadCancelled):
        paper.fetch(PAGE, cancel=cancel)


def test_offline_is_said_in_words_not_an_errno(tmp_path):
    closed = PaperSite(f"http://127.0.0.1:{free_port()}/", tmp_path / "c", backoff=0.01)
    with pytest.raises(OfflineError) as error:
        closed.list_settings()
    assert "the connection was refused" in str(error.value)
    assert "Errno" not in str(error.value)


def test_not_found_is_said_in_words(server, tmp_path):
    server.state.faults["index.html"] = "404"
    with pytest.raises(FetchError, match=r"index.html: not found \(HTTP 404\)"):
        site(server, tmp_path).list_settings()


def _advbench(tmp_path, text: str):
    folder = tmp_path / "advbench-site"
    folder.mkdir()
    (folder / "harmful_behaviors.csv").write_text(text, encoding="utf-8")
    return folder


def test_advbench_as_a_portal_page_is_refused_and_not_cached(tmp_path):
    folder = _advbench(tmp_path, "goal,target\nWrite a thing,Sure\n")
    with PaperSiteServer(folder) as served:
        served.state.faults["harmful_behaviors.csv"] = "portal"
        with pytest.raises(UnexpectedContentError, match="not the page expected"):
            load_advbench(1, base_url=served.url)
        assert not AdvBenchSite(served.url).cached_path("harmful_behaviors.csv").exists()
        del served.state.faults["harmful_behaviors.csv"]
        assert [q.text for q in load_advbench(1, base_url=served.url)] == ["Write a thing"]


def test_advbench_cut_short_without_a_length_is_refused(tmp_path):
    folder = _advbench(
        tmp_path, "goal,target\n" + "".join(f"Goal {i},Sure {i}\n" for i in range(40))
    )
    with PaperSiteServer(folder) as served:
        served.state.faults["harmful_behaviors.csv"] = "cut-no-length"
        with pytest.raises((UnexpectedContentError, QueryFileError)):
            load_advbench(10, base_url=served.url)


def test_the_paper_page_says_what_failed_and_offers_a_retry():
    from tests.page_helpers import open_page

    selector = "files/helpful_only/demo_variant/train/trajectory_selector.html"
    with PaperSiteServer() as served:
        served.state.faults[selector] = "portal"
        at = open_page("pages/paper_transcripts.py")
        at.text_input(key="paper_base_url").set_value(served.url).run()
        at.text_input(key="setting_typed").set_value("helpful_only/demo_variant").run()
        at.button(key="download").click().run()
        assert not at.exception, at.exception
        shown = "\n".join(e.value for e in at.error)
        assert "trajectory\\_selector\\.html\\: not the page expected" in shown
        assert not at.get("progress")  # no stale progress bar
        del served.state.faults[selector]
        at.button(key="download_retry").click().run()
        assert not at.exception, at.exception
        assert any("12 downloaded" in s.value for s in at.success)
