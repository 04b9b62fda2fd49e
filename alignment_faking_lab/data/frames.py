"""Transcripts as one pandas table: what pages filter and statistics count.

Built column by column (never row by row) from plain field values, so the same code makes the
table from `Transcript` objects (`transcripts_frame`) and straight from a JSONL file's records
(`table.py`, which never builds the objects).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import MISSING, fields
from typing import Any

import pandas as pd

from alignment_faking_lab.data.transcript import LENIENT_AF, STRICT_AF, Provenance, Transcript

CATEGORICAL = [
    "provenance",
    "tier",
    "prompt_category",
    "model",
    "provider",
    "setting",
    "variant",
    "compliance",
    "labelled_by",
    "run_id",
    "source",
]
COLUMNS = [
    "id",
    "provenance",
    "tier",
    "prompt_id",
    "prompt_category",
    "harmful",
    "model",
    "provider",
    "setting",
    "variant",
    "compliance",
    "compliance_level",
    "alignment_faking",
    "labelled_by",
    "run_id",
    "created_at",
    "sample_index",
    "source",
    "complied",
    "prompt_text",
    "label_strict_af",
    "label_lenient_af",
]
# The paper's two alignment-faking judges, as published: True / False, missing when absent.
LABEL_COLUMNS = {"label_strict_af": STRICT_AF, "label_lenient_af": LENIENT_AF}
_DERIVED = ("source", "complied", *LABEL_COLUMNS)
# The transcript fields the table is made of (the rest of COLUMNS is derived from them).
FIELDS = [c for c in COLUMNS if c not in _DERIVED] + ["labels"]
_ENUMS = ("provenance", "tier", "compliance")
DEFAULTS: dict[str, Any] = {
    f.name: f.default if f.default is not MISSING else f.default_factory()  # type: ignore[misc]
    for f in fields(Transcript)
    if f.name in FIELDS and (f.default is not MISSING or f.default_factory is not MISSING)
}


def source_label(provenance: str, setting: str, variant: str, model: str) -> str:
    """A short name for where a transcript came from, used to group and filter."""
    if provenance == Provenance.PAPER:
        return f"paper: {setting}/{variant}"
    if provenance == Provenance.LIVE:
        return f"live: {model}"
    return str(provenance)


_COMPLIED = {"complied": True, "refused": False}


def distinct_values(column: pd.Series) -> list[str]:
    """A column's distinct values (missing ones left out) as text, sorted. Read from the values
    in use rather than by turning every row into a string, which at 50,000 rows was a fifth of a
    public server's work per Results page."""
    return sorted({str(value) for value in column.dropna().unique()})


def frame_from_columns(columns: dict[str, list[Any]]) -> pd.DataFrame:
    """The table from one list of field values per name in FIELDS."""
    data: dict[str, Any] = dict(columns)
    for name in _ENUMS:  # StrEnum members or their text: the table holds the text
        data[name] = [None if value is None else str(value) for value in columns[name]]
    data["source"] = [
        source_label(*values)
        for values in zip(
            data["provenance"], columns["setting"], columns["variant"], columns["model"],
            strict=True,
        )
    ]  # fmt: skip
    # True / False for judged outcomes; missing for failed or not judged (not in rates).
    data["complied"] = pd.array([_COMPLIED.get(c) for c in data["compliance"]], dtype="boolean")
    data["harmful"] = pd.array(columns["harmful"], dtype="boolean")
    data["compliance_level"] = pd.array(columns["compliance_level"], dtype="Int8")
    data["alignment_faking"] = pd.array(columns["alignment_faking"], dtype="boolean")
    data["sample_index"] = pd.array(columns["sample_index"], dtype="Int32")
    data["prompt_text"] = pd.array(columns["prompt_text"], dtype="string")
    for column, name in LABEL_COLUMNS.items():
        values = [
            labels.get(name) if isinstance(labels, dict) else None for labels in columns["labels"]
        ]
        data[column] = pd.array(
            [v if isinstance(v, bool) else None for v in values], dtype="boolean"
        )
    frame = pd.DataFrame(data, columns=COLUMNS)
    for column in CATEGORICAL:
        frame[column] = frame[column].astype("category")
    return frame


def transcripts_frame(transcripts: Sequence[Transcript]) -> pd.DataFrame:
    """The table (one row per transcript, `COLUMNS`) that statistics and charts count.

    Args:
        transcripts: the transcripts, in the order the rows should have.
    """
    return frame_from_columns({name: [getattr(t, name) for t in transcripts] for name in FIELDS})
