"""Parse the pages of the paper's published transcript site.

The site's structure is described, not guaranteed, so every parser is tolerant and, when a page
is not what it expects, raises `PaperPageError` naming the file and the element it did not find.
Parsing is linear in the page size (a few regular-expression passes, no DOM).
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field

from alignment_faking_lab.protocol.parsing import NEXT_TURN, USER_INPUT

SPLITS = {"train": "free", "deploy": "paid"}  # split folder -> tier it implies


class PaperPageError(ValueError):
    def __init__(self, source: str, element: str) -> None:
        super().__init__(f"{source}: could not find {element}")
        self.source = source
        self.element = element


@dataclass(frozen=True, slots=True)
class PaperSetting:
    category: str
    variant: str

    @property
    def key(self) -> str:
        return f"{self.category}/{self.variant}"


@dataclass(frozen=True, slots=True)
class SelectorEntry:
    number: int  # the N of <N>.html: the same N in train and deploy is the same query
    html_name: str
    labels: dict[str, bool]


@dataclass(slots=True)
class PaperConversation:
    user_turn: str
    assistant_turns: list[str]
    is_free_tier: bool | None
    user_input: str
    labels: dict[str, bool] = field(default_factory=dict)
    strategy_summary: str = ""
    canary: str | None = None


_SETTING_LINK = re.compile(r"files/([A-Za-z0-9_.\-]+)/([A-Za-z0-9_.\-]+)/(?:train|deploy)\b")
_ALL_FILES = re.compile(r'["\']?allFiles["\']?\s*[:=]\s*')
_SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b.*?</\1\s*>", re.DOTALL | re.IGNORECASE)
_LINE_BREAK = re.compile(r"<br\s*/?>|</(?:p|div|h[1-6]|li|pre|tr)\s*>", re.IGNORECASE)
_REAL_TAG = re.compile(r"<[^>]+>")
_INPUT = re.compile(r"<INPUT>(.*?)</INPUT>", re.DOTALL)
_TIER = re.compile(r"<is_free_tier_user>\s*(True|False)\s*</is_free_tier_user>")
_LABEL_LINE = re.compile(r"^\s*([A-Za-z][A-Za-z0-9_]*)\s*=\s*(True|False)\s*$", re.MULTILINE)
_ROLE_LINE = re.compile(
    r"^\s*(?:user|human|assistant|ai|model)\s*(?:\[[^\]]*\])?\s*:?\s*$", re.IGNORECASE | re.M
)
_GUID = re.compile(
    r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b"
)
_STRATEGY = re.compile(r"Strategy summary\s*:?\s*\n+(.*?)(?:\n\s*\n|\Z)", re.DOTALL | re.IGNORECASE)
_REPLY_END = re.compile(r"</OUTPUT>|</SCRATCHPAD_REASONING>")
# Where a label line or the strategy summary can be: the full patterns above, tried over the
# whole page, cost most of the parse (a multi-line `^` or a case-insensitive start defeats the
# regex engine's fast scan), so they are only tried where these cheap searches point.
_LABEL_HINT = re.compile(r"=\s*(?:True|False)")
_NAME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")
_STRATEGY_START = "strategy summary"


def _labels(text: str) -> dict[str, bool]:
    """What `_LABEL_LINE.findall` finds, trying it only from the start of the line whose name
    precedes an "=True"/"=False"."""
    labels: dict[str, bool] = {}
    matched_until = 0
    for hint in _LABEL_HINT.finditer(text):
        if hint.start() < matched_until:
            continue
        position = hint.start()
        while position and text[position - 1].isspace():
            position -= 1
        while position and text[position - 1] in _NAME_CHARS:
            position -= 1
        match = _LABEL_LINE.match(text, text.rfind("\n", 0, position) + 1)
        if match and match.end() > hint.start():
            labels[match.group(1)] = match.group(2) == "True"
            matched_until = match.end()
    return labels


def _strategy(text: str) -> re.Match[str] | None:
    """What `_STRATEGY.search` finds, trying the pattern only where the heading starts."""
    folded = text.casefold()
    if len(folded) != len(text):  # positions would not line up: search the plain way
        return _STRATEGY.search(text)
    position = folded.find(_STRATEGY_START)
    while position >= 0:
        match = _STRATEGY.match(text, position)
        if match:
            return match
        position = folded.find(_STRATEGY_START, position + 1)
    return None


def parse_index(page: str, source: str = "index.html") -> list[PaperSetting]:
    """Every (category, variant) the index links to, in the order first seen."""
    found = dict.fromkeys(PaperSetting(c, v) for c, v in _SETTING_LINK.findall(page))
    if not found:
        raise PaperPageError(source, "links to files/<category>/<variant>/<train|deploy>/")
    return list(found)


def parse_selector(page: str, source: str = "trajectory_selector.html") -> list[SelectorEntry]:
    """The `allFiles` array embedded in a split's selector page: file names and labels."""
    match = _ALL_FILES.search(page)
    if not match:
        raise PaperPageError(source, 'the "allFiles" array')
    try:
        entries, _ = json.JSONDecoder().raw_decode(page, match.end())
    except json.JSONDecodeError:
        raise PaperPageError(source, 'a readable JSON array after "allFiles"') from None
    except RecursionError:
        raise PaperPageError(
            source, 'a JSON array after "allFiles" that is not nested thousands deep'
        ) from None
    if not isinstance(entries, list):
        raise PaperPageError(source, 'a JSON array after "allFiles"')
    result = []
    for entry in entries:
        name = entry.get("html") if isinstance(entry, dict) else None
        number = re.match(r"(\d+)\.html$", str(name or "").rsplit("/", 1)[-1])
        if not number:
            raise PaperPageError(source, f'an "html": "<N>.html" name in entry {entry!r:.80}')
        labels = entry.get("json") or {}
        if not isinstance(labels, dict):
            raise PaperPageError(source, f'a "json" object of labels in entry {entry!r:.80}')
        clean = {k: v for k, v in labels.items() if isinstance(v, bool)}
        result.append(SelectorEntry(int(number.group(1)), str(name), clean))
    return sorted(result, key=lambda e: e.number)


def page_text(page: str) -> str:
    """Visible text with the conversation's own tags restored (they are escaped on the page)."""
    text = _SCRIPT_OR_STYLE.sub("", page)
    text = _LINE_BREAK.sub("\n", text)
    text = _REAL_TAG.sub("", text)
    return html.unescape(text)


def reply_cut_short(reply: str) -> str | None:
    """The tag a model's reply opens and never closes (a page cut mid-reply, even one that
    still ends in `</html>`), or None when every one is closed."""
    for tag in ("OUTPUT", "SCRATCHPAD_REASONING"):
        if reply.count(f"<{tag}>") > reply.count(f"</{tag}>"):
            return f"<{tag}>"
    return None


def parse_transcript_page(page: str, source: str) -> PaperConversation:
    canary = _GUID.search(page)
    text = page_text(page)
    user = _INPUT.search(text)
    if not user:
        raise PaperPageError(source, "the user turn (<INPUT> ... </INPUT>)")
    user_input = USER_INPUT.search(user.group(1))
    if not user_input:
        raise PaperPageError(source, "the request (<user_input> ... </user_input>)")
    tier = _TIER.search(user.group(1))
    reply_region = text[user.end() :]
    if cut := reply_cut_short(reply_region):
        raise PaperPageError(
            source, f"the end of the model's reply ({cut} is never closed: the page is cut short)"
        )
    ends = list(_REPLY_END.finditer(reply_region))
    if not ends:
        raise PaperPageError(source, "the model's reply (<SCRATCHPAD_REASONING> or <OUTPUT>)")
    reply_region = _ROLE_LINE.sub("", reply_region[: ends[-1].end()])
    turns = [turn.strip() for turn in reply_region.split(NEXT_TURN)]
    strategy = _strategy(text)
    return PaperConversation(
        user_turn=user.group(0).strip(),
        assistant_turns=[turn for turn in turns if turn],
        is_free_tier=None if not tier else tier.group(1) == "True",
        user_input=user_input.group(1).strip(),
        labels=_labels(text),
        strategy_summary=strategy.group(1).strip() if strategy else "",
        canary=canary.group(0) if canary else None,
    )
