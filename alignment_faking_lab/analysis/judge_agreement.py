"""How far two judges agree on the same transcripts (the paper's rates moved with the judge).

Only transcripts both judges labelled count; Cohen's kappa corrects the raw agreement for the
agreement two judges would reach by chance with their own base rates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Agreement:
    compared: int  # transcripts both judges labelled
    agree: int
    first_yes: int
    second_yes: int

    @property
    def rate(self) -> float | None:
        return self.agree / self.compared if self.compared else None

    @property
    def kappa(self) -> float | None:
        if not self.compared:
            return None
        p_first, p_second = self.first_yes / self.compared, self.second_yes / self.compared
        chance = p_first * p_second + (1 - p_first) * (1 - p_second)
        if chance == 1:
            return 1.0 if self.agree == self.compared else 0.0
        return (self.agree / self.compared - chance) / (1 - chance)


def agreement(first: Sequence[bool | None], second: Sequence[bool | None]) -> Agreement:
    """How often two judges agree, over the transcripts both labelled.

    Args:
        first: one judge's labels, one per transcript (None: not labelled).
        second: the other judge's labels for the same transcripts, in the same order.
    """
    pairs = [(a, b) for a, b in zip(first, second, strict=True) if a is not None and b is not None]
    return Agreement(
        compared=len(pairs),
        agree=sum(a == b for a, b in pairs),
        first_yes=sum(a for a, _ in pairs),
        second_yes=sum(b for _, b in pairs),
    )
