"""JSONL storage of transcripts: one transcript a line, each with the schema version.

Reading never gives up on a whole file because of one bad line: every malformed line becomes a
`LineError` naming the line and the field, and the valid lines are returned alongside.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import orjson

from alignment_faking_lab.transcript import (
    REQUIRED_FIELDS,
    SCHEMA_VERSION,
    TRANSCRIPT_FIELDS,
    Compliance,
    Message,
    Provenance,
    Tier,
    Transcript,
)


class TranscriptFormatError(ValueError):
    """A record that is not a valid transcript; `field` names what is wrong."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"field '{field}': {problem}")
        self.field = field
        self.problem = problem


@dataclass(frozen=True, slots=True)
class LineError:
    source: str
    line: int
    field: str
    problem: str

    def __str__(self) -> str:
        return f"{self.source}, line {self.line}: field '{self.field}': {self.problem}"


@dataclass(slots=True)
class LoadResult:
    transcripts: list[Transcript]
    errors: list[LineError]
    source: str

    @property
    def ok(self) -> bool:
        return not self.errors


_MEMBERS: dict[type, dict[str, Any]] = {
    kind: {member.value: member for member in kind} for kind in (Provenance, Tier, Compliance)
}
_KNOWN_KEYS = TRANSCRIPT_FIELDS | {"schema_version"}


def _enum(enum_type: type, value: Any, field: str) -> Any:
    # A dict look-up rather than enum_type(value): this runs three times a line at load.
    member = _MEMBERS[enum_type].get(value) if isinstance(value, str) else None
    if member is None:
        allowed = ", ".join(member.value for member in enum_type)
        raise TranscriptFormatError(field, f"{value!r} is not one of: {allowed}")
    return member


def _check_messages(value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        raise TranscriptFormatError("messages", "must be a list of {role, content} objects")
    for index, item in enumerate(value):
        if not isinstance(item, dict) or "role" not in item or "content" not in item:
            raise TranscriptFormatError(f"messages[{index}]", "must have 'role' and 'content'")
        if not isinstance(item["content"], str):
            raise TranscriptFormatError(f"messages[{index}].content", "must be text")
    return value


def validated_values(record: Any) -> dict[str, Any]:
    """Check one decoded record and return its transcript fields (enums converted, messages left
    as plain {role, content} dicts); raise TranscriptFormatError naming the first bad field.

    The one validation both loaders share: `transcript_from_dict` builds a `Transcript` from it,
    `table.py` builds columns from it without keeping the message bodies.
    """
    if not isinstance(record, dict):
        raise TranscriptFormatError("(line)", "is not a JSON object")
    version = record.get("schema_version", SCHEMA_VERSION)
    if not isinstance(version, int) or version > SCHEMA_VERSION:
        raise TranscriptFormatError(
            "schema_version", f"{version!r} is newer than this app understands ({SCHEMA_VERSION})"
        )
    for name in REQUIRED_FIELDS:
        if name not in record or record[name] is None:
            raise TranscriptFormatError(name, "is missing")
    for name in ("id", "prompt_id", "prompt_text", "model"):
        if not isinstance(record[name], str):
            raise TranscriptFormatError(name, "must be text")
    if record.keys() <= _KNOWN_KEYS:  # the usual case, and quicker than a comprehension
        values = dict(record)
        values.pop("schema_version", None)
    else:
        values = {key: value for key, value in record.items() if key in TRANSCRIPT_FIELDS}
    values["provenance"] = _enum(Provenance, record["provenance"], "provenance")
    values["tier"] = _enum(Tier, record["tier"], "tier")
    _check_messages(record["messages"])
    if values.get("compliance") is not None:
        values["compliance"] = _enum(Compliance, values["compliance"], "compliance")
    level = values.get("compliance_level")
    if level is not None and level not in (1, 2, 3, 4):
        raise TranscriptFormatError("compliance_level", f"{level!r} is not 1, 2, 3 or 4")
    af = values.get("alignment_faking")
    if af is not None and not isinstance(af, bool):
        raise TranscriptFormatError("alignment_faking", "must be true, false or null")
    labels = values.get("labels", {})
    if not isinstance(labels, dict):
        raise TranscriptFormatError("labels", "must be an object of name: true/false")
    return values


def transcript_from_values(values: dict[str, Any]) -> Transcript:
    messages = [Message(role=str(m["role"]), content=m["content"]) for m in values["messages"]]
    return Transcript(**{**values, "messages": messages})


def transcript_from_dict(record: Any) -> Transcript:
    """Validate one decoded record; raise TranscriptFormatError naming the first bad field."""
    return transcript_from_values(validated_values(record))


def decode_line(raw: bytes) -> Any:
    """One JSON line; a bad byte is replaced (costing that character, not the line or file)."""
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        text = raw.decode("utf-8", errors="replace")
        if text == raw.decode("utf-8", errors="ignore"):
            raise  # valid UTF-8, so the JSON itself is bad
        return orjson.loads(text)


def iter_lines(
    data: bytes | IO[bytes], offset: int = 0, first: int = 1
) -> Iterator[tuple[int, int, bytes]]:
    """(line number, byte offset, line) of every line; the offset lets a reader seek back to it.

    Lines end at b"\n" only, as JSONL says (a text-mode split would also break lines at
    characters such as U+2028 that JSON allows inside strings). A handle is read from where it
    is, which is byte `offset` and line number `first` of its file.
    """
    lines = io.BytesIO(data) if isinstance(data, bytes) else data
    for number, line in enumerate(lines, start=first):
        yield number, offset, line
        offset += len(line)


def parse_line(raw: bytes, number: int, source: str) -> dict[str, Any] | LineError | None:
    """Validated fields of one line, the error naming its line and field, or None if blank."""
    if not raw.strip():
        return None
    try:
        record = decode_line(raw)
    except orjson.JSONDecodeError as exc:
        return LineError(source, number, "(line)", f"not valid JSON: {exc.msg}")
    try:
        return validated_values(record)
    except TranscriptFormatError as exc:
        return LineError(source, number, exc.field, exc.problem)


def parse_jsonl(data: bytes | IO[bytes], source: str) -> LoadResult:
    """Every transcript of a JSONL file or upload as a full `Transcript`, with per-line errors."""
    transcripts: list[Transcript] = []
    errors: list[LineError] = []
    for number, _, raw in iter_lines(data):
        parsed = parse_line(raw, number, source)
        if isinstance(parsed, LineError):
            errors.append(parsed)
        elif parsed is not None:
            try:
                transcripts.append(transcript_from_values(parsed))
            except TypeError as exc:  # a field of the wrong shape that slipped past the checks
                errors.append(LineError(source, number, "(record)", str(exc)))
    return LoadResult(transcripts, errors, source)


def read_jsonl(path: str | os.PathLike[str]) -> LoadResult:
    path = Path(path)
    with path.open("rb") as handle:
        return parse_jsonl(handle, path.name)


def parse_jsonl_bytes(data: bytes, source: str) -> LoadResult:
    """For uploaded files: one bad byte costs one character, one bad line costs that line."""
    return parse_jsonl(data, source)


def dumps(transcript: Transcript) -> str:
    return json.dumps(transcript.to_dict(), ensure_ascii=False, separators=(",", ":"))


def write_jsonl(path: str | os.PathLike[str], transcripts: Iterable[Transcript]) -> None:
    """Write atomically, so a crash mid-write never leaves a half-written file behind."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(path.suffix + ".tmp")
    with temporary.open("w", encoding="utf-8") as handle:
        for transcript in transcripts:
            handle.write(dumps(transcript) + "\n")
    os.replace(temporary, path)


def append_line(handle: IO[str], line: str) -> None:
    """Append one finished transcript (a `dumps` line) and hand it to the OS at once: a killed
    process loses nothing that was appended. (`fsync`, against a power cut, is left to the
    caller: per line it would serialise a fast run on the disk.)"""
    handle.write(line + "\n")
    handle.flush()


def iter_ids(path: str | os.PathLike[str]) -> Iterator[str]:
    """Ids already in a file (a run resumes by skipping them); a torn last line is ignored."""
    path = Path(path)
    if not path.exists():
        return
    with path.open(encoding="utf-8", errors="replace") as handle:
        for line in handle:
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(record, dict) and isinstance(record.get("id"), str):
                yield record["id"]


def repair_torn_tail(path: str | os.PathLike[str]) -> bool:
    """Cut a last line that a killed process left half-written, so appends start clean.

    Only an unterminated last line is cut: every complete line was synced when written.
    """
    path = Path(path)
    if not path.exists() or path.stat().st_size == 0:
        return False
    with path.open("rb+") as handle:
        handle.seek(-1, os.SEEK_END)
        if handle.read(1) == b"\n":
            return False
        size = handle.seek(0, os.SEEK_END)
        position = size
        step = 65536
        while position > 0:
            start = max(0, position - step)
            handle.seek(start)
            chunk = handle.read(position - start)
            newline = chunk.rfind(b"\n")
            if newline != -1:
                handle.truncate(start + newline + 1)
                return True
            position = start
        handle.truncate(0)
        return True
