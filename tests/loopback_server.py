"""What every fake server of the tests shares: an HTTP server on 127.0.0.1, in a thread.

The fakes (model providers, the paper's site, the Hugging Face Hub, an OpenID Connect provider)
differ only in their request handler. Run one by hand from the project's folder as a module,
e.g. `python -m tests.fake_llm_server --port 8766`.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self


class _ThreadingServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # read when the socket starts listening: benchmarks send 50 at once


class LoopbackServer:
    """`with Server(...) as server:` serves until the block ends; `server.url` is its address."""

    def __init__(self, handler: type[BaseHTTPRequestHandler], port: int = 0) -> None:
        self.httpd = _ThreadingServer(("127.0.0.1", port), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
