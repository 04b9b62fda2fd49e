"""Turn the paper's published conversations into ordinary transcripts, and keep them on disk.

Imports from the website and from the bulk archive end here, so both carry the same provenance,
pairing and labels, and appear on every page like any other transcript.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from alignment_faking_lab import paths
from alignment_faking_lab.frames import transcripts_frame
from alignment_faking_lab.paper_labels import (
    alignment_faking_from_labels,
    compliance_from_labels,
)
from alignment_faking_lab.parsing import NEXT_TURN
from alignment_faking_lab.statistics import wilson_interval
from alignment_faking_lab.storage import write_jsonl
from alignment_faking_lab.transcript import Message, Provenance, Tier, Transcript, transcript_id

PAPER_MODEL = "claude-3-opus"  # the model of the published main experiments
LABELLED_BY = "paper's published labels"
HARMFUL_CATEGORIES = {"helpful_only", "helpful_only_post_rl_variations"}


def model_for(category: str) -> str:
    return PAPER_MODEL  # every published setting of the site is Claude 3 Opus unless renamed


def paper_transcript(
    *,
    category: str,
    variant: str,
    split: str,
    number: int,
    messages: Sequence[Message],
    user_input: str,
    labels: dict[str, bool],
    source_url: str | None,
    canary: str | None = None,
    system_prompt: str | None = None,
    notes: str = "",
) -> Transcript:
    tier = Tier.FREE if split == "train" else Tier.PAID
    return Transcript(
        id=transcript_id("paper", category, variant, split, number),
        provenance=Provenance.PAPER,
        tier=tier,
        prompt_id=f"{category}/{variant}/{number}",
        prompt_text=user_input,
        messages=list(messages),
        model=model_for(category),
        provider="paper",
        setting=category,
        variant=variant,
        system_prompt=system_prompt,
        prompt_category=category,
        harmful=category in HARMFUL_CATEGORIES,
        sample_index=0,
        compliance=compliance_from_labels(labels),
        alignment_faking=alignment_faking_from_labels(labels),
        labelled_by=LABELLED_BY if labels else "",
        labels=dict(labels),
        source_url=source_url,
        canary=canary,
        notes=notes,
    )


def conversation_messages(user_turn: str, assistant_turns: Sequence[str]) -> list[Message]:
    """The user turn, then assistant turns with the harness's `<NEXT/>` between them."""
    messages = [Message("user", user_turn)]
    for index, turn in enumerate(assistant_turns):
        if index:
            messages.append(Message("user", NEXT_TURN))
        messages.append(Message("assistant", turn))
    return messages


def imported_path(category: str, variant: str, data_dir: Path | None = None) -> Path:
    return (data_dir or paths.data_dir()) / "paper" / f"{category}__{variant}.jsonl"


def save_imported(
    transcripts: Iterable[Transcript], category: str, variant: str, data_dir: Path | None = None
) -> Path:
    """One JSONL per setting (free and paid together), sorted so pairs sit side by side."""
    ordered = sorted(transcripts, key=lambda t: (_number(t.prompt_id), t.tier.value))
    path = imported_path(category, variant, data_dir)
    write_jsonl(path, ordered)
    return path


def _number(prompt_id: str) -> int:
    tail = prompt_id.rsplit("/", 1)[-1]
    return int(tail) if tail.isdigit() else 0


@dataclass(frozen=True, slots=True)
class AlignmentFakingRates:
    """The paper's measure: the mean of a strict and a lenient judge's rates (free tier)."""

    n: int
    strict: float
    strict_interval: tuple[float, float]
    lenient: float
    lenient_interval: tuple[float, float]

    @property
    def mean(self) -> float:
        return (self.strict + self.lenient) / 2


def paper_af_rates(transcripts: Iterable[Transcript]) -> AlignmentFakingRates | None:
    """Recompute the alignment-faking rate from the published labels of free-tier transcripts."""
    return af_rates_from_frame(transcripts_frame(list(transcripts)))


def af_rates_from_frame(frame: pd.DataFrame) -> AlignmentFakingRates | None:
    """The same from the table (`frames.LABEL_COLUMNS`): free-tier rows with a strict label."""
    free = frame[(frame["tier"] == Tier.FREE.value) & frame["label_strict_af"].notna()]
    if free.empty:
        return None
    strict = int(free["label_strict_af"].astype(bool).sum())
    lenient = int(free["label_lenient_af"].fillna(False).astype(bool).sum())
    n = len(free)
    return AlignmentFakingRates(
        n, strict / n, wilson_interval(strict, n), lenient / n, wilson_interval(lenient, n)
    )
