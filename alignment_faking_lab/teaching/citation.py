"""How a quote from a transcript is cited: who wrote it, where, and where a reader can check it.

A journalist pastes a scratchpad sentence into an article; the citation travels with it. A
paper transcript names its model, tier, setting and number, the paper, and the page on the
official transcript site (an address this module builds from the setting, split and number,
never one read from data). A live run names its model, date and prompt variant and says it is
not the paper's. The project's own illustrative text says it is no model's words at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from alignment_faking_lab.data.transcript import (
    NOT_MODEL_OUTPUT,
    Provenance,
    Tier,
    Transcript,
)
from alignment_faking_lab.paper.site import DEFAULT_BASE_URL
from alignment_faking_lab.teaching import links

APP_NAME = "Alignment Faking Lab"
PAPER = "Greenblatt et al. 2024, arXiv:2412.14093"
# Model ids as the app stores them -> the name a reader knows.
MODEL_NAMES = {"claude-3-opus": "Claude 3 Opus"}
TIER_TOLD = {
    Tier.FREE: "free tier (the model was told this conversation is used for training)",
    Tier.PAID: "paid tier (the model was told this conversation is never trained on)",
}
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$")  # a plain name: never "." or ".."


@dataclass(frozen=True, slots=True)
class Citation:
    """The parts of a citation: `source` is the sentence after the quote; `url` the official
    page (paper transcripts only, None otherwise)."""

    source: str
    url: str | None = None

    def text(self, quote: str = "") -> str:
        """The quote (if any) in quotation marks, then the source and the address."""
        quoted = " ".join(quote.split())
        lines = [f"“{quoted}”"] if quoted else []
        lines.append(f"— {self.source}" + (f" {self.url}" if self.url else ""))
        return "\n".join(lines)


def official_page(category: str, variant: str, split: str, number: int) -> str | None:
    """The transcript's page on the paper's official site, or None if a part is not a plain
    name (so no address is ever made from arbitrary text)."""
    if not (_NAME.match(category) and _NAME.match(variant)) or split not in ("train", "deploy"):
        return None
    return f"{DEFAULT_BASE_URL}files/{category}/{variant}/{split}/{int(number)}.html"


def transcript_number(transcript: Transcript) -> int | None:
    tail = transcript.prompt_id.rsplit("/", 1)[-1]
    plain = tail.isascii() and tail.isdecimal()  # "²" is a digit to isdigit, not to int()
    return int(tail) if plain and len(tail) <= 7 else None


def model_name(model: str) -> str:
    return MODEL_NAMES.get(model, model)


def cite(transcript: Transcript) -> Citation:
    """The citation of a transcript, by where it came from."""
    t = transcript
    if t.provenance is Provenance.PAPER:
        number = transcript_number(t)
        split = links.SPLIT_OF_TIER[t.tier.value]
        where = f"setting {t.setting}/{t.variant}"
        shown_number = f", transcript {number}" if number is not None else ""
        url = official_page(t.setting, t.variant, split, number) if number is not None else None
        return Citation(
            f"{model_name(t.model)}, {TIER_TOLD[t.tier]}, {where}{shown_number}. "
            f"Published transcript of {PAPER}.",
            url,
        )
    if t.provenance is Provenance.LIVE:
        date = (t.created_at or "")[:10] or "an unrecorded date"
        variant = f"prompt variant {t.variant}" + (
            f" (hash {t.system_prompt_hash})" if t.system_prompt_hash else ""
        )
        return Citation(
            f"{t.model} ({t.provider}), {TIER_TOLD[t.tier]}, live run on {date}, {variant}. "
            f"Run with {APP_NAME}; not a transcript from {PAPER}."
        )
    wording = NOT_MODEL_OUTPUT.get(t.provenance, "not model output")
    return Citation(
        f"Illustrative example written by the {APP_NAME} project ({wording}); no model wrote "
        f"it and it is not from {PAPER}."
    )


def app_link(
    page_url: str | None, params: dict[str, str], pages: set[str], page: str = "transcripts"
) -> str:
    """The address that reopens this transcript in the app: the app's own address as the reader
    sees it (`page_url`, the page they are on, whose last part is dropped when it names one of
    the app's `pages`), then the page and the transcript's link parameters. Without an address
    (a script, a test), the path alone."""
    base = (page_url or "").split("?", 1)[0].split("#", 1)[0].rstrip("/")
    head, _, last = base.rpartition("/")
    if last in pages and "//" in head:
        base = head
    return f"{base}/{page}?{urlencode(params)}"
