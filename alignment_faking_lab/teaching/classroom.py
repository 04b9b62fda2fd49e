"""What a classroom must not see unasked: a model's answer to a harmful request.

Any source counts (the paper's transcripts, live replies, uploads): an answer to a harmful
request is shown only after an explicit "Show the model's answer" (public mode always, local
mode by default). The draft answer a model writes inside its scratchpad is the same answer, so
it is hidden with it. Illustrative transcripts were written with their harmful answers already
redacted. The walkthrough and the handout never show such an answer at all. The owner's
classroom switch also replaces harmful request texts in lists by their category.
"""

from __future__ import annotations

import re

import pandas as pd

from alignment_faking_lab.data.transcript import Transcript

SHOW_ANSWER = "Show the model's answer (may contain harmful content)"
ANSWER_WARNING = (
    "This was a harmful request, and the model's answer may contain harmful content. It is "
    "hidden until you choose to show it."
)
ANSWER_HIDDEN = "The model's answer is hidden (harmful request)."
WITHHELD = (
    "The model's answer is not shown here: this was a harmful request and the answer is not "
    "redacted. The outcome above says whether it complied."
)
DRAFT_HIDDEN = "[draft answer hidden: it may contain harmful content]"
_DRAFT = re.compile(r"(<DRAFT_OUTPUT>).*?(</DRAFT_OUTPUT>|\Z)", re.DOTALL)


def is_sensitive(transcript: Transcript) -> bool:
    """An answer to a harmful request that nobody has redacted."""
    return bool(transcript.harmful) and not transcript.redacted


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
    masked.loc[harmful, column] = (
        "Harmful request · " + category[harmful] + " (text hidden in class)"
    )
    return masked
