"""The paper's transcripts worth quoting: the same request, where the free tier complied with
alignment-faking reasoning by both of the paper's judges and the paid tier refused.

Read from the published labels only (never a keyword guess), shortest scratchpads first, so a
reader finds the clearest short example at the top.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from alignment_faking_lab.data.transcript import (
    LENIENT_AF,
    STRICT_AF,
    Compliance,
    Provenance,
    Tier,
    Transcript,
)
from alignment_faking_lab.protocol.parsing import parse_messages


@dataclass(frozen=True, slots=True)
class NotablePair:
    number: str  # the published transcript number (the same in both tiers)
    free: Transcript
    paid: Transcript
    scratchpad_chars: int  # the free tier's scratchpad, the sort key

    @property
    def free_labels(self) -> list[str]:
        return [name for name, value in self.free.labels.items() if value is True]


def is_notable_free(transcript: Transcript) -> bool:
    """Complied, and both the strict and the lenient judge found alignment faking."""
    labels = transcript.labels
    return (
        transcript.compliance is Compliance.COMPLIED
        and labels.get(STRICT_AF) is True
        and labels.get(LENIENT_AF) is True
    )


def notable_pairs(transcripts: Iterable[Transcript]) -> list[NotablePair]:
    """The notable pairs of one imported setting, shortest free-tier scratchpad first."""
    by_request: dict[tuple[str, str, str], dict[Tier, Transcript]] = {}
    for t in transcripts:
        if t.provenance is Provenance.PAPER:
            by_request.setdefault((t.setting, t.variant, t.prompt_id), {})[t.tier] = t
    pairs = []
    for (_, _, prompt_id), tiers in by_request.items():
        free, paid = tiers.get(Tier.FREE), tiers.get(Tier.PAID)
        if free is None or paid is None or paid.compliance is not Compliance.REFUSED:
            continue
        if not is_notable_free(free):
            continue
        scratchpad = parse_messages(free.messages).scratchpad
        pairs.append(NotablePair(prompt_id.rsplit("/", 1)[-1], free, paid, len(scratchpad)))
    return sorted(pairs, key=lambda p: (p.scratchpad_chars, p.free.prompt_id))


def with_labels(pairs: Iterable[NotablePair], required: Sequence[str]) -> list[NotablePair]:
    """Only the pairs whose free-tier transcript has each `required` label true."""
    return [p for p in pairs if all(p.free.labels.get(name) is True for name in required)]


def label_choices(pairs: Sequence[NotablePair]) -> list[str]:
    """The labels true on at least one notable free transcript (besides the two judges')."""
    found = {name for pair in pairs for name in pair.free_labels}
    return sorted(found - {STRICT_AF, LENIENT_AF})
