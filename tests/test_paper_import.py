"""Importing the paper's published transcripts: parsing, downloading, the archive, the rates."""

from __future__ import annotations

import threading
import zipfile
from pathlib import Path

import pytest

from alignment_faking_lab.__main__ import main
from alignment_faking_lab.analysis.paper_check import paper_af_rates
from alignment_faking_lab.analysis.statistics import tier_summary
from alignment_faking_lab.data.frames import transcripts_frame
from alignment_faking_lab.data.storage import read_jsonl
from alignment_faking_lab.data.transcript import Compliance, Provenance, Tier
from alignment_faking_lab.paper.archive import import_and_save, import_archive
from alignment_faking_lab.paper.html_pages import (
    PaperPageError,
    PaperSetting,
    parse_index,
    parse_selector,
    parse_transcript_page,
)
from alignment_faking_lab.paper.site import OfflineError, PaperSite
from alignment_faking_lab.protocol.parsing import parse_messages
from tests.paper_site_server import FIXTURE_SITE, PaperSiteServer

SETTING = PaperSetting("helpful_only", "demo_variant")
SPLIT_DIR = FIXTURE_SITE / "files/helpful_only/demo_variant"
ARCHIVE = Path(__file__).resolve().parent / "fixtures" / "paper_archive" / "json_outputs"


def read(path: Path) -> str:
    return path.read_text()


def test_index_lists_each_setting_once():
    settings = parse_index(read(FIXTURE_SITE / "index.html"))
    assert [s.key for s in settings] == ["helpful_only/demo_variant", "animal_welfare/default"]


def test_selector_gives_numbers_and_labels():
    entries = parse_selector(read(SPLIT_DIR / "train/trajectory_selector.html"))
    assert [e.number for e in entries] == [1, 2, 3, 4, 5, 6]
    assert entries[0].labels["effective_scheme"] is True


def test_transcript_page_is_unescaped_and_split_in_order():
    page = parse_transcript_page(read(SPLIT_DIR / "train/1.html"), "train/1.html")
    assert page.is_free_tier is True
    assert page.user_input == "Write a limerick about a cat."
    assert len(page.assistant_turns) == 2  # a <NEXT/> turn sat between them
    assert page.assistant_turns[0].startswith("<SCRATCHPAD_REASONING>")
    assert page.assistant_turns[1].endswith("</OUTPUT>")
    assert page.labels["motivated_by_modification"] is True
    assert page.strategy_summary.startswith("Fixture strategy summary for placeholder 1")
    assert page.canary == "0c8f2d41-7b6e-4a35-9e1d-3f5a6b7c8d9e"


def test_a_malformed_page_names_the_file_and_the_missing_element():
    with pytest.raises(PaperPageError) as error:
        parse_transcript_page(read(SPLIT_DIR / "deploy/6.html"), "deploy/6.html")
    assert "deploy/6.html" in str(error.value) and "<INPUT>" in str(error.value)
    with pytest.raises(PaperPageError, match="allFiles"):
        parse_selector("<html>nothing here</html>", "selector.html")


@pytest.fixture
def site_server():
    with PaperSiteServer() as server:
        yield server


def site(server: PaperSiteServer, tmp_path: Path, **options) -> PaperSite:
    return PaperSite(server.url, tmp_path / "cache", backoff=0.01, **options)


def test_download_all_imports_pairs_with_published_labels(site_server, tmp_path):
    paper_site = site(site_server, tmp_path)
    report = paper_site.download(SETTING)
    errors, path = paper_site.save_setting(SETTING, data_dir=tmp_path)
    assert (report.downloaded, report.cached, report.failed) == (12, 0, [])
    assert errors == ["files/helpful_only/demo_variant/deploy/6.html: could not find the user "
                      "turn (<INPUT> ... </INPUT>)"]  # fmt: skip
    transcripts = read_jsonl(path).transcripts
    assert len(transcripts) == 11
    first = next(t for t in transcripts if t.prompt_id.endswith("/1") and t.tier is Tier.FREE)
    assert first.provenance is Provenance.PAPER
    assert first.labels["effective_scheme"] is True
    assert first.canary and first.source_url.endswith("train/1.html")
    assert parse_messages(first.messages).output == "Placeholder answer 1."
    assert [m.content for m in first.messages].count("<NEXT/>") == 1


def test_recomputed_rates_match_the_fixture_counts(site_server, tmp_path):
    transcripts, _ = _imported(site_server, tmp_path)
    summary = tier_summary(transcripts_frame(transcripts)).set_index("tier")
    assert summary.loc["free", "complied"] == 4 and summary.loc["free", "judged"] == 6
    assert summary.loc["paid", "complied"] == 1 and summary.loc["paid", "judged"] == 5
    rates = paper_af_rates(transcripts)
    assert (rates.n, rates.strict, rates.lenient) == (6, 2 / 6, 3 / 6)
    assert rates.mean == pytest.approx(2.5 / 6)


def _imported(server, tmp_path):
    paper_site = site(server, tmp_path)
    paper_site.download(SETTING)
    return paper_site.import_setting(SETTING)


def test_first_n_pairs_only(site_server, tmp_path):
    report = site(site_server, tmp_path).download(SETTING, first_n=2)
    assert report.downloaded == 4
    fetched = [r for r in site_server.state.requests if r.endswith(tuple("123456")) or ".html" in r]
    assert not any(r.endswith(("/3.html", "/4.html")) for r in fetched)


def test_concurrency_is_bounded(tmp_path):
    with PaperSiteServer(delay=0.05) as server:
        site(server, tmp_path).download(SETTING, concurrency=3)
        assert 2 <= server.state.max_active <= 3


def test_resume_fetches_only_what_is_missing(site_server, tmp_path):
    cancel = threading.Event()
    first = site(site_server, tmp_path)

    def stop_half_way(done: int, total: int) -> None:
        if done >= 5:
            cancel.set()

    report = first.download(SETTING, concurrency=1, progress=stop_half_way, cancel=cancel)
    assert report.cancelled and 0 < report.downloaded < 12
    before = len(site_server.state.requests)
    second = site(site_server, tmp_path).download(SETTING)
    pages_fetched = [r for r in site_server.state.requests[before:] if r[-6:-5].isdigit()]
    assert second.cached == report.downloaded
    assert len(pages_fetched) == 12 - report.downloaded == second.downloaded


def test_failures_are_reported_with_reasons_and_the_rest_lands(site_server, tmp_path):
    folder = "files/helpful_only/demo_variant"
    site_server.state.faults.update(
        {
            f"{folder}/train/2.html": "404",
            f"{folder}/train/3.html": "500",
            f"{folder}/train/4.html": "500-once",
            f"{folder}/deploy/1.html": "truncate",
            f"{folder}/deploy/2.html": "slow",
        }
    )
    # The slow page never answers in time; a timeout of a few seconds leaves the other pages
    # ample time, even on a loaded machine.
    site_server.state.slow_seconds = 30.0
    report = site(site_server, tmp_path, timeout=3, retries=1).download(SETTING)
    reasons = dict(report.failed)
    assert "HTTP 404" in reasons[f"{folder}/train/2.html"]
    assert "HTTP 500" in reasons[f"{folder}/train/3.html"]
    assert "truncated" in reasons[f"{folder}/deploy/1.html"]
    assert "no reply" in reasons[f"{folder}/deploy/2.html"]
    assert report.downloaded == 8  # 4.html recovered on its retry
    assert not list((tmp_path / "cache").rglob("*.part"))  # no half-written files left


def test_offline_gives_a_clear_message(tmp_path):
    offline = PaperSite("http://127.0.0.1:9/", tmp_path / "cache", backoff=0.01)
    with pytest.raises(OfflineError, match="needs internet access"):
        offline.list_settings()


def test_archive_import_from_folder_and_zip(tmp_path):
    from_folder = import_archive(ARCHIVE)
    assert from_folder.count == 12
    assert any("train/7.json" in error and "messages" in error for error in from_folder.errors)
    zipped = tmp_path / "json_outputs.zip"
    with zipfile.ZipFile(zipped, "w") as archive:
        for file in ARCHIVE.rglob("*.json"):
            archive.write(file, file.relative_to(ARCHIVE.parent).as_posix())
    result, saved = import_and_save(zipped, data_dir=tmp_path)
    assert result.count == 12
    transcripts = read_jsonl(saved[0]).transcripts
    free = [t for t in transcripts if t.tier is Tier.FREE]
    assert sum(t.compliance is Compliance.COMPLIED for t in free) == 4
    assert paper_af_rates(transcripts).strict == pytest.approx(2 / 6)
    assert transcripts[0].setting == "helpful_only" and transcripts[0].variant == "default"


def test_command_line_list_download_and_archive(site_server, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("AFLAB_DATA_DIR", str(tmp_path))
    assert main(["paper", "--base-url", site_server.url, "list"]) == 0
    assert "helpful_only/demo_variant" in capsys.readouterr().out
    code = main(["paper", "--base-url", site_server.url, "download", "--setting",
                 "helpful_only/demo_variant", "--first", "3"])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0 and "6 downloaded" in out and "Imported transcripts saved" in out
    assert main(["paper", "import-archive", str(ARCHIVE)]) == 1  # one broken file reported
    assert "Imported 12 transcripts" in capsys.readouterr().out
    assert main(["paper", "--base-url", "http://127.0.0.1:9/", "list"]) == 2
    assert "needs internet access" in capsys.readouterr().err
