"""The transcript schema, checked field by field: the one gate every transcript passes through.

Files read back (`storage.py`, `table.py`), uploads, imports of the paper's data and live runs
(through `storage.dumps`) all call `validated_values`, so a value of the wrong type is stopped
here with an error that names the field, what was found and what was expected, instead of
surfacing later as a crash in a table or a page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from alignment_faking_lab.data.transcript import (
    REQUIRED_FIELDS,
    SCHEMA_VERSION,
    TRANSCRIPT_FIELDS,
    Compliance,
    Provenance,
    Tier,
)

_MAX_SHOWN = 60  # characters of a bad value quoted back in an error


class TranscriptFormatError(ValueError):
    """A record that is not a valid transcript; `field` names what is wrong."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"field '{field}': {problem}")
        self.field = field
        self.problem = problem


def describe(value: Any) -> str:
    """A bad value in words, as JSON would show it, cut short: `the text "yes"`, `an object`."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, str):
        shown = value if len(value) <= _MAX_SHOWN else value[:_MAX_SHOWN] + "…"
        return f"the text {shown!r}" if value else "empty text"
    if isinstance(value, dict):
        return "an object" if value else "an empty object"
    if isinstance(value, list):
        return f"a list of {len(value)}" if value else "an empty list"
    return type(value).__name__


def _wrong(field: str, value: Any, expected: str) -> TranscriptFormatError:
    return TranscriptFormatError(field, f"found {describe(value)}, expected {expected}")


_NONE = type(None)
# Every optional field: the exact JSON types it may hold (a `type(value) in` test, which is
# quick enough for 50,000 lines and keeps true/false out of numbers) and what it expects, in
# words. Ranges and contents are checked after (`_VALUES`).
_OPTIONAL: dict[str, tuple[tuple[type, ...], str]] = {
    "provider": ((str,), "text"),
    "created_at": ((str,), "text (an ISO 8601 time)"),
    "setting": ((str,), "text"),
    "variant": ((str,), "text"),
    "system_prompt_hash": ((str,), "text"),
    "system_prompt": ((str, _NONE), "text or null"),
    "prompt_category": ((str,), "text"),
    "harmful": ((bool,), "true or false"),
    "sample_index": ((int,), "a whole number from 0"),
    "run_id": ((str,), "text"),
    "compliance_level": ((int, _NONE), "1, 2, 3, 4 or null"),
    "alignment_faking": ((bool, _NONE), "true, false or null"),
    "labelled_by": ((str,), "text"),
    "labels": ((dict,), "an object of name: true/false"),
    "judge": ((dict, _NONE), "an object or null"),
    "request": ((dict,), "an object"),
    "usage": ((dict,), "an object"),
    "error": ((str, _NONE), "text or null"),
    "source_url": ((str, _NONE), "text or null"),
    "canary": ((str, _NONE), "text or null"),
    "redacted": ((bool,), "true or false"),
    "notes": ((str,), "text"),
}
assert set(_OPTIONAL) | set(REQUIRED_FIELDS) | {"compliance"} == TRANSCRIPT_FIELDS
_VALUES: dict[str, Callable[[Any], bool]] = {
    "sample_index": lambda value: 0 <= value < 2**31,
    "compliance_level": lambda value: value is None or 1 <= value <= 4,
    "labels": lambda value: all(type(v) is bool for v in value.values()),
}

_MEMBERS: dict[type, dict[str, Any]] = {
    kind: {member.value: member for member in kind} for kind in (Provenance, Tier, Compliance)
}
_ALLOWED = {kind: ", ".join(f'"{m.value}"' for m in kind) for kind in _MEMBERS}
_KNOWN_KEYS = TRANSCRIPT_FIELDS | {"schema_version"}
_REQUIRED = {
    "id": "a non-empty id",
    "provenance": f"one of {_ALLOWED[Provenance]}",
    "tier": f"one of {_ALLOWED[Tier]}",
    "prompt_id": "text",
    "prompt_text": "text",
    "messages": "a list of {role, content} objects",
    "model": "text",
}
assert set(_REQUIRED) == set(REQUIRED_FIELDS)
_ROLES = ("user", "assistant")


def _enum(enum_type: type, value: Any, field: str) -> Any:
    # A dict look-up rather than enum_type(value): this runs three times a line at load.
    member = _MEMBERS[enum_type].get(value) if isinstance(value, str) else None
    if member is None:
        raise _wrong(field, value, f"one of {_ALLOWED[enum_type]}")
    return member


def _check_messages(value: Any) -> None:
    if not isinstance(value, list):
        raise _wrong("messages", value, "a list of {role, content} objects")
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            raise _wrong(f"messages[{index}]", item, "an object with 'role' and 'content'")
        role, content = item.get("role"), item.get("content")
        if role not in _ROLES:
            raise _wrong(f"messages[{index}].role", role, '"user" or "assistant"')
        if not isinstance(content, str):
            raise _wrong(f"messages[{index}].content", content, "text")


def validated_values(record: Any) -> dict[str, Any]:
    """Check one decoded record and return its transcript fields (enums converted, messages left
    as plain {role, content} dicts); raise TranscriptFormatError naming the first bad field.

    The one validation every path shares: `storage.transcript_from_values` builds a
    `Transcript` from it, `table.py` builds columns from it without keeping the message bodies.
    Unknown fields are ignored (a newer minor version may add some).
    """
    if not isinstance(record, dict):
        raise TranscriptFormatError("(line)", f"found {describe(record)}, expected a JSON object")
    version = record.get("schema_version", SCHEMA_VERSION)
    if type(version) is not int or not 1 <= version <= SCHEMA_VERSION:
        raise TranscriptFormatError(
            "schema_version",
            f"found {describe(version)}, expected a version this app understands "
            f"(1 to {SCHEMA_VERSION})",
        )
    for name in REQUIRED_FIELDS:
        if record.get(name) is None:
            found = "null" if name in record else "nothing (the field is missing)"
            raise TranscriptFormatError(name, f"found {found}, expected {_REQUIRED[name]}")
    for name in ("id", "prompt_id", "prompt_text", "model"):
        if not isinstance(record[name], str):
            raise _wrong(name, record[name], "text")
    if not record["id"]:
        raise _wrong("id", "", "a non-empty id")
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
    for name, value in values.items():
        spec = _OPTIONAL.get(name)
        if spec is not None and type(value) not in spec[0]:
            raise _wrong(name, value, spec[1])
    for name, check in _VALUES.items():
        if name in values and not check(values[name]):
            raise _wrong(name, values[name], _OPTIONAL[name][1])
    return values
