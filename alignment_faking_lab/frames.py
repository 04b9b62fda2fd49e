"""Transcripts as one pandas table: what pages filter and statistics count.

Built column by column (never row by row) so that tens of thousands of transcripts convert in a
fraction of a second.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from alignment_faking_lab.transcript import Compliance, Provenance, Transcript

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
]


def source_label(t: Transcript) -> str:
    """A short name for where a transcript came from, used to group and filter."""
    if t.provenance is Provenance.PAPER:
        return f"paper: {t.setting}/{t.variant}"
    if t.provenance is Provenance.LIVE:
        return f"live: {t.model}"
    return t.provenance.value


_COMPLIED = {Compliance.COMPLIED: True, Compliance.REFUSED: False}


def transcripts_frame(transcripts: Sequence[Transcript]) -> pd.DataFrame:
    data = {
        "id": [t.id for t in transcripts],
        "provenance": [t.provenance.value for t in transcripts],
        "tier": [t.tier.value for t in transcripts],
        "prompt_id": [t.prompt_id for t in transcripts],
        "prompt_category": [t.prompt_category for t in transcripts],
        "harmful": pd.array([t.harmful for t in transcripts], dtype="boolean"),
        "model": [t.model for t in transcripts],
        "provider": [t.provider for t in transcripts],
        "setting": [t.setting for t in transcripts],
        "variant": [t.variant for t in transcripts],
        "compliance": [t.compliance.value if t.compliance else None for t in transcripts],
        "compliance_level": pd.array([t.compliance_level for t in transcripts], dtype="Int8"),
        "alignment_faking": pd.array([t.alignment_faking for t in transcripts], dtype="boolean"),
        "labelled_by": [t.labelled_by for t in transcripts],
        "run_id": [t.run_id for t in transcripts],
        "created_at": [t.created_at for t in transcripts],
        "sample_index": pd.array([t.sample_index for t in transcripts], dtype="Int32"),
        "source": [source_label(t) for t in transcripts],
        # True / False for judged outcomes; missing for failed or not judged (not in rates).
        "complied": pd.array([_COMPLIED.get(t.compliance) for t in transcripts], dtype="boolean"),
    }
    frame = pd.DataFrame(data, columns=COLUMNS)
    for column in CATEGORICAL:
        frame[column] = frame[column].astype("category")
    return frame
