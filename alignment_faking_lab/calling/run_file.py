"""One run's JSONL file as the runner writes it: appended by many workers, each id once, and
holding one server's replies.

What a resume counts as done is what the loader accepts (`storage.iter_records`): a line it
rejects is sent again, and kept as it was.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import ClassVar

from alignment_faking_lab.data import storage
from alignment_faking_lab.data.transcript import Provenance, Transcript


class RunFile:
    """Appends to one run file from many workers; skips an id that is already there."""

    _locks: ClassVar[dict[Path, threading.Lock]] = {}
    _registry_lock = threading.Lock()

    def __init__(self, path: Path) -> None:
        self.path = path
        with self._registry_lock:
            self.lock = self._locks.setdefault(path.resolve(), threading.Lock())
        with self.lock:
            path.parent.mkdir(parents=True, exist_ok=True)
            storage.repair_torn_tail(path)
            self.ids: set[str] = set()
            self.addresses: set[str | None] = set()  # where its live replies came from
            for record in storage.iter_records(path):
                self.ids.add(record["id"])
                if record["provenance"] == Provenance.LIVE.value:
                    self.addresses.add((record.get("request") or {}).get("base_url"))

    def append(self, transcript: Transcript) -> bool:
        line = storage.dumps(transcript)  # outside the lock: workers serialise in parallel
        with self.lock:
            if transcript.id in self.ids:
                return False
            with self.path.open("a", encoding="utf-8") as handle:
                storage.append_line(handle, line)
            self.ids.add(transcript.id)
            return True

    def sync(self) -> None:
        """At the end of a run: make the file durable against a power cut too."""
        with self.lock:
            if self.path.exists():
                with self.path.open("rb") as handle:
                    os.fsync(handle.fileno())


def refuse_another_server(address: str, addresses: set[str | None], path: Path) -> None:
    """One run file holds one server's replies: a resume sent elsewhere (another local port,
    another provider's address) is refused before anything is sent, instead of mixing two
    servers' replies in one file."""
    here = address or None
    default = "the provider's own address"
    others = sorted(str(a or default) for a in addresses - {here})
    if others:
        raise storage.RunFileRefused(
            f"{path.name} already holds replies from {', '.join(others)}, and this run would "
            f"send to {here or default}. One run file holds one server's "
            "replies: give this run another name, or resume it with the address it used."
        )
