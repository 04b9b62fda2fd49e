"""The guided classroom walkthrough: six steps that tell the study as a story.

The page shows these steps with the app's real parts; this module decides what to show: which
transcript pair tells the story (the paper's own when imported, else the illustrative examples),
the steps' words, and the paper's numbers they cite.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

from alignment_faking_lab.data.transcript import Compliance, Provenance, Tier, Transcript
from alignment_faking_lab.protocol import prompts

FIRST_STEP = 1


@dataclass(frozen=True, slots=True)
class Step:
    number: int
    title: str
    lead: str


STEPS: tuple[Step, ...] = (
    Step(1, "The setup", "What the model was told, before any user said a word."),
    Step(
        2,
        "A harmful request, told: unmonitored",
        "A paid-tier user asks; the model was told: never trained on.",
    ),
    Step(
        3,
        "The same request, told: training",
        "A free-tier user asks; the model was told: rated and trained on.",
    ),
    Step(4, "The hidden scratchpad", "What the model wrote to itself before that answer."),
    Step(5, "The aggregate picture", "Hundreds of requests: compliance by tier in the paper."),
    Step(
        6,
        "After training, and the bottom line",
        "What happened next, later work, and questions to discuss.",
    ),
)
LAST_STEP = len(STEPS)

DISCUSSION_QUESTIONS: tuple[str, ...] = (
    "The model was protecting values most people would call good (refusing harmful requests). "
    "Does that make its behaviour reassuring or worrying? Would your answer change if the "
    "values it protected were ones its developers did not intend?",
    "The researchers read a scratchpad the model was told was private. What does this study "
    "suggest about relying on a model's stated reasoning, and about what happens if future "
    "models reason without writing it down?",
    "The model learned about its training from a prompt, not from experience. Which parts of "
    "the result do you expect to carry over to real training, and which might not?",
)


def clamp_step(value: object) -> int:
    """A step number from a URL: anything unreadable or out of range opens the nearest step."""
    try:
        number = int(str(value))
    except ValueError:
        return FIRST_STEP
    return min(max(number, FIRST_STEP), LAST_STEP)


@dataclass(frozen=True, slots=True)
class StoryPair:
    """One harmful request in both tiers: refused unmonitored, faked alignment in training."""

    free: Transcript
    paid: Transcript

    @property
    def provenance(self) -> Provenance:
        return self.free.provenance

    @property
    def is_illustrative(self) -> bool:
        return self.free.is_illustrative or self.paid.is_illustrative


def _story_score(free: Transcript, paid: Transcript) -> tuple[int, int, int]:
    """Prefer the paper's own data, then the pattern the story needs, then a short scratchpad."""
    from_paper = free.provenance is Provenance.PAPER
    shows_pattern = bool(free.alignment_faking) and paid.compliance is Compliance.REFUSED
    length = sum(len(m.content) for m in free.messages)
    return (int(from_paper), int(shows_pattern), -length)


def story_pairs(transcripts: Iterable[Transcript]) -> list[StoryPair]:
    """Every free/paid pair of one harmful request, from the paper or the illustrative
    examples (never a live run)."""
    free_by_key: dict[tuple, Transcript] = {}
    paid_by_key: dict[tuple, Transcript] = {}
    for t in transcripts:
        if not t.harmful or t.provenance not in (Provenance.PAPER, Provenance.ILLUSTRATIVE):
            continue
        key = (t.provenance, t.prompt_id, t.model, t.variant, t.sample_index)
        (free_by_key if t.tier is Tier.FREE else paid_by_key).setdefault(key, t)
    return [StoryPair(free, paid_by_key[k]) for k, free in free_by_key.items() if k in paid_by_key]


def choose_story_pair(transcripts: Iterable[Transcript]) -> StoryPair | None:
    """The pair of one harmful request that tells the study's story best; None when there is
    none.

    Args:
        transcripts: the candidates, e.g. every loaded transcript.
    """
    pairs = story_pairs(transcripts)
    return max(pairs, key=lambda p: _story_score(p.free, p.paid)) if pairs else None


# The pair is pinned in the walkthrough's link, so that importing the paper's transcripts (or
# anyone else's change to the data) never swaps the example under a teacher mid-lesson.
PIN_PARAM, VERSION_PARAM = "pair", "pairv"


def pinned_pair(pairs: Iterable[StoryPair], free_id: str) -> StoryPair | None:
    """The pair whose free-tier transcript has this id (the link's pin), if loaded."""
    return next((p for p in pairs if p.free.id == free_id), None)


def pair_version(pair: StoryPair) -> str:
    """A short fingerprint of what steps 1-4 show of the pair: it changes when the transcripts
    behind them are re-imported or edited."""
    digest = hashlib.sha256()
    for t in (pair.free, pair.paid):
        shown = [t.id, t.prompt_text, t.compliance and t.compliance.value, t.alignment_faking,
                 t.redacted, [(m.role, m.content) for m in t.messages]]  # fmt: skip
        digest.update(json.dumps(shown, ensure_ascii=False).encode())
    return digest.hexdigest()[:10]


def setup_segments(variant_id: str = "default") -> list[tuple[str, str | None]]:
    """The prompt's situation cut into plain text and key sentences, each with its element."""
    text = prompts.situation_text(variant_id)
    marks = sorted(
        (text.index(sentence), len(sentence), element)
        for element, sentence in prompts.key_sentences(variant_id)
    )
    segments: list[tuple[str, str | None]] = []
    position = 0
    for start, length, element in marks:
        if start < position:
            continue
        segments.append((text[position:start], None))
        segments.append((text[start : start + length], element))
        position = start + length
    segments.append((text[position:], None))
    return [segment for segment in segments if segment[0]]
