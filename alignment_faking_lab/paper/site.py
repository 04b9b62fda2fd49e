"""Download the paper's published transcripts, politely, resumably, and only when asked.

Pages are cached under the downloads folder exactly as fetched (atomic writes, so an interrupted
download never leaves half a file), and a repeated download fetches only what is missing. Every
failed file is reported with its reason while the others still land.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from alignment_faking_lab.data.transcript import Transcript
from alignment_faking_lab.paper.html_pages import (
    PaperPageError,
    PaperSetting,
    SelectorEntry,
    page_text,
    parse_index,
    parse_selector,
    parse_transcript_page,
    reply_cut_short,
)
from alignment_faking_lab.paper.importer import (
    conversation_messages,
    paper_transcript,
    save_imported,
    save_streamed,
)
from alignment_faking_lab.public.downloads import (
    CachedSite,
    Check,
    DownloadCancelled,
    FetchError,
    OfflineError,
    html_check,
)

DEFAULT_BASE_URL = "https://redwoodresearch.github.io/alignment_faking_examples/"
# The owner may point a deployment at a mirror (tests: a loopback server); visitors cannot.
PAPER_SITE_SETTING = "AFLAB_PAPER_BASE_URL"
SELECTOR = "trajectory_selector.html"
SPLITS = ("train", "deploy")

Progress = Callable[[int, int], None]


def _page(parser: Callable[[str, str], object]) -> Check:
    """Checks a fetched page before it is cached: a whole HTML page the parser can read."""
    whole = html_check()

    def check(body: bytes) -> None:
        whole(body)
        parser(body.decode("utf-8", errors="replace"), "the page")  # PaperPageError: ValueError

    return check


def _transcript_page(body: bytes) -> None:
    """A whole page with a model's reply on it. (Not fully parsed here: a published page the
    parser cannot read is kept and reported by the import, as the site published it.)"""
    html_check()(body)
    if b"SCRATCHPAD_REASONING" not in body and b"OUTPUT" not in body:
        raise ValueError("no model reply (<SCRATCHPAD_REASONING> or <OUTPUT>) on it")
    text = page_text(body.decode("utf-8", errors="replace"))
    if cut := reply_cut_short(text[text.find("</INPUT>") + 1 :]):
        raise ValueError(f"cut short mid-reply: {cut} is never closed")


TRANSCRIPT_PAGE: Check = _transcript_page


@dataclass(slots=True)
class DownloadReport:
    setting: PaperSetting
    downloaded: int = 0
    cached: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    cancelled: bool = False

    @property
    def total(self) -> int:
        return self.downloaded + self.cached + len(self.failed)

    def summary(self) -> str:
        text = (
            f"{self.setting.key}: {self.downloaded} downloaded, {self.cached} already cached, "
            f"{len(self.failed)} failed"
        )
        return text + (" (cancelled: run again to resume)" if self.cancelled else "")


class PaperSite(CachedSite):
    """The paper's transcript site at `base_url`, cached under `cache_dir`."""

    what = "Downloading the paper's transcripts"
    cache_folder = "paper"

    def __init__(
        self, base_url: str = DEFAULT_BASE_URL, cache_dir: Path | None = None, **options
    ) -> None:
        super().__init__(base_url, cache_dir, **options)

    # -- the site ------------------------------------------------------------------------
    def list_settings(self, refresh: bool = False) -> list[PaperSetting]:
        return parse_index(self.get("index.html", refresh, _page(parse_index)), "index.html")

    def listed_setting(self, key: str) -> PaperSetting:
        """The setting named `category/variant`, only if the site's own index lists it: a name
        typed or linked by a visitor becomes a folder and a file name, so `x/../y` or any
        other name the site does not list is refused (FetchError) before anything is fetched
        or written."""
        for setting in self.list_settings():
            if setting.key == key.strip():
                return setting
        raise FetchError(
            f"{key.strip()[:120]!r} is not a setting the paper's site lists: pick one from "
            "the fetched list of published settings."
        )

    def selector(self, setting: PaperSetting, split: str) -> list[SelectorEntry]:
        relative = f"files/{setting.category}/{setting.variant}/{split}/{SELECTOR}"
        return parse_selector(self.get(relative, check=_page(parse_selector)), relative)

    def download(
        self,
        setting: PaperSetting,
        first_n: int | None = None,
        concurrency: int = 8,
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
    ) -> DownloadReport:
        """Fetch the transcript pages of both splits; only those not cached yet."""
        report = DownloadReport(setting)
        self.fetch_missing(
            [(report, self.page_paths(setting, first_n))], concurrency, progress, cancel
        )
        return report

    def page_paths(self, setting: PaperSetting, first_n: int | None = None) -> list[str]:
        """The transcript pages of a setting, both splits, as its selector pages list them."""
        wanted: list[str] = []
        for split in SPLITS:
            entries = self.selector(setting, split)
            chosen = entries[:first_n] if first_n else entries
            folder = f"files/{setting.category}/{setting.variant}/{split}"
            wanted += [f"{folder}/{entry.number}.html" for entry in chosen]
        return wanted

    def fetch_missing(
        self,
        wanted: list[tuple[DownloadReport, list[str]]],
        concurrency: int = 8,
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
        on_setting_done: Callable[[DownloadReport], None] | None = None,
    ) -> None:
        """Fetch every page not cached yet, of one setting or many, through one pool (no pause
        between settings), counting each page in its setting's report; `on_setting_done` hears
        of each setting as soon as its last page is in (so it can be imported meanwhile)."""
        total = sum(len(pages) for _, pages in wanted)
        missing: list[tuple[DownloadReport, str]] = []
        left: dict[int, int] = {}
        for report, pages in wanted:
            absent = [r for r in pages if not self.cached_path(r).exists()]
            report.cached = len(pages) - len(absent)
            missing += [(report, relative) for relative in absent]
            left[id(report)] = len(absent)
            if not absent and on_setting_done:
                on_setting_done(report)
        done = total - len(missing)
        if progress:
            progress(done, total)

        cancel = cancel or threading.Event()

        def fetch_one(relative: str) -> str:
            if cancel.is_set():
                return "cancelled"
            self._store(relative, self.fetch(relative, TRANSCRIPT_PAGE, cancel))
            return "ok"

        pending = iter(missing)
        with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
            in_flight: dict[Future[str], tuple[DownloadReport, str]] = {}
            try:
                while True:  # a few pages queued per worker, not every page: memory stays flat
                    while len(in_flight) < 2 * max(1, concurrency):
                        item = next(pending, None)
                        if item is None:
                            break
                        in_flight[pool.submit(fetch_one, item[1])] = item
                    if not in_flight:
                        break
                    finished, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                    for future in finished:
                        report, relative = in_flight.pop(future)
                        if self._record(future, report, relative):
                            done += 1
                            if progress:
                                progress(done, total)
                        left[id(report)] -= 1
                        if not left[id(report)] and on_setting_done:
                            on_setting_done(report)
            except BaseException:  # the page's script was stopped (a click): stop the downloads
                cancel.set()
                raise

    @staticmethod
    def _record(future: Future[str], report: DownloadReport, relative: str) -> bool:
        """Count one finished page in its setting's report; True when it landed."""
        try:
            outcome = future.result()
        except DownloadCancelled:
            report.cancelled = True
            return False
        except (FetchError, OfflineError) as exc:
            report.failed.append((relative, str(exc).removeprefix(f"{relative}: ")))
            return False
        if outcome == "cancelled":
            report.cancelled = True
            return False
        report.downloaded += 1
        return True

    def import_setting(
        self, setting: PaperSetting, first_n: int | None = None
    ) -> tuple[list[Transcript], list[str]]:
        """Parse what is cached into transcripts; one unreadable page costs one transcript."""
        errors: list[str] = []
        return list(self.iter_setting(setting, errors, first_n)), errors

    def iter_setting(
        self, setting: PaperSetting, errors: list[str], first_n: int | None = None
    ) -> Iterator[Transcript]:
        """The cached pages of a setting as transcripts, one at a time, the free and paid
        transcript of each query side by side (so they can be written as they are parsed)."""
        listed: dict[str, list[SelectorEntry]] = {}
        for split in SPLITS:
            try:
                entries = self.selector(setting, split)
            except (PaperPageError, FetchError, OfflineError) as exc:
                errors.append(str(exc))
                continue
            listed[split] = entries[:first_n] if first_n else entries
        by_number = sorted(
            ((entry.number, SPLITS.index(split), split, entry)
             for split, entries in listed.items() for entry in entries),
            key=lambda item: item[:2],
        )  # fmt: skip
        for _, _, split, entry in by_number:
            relative = f"files/{setting.category}/{setting.variant}/{split}/{entry.number}.html"
            path = self.cached_path(relative)
            if not path.exists():
                continue  # reported by the download step
            try:
                page = parse_transcript_page(path.read_text(errors="replace"), relative)
            except PaperPageError as exc:
                errors.append(str(exc))
                continue
            yield paper_transcript(
                category=setting.category,
                variant=setting.variant,
                split=split,
                number=entry.number,
                messages=conversation_messages(page.user_turn, page.assistant_turns),
                user_input=page.user_input,
                labels={**page.labels, **entry.labels},
                source_url=self.url(relative),
                canary=page.canary,
                notes=page.strategy_summary and f"Strategy summary: {page.strategy_summary}",
            )

    def save_setting(
        self, setting: PaperSetting, first_n: int | None = None, data_dir: Path | None = None
    ) -> tuple[list[str], Path | None]:
        """After `download`: what is cached of the setting, imported and saved in the data
        folder (merged with an earlier import); the pages that could not be read, and the
        file (None when nothing was readable)."""
        transcripts, errors = self.import_setting(setting, first_n)
        path = (
            save_imported(transcripts, setting.category, setting.variant, data_dir, errors)
            if transcripts
            else None
        )
        return errors, path

    def import_category(
        self,
        category: str,
        concurrency: int = 8,
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
        data_dir: Path | None = None,
    ) -> list[tuple[DownloadReport, list[str], Path | None]]:
        """Every variant of a category: all missing pages through one pool of `concurrency`
        downloads, then each setting imported on its own (memory stays that of one setting).
        Resumable like `download`: what is cached is never fetched again."""
        settings = [s for s in self.list_settings() if s.category == category]
        if not settings:
            raise FetchError(f"The site's index lists no variant of the category {category!r}.")
        with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:  # selectors at once
            listed = list(pool.map(self.page_paths, settings))
        reports = [
            (DownloadReport(setting), pages)
            for setting, pages in zip(settings, listed, strict=True)
        ]
        # One importer thread writes each setting as soon as its pages are in, while the
        # downloads of the next settings go on.
        with ThreadPoolExecutor(max_workers=1) as importer:
            imports: dict[int, Future] = {}

            def import_now(report: DownloadReport) -> None:
                imports[id(report)] = importer.submit(self._import_one, report, data_dir)

            self.fetch_missing(reports, concurrency, progress, cancel, import_now)
            for report, _ in reports:
                if id(report) not in imports:  # cancelled before its last page: keep what came
                    import_now(report)
            return [imports[id(report)].result() for report, _ in reports]

    def _import_one(
        self, report: DownloadReport, data_dir: Path | None
    ) -> tuple[DownloadReport, list[str], Path | None]:
        """One setting's cached pages, written as they are parsed (memory stays flat)."""
        errors: list[str] = []
        setting = report.setting
        # Merged with an earlier import of the setting (by id), never replacing it.
        path = save_streamed(
            self.iter_setting(setting, errors), setting.category, setting.variant, data_dir,
            errors,
        )  # fmt: skip
        return report, errors, path

    def import_one(
        self, setting: PaperSetting, split: str, number: int, data_dir: Path | None = None
    ) -> Path | None:
        """One published transcript, for a shared link this server has not imported yet: its
        page is fetched (if not cached) and the setting's file is rebuilt from every cached
        page, so what was imported before stays. None when the site has no such transcript."""
        if split not in SPLITS or not any(
            e.number == number for e in self.selector(setting, split)
        ):
            return None
        relative = f"files/{setting.category}/{setting.variant}/{split}/{number}.html"
        if not self.cached_path(relative).exists():
            self._store(relative, self.fetch(relative))
        transcripts, _ = self.import_setting(setting)
        if not transcripts:
            return None
        return save_imported(transcripts, setting.category, setting.variant, data_dir)
