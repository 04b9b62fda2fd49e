"""A static web server on 127.0.0.1 for the fixture transcript site, with injected faults.

Faults are set per path: "404", "500" (always), "500-once" (then fine), "truncate" (promises
more bytes than it sends, then closes), "slow" (waits `slow_seconds` first), "portal" (a 200
login page, as a captive portal sends), "cut-no-length" (half the file, no Content-Length, then
closes), "drip" (one byte every `drip_seconds`), "huge" (`huge_bytes` of padding, no length).
It counts how many requests run at once (received, reply not started: a client that sends its
next request the instant a reply lands is never counted twice), so tests can check the
downloader's concurrency bound.
Run by hand: `python -m tests.paper_site_server --port 8765`.
"""

from __future__ import annotations

import argparse
import threading
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from tests.loopback_server import LoopbackServer

FIXTURE_SITE = Path(__file__).resolve().parent / "fixtures" / "paper_site"


def site_with_headline(root: Path) -> Path:
    """The fixture site plus the headline setting (`helpful_only/default`, the demo pages under
    that id), listed after the others so a test sees it put first by name, not by order."""
    import shutil

    shutil.copytree(FIXTURE_SITE, root, dirs_exist_ok=True)
    shutil.copytree(FIXTURE_SITE / "files/helpful_only/demo_variant",
                    root / "files/helpful_only/default", dirs_exist_ok=True)  # fmt: skip
    index = root / "index.html"
    link = '<li><a href="files/helpful_only/default/train/trajectory_selector.html">x</a></li>'
    index.write_text(index.read_text().replace("</ul>", link + "</ul>"))
    return root


class SiteState:
    def __init__(self, root: Path, delay: float = 0.0) -> None:
        self.root = root
        self.delay = delay
        self.slow_seconds = 3.0
        self.drip_seconds = 0.2
        self.huge_bytes = 50 * 1024 * 1024
        self.faults: dict[str, str] = {}
        self.requests: list[str] = []
        self.active = 0
        self.max_active = 0
        self.lock = threading.Lock()


def make_handler(state: SiteState) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # keep test output quiet
            pass

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0].lstrip("/")
            with state.lock:
                state.requests.append(path)
                state.active += 1
                state.max_active = max(state.max_active, state.active)
            self._counted = True
            try:
                self._serve(path)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test): nothing to report
            finally:
                self._reply_begins()

        def _reply_begins(self) -> None:
            """This request stops counting as active (once), before its reply's first byte."""
            if getattr(self, "_counted", False):
                self._counted = False
                with state.lock:
                    state.active -= 1

        def send_response(self, code: int, message: str | None = None) -> None:
            self._reply_begins()
            super().send_response(code, message)

        def _serve(self, path: str) -> None:
            if state.delay:
                time.sleep(state.delay)
            fault = state.faults.get(path)
            if fault == "500-once":
                state.faults.pop(path)
                return self._status(500)
            if fault in ("404", "500"):
                return self._status(int(fault))
            if fault == "slow":
                time.sleep(state.slow_seconds)
            if fault == "portal":
                page = b"<html><body><h1>Sign in to continue</h1><form></form></body></html>"
                return self._raw(page, length=True)
            file = (state.root / path).resolve()
            if not file.is_file() or state.root.resolve() not in file.parents:
                return self._status(404)
            body = file.read_bytes()
            if fault == "cut-no-length":
                return self._raw(body[: len(body) // 2], length=False)
            if fault == "drip":
                self._raw(b"", length=False, end=False)
                for byte in body:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(state.drip_seconds)
                return None
            if fault == "huge":
                self._raw(b"", length=False, end=False)
                block = b"<p>padding</p>" * 4096
                for _ in range(state.huge_bytes // len(block) + 1):
                    self.wfile.write(block)
                return None
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            if fault == "truncate":
                self.send_header("Content-Length", str(len(body) + 500))
                self.end_headers()
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                self.close_connection = True
                return None
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return None

        def _raw(self, body: bytes, length: bool, end: bool = True) -> None:
            """A 200 reply; without a length the body ends when the connection closes."""
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            if length:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()
            if end:
                self.close_connection = True

        def _status(self, code: int) -> None:
            body = f"status {code}".encode()
            self.send_response(code)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


class PaperSiteServer(LoopbackServer):
    def __init__(self, root: Path = FIXTURE_SITE, port: int = 0, delay: float = 0.0) -> None:
        self.state = SiteState(root, delay)
        super().__init__(make_handler(self.state), port)

    @property
    def url(self) -> str:
        return super().url + "/"  # the site's address, as the app is given it


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--root", type=Path, default=FIXTURE_SITE, help="the site's folder")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds before each reply")
    arguments = parser.parse_args()
    with PaperSiteServer(arguments.root, port=arguments.port, delay=arguments.delay) as server:
        print(f"Serving the fixture transcript site at {server.url}", flush=True)
        server.thread.join()
