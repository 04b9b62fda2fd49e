"""Fetch files from a web site only when the user asks, with retries and an on-disk cache.

One way to download for the whole project (the paper's transcript site, AdvBench): retries on
5xx, timeouts and truncated bodies; atomic cache writes, so an interrupted download never leaves
half a file; and a plain message when the machine is offline.
"""

from __future__ import annotations

import errno
import http.client
import os
import re
import socket
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from alignment_faking_lab import __version__, paths

USER_AGENT = f"AlignmentFakingLab/{__version__} (teaching tool; polite bounded downloads)"
OFFLINE_MESSAGE = (
    "{what} needs internet access, and {url} could not be reached ({reason}). Everything "
    "already downloaded is kept; try again when online."
)


class OfflineError(ConnectionError):
    """The site could not be reached at all: say so plainly, keep what we have."""


class FetchError(RuntimeError):
    """One file failed after retries; the reason is user-readable."""


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
    ) -> None:
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        site_name = re.sub(r"[^A-Za-z0-9.]+", "_", self.base_url.split("://", 1)[-1]).strip("_")
        self.cache_dir = cache_dir or (paths.downloads_dir() / self.cache_folder / site_name)
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff

    cache_folder = "sites"

    # -- network -------------------------------------------------------------------------
    def url(self, relative: str) -> str:
        return self.base_url + relative

    def fetch(self, relative: str) -> bytes:
        """GET with retries on 5xx, timeouts and truncated bodies; 4xx fails at once."""
        url = self.url(relative)
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
        last_reason = ""
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self.backoff * 2 ** (attempt - 1))
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as reply:
                    body = reply.read()
                    expected = reply.headers.get("Content-Length")
                    if expected is not None and len(body) != int(expected):
                        raise http.client.IncompleteRead(body, int(expected) - len(body))
                    return body
            except urllib.error.HTTPError as exc:
                last_reason = f"HTTP {exc.code} {exc.reason}"
                if exc.code < 500 and exc.code != 429:
                    break
            except http.client.IncompleteRead as exc:
                last_reason = f"truncated body ({len(exc.partial)} bytes received)"
            except TimeoutError:
                last_reason = f"no reply within {self.timeout:g} s"
            except urllib.error.URLError as exc:
                if isinstance(exc.reason, TimeoutError):
                    last_reason = f"no reply within {self.timeout:g} s"
                    continue
                if attempt == self.retries and _is_offline(exc.reason):
                    raise OfflineError(
                        OFFLINE_MESSAGE.format(what=self.what, url=self.base_url, reason=exc.reason)
                    ) from None
                last_reason = f"connection failed ({exc.reason})"
            except (ConnectionError, http.client.HTTPException) as exc:
                last_reason = f"connection dropped ({exc.__class__.__name__})"
        raise FetchError(last_reason)

    # -- cache ---------------------------------------------------------------------------
    def cached_path(self, relative: str) -> Path:
        return self.cache_dir / relative

    def _store(self, relative: str, body: bytes) -> None:
        target = self.cached_path(relative)
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.{threading.get_ident()}.part")
        temporary.write_bytes(body)
        os.replace(temporary, target)

    def get(self, relative: str, refresh: bool = False) -> str:
        """A page from the cache, fetched (and cached) when missing."""
        path = self.cached_path(relative)
        if path.exists() and not refresh:
            return path.read_text(encoding="utf-8", errors="replace")
        body = self.fetch(relative)
        self._store(relative, body)
        return body.decode("utf-8", errors="replace")
