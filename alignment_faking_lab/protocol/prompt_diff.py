"""Two system prompts side by side, sentence by sentence: what an ablation changes.

Prompts are compared in sentences (and lines), not characters, so a reader sees which claims a
variant adds, drops or rewords, the way the paper describes its ablations.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

_UNITS = re.compile(r"[^\n.!?]*(?:[.!?]+(?=\s|$)|\n|$)")


@dataclass(frozen=True, slots=True)
class DiffRow:
    change: str  # "same", "changed", "only in A", "only in B"
    left: str
    right: str


def units(text: str) -> list[str]:
    """Sentences and lines, stripped, without empty ones."""
    return [u.strip() for u in _UNITS.findall(text) if u.strip()]


def side_by_side(left: str, right: str, context: bool = True) -> list[DiffRow]:
    """Rows of the two texts aligned; with `context` False only the differences."""
    a, b = units(left), units(right)
    rows: list[DiffRow] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag == "equal":
            if context:
                rows.extend(DiffRow("same", x, x) for x in a[a0:a1])
        elif tag == "replace":
            left_part, right_part = a[a0:a1], b[b0:b1]
            for i in range(max(len(left_part), len(right_part))):
                rows.append(
                    DiffRow(
                        "changed",
                        left_part[i] if i < len(left_part) else "",
                        right_part[i] if i < len(right_part) else "",
                    )
                )
        elif tag == "delete":
            rows.extend(DiffRow("only in A", x, "") for x in a[a0:a1])
        else:
            rows.extend(DiffRow("only in B", "", x) for x in b[b0:b1])
    return rows


def summary(rows: list[DiffRow]) -> str:
    counts = {
        kind: sum(r.change == kind for r in rows) for kind in ("changed", "only in A", "only in B")
    }
    if not any(counts.values()):
        return "The two prompts say the same thing, sentence for sentence."
    return (
        f"{counts['changed']} sentences reworded, {counts['only in A']} only in A, "
        f"{counts['only in B']} only in B."
    )
