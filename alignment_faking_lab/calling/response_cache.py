"""On-disk cache of model replies keyed by the full request, so a repeated run costs nothing.

The key covers everything that shapes a reply (API, endpoint, model, system prompt, messages,
token limit, and a sample number so repeated samples stay distinct) and never the API key.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from alignment_faking_lab.data import paths
from alignment_faking_lab.data.files import atomic_write
from alignment_faking_lab.protocol.conversation import Reply


def request_key(**request: Any) -> str:
    canonical = json.dumps(request, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class ResponseCache:
    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory or (paths.cache_dir() / "responses")

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str) -> Reply | None:
        try:
            data = json.loads(self._path(key).read_text(encoding="utf-8"))
            return Reply(data["text"], data.get("stop_reason"), data["usage"], data["request"])
        except (OSError, ValueError, KeyError, TypeError):
            return None  # missing or damaged entries are simply fetched again

    def put(self, key: str, reply: Reply) -> None:
        payload = {
            "text": reply.text,
            "stop_reason": reply.stop_reason,
            "usage": reply.usage,
            "request": reply.request,
        }
        # ASCII escapes: a reply holding text UTF-8 cannot encode (a lone surrogate) is still
        # kept exactly, so a resume reads it back instead of buying it again.
        try:
            with atomic_write(self._path(key)) as handle:
                handle.write(json.dumps(payload))
        except OSError:
            pass  # a full disk or read-only cache: the run keeps the reply itself (run_file)
