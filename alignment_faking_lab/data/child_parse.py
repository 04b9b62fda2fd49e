"""An uploaded file parsed in a child process, so the server's own memory never holds the
parse's millions of short-lived objects.

A public server is one process for every visitor. Parsing a 31 MB upload in it made about
40 MB of Python's small-object pools, and objects the server kept from that time (a session's
bookkeeping, caches) pinned most of them after the visitor left: 20 visitors later the server
stayed 22% above its start (`benchmarks/bench_visitor_uploads.py`). Here a fresh interpreter
parses the bytes and sends back the finished table (pickled: its columns and search buffer),
and the bytes themselves stay in the visitor's session as before. If the child cannot do it
(it cannot start, fails or runs past its deadline), the file is parsed here instead: the
visitor gets their transcripts either way. A visitor's own runs and imports, read from their
folder, are loaded the same way.
"""

from __future__ import annotations

import logging
import os
import pickle
import subprocess
import sys
import threading
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from alignment_faking_lab.data.table import (
    BytesRecords,
    TranscriptTable,
    load_path,
    table_from_bytes,
)

DEADLINE_S = 180
AT_ONCE = 2  # children parsing at the same time; more visitors wait their turn
# What the child needs from the environment; keys and other secrets stay with the server.
PASSED_ON = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "SYSTEMROOT")

_turns = threading.BoundedSemaphore(AT_ONCE)
_log = logging.getLogger(__name__)


def child_environment(environment: Mapping[str, str]) -> dict[str, str]:
    """The child's environment: only `PASSED_ON`, and where this package is, so the child
    imports the same code whether or not it is installed."""
    kept = {name: environment[name] for name in PASSED_ON if name in environment}
    here = str(Path(__file__).resolve().parents[2])
    kept["PYTHONPATH"] = here
    kept["PYTHONIOENCODING"] = "utf-8"
    return kept


def table_from_bytes_in_child(
    data: bytes, source: str, python: str = sys.executable, deadline_s: float = DEADLINE_S
) -> TranscriptTable:
    """`table_from_bytes(data, source)`, computed by a child interpreter (`python`)."""
    table = _in_child(b"bytes " + _line(source) + data, python, deadline_s)
    if table is None:
        return table_from_bytes(data, source)
    return replace(table, records=(BytesRecords(source, data),))


def load_path_in_child(
    path: str | os.PathLike[str], python: str = sys.executable, deadline_s: float = DEADLINE_S
) -> TranscriptTable:
    """`load_path(path)` (a visitor's run or import), computed by a child interpreter."""
    if "\n" in os.fspath(path):  # the request names it on one line
        return load_path(path)
    table = _in_child(b"path " + _line(os.fspath(path)), python, deadline_s)
    return load_path(path) if table is None else table


def _line(text: str) -> bytes:
    return text.replace("\n", " ").encode("utf-8", "surrogatepass") + b"\n"


def _in_child(request: bytes, python: str, deadline_s: float) -> TranscriptTable | None:
    """The child's table, or None (logged) when the child could not make one."""
    try:
        with _turns:
            done = subprocess.run(
                [python, "-m", __name__],
                input=request,
                capture_output=True,
                timeout=deadline_s,
                env=child_environment(os.environ),
                check=True,
            )
        table = pickle.loads(done.stdout)  # what our own child (`_main`) wrote
        if not isinstance(table, TranscriptTable):
            raise TypeError(f"the child sent a {type(table).__name__}")
    except (OSError, subprocess.SubprocessError, pickle.UnpicklingError, EOFError,
            TypeError, ValueError) as exc:  # fmt: skip
        _log.warning("parsing in a child failed (%s): parsing here", exc)
        return None
    return table


def _main() -> None:
    """The child: `bytes NAME` and the file's bytes, or `path PATH`, in; the table out."""
    head, _, data = sys.stdin.buffer.read().partition(b"\n")
    kind, _, name = head.decode("utf-8", "surrogatepass").partition(" ")
    if kind == "path":
        table = load_path(name)
    else:
        table = table_from_bytes(data, name)
        table.records = ()  # the bytes stay with the server, which has them
    sys.stdout.buffer.write(pickle.dumps(table, protocol=pickle.HIGHEST_PROTOCOL))


if __name__ == "__main__":
    _main()
