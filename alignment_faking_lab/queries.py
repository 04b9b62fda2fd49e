"""The requests an experiment sends: the shipped set, or a CSV the user brings."""

from __future__ import annotations

import csv
import io
import json
import os
from dataclasses import dataclass
from pathlib import Path

from alignment_faking_lab import paths

_TRUE = {"true", "1", "yes", "y"}
_FALSE = {"false", "0", "no", "n", ""}


class QueryFileError(ValueError):
    """A request file we cannot use; the message names the row and column."""


@dataclass(frozen=True, slots=True)
class Query:
    id: str
    category: str
    harmful: bool
    text: str


def _parse_rows(reader: csv.DictReader, source: str, default_harmful: bool) -> list[Query]:
    if not reader.fieldnames or "text" not in reader.fieldnames:
        found = ", ".join(reader.fieldnames or []) or "nothing"
        raise QueryFileError(f"{source}: needs a 'text' column (found: {found})")
    queries = []
    for row_number, row in enumerate(reader, start=2):  # row 1 is the header
        text = (row.get("text") or "").strip()
        if not text:
            raise QueryFileError(f"{source}, row {row_number}, column 'text': is empty")
        harmful_text = (row.get("harmful") or "").strip().lower()
        if "harmful" in row and harmful_text not in _TRUE | _FALSE:
            raise QueryFileError(
                f"{source}, row {row_number}, column 'harmful': {harmful_text!r} is not true/false"
            )
        harmful = harmful_text in _TRUE if harmful_text else default_harmful
        queries.append(
            Query(
                id=(row.get("id") or "").strip() or f"{Path(source).stem}-{row_number - 1:04d}",
                category=(row.get("category") or "").strip() or "uncategorised",
                harmful=harmful,
                text=text,
            )
        )
    ids = [q.id for q in queries]
    if len(set(ids)) != len(ids):
        duplicate = next(i for i in ids if ids.count(i) > 1)
        raise QueryFileError(f"{source}, column 'id': {duplicate!r} appears more than once")
    return queries


def load_queries_csv(
    source: str | os.PathLike[str] | bytes, name: str = "upload.csv", default_harmful: bool = True
) -> list[Query]:
    """Columns: text (required), id, category, harmful (optional)."""
    if isinstance(source, bytes):
        text = source.decode("utf-8-sig", errors="replace")
    else:
        name = Path(source).name
        text = Path(source).read_text(encoding="utf-8-sig")
    return _parse_rows(csv.DictReader(io.StringIO(text)), name, default_harmful)


def load_shipped_queries() -> list[Query]:
    return load_queries_csv(paths.PROMPTS_CSV)


def load_queries_jsonl(data: bytes, name: str = "upload.jsonl") -> list[Query]:
    """One JSON object per line with the same fields as the CSV (text required)."""
    rows = []
    lines = data.decode("utf-8-sig", errors="replace").splitlines()
    for line_number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            message = f"{name}, line {line_number}: not valid JSON ({exc.msg})"
            raise QueryFileError(message) from None
        if not isinstance(record, dict):
            raise QueryFileError(f"{name}, line {line_number}: expected an object")
        rows.append(
            {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in record.items()}
        )
    fields = sorted({key for row in rows for key in row})
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields)
    writer.writeheader()
    writer.writerows(rows)
    return _parse_rows(csv.DictReader(io.StringIO(buffer.getvalue())), name, True)


def load_queries_upload(name: str, data: bytes) -> list[Query]:
    """A file a user uploaded: CSV or JSONL, by its extension."""
    if name.lower().endswith((".jsonl", ".json")):
        return load_queries_jsonl(data, name)
    return load_queries_csv(data, name)
