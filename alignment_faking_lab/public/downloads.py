"""Fetch files from a web site only when the user asks, with retries and an on-disk cache.

One way to download for the whole project (the paper's transcript site, AdvBench): retries on
5xx, timeouts and truncated bodies; atomic cache writes, so an interrupted download never leaves
half a file; and a plain message when the machine is offline.

Nothing is cached before it is checked: the body must be as long as the server declared, and
look like the page asked for (each caller says how: a captive-portal page, or a page cut short
by a server that declared no length, is refused and never reused). A download has a total
deadline, a size cap and a cancel, so a site that drips one byte a second or sends gigabytes
cannot hold the page or the memory.
"""

from __future__ import annotations

import errno
import http.client
import re
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from alignment_faking_lab import __version__
from alignment_faking_lab.data import paths
from alignment_faking_lab.data.files import atomic_write

USER_AGENT = f"AlignmentFakingLab/{__version__} (teaching tool; polite bounded downloads)"
OFFLINE_MESSAGE = (
    "{what} needs internet access, and {url} could not be reached ({reason}). Everything "
    "already downloaded is kept; try again when online."
)


class OfflineError(ConnectionError):
    """The site could not be reached at all: say so plainly, keep what we have."""


class FetchError(RuntimeError):
    """One file failed after retries; the reason is user-readable."""


class UnexpectedContentError(FetchError):
    """The site answered, but not with the page asked for (a login page, a cut-short page)."""


class DownloadCancelled(FetchError):
    """The user cancelled; nothing partial was kept."""


# Raises ValueError (in words) when a fetched body is not the page expected; None when it is.
Check = Callable[[bytes], None]
MAX_BYTES = 16 * 1024 * 1024  # the largest file the app downloads is well under 1 MB
DEADLINE = 60.0  # seconds for one file, however slowly it trickles in
CHUNK = 64 * 1024


def _reason(reason: object) -> str:
    """Why a connection failed, in words rather than an errno."""
    if isinstance(reason, socket.gaierror):
        return "its name could not be looked up: no internet connection, or a wrong address"
    if isinstance(reason, ConnectionRefusedError):
        return "the connection was refused"
    if isinstance(reason, OSError) and reason.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
        return "no route to it: no internet connection"
    return str(reason)


_HTTP_WORDS = {401: "needs a login", 403: "access refused", 404: "not found", 410: "gone"}


def _is_offline(reason: object) -> bool:
    """No route to the site at all (refused, no DNS, no network), as opposed to a slow site."""
    if isinstance(reason, (ConnectionRefusedError, socket.gaierror)):
        return True
    return isinstance(reason, OSError) and reason.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH)


class CachedSite:
    """The site at `base_url`, cached under `cache_dir` (one cache per site, so a mirror or a
    test server never serves another site's files)."""

    what = "This download"

    def __init__(
        self,
        base_url: str,
        cache_dir: Path | None = None,
        timeout: float = 20.0,
        retries: int = 2,
        backoff: float = 0.5,
        deadline: float = DEADLINE,
        max_bytes: int = MAX_BYTES,
    ) -> None:
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        site_name = re.sub(r"[^A-Za-z0-9.]+", "_", self.base_url.split("://", 1)[-1]).strip("_")
        self.cache_dir = cache_dir or (paths.downloads_dir() / self.cache_folder / site_name)
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.deadline = deadline
        self.max_bytes = max_bytes

    cache_folder = "sites"

    # -- network -------------------------------------------------------------------------
    def url(self, relative: str) -> str:
        return self.base_url + relative

    def fetch(
        self,
        relative: str,
        check: Check | None = None,
        cancel: threading.Event | None = None,
    ) -> bytes:
        """GET with retries on 5xx, timeouts and truncated bodies; 4xx fails at once, and so
        does a body that is too big, too slow in all, or not the page expected."""
        url = self.url(relative)
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
        last_reason = ""
        for attempt in range(self.retries + 1):
            if attempt and (cancel or threading.Event()).wait(self.backoff * 2 ** (attempt - 1)):
                raise DownloadCancelled(f"{relative}: cancelled")
            try:
                body = self._read(request, relative, cancel)
            except urllib.error.HTTPError as exc:
                words = _HTTP_WORDS.get(exc.code, "server error" if exc.code >= 500 else "refused")
                last_reason = f"{relative}: {words} (HTTP {exc.code})"
                if exc.code < 500 and exc.code != 429:
                    break
                continue
            except http.client.IncompleteRead as exc:
                last_reason = (
                    f"{relative}: truncated ({len(exc.partial)} bytes received, fewer than the "
                    "server declared)"
                )
                continue
            except TimeoutError:
                last_reason = f"{relative}: no reply within {self.timeout:g} s"
                continue
            except urllib.error.URLError as exc:
                if isinstance(exc.reason, TimeoutError):
                    last_reason = f"{relative}: no reply within {self.timeout:g} s"
                    continue
                if attempt == self.retries and _is_offline(exc.reason):
                    raise OfflineError(
                        OFFLINE_MESSAGE.format(
                            what=self.what, url=self.base_url, reason=_reason(exc.reason)
                        )
                    ) from None
                last_reason = f"{relative}: connection failed ({_reason(exc.reason)})"
                continue
            except (ConnectionError, http.client.HTTPException) as exc:
                last_reason = f"{relative}: connection dropped ({exc.__class__.__name__})"
                continue
            if check is not None:
                try:
                    check(body)
                except ValueError as exc:
                    raise UnexpectedContentError(
                        f"{relative}: not the page expected ({exc}). A login page, a proxy or "
                        "an outage may be in the way; nothing was kept. Try again later."
                    ) from None
            return body
        raise FetchError(last_reason)

    def _read(self, request: urllib.request.Request, relative: str, cancel) -> bytes:
        """The whole body, in chunks: checked against its declared length, the size cap, the
        total deadline and the cancel as it arrives."""
        started = time.monotonic()
        with urllib.request.urlopen(request, timeout=self.timeout) as reply:
            declared = reply.headers.get("Content-Length")
            expected = int(declared) if declared and declared.isdigit() else None
            if expected is not None and expected > self.max_bytes:
                raise FetchError(
                    f"{relative}: {expected / 1e6:.0f} MB, over the {self.max_bytes / 1e6:.0f} MB "
                    "cap for one file; not downloaded"
                )
            chunks: list[bytes] = []
            size = 0
            while chunk := reply.read1(CHUNK):
                chunks.append(chunk)
                size += len(chunk)
                if size > self.max_bytes:
                    raise FetchError(
                        f"{relative}: over the {self.max_bytes / 1e6:.0f} MB cap for one file; "
                        "stopped and not kept"
                    )
                if time.monotonic() - started > self.deadline:
                    raise FetchError(
                        f"{relative}: still arriving after {self.deadline:g} s (the site is "
                        "too slow); stopped and not kept. Try again later."
                    )
                if cancel is not None and cancel.is_set():
                    raise DownloadCancelled(f"{relative}: cancelled; nothing partial was kept")
            body = b"".join(chunks)
        if expected is not None and len(body) != expected:
            raise http.client.IncompleteRead(body, expected - len(body))
        return body

    # -- cache ---------------------------------------------------------------------------
    def cached_path(self, relative: str) -> Path:
        return self.cache_dir / relative

    def _store(self, relative: str, body: bytes) -> None:
        with atomic_write(self.cached_path(relative), binary=True) as handle:
            handle.write(body)

    def get(
        self,
        relative: str,
        refresh: bool = False,
        check: Check | None = None,
        cancel: threading.Event | None = None,
    ) -> str:
        """A page from the cache, fetched (checked, then cached) when missing. A cached copy
        that fails the check (kept by an older version) is fetched again."""
        path = self.cached_path(relative)
        if path.exists() and not refresh:
            body = path.read_bytes()
            try:
                if check is not None:
                    check(body)
                return body.decode("utf-8", errors="replace")
            except ValueError:
                pass
        body = self.fetch(relative, check, cancel)
        self._store(relative, body)
        return body.decode("utf-8", errors="replace")


def html_check(*markers: str) -> Check:
    """A check that the body is a whole HTML page holding each marker (it ends in `</html>`,
    so a page cut short by a server that declared no length is caught too)."""

    def check(body: bytes) -> None:
        text = body.decode("utf-8", errors="replace")
        if "</html>" not in text[-2048:].lower():
            raise ValueError("the page is cut short: no closing </html>")
        for marker in markers:
            if marker not in text:
                raise ValueError(f"no {marker!r} on it")

    return check
