"""A Hugging Face Hub stand-in on 127.0.0.1: the few routes `huggingface_hub` uses to download a
dataset (repo info at a revision, the file tree, and `resolve` for each file, HEAD and GET).

Tests point the real client at it with HF_ENDPOINT. The files served are made up by the test
(never the real dataset). Unknown repositories answer 404 as the Hub does.
"""

from __future__ import annotations

import hashlib
import json
from http.server import BaseHTTPRequestHandler
from urllib.parse import unquote, urlsplit

from tests.loopback_server import LoopbackServer

COMMIT = "0123456789abcdef0123456789abcdef01234567"


class HubServer(LoopbackServer):
    """`with HubServer({"owner/name": {"path.json": b"..."}}) as hub:`; `hub.url`."""

    def __init__(self, repos: dict[str, dict[str, bytes]]) -> None:
        self.repos = repos
        self.requests: list[str] = []
        super().__init__(self._handler())

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        hub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None):
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            def _json(self, payload: object, status: int = 200) -> None:
                body = json.dumps(payload).encode()
                self._send(status, body, {"Content-Type": "application/json"})

            def _not_found(self, what: str) -> None:
                body = json.dumps({"error": f"{what} not found"}).encode()
                self._send(404, body, {"X-Error-Code": "RepoNotFound"})

            def do_HEAD(self) -> None:
                self.do_GET()

            def do_GET(self) -> None:
                path = unquote(urlsplit(self.path).path)
                hub.requests.append(f"{self.command} {path}")
                if path.startswith("/api/datasets/"):
                    rest = path.removeprefix("/api/datasets/")
                    for repo, files in hub.repos.items():
                        if rest.startswith(repo + "/revision/"):
                            return self._json(self._info(repo, files))
                        if rest.startswith(repo + "/tree/"):
                            return self._json(self._tree(files))
                    return self._not_found("repository")
                if path.startswith("/datasets/"):
                    rest = path.removeprefix("/datasets/")
                    for repo, files in hub.repos.items():
                        prefix = repo + "/resolve/"
                        if rest.startswith(prefix):
                            name = rest.removeprefix(prefix).split("/", 1)[1]
                            if name not in files:
                                return self._send(404, b"", {"X-Error-Code": "EntryNotFound"})
                            body = files[name]
                            return self._send(
                                200,
                                body,
                                {
                                    "X-Repo-Commit": COMMIT,
                                    "ETag": f'"{hashlib.sha1(body).hexdigest()}"',
                                    "Content-Type": "application/octet-stream",
                                },
                            )
                return self._not_found("route")

            def _info(self, repo: str, files: dict[str, bytes]) -> dict:
                return {
                    "id": repo,
                    "sha": COMMIT,
                    "private": False,
                    "siblings": [{"rfilename": name} for name in files],
                }

            def _tree(self, files: dict[str, bytes]) -> list[dict]:
                return [
                    {
                        "type": "file",
                        "oid": hashlib.sha1(body).hexdigest(),
                        "size": len(body),
                        "path": name,
                    }
                    for name, body in files.items()
                ]

        return Handler
