"""One published setting fetched once per server and shared read-only by every visitor.

On a public deployment the first visitor who asks for the paper's real transcripts starts the
fetch of the headline setting; everyone after them (and everyone meanwhile) sees its progress
and then reads the same imported file. The state is a module-level object behind a lock, not a
Streamlit cache (any browser can clear that), and the fetch runs in its own thread, so a
visitor who clicks elsewhere never stops it. A server restarted with an empty disk (Community
Cloud wipes it) simply has no file: the next visitor who asks fetches it again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from alignment_faking_lab.paper.html_pages import PaperPageError, PaperSetting
from alignment_faking_lab.paper.importer import imported_path
from alignment_faking_lab.paper.settings import HEADLINE
from alignment_faking_lab.paper.site import PaperSite
from alignment_faking_lab.public.downloads import FetchError, OfflineError

IDLE, FETCHING, READY, FAILED = "idle", "fetching", "ready", "failed"


@dataclass(frozen=True, slots=True)
class FetchState:
    status: str = IDLE
    done: int = 0
    total: int = 0
    error: str = ""
    offline: bool = False
    path: Path | None = None


class SharedSetting:
    """A setting fetched at most once at a time per server, then read from its file."""

    def __init__(self, setting: PaperSetting) -> None:
        self.setting = setting
        self._lock = threading.Lock()
        self._state = FetchState()
        self._thread: threading.Thread | None = None
        self.fetches = 0  # how many fetches this server started (for tests and benchmarks)

    def state(self, data_dir: Path | None = None) -> FetchState:
        """Where the fetch stands; READY as soon as the imported file is there."""
        path = imported_path(self.setting.category, self.setting.variant, data_dir)
        with self._lock:
            if self._state.status != FETCHING and path.is_file():
                return FetchState(READY, self._state.done, self._state.total, path=path)
            if self._state.status == READY:  # the file went (the disk was wiped)
                self._state = FetchState()
            return self._state

    def start(self, site: Callable[[], PaperSite], data_dir: Path | None = None) -> FetchState:
        """Begin the fetch unless the file is there or a fetch is already under way; `site`
        makes the transcript site (only called when a fetch starts)."""
        path = imported_path(self.setting.category, self.setting.variant, data_dir)
        with self._lock:
            if self._state.status == FETCHING:
                return self._state
            if path.is_file():
                return FetchState(READY, path=path)
            self._state = FetchState(FETCHING)
            self.fetches += 1
            self._thread = threading.Thread(
                target=self._fetch, args=(site(), data_dir), name="aflab-shared-setting",
                daemon=True,
            )  # fmt: skip
            self._thread.start()
            return self._state

    def wait(self, timeout: float | None = None) -> FetchState:
        """Until the fetch under way (if any) ends: for scripts, tests and benchmarks."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        with self._lock:
            return self._state

    def _progress(self, done: int, total: int) -> None:
        with self._lock:
            self._state = replace(self._state, done=done, total=total)

    def _fetch(self, site: PaperSite, data_dir: Path | None) -> None:
        try:
            report = site.download(self.setting, None, 8, self._progress)
            errors, path = site.save_setting(self.setting, data_dir=data_dir)
        except OfflineError as exc:
            self._finish(FetchState(FAILED, error=str(exc), offline=True))
        except (FetchError, PaperPageError, OSError) as exc:
            self._finish(FetchState(FAILED, error=str(exc)))
        else:
            if path is None:
                problem = "; ".join([r for _, r in report.failed][:3] + errors[:3])
                self._finish(FetchState(FAILED, error=problem or "no transcript could be read"))
            else:
                self._finish(FetchState(READY, report.total, report.total, path=path))

    def _finish(self, state: FetchState) -> None:
        with self._lock:
            self._state = state


HEADLINE_SHARED = SharedSetting(HEADLINE)
