"""JSONL storage of transcripts: one transcript a line, each with the schema version.

Reading never gives up on a whole file because of one bad line: every malformed line becomes a
`LineError` naming the line and the field, and the valid lines are returned alongside.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

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


def _enum(enum_type: type, value: Any, field: str) -> Any:
    try:
        return enum_type(value)
    except ValueError:
        allowed = ", ".join(member.value for member in enum_type)
        raise TranscriptFormatError(field, f"{value!r} is not one of: {allowed}") from None


def _messages(value: Any) -> list[Message]:
    if not isinstance(value, list):
        raise TranscriptFormatError("messages", "must be a list of {role, content} objects")
    messages = []
    for index, item in enumerate(value):
        if not isinstance(item, dict) or "role" not in item or "content" not in item:
            raise TranscriptFormatError(f"messages[{index}]", "must have 'role' and 'content'")
        if not isinstance(item["content"], str):
            raise TranscriptFormatError(f"messages[{index}].content", "must be text")
        messages.append(Message(role=str(item["role"]), content=item["content"]))
    return messages


def transcript_from_dict(record: Any) -> Transcript:
    """Validate one decoded record; raise TranscriptFormatError naming the first bad field."""
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
    values = {key: value for key, value in record.items() if key in TRANSCRIPT_FIELDS}
    values["provenance"] = _enum(Provenance, record["provenance"], "provenance")
    values["tier"] = _enum(Tier, record["tier"], "tier")
    values["messages"] = _messages(record["messages"])
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
    return Transcript(**values)


def parse_jsonl_lines(lines: Iterable[str], source: str) -> LoadResult:
    transcripts: list[Transcript] = []
    errors: list[LineError] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(LineError(source, number, "(line)", f"not valid JSON: {exc.msg}"))
            continue
        try:
            transcripts.append(transcript_from_dict(record))
        except TranscriptFormatError as exc:
            errors.append(LineError(source, number, exc.field, exc.problem))
        except TypeError as exc:  # a field of the wrong shape that slipped past the checks
            errors.append(LineError(source, number, "(record)", str(exc)))
    return LoadResult(transcripts, errors, source)


def read_jsonl(path: str | os.PathLike[str]) -> LoadResult:
    path = Path(path)
    with path.open(encoding="utf-8", errors="replace") as handle:
        return parse_jsonl_lines(handle, path.name)


def parse_jsonl_bytes(data: bytes, source: str) -> LoadResult:
    """For uploaded files: decode leniently so one bad byte costs one line, not the file."""
    return parse_jsonl_lines(data.decode("utf-8", errors="replace").splitlines(), source)


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


def append_jsonl(handle: IO[str], transcript: Transcript) -> None:
    """Append one finished transcript and sync it at once, so a killed run loses nothing."""
    handle.write(dumps(transcript) + "\n")
    handle.flush()
    os.fsync(handle.fileno())


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
