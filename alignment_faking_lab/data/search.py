"""Text search over every loaded transcript: one lower-cased UTF-8 buffer, searched with
`bytearray.find`.

Per-row string search (pandas or Arrow `str.contains`) scans every row to its end when the
phrase is rare, at a few hundred MB/s; `find` on one buffer runs at memory speed and, after a
hit, jumps to the next row. The buffer holds each row's request and messages end to end, a NUL
after each, so a phrase (which never contains NUL) cannot match across two rows.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

SEPARATOR = b"\x00"


def search_text(prompt_text: str, contents: Iterable[str]) -> str:
    """What text search looks in: the request and every message, lower-cased."""
    return (prompt_text + "\n" + "\n".join(contents)).lower()


def needle_bytes(text: str) -> bytes:
    """The search phrase as the buffer holds text: stripped, lower-cased, UTF-8, no NUL."""
    return text.strip().lower().replace("\x00", "").encode("utf-8")


@dataclass(eq=False)
class TextBuffer:
    """The search text of consecutive rows; `starts[i]` is where row i begins (one machine
    integer each, not a Python object per row: a public server keeps a visitor's index only
    while they are there, and many small objects kept its memory after they left)."""

    data: bytearray = field(default_factory=bytearray, repr=False)
    starts: array = field(default_factory=lambda: array("q", [0]))

    def add(self, text: str) -> None:
        self.data += text.encode("utf-8")
        self.data += SEPARATOR
        self.starts.append(len(self.data))

    def __len__(self) -> int:
        return len(self.starts) - 1

    def rows_containing(self, needle: bytes) -> list[int]:
        rows: list[int] = []
        find, starts, position = self.data.find, self.starts, 0
        while (hit := find(needle, position)) >= 0:
            row = bisect_right(starts, hit) - 1
            rows.append(row)
            position = starts[row + 1]  # the rest of this row cannot add anything
        return rows


@dataclass(eq=False)
class SearchIndex:
    """Row for row with a table: the buffers of its sources in order, and, once duplicates
    are dropped by a merge, which of their rows the table kept."""

    parts: tuple[TextBuffer, ...] = ()
    kept: np.ndarray | None = None  # positions in the parts' rows, in table order

    def __len__(self) -> int:
        return sum(len(p) for p in self.parts) if self.kept is None else len(self.kept)

    def matches(self, text: str) -> np.ndarray:
        """A boolean per row: does the row contain `text` (case-insensitive)?"""
        needle = needle_bytes(text)
        total = sum(len(p) for p in self.parts)
        found = np.zeros(total, dtype=bool)
        if needle:
            offset = 0
            for part in self.parts:
                found[np.asarray(part.rows_containing(needle), dtype=np.int64) + offset] = True
                offset += len(part)
        else:
            found[:] = True
        return found if self.kept is None else found[self.kept]

    @staticmethod
    def merged(indexes: Sequence[SearchIndex], keep: np.ndarray) -> SearchIndex:
        """The indexes of several tables end to end, keeping the rows where `keep` is True."""
        positions = []
        offset = 0
        for index in indexes:
            rows = np.arange(sum(len(p) for p in index.parts), dtype=np.int64)
            positions.append((rows if index.kept is None else index.kept) + offset)
            offset += len(rows)
        every = np.concatenate(positions) if positions else np.zeros(0, dtype=np.int64)
        kept = every[keep]
        total = offset
        parts = tuple(p for index in indexes for p in index.parts)
        unchanged = len(kept) == total and bool(np.all(kept == np.arange(total)))
        return SearchIndex(parts, None if unchanged else kept)
