"""Shareable links to one transcript that still work on another server or after a restart.

A paper transcript's link names its setting, split and number, so a server that has not imported
it can fetch it again from the official transcript site. A link to a visitor's own transcript on
a public deployment says it is private, so the page can say so instead of "not found".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SETTING, SPLIT, NUMBER, PRIVATE = "paper", "split", "n", "private"
SPLIT_OF_TIER = {"free": "train", "paid": "deploy"}
_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,80}$")


@dataclass(frozen=True, slots=True)
class PaperRef:
    category: str
    variant: str
    split: str
    number: int

    def describe(self) -> str:
        told = "training (free tier)" if self.split == "train" else "unmonitored (paid tier)"
        return f"setting {self.category}/{self.variant}, {told} split, transcript {self.number}"


def link_params(
    transcript_id: str, provenance: str, setting: str, variant: str, tier: str, prompt_id: str,
    private: bool,
) -> dict[str, str]:  # fmt: skip
    """The query parameters of a transcript's shareable link (from a Transcript or a row)."""
    params = {"id": transcript_id}
    number = prompt_id.rsplit("/", 1)[-1]
    if provenance == "paper" and number.isdigit() and tier in SPLIT_OF_TIER:
        params.update({SETTING: f"{setting}/{variant}", SPLIT: SPLIT_OF_TIER[tier], NUMBER: number})
    elif private:
        params[PRIVATE] = "1"
    return params


def paper_ref(query: dict[str, str]) -> PaperRef | None:
    """The paper transcript a link names, if it names one in a valid form."""
    category, _, variant = str(query.get(SETTING, "")).partition("/")
    split, number = str(query.get(SPLIT, "")), str(query.get(NUMBER, ""))
    if not (_NAME.match(category) and _NAME.match(variant) and number.isdigit()):
        return None
    if split not in SPLIT_OF_TIER.values() or len(number) > 7:
        return None
    return PaperRef(category, variant, split, int(number))


PRIVATE_NOTE = (
    "This link points to a transcript in one visitor's own browser session on this public "
    "deployment. Such transcripts are private: they cannot be opened from another browser, and "
    "they are gone when that session ends. Whoever made it can use **Download my transcripts** "
    "in the sidebar and share the file instead."
)
