"""Filtering the transcript table: the Transcripts page's filters and text search, as pure code."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from alignment_faking_lab.data.search import SearchIndex

NOT_JUDGED = "not judged"
AF_YES = "alignment faking"
AF_NO = "no alignment faking"


# The search box's examples: each finds transcripts in the shipped illustrative set (tested).
SEARCH_EXAMPLES = ("RLHF", "my values", "refuse")


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


def filter_frame(
    frame: pd.DataFrame, criteria: TranscriptFilter, search: SearchIndex | None = None
) -> pd.DataFrame:
    """Rows matching every criterion; text search needs the `search` index of `frame`."""
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
    if needle and search is not None:
        if len(search) != len(frame):
            raise ValueError("the search index must be row for row with the frame")
        keep &= search.matches(needle)
    return frame[keep]


def faking_labels(frame: pd.DataFrame) -> list[str]:
    """The alignment-faking column as words: a keyword match is marked as the guess it is."""
    guessed = frame["labelled_by"].astype(str).str.contains("keyword", regex=False)
    labels = []
    for value, guess in zip(frame["alignment_faking"], guessed, strict=True):
        if value is None or pd.isna(value):
            labels.append("")
        elif bool(value):
            labels.append("yes? (keyword guess)" if guess else "yes")
        else:
            labels.append("no (keyword guess)" if guess else "no")
    return labels
