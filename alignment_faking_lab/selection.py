"""Finding transcripts to replay: the requests on offer, and a transcript's other-tier twin."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from alignment_faking_lab.transcript import Tier, Transcript


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


def request_choices(transcripts: Iterable[Transcript]) -> list[RequestChoice]:
    """One entry per request in the data's own order, harmful first, then those with both tiers."""
    seen: dict[str, RequestChoice] = {}
    for t in transcripts:
        known = seen.get(t.prompt_id)
        tiers = frozenset({t.tier}) | (known.tiers if known else frozenset())
        seen[t.prompt_id] = RequestChoice(
            t.prompt_id, t.prompt_text, t.harmful, t.prompt_category, tiers
        )
    return sorted(seen.values(), key=lambda c: (not c.harmful, len(c.tiers) < 2))


def replay_key(t: Transcript) -> str:
    """What distinguishes the runs of one request: where it came from, model, variant, sample."""
    return f"{t.provenance.value}|{t.model}|{t.variant}|{t.run_id}|{t.sample_index}"


def replay_key_label(key: str) -> str:
    provenance, model, variant, run_id, sample = key.split("|")
    run = f", run {run_id}" if run_id else ""
    return f"{provenance}: {model}, prompt {variant}{run}, sample {int(sample) + 1}"


def transcripts_for_request(
    transcripts: Iterable[Transcript], prompt_id: str
) -> dict[str, dict[Tier, Transcript]]:
    """Transcripts of one request grouped by replay key, each with its free and paid tier."""
    grouped: dict[str, dict[Tier, Transcript]] = {}
    for t in transcripts:
        if t.prompt_id == prompt_id:
            grouped.setdefault(replay_key(t), {}).setdefault(t.tier, t)
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
