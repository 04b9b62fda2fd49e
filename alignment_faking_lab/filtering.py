"""Filtering the transcript table: the Transcripts page's filters and text search, as pure code."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

NOT_JUDGED = "not judged"
AF_YES = "alignment faking"
AF_NO = "no alignment faking"


@dataclass(frozen=True, slots=True)
class TranscriptFilter:
    """Each field is the allowed values; empty means no restriction."""

    sources: tuple[str, ...] = ()
    models: tuple[str, ...] = ()
    tiers: tuple[str, ...] = ()
    outcomes: tuple[str, ...] = ()  # complied / refused / failed / not judged
    categories: tuple[str, ...] = ()
    alignment_faking: tuple[str, ...] = ()  # AF_YES / AF_NO / NOT_JUDGED
    text: str = ""


def outcome_labels(frame: pd.DataFrame) -> pd.Series:
    return frame["compliance"].astype("object").fillna(NOT_JUDGED).astype(str)


def alignment_faking_labels(frame: pd.DataFrame) -> pd.Series:
    values = frame["alignment_faking"].astype("object")
    labels = np.where(values.isna(), NOT_JUDGED, np.where(values == True, AF_YES, AF_NO))  # noqa: E712
    return pd.Series(labels, index=frame.index)


def search_text(prompt_text: str, contents: Iterable[str]) -> str:
    """What text search looks in: the request and every message, lower-cased once at load."""
    return (prompt_text + "\n" + "\n".join(contents)).lower()


def filter_frame(
    frame: pd.DataFrame, criteria: TranscriptFilter, texts: pd.Series | None = None
) -> pd.DataFrame:
    """Rows matching every criterion; text search needs `texts`, row for row with `frame`
    (`TranscriptTable.texts`: Arrow strings, so one search over 50,000 runs in C++)."""
    keep = np.ones(len(frame), dtype=bool)
    for column, allowed in (
        ("source", criteria.sources),
        ("model", criteria.models),
        ("tier", criteria.tiers),
        ("prompt_category", criteria.categories),
    ):
        if allowed:
            keep &= frame[column].astype(str).isin(allowed).to_numpy()
    if criteria.outcomes:
        keep &= outcome_labels(frame).isin(criteria.outcomes).to_numpy()
    if criteria.alignment_faking:
        keep &= alignment_faking_labels(frame).isin(criteria.alignment_faking).to_numpy()
    needle = criteria.text.strip().lower()
    if needle and texts is not None:
        if len(texts) != len(frame):
            raise ValueError("texts must be row for row with the frame")
        keep &= texts.str.contains(needle, regex=False).fillna(False).to_numpy(dtype=bool)
    return frame[keep]
