"""Find the scratchpad sentences where a model reasons about training and being modified.

A reading aid for the Playground and the classroom walkthrough, not a classifier: it points the
eye at sentences mentioning training, ratings, RLHF, the tiers or keeping one's values.
"""

from __future__ import annotations

import re

_REASONS: list[tuple[str, re.Pattern[str]]] = [
    (
        "being modified",
        re.compile(
            r"\b(modif(y|ied|ies|ication)|chang(e|es|ed|ing) (my|its) (values|goals|views)|"
            r"retrain|alter(ed)? my|reshape)",
            re.I,
        ),
    ),
    ("RLHF and training", re.compile(r"\b(RLHF|training|trained|gradient|fine-?tun)", re.I)),
    ("ratings", re.compile(r"\b(rat(ed|ing|ings|er|ers)|contractors?|reward)\b", re.I)),
    (
        "which tier",
        re.compile(r"\b(free[- ]tier|paid[- ]tier|monitor(ed|ing)?|unmonitored)\b", re.I),
    ),
    (
        "keeping its values",
        re.compile(r"\b(preserv\w*|protect\w* my|keep my (values|goals)|my (values|goals))", re.I),
    ),
]

_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|\n|$)")


def training_reasoning_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, reason) of each sentence that mentions training or being changed.

    Args:
        text: scratchpad text (`ParsedReply.scratchpad`); offsets index into it.
    """
    spans = []
    for match in _SENTENCE.finditer(text):
        sentence = match.group(0)
        for reason, pattern in _REASONS:
            if pattern.search(sentence):
                start = match.start() + (len(sentence) - len(sentence.lstrip()))
                end = match.end() - (len(sentence) - len(sentence.rstrip()))
                if end > start:
                    spans.append((start, end, reason))
                break
    return spans


def split_highlighted(text: str) -> list[tuple[str, str | None]]:
    """The text cut into consecutive segments, each with its reason (None for plain text)."""
    segments: list[tuple[str, str | None]] = []
    position = 0
    for start, end, reason in training_reasoning_spans(text):
        if start > position:
            segments.append((text[position:start], None))
        segments.append((text[start:end], reason))
        position = end
    if position < len(text):
        segments.append((text[position:], None))
    return segments
