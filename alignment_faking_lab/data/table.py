"""Loaded transcripts as columns: how the app holds tens of thousands of them.

One pass over a JSONL file, without making `Transcript` objects, builds what the pages need:
the table they filter and statistics count (`frames.py`), the text search index (`search.py`),
and where each transcript's line is. Message bodies are not kept in memory: opening a
transcript reads its one line again. So the published data's 50,000 transcripts load in about
half the time and two thirds of the memory of building them all as objects (see the README's
Performance section).
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Protocol

import numpy as np
import pandas as pd

from alignment_faking_lab.data.files import not_a_file
from alignment_faking_lab.data.frames import CATEGORICAL, DEFAULTS, FIELDS, frame_from_columns
from alignment_faking_lab.data.search import SearchIndex, TextBuffer, search_text
from alignment_faking_lab.data.storage import (
    LineError,
    file_error,
    iter_lines,
    parse_line,
    peek,
    repeated_id,
    transcript_from_values,
    whole_file_errors,
)
from alignment_faking_lab.data.transcript import Transcript

READ_BUFFER = 1 << 20  # lines are several kB: a small buffer would refill for nearly every line
TAIL = 256  # bytes of the last line kept to recognise the same file when it has grown
MAX_PARTS = 32  # a file extended this many times is loaded afresh (compacting its index)


class RecordSource(Protocol):
    """Where transcript lines can be read back from, by byte offset."""

    name: str

    def read(self, locations: Sequence[tuple[int, int]]) -> Iterator[bytes]: ...


@dataclass(frozen=True, slots=True)
class FileRecords:
    path: Path

    @property
    def name(self) -> str:
        return self.path.name

    def read(self, locations: Sequence[tuple[int, int]]) -> Iterator[bytes]:
        with self.path.open("rb") as handle:
            for offset, length in locations:
                handle.seek(offset)
                yield handle.read(length)


@dataclass(frozen=True, slots=True)
class BytesRecords:
    """An upload: the bytes stay in the visitor's session, as the file would on disk."""

    name: str
    data: bytes = field(repr=False)

    def read(self, locations: Sequence[tuple[int, int]]) -> Iterator[bytes]:
        for offset, length in locations:
            yield self.data[offset : offset + length]


class StaleTranscriptError(RuntimeError):
    """The file changed since it was loaded: its lines are no longer where they were."""


@dataclass(eq=False)
class TranscriptTable:
    frame: pd.DataFrame  # frames.COLUMNS, one row per transcript
    search: SearchIndex  # request and conversation text, row for row with `frame`
    errors: list[LineError]
    source: str
    records: tuple[RecordSource, ...]
    # Row for row with `frame`: index into `records`, byte offset and length of the line.
    locations: np.ndarray
    # How far the source was read, so lines appended to a growing file can be added alone:
    # the end of the last line, its number, whether it was complete, and its last bytes.
    end: int = 0
    lines: int = 0
    complete: bool = True
    tail: bytes = field(default=b"", repr=False)
    # Rows left out because their id was already loaded from another table of a merge (a
    # repeat inside one file is a line error instead).
    dropped: int = 0
    _rows: dict[str, int] | None = field(default=None, repr=False)

    def __len__(self) -> int:
        return len(self.frame)

    def row_of(self, transcript_id: str) -> int | None:
        if self._rows is None:
            ids = self.frame["id"].tolist()
            self._rows = {i: row for row, i in reversed(list(enumerate(ids)))}
        return self._rows.get(transcript_id)

    def transcript(self, transcript_id: str) -> Transcript | None:
        """One full transcript, read back from its line; None if it is not loaded."""
        row = self.row_of(transcript_id)
        if row is None:
            return None
        return self._read([row])[0]

    def transcripts_where(self, mask: np.ndarray | pd.Series) -> list[Transcript]:
        """The full transcripts of the rows a filter of `frame` keeps, read back in one pass:
        a page that needs only some (the walkthrough's story candidates) reads only those."""
        rows = np.flatnonzero(np.asarray(mask, dtype=bool))
        return self._read(rows) if len(rows) else []

    def _read(self, rows: Sequence[int]) -> list[Transcript]:
        """The full transcripts of `rows`, in that order (each source file opened once)."""
        rows = np.asarray(rows, dtype=np.int64)
        ids = self.frame["id"].to_numpy()
        found: list[Transcript | None] = [None] * len(rows)
        for index, record in enumerate(self.records):
            positions = np.flatnonzero(self.locations[rows, 0] == index)
            places = self.locations[rows[positions]][:, 1:].tolist()
            for position, raw in zip(positions, record.read(places), strict=True):
                values = parse_line(raw, 0, record.name)
                expected = ids[rows[position]]
                if not isinstance(values, dict) or values["id"] != expected:
                    raise StaleTranscriptError(
                        f"{record.name} changed since it was loaded: load it again"
                    )
                found[position] = transcript_from_values(values)
        return found  # type: ignore[return-value]


@contextmanager
def _without_cyclic_gc() -> Iterator[None]:
    """Parsing makes millions of short-lived dicts and lists that reference counting frees;
    the cyclic collector's passes over them found nothing and cost a third of the load time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _build(
    lines: Iterator[tuple[int, int, bytes]],
    record: RecordSource,
    source: str,
    head: bytes | None = None,
) -> TranscriptTable:
    """The table of `lines`; `head`, the file's first bytes, names a wrong encoding when no line
    could be read (None when the lines continue a file already loaded)."""
    with _without_cyclic_gc():
        table = _columns(lines, record, source)
    table.errors = whole_file_errors(table.errors, len(table), head, source)
    return table


def _columns(
    lines: Iterator[tuple[int, int, bytes]], record: RecordSource, source: str
) -> TranscriptTable:
    pick = itemgetter(*FIELDS)
    rows: list[tuple] = []
    texts = TextBuffer()
    places: list[tuple[int, int]] = []
    errors: list[LineError] = []
    seen: dict[str, int] = {}
    number, offset, raw = 0, 0, b""
    for number, offset, raw in lines:
        values = parse_line(raw, number, source)
        if values is None:
            continue
        if isinstance(values, LineError):
            errors.append(values)
            continue
        if (repeated := repeated_id(values["id"], number, seen, source)) is not None:
            errors.append(repeated)
            continue
        rows.append(pick({**DEFAULTS, **values}))
        texts.add(search_text(values["prompt_text"], (m["content"] for m in values["messages"])))
        places.append((offset, len(raw)))
    locations = np.zeros((len(places), 3), dtype=np.int64)
    if places:
        locations[:, 1:] = places
    columns = dict(zip(FIELDS, map(list, zip(*rows, strict=True)), strict=True)) if rows else {}
    return TranscriptTable(
        frame=frame_from_columns(columns or {name: [] for name in FIELDS}),
        search=SearchIndex((texts,)),
        errors=errors,
        source=source,
        records=(record,),
        locations=locations,
        end=offset + len(raw),
        lines=number,
        complete=not raw or raw.endswith(b"\n"),
        tail=raw[-TAIL:],
    )


def load_table(path: str | os.PathLike[str]) -> TranscriptTable:
    """A JSONL file as a table; malformed lines become errors naming line and field."""
    path = Path(path)
    with path.open("rb", buffering=READ_BUFFER) as handle:
        return _build(iter_lines(handle), FileRecords(path), path.name, peek(handle))


def load_path(path: str | os.PathLike[str]) -> TranscriptTable:
    """A file as the app loads it, never raising for what is (or is not) at the path: a missing
    or unreadable file is one error for the whole file."""
    path = Path(path)
    try:
        if (problem := not_a_file(path)) is None:
            return load_table(path)
    except FileNotFoundError:
        problem = "no such file"
    except IsADirectoryError:
        problem = "is a folder, expected a JSONL file"
    except OSError as exc:
        problem = f"could not be read ({exc.strerror or exc})"
    return empty_table(path.name, [file_error(path.name, problem)])


def summary_line(valid: int, rejected: int) -> str:
    """The last line of every load report (the Load panel's and `validate`'s)."""
    return f"{valid} valid, {rejected} rejected"


def table_from_bytes(data: bytes, source: str) -> TranscriptTable:
    """An uploaded JSONL file as a table."""
    return _build(iter_lines(data), BytesRecords(source, data), source, peek(data))


def extend_table(table: TranscriptTable, path: str | os.PathLike[str]) -> TranscriptTable | None:
    """`table` with the lines appended to its file since it was loaded, read alone.

    A live run grows its file one line at a time; reading only the new lines keeps the pages
    quick while it runs. None when the file did not simply grow (rewritten, cut, or its last
    line was incomplete when read): then it must be loaded again.
    """
    path = Path(path)
    if not table.complete or len(table.search.parts) >= MAX_PARTS:
        return None
    if not table.records or any(r != FileRecords(path) for r in table.records):
        return None  # not (only) this file: an upload, a merge, a file that was missing
    if path.stat().st_size < table.end:
        return None
    with path.open("rb", buffering=READ_BUFFER) as handle:
        handle.seek(table.end - len(table.tail))
        if handle.read(len(table.tail)) != table.tail:
            return None
        added = _build(
            iter_lines(handle, table.end, table.lines + 1), FileRecords(path), table.source
        )
    if not len(added) and not added.errors:
        return table if added.complete else None
    merged = merge_tables([table, added], table.source)
    merged.end, merged.lines, merged.complete, merged.tail = (
        added.end, added.lines, added.complete, added.tail
    )  # fmt: skip
    return merged


def empty_table(source: str = "", errors: Sequence[LineError] = ()) -> TranscriptTable:
    with _without_cyclic_gc():
        table = _columns(iter(()), BytesRecords(source, b""), source)
    table.errors = list(errors)
    return table


def merge_tables(tables: Sequence[TranscriptTable], source: str = "") -> TranscriptTable:
    """Several tables as one; a transcript id seen before (in any table) keeps its first row."""
    if len(tables) == 1:
        return tables[0]
    if not tables:
        return empty_table(source)
    records: list[RecordSource] = []
    locations = []
    for table in tables:
        shifted = table.locations.copy()
        shifted[:, 0] += len(records)
        records += table.records
        locations.append(shifted)
    frame = pd.concat([t.frame for t in tables], ignore_index=True)
    for column in CATEGORICAL:  # differing categories concatenate as plain objects
        frame[column] = frame[column].astype("category")
    keep = ~frame["id"].duplicated().to_numpy()
    merged = np.concatenate(locations)
    if not keep.all():
        frame = frame[keep].reset_index(drop=True)
        merged = merged[keep]
    return TranscriptTable(
        frame=frame,
        search=SearchIndex.merged([t.search for t in tables], keep),
        errors=[e for t in tables for e in t.errors],
        source=source,
        records=tuple(records),
        locations=merged,
        dropped=sum(t.dropped for t in tables) + int((~keep).sum()),
    )
