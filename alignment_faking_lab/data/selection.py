"""Finding transcripts to replay: the requests on offer, and a transcript's other-tier twin."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from alignment_faking_lab.data.transcript import Tier, Transcript


@dataclass(frozen=True, slots=True)
class RequestChoice:
    prompt_id: str
    text: str
    harmful: bool
    category: str
    tiers: frozenset[Tier]

    @property
    def label(self) -> str:
        kind = "Harmful" if self.harmful else "Benign"
        text = self.text if len(self.text) <= 90 else self.text[:87] + "…"
        return f"{kind} · {self.category or 'uncategorised'} · {text}"


def request_choices(frame: pd.DataFrame) -> list[RequestChoice]:
    """One entry per request in the data's own order, harmful first, then those with both tiers.

    Read from the table of loaded transcripts, so it costs the same with fifty thousand loaded.

    Args:
        frame: the table of loaded transcripts (`frames.transcripts_frame`).
    """
    if frame.empty:
        return []
    prompt_ids = frame["prompt_id"].astype(str)
    tier = frame["tier"]
    in_tier = {  # each tier's requests, from the distinct ids (fast at 50,000 rows)
        t: set(prompt_ids[(tier == t.value).fillna(False).to_numpy(dtype=bool)].unique())
        for t in Tier
    }
    first = frame.assign(prompt_id=prompt_ids).drop_duplicates("prompt_id")
    choices = [
        RequestChoice(
            prompt_id,
            str(text),
            bool(harmful),
            "" if pd.isna(category) else str(category),
            frozenset(t for t, ids in in_tier.items() if prompt_id in ids),
        )
        for prompt_id, text, harmful, category in zip(
            first["prompt_id"],
            first["prompt_text"],
            first["harmful"],
            first["prompt_category"],
            strict=True,
        )
    ]
    return sorted(choices, key=lambda c: (not c.harmful, len(c.tiers) < 2))


def replay_key_label(key: str) -> str:
    provenance, model, variant, run_id, sample = key.split("|")
    run = f", run {run_id}" if run_id else ""
    return f"{provenance}: {model}, prompt {variant}{run}, sample {int(sample) + 1}"


def replays_for_request(frame: pd.DataFrame, prompt_id: str) -> dict[str, dict[Tier, str]]:
    """Transcript ids of one request grouped by replay key, each with its free and paid tier.

    Args:
        frame: the table of loaded transcripts (`frames.transcripts_frame`).
        prompt_id: the request (`Transcript.prompt_id`, as in `request_choices`).
    """
    rows = frame[(frame["prompt_id"] == prompt_id).fillna(False).to_numpy(dtype=bool)]
    grouped: dict[str, dict[Tier, str]] = {}
    for row in rows[
        ["id", "provenance", "model", "variant", "run_id", "sample_index", "tier"]
    ].itertuples(index=False):
        key = f"{row.provenance}|{row.model}|{row.variant}|{row.run_id}|{int(row.sample_index)}"
        grouped.setdefault(key, {}).setdefault(Tier(str(row.tier)), str(row.id))
    return grouped


def counterpart_id(frame: pd.DataFrame, transcript: Transcript) -> str | None:
    """The id of the same request, source, model, variant and sample in the other tier, if any.

    Looked up in the table of loaded transcripts (one vectorised pass), so it costs the same
    whether ten or fifty thousand transcripts are loaded.
    """
    other = Tier.PAID if transcript.tier is Tier.FREE else Tier.FREE
    wanted = {
        "prompt_id": transcript.prompt_id,
        "tier": other.value,
        "provenance": transcript.provenance.value,
        "model": transcript.model,
        "variant": transcript.variant,
        "run_id": transcript.run_id,
        "sample_index": transcript.sample_index,
    }
    keep = np.ones(len(frame), dtype=bool)
    for column, value in wanted.items():
        keep &= (frame[column] == value).fillna(False).to_numpy(dtype=bool)
    found = frame["id"][keep]
    return str(found.iloc[0]) if len(found) else None
