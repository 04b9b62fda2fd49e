"""One run's JSONL file as the runner writes it: appended by many workers, each id once, and
holding one server's replies.

What a resume counts as done is what the loader accepts (`storage.iter_records`): a line it
rejects is sent again, and kept as it was.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
from pathlib import Path
from typing import ClassVar

from alignment_faking_lab.data import storage
from alignment_faking_lab.data.files import os_problem
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
                self._count(record)
            self.broken = (
                False  # a write failed: the rest goes to `kept_path`, never after a torn line
            )
            self._take_back_kept()

    def append(self, transcript: Transcript) -> bool:
        line = storage.dumps(transcript)  # outside the lock: workers serialise in parallel
        with self.lock:
            if transcript.id in self.ids:
                return False
            with self.path.open("a", encoding="utf-8") as handle:
                storage.append_line(handle, line)
            self.ids.add(transcript.id)
            return True

    def _count(self, record: dict) -> None:
        self.ids.add(record["id"])
        if record["provenance"] == Provenance.LIVE.value:
            self.addresses.add((record.get("request") or {}).get("base_url"))

    @property
    def kept_path(self) -> Path:
        """Where replies this file could not take are kept (the system's temporary folder,
        often another disk), named after this file's real path: no other run's, nor another
        visitor's, file of the same name shares it."""
        real = str(self.path.resolve())
        digest = hashlib.sha256(real.encode("utf-8", "surrogateescape")).hexdigest()[:16]
        return Path(tempfile.gettempdir()) / f"aflab-kept-{digest}-{self.path.stem}.jsonl"

    def append_or_keep(self, transcript: Transcript) -> str | None:
        """Append; when the file cannot be written (a full disk, a read-only folder), keep the
        transcript in `kept_path` instead, and say what happened and where. None when appended.
        The next run of this file takes the kept ones back (`_take_back_kept`): a reply that
        was paid for is never bought again."""
        try:
            if not self.broken:
                self.append(transcript)
                return None
            problem = f"{self.path.name} could not be written earlier in this run"
        except OSError as error:
            self.broken = True
            problem = f"{self.path.name} could not be written ({os_problem(error)})"
        try:
            with self.lock, self.kept_path.open("a", encoding="utf-8") as handle:
                storage.append_line(handle, storage.dumps(transcript))
                self.ids.add(transcript.id)
        except OSError as error:
            return (
                f"{problem}, nor could the reply be kept in {self.kept_path.parent} "
                f"({os_problem(error)}): this reply is lost. The run stopped, so nothing "
                "more is bought; free some space, then run it again."
            )
        return (
            f"{problem}: the reply received is kept in {self.kept_path}, and the next run of "
            "this name adds it to the run's file without buying it again. The run stopped, so "
            "nothing more is bought; free some space, then run it again."
        )

    def _take_back_kept(self) -> None:
        """Replies kept elsewhere by an earlier run of this file: appended to it now (then the
        kept file goes), or, while it still cannot be written, counted as done."""
        kept = self.kept_path
        if not kept.is_file():
            return
        records = [r for r in storage.iter_records(kept) if r["id"] not in self.ids]
        try:
            with self.path.open("a", encoding="utf-8") as handle:
                for record in records:
                    transcript = storage.transcript_from_values(record)
                    storage.append_line(handle, storage.dumps(transcript))
                    self._count(record)
        except OSError:
            for record in records:  # still no room: not sent again, kept where they are
                self._count(record)
            return
        kept.unlink()

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
