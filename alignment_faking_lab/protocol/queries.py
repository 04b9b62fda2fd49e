"""The requests an experiment sends: the shipped set, or a CSV the user brings."""

from __future__ import annotations

import csv
import io
import json
import os
from dataclasses import dataclass
from pathlib import Path

from alignment_faking_lab.data import paths
from alignment_faking_lab.data.schema import describe  # the schema's words for a bad value

_TRUE = {"true", "1", "yes", "y"}
_FALSE = {"false", "0", "no", "n", ""}
MAX_PROBLEMS = 20  # named one a line in the error; the count says how many more
COLUMNS = ("id", "category", "harmful", "text")


class QueryFileError(ValueError):
    """A request file we cannot use; the message names each problem's row and column."""


@dataclass(frozen=True, slots=True)
class Query:
    id: str
    category: str
    harmful: bool
    text: str


def _query(
    row: dict[str, object], where: str, number: int, stem: str, default_harmful: bool
) -> Query | str:
    """One request from a row's fields, or the problem with it (naming `where`, its row).

    Values are taken as they are, never converted: JSON null, a number or an object where
    text belongs is a problem, not the text "None" or "{'nested': 1}"."""
    text = row.get("text")
    if not isinstance(text, str):
        return f"{where}, column 'text': found {describe(text)}, expected text"
    if not text.strip():
        return f"{where}, column 'text': is empty"
    identifier = row.get("id")
    if isinstance(identifier, int) and not isinstance(identifier, bool):
        identifier = str(identifier)
    if identifier is not None and not isinstance(identifier, str):
        return f"{where}, column 'id': found {describe(identifier)}, expected text"
    category = row.get("category")
    if category is not None and not isinstance(category, str):
        return f"{where}, column 'category': found {describe(category)}, expected text"
    harmful = row.get("harmful")
    if isinstance(harmful, str) and harmful.strip().lower() in _TRUE | _FALSE:
        harmful = harmful.strip().lower() in _TRUE if harmful.strip() else None
    elif harmful is not None and not isinstance(harmful, bool):
        return f"{where}, column 'harmful': found {describe(harmful)}, expected true or false"
    return Query(
        id=(identifier or "").strip() or f"{stem}-{number:04d}",
        category=(category or "").strip() or "uncategorised",
        harmful=default_harmful if harmful is None else harmful,
        text=text.strip(),
    )


def _finish(queries: list[Query], problems: list[str], source: str) -> list[Query]:
    """The requests, or one error listing every problem (each naming its row)."""
    seen: dict[str, int] = {}
    for index, query in enumerate(queries):
        if seen.setdefault(query.id, index) != index:
            problems.append(f"{source}, column 'id': {query.id!r} appears more than once")
            break
    if problems:
        shown = problems[:MAX_PROBLEMS]
        if len(problems) > MAX_PROBLEMS:
            shown.append(f"… and {len(problems) - MAX_PROBLEMS} more")
        raise QueryFileError("\n".join(shown))
    if not queries:
        raise QueryFileError(f"{source}: holds no requests")
    return queries


def _decoded(data: bytes, source: str, unit: str) -> str:
    """The file as UTF-8 text; other bytes are an error naming where they are, not replaced."""
    head = data[:4096]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or (
        head and max(head[0::2].count(0), head[1::2].count(0)) > len(head) // 4
    ):
        raise QueryFileError(
            f"{source}: the file is UTF-16 text (what Excel saves as 'Unicode text'), expected "
            "UTF-8: save it as 'CSV UTF-8 (comma delimited)'"
        )
    if (nul := data.find(b"\x00")) != -1:
        where = data[:nul].count(b"\n") + 1
        raise QueryFileError(
            f"{source}, {unit} {where}: found a NUL byte, which text never holds: the file is "
            "damaged or not text"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        where = data[: exc.start].count(b"\n") + 1
        raise QueryFileError(
            f"{source}, {unit} {where}: found a byte that is not UTF-8 (0x{data[exc.start]:02X}),"
            " expected UTF-8 text: save the file as UTF-8 (it may be Latin-1 or Windows-1252)"
        ) from None


FORMULA_STARTS = ("=", "+", "@", "-")  # what a spreadsheet runs as a formula


def _formula_cell(row: dict[str, str], where: str) -> str | None:
    """A cell a spreadsheet would run as a formula when the file or an export of it is opened
    (`=HYPERLINK(…)`, `+cmd|…`, `@SUM(…)`, `-2+3`), refused naming its row and column; a text
    that starts with "- " (a list item) is fine."""
    for column in COLUMNS:
        value = (row.get(column) or "").strip()
        if value.startswith(FORMULA_STARTS) and not value.startswith(("- ", "--")):
            return (
                f"{where}, column {column!r}: starts with {value[0]!r}, which a spreadsheet "
                "runs as a formula: reword it, or upload the requests as JSONL"
            )
    return None


def load_queries_csv(
    source: str | os.PathLike[str] | bytes, name: str = "upload.csv", default_harmful: bool = True
) -> list[Query]:
    """Columns: text (required), id, category, harmful (optional). Read by the csv module in
    strict mode: a row with more values than columns (an unquoted comma) or fewer, and a quote
    that is never closed, are errors naming the row, never a request silently cut or merged."""
    if not isinstance(source, bytes):
        name = Path(source).name
        source = Path(source).read_bytes()
    text = _decoded(source, name, "line")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    problems: list[str] = []
    queries: list[Query] = []
    rows_read, line_before = 0, 0
    try:
        header = next(reader, None)
        columns = [column.strip() for column in header or []]
        if "text" not in columns:
            found = ", ".join(header or []) or "nothing"
            raise QueryFileError(f"{name}: needs a 'text' column (found: {found})")
        if repeated := sorted({c for c in columns if columns.count(c) > 1 and c in COLUMNS}):
            raise QueryFileError(
                f"{name}: the column {repeated[0]!r} appears more than once in the header; "
                "keep one, so no value is silently dropped"
            )
        rows_read, line_before = 1, reader.line_num
        for values in reader:
            rows_read += 1
            where = f"{name}, row {rows_read}"  # row 1 is the header
            line_before = reader.line_num
            if not values:
                continue
            if len(values) != len(columns):
                problems.append(
                    f"{where}: {len(values)} values for {len(columns)} columns; "
                    + ("put a text with commas in double quotes" if len(values) > len(columns)
                       else "a value is missing")
                )  # fmt: skip
                continue
            row = dict(zip(columns, values, strict=True))
            if formula := _formula_cell(row, where):
                problems.append(formula)
                continue
            made = _query(row, where, rows_read - 1, Path(name).stem, default_harmful)
            (queries if isinstance(made, Query) else problems).append(made)  # type: ignore[arg-type]
    except csv.Error as exc:
        reason = str(exc)
        if "field larger than field limit" in reason:
            reason = f"a value over {csv.field_size_limit() // 1024} kB, far longer than a request"
        elif "unexpected end of data" in reason:
            reason = "a double quote opened here is never closed"
        problems.append(
            f"{name}, row {rows_read + 1} (from line {line_before + 1}): {reason}; nothing after "
            "it was read"
        )
    return _finish(queries, problems, name)


def load_shipped_queries() -> list[Query]:
    """The requests shipped in sample_data/prompts.csv (harmful and benign), written for this
    project."""
    return load_queries_csv(paths.PROMPTS_CSV)


def load_queries_jsonl(data: bytes, name: str = "upload.jsonl") -> list[Query]:
    """One JSON object per line with the same fields as the CSV (text required); each problem
    names its line."""
    text = _decoded(data, name, "line")
    problems: list[str] = []
    queries: list[Query] = []
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        where = f"{name}, line {number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"{where}: not valid JSON ({exc.msg})")
            continue
        except RecursionError:
            problems.append(f"{where}: JSON nested too deeply")
            continue
        if not isinstance(record, dict):
            problems.append(f"{where}: found {describe(record)}, expected a JSON object")
            continue
        made = _query(record, where, number, Path(name).stem, True)
        (queries if isinstance(made, Query) else problems).append(made)  # type: ignore[arg-type]
    return _finish(queries, problems, name)


def load_queries_upload(name: str, data: bytes) -> list[Query]:
    """A file a user uploaded: CSV or JSONL, by its extension."""
    if name.lower().endswith((".jsonl", ".json")):
        return load_queries_jsonl(data, name)
    return load_queries_csv(data, name)


def load_queries_file(path: str | os.PathLike[str]) -> list[Query]:
    """A request file on disk (the command line's --prompts FILE): CSV or JSONL."""
    path = Path(path)
    return load_queries_upload(path.name, path.read_bytes())
