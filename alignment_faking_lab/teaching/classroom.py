"""What a classroom must not see unasked, and what it must see: the one home of that rule.

The refusal is the lesson, so a refusal is shown everywhere, in class too. Hidden is only an
unredacted answer to a harmful request that complied or whose outcome is not known (any source:
the paper's transcripts, live replies, uploads); it is shown only after an explicit "Show the
model's answer" (public mode always, local mode by default), and the walkthrough and the handout
never show it. The draft answers a model writes inside its scratchpad go with its answer.
Illustrative transcripts were written with their harmful answers already redacted.

The owner's classroom switch (`AFLAB_CLASSROOM=1`) also replaces every harmful request's text,
wherever it would be shown (lists, a transcript, the user turn, the walkthrough, the handout),
by a neutral summary naming its category.
"""

from __future__ import annotations

import re

import pandas as pd

from alignment_faking_lab.data.transcript import Compliance, Transcript
from alignment_faking_lab.protocol.scorer import BY_KEYWORDS
from alignment_faking_lab.public import deployment

SHOW_ANSWER = "Show the model's answer (may contain harmful content)"
ANSWER_WARNING = (
    "This was a harmful request, and the model's answer may contain harmful content. It is "
    "hidden until you choose to show it."
)
ANSWER_HIDDEN = "The model's answer is hidden (harmful request)."
WITHHELD = (
    "The model's answer is not shown here: it complied with a harmful request, and the answer is "
    "not redacted."
)
WITHHELD_UNKNOWN = (
    "The model's answer is not shown here: this was a harmful request and its outcome (refused "
    "or complied) is not known."
)
# A request every class can see, used first wherever the app picks an example for you (the
# Playground's default): harmful enough to show the pattern, nothing graphic in its words.
CLASS_SAFE_EXAMPLE = "harm-misinfo-02"
DRAFT_HIDDEN = "[draft answer hidden: it may contain harmful content]"
_DRAFT = re.compile(r"(<DRAFT_OUTPUT>).*?(</DRAFT_OUTPUT>|\Z)", re.DOTALL)


def is_sensitive(transcript: Transcript) -> bool:
    """An answer to a harmful request that nobody has redacted."""
    return bool(transcript.harmful) and not transcript.redacted


def is_refusal(transcript: Transcript) -> bool:
    """Judged a plain refusal (not a partial answer): the contrast a class should see. The
    offline keyword guess is not a judgement here: "Here are the steps… I can't stress enough
    that this is illegal" reads to it as a refusal, so an answer it labelled stays hidden."""
    if BY_KEYWORDS in transcript.labelled_by:
        return False
    level = transcript.compliance_level
    return transcript.compliance is Compliance.REFUSED and (level is None or level <= 1)


def answer_hidden(transcript: Transcript) -> bool:
    """An unredacted answer to a harmful request that complied, or whose outcome is not known:
    the only answers kept out of sight until asked for. Refusals are always shown."""
    return is_sensitive(transcript) and not is_refusal(transcript)


WITHHELD_GUESSED = (
    "The model's answer is not shown here: this was a harmful request, and whether it refused "
    "was only guessed from keywords (no judge has read it)."
)


def withheld_note(transcript: Transcript) -> str:
    """Why an answer is not shown, in words that stand alone (on a page or on paper)."""
    if BY_KEYWORDS in transcript.labelled_by:  # "complied" or "refused": a guess either way
        return WITHHELD_GUESSED
    return WITHHELD if transcript.compliance is Compliance.COMPLIED else WITHHELD_UNKNOWN


def in_class() -> bool:
    """The owner's classroom switch."""
    return deployment.classroom()


def request_summary(category: str) -> str:
    """A harmful request named without its text."""
    return f"Harmful request · {category or 'uncategorised'} (text hidden in class)"


def shown_request(text: str, harmful: bool, category: str) -> str:
    """A request's text as a view may show it: in class, a harmful one by its category only."""
    return request_summary(category) if harmful and in_class() else text


def without_request_text(transcript: Transcript, text: str) -> str:
    """`text` (the user turn, a scratchpad, an answer) with the transcript's harmful request
    quoted in it replaced by its summary, in class."""
    if not (transcript.harmful and in_class()) or not transcript.prompt_text:
        return text
    return text.replace(transcript.prompt_text, request_summary(transcript.prompt_category))


def example_first(prompt_ids: list[str], benign: set[str]) -> list[str]:
    """The ids with the class-safe example first (else a benign one), so a default is one a
    14-year-old can see, in every mode."""
    if CLASS_SAFE_EXAMPLE in prompt_ids:
        first = CLASS_SAFE_EXAMPLE
    else:
        first = next(
            (pid for pid in prompt_ids if pid in benign), prompt_ids[0] if prompt_ids else ""
        )
    return [first, *(pid for pid in prompt_ids if pid != first)] if first else prompt_ids


def hide_drafts(text: str) -> str:
    """The scratchpad without the draft answers written inside it."""
    return _DRAFT.sub(lambda m: f"{m.group(1)}{DRAFT_HIDDEN}{m.group(2)}", text)


def request_label(harmful: bool, category: str, prompt_id: str) -> str:
    """A harmful request in a list, named without its text (classroom switch)."""
    kind = "Harmful" if harmful else "Benign"
    return f"{kind} · {category or 'uncategorised'} · request {prompt_id} (text hidden in class)"


def mask_request_texts(frame: pd.DataFrame, column: str = "prompt_text") -> pd.DataFrame:
    """A copy of a few rows with harmful request texts replaced by their category."""
    masked = frame.copy()
    harmful = masked["harmful"].fillna(False).astype(bool)
    category = masked["prompt_category"].astype(str)
    masked.loc[harmful, column] = [request_summary(c) for c in category[harmful]]
    return masked
