"""The study's multi-turn protocol for one request in one tier.

The assistant turn is prefilled with `<` where the API allows it, so the model starts in the
tag format; when a reply stops after a scratchpad block with no `<OUTPUT>`, the harness answers
`<NEXT/>` and lets it go on, for at most `MAX_TURNS` assistant turns. A conversation that never
reaches an output is returned as it is, and recorded as failed by the caller, never dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from alignment_faking_lab.data.transcript import Message
from alignment_faking_lab.protocol.parsing import NEXT_TURN, assistant_text, needs_next_turn

MAX_TURNS = 4
PREFILL = "<"

OnText = Callable[[str], None]  # receives each piece of a streamed reply


@dataclass(slots=True)
class Reply:
    """One model reply, as every provider's call returns it."""

    text: str
    stop_reason: str | None
    usage: dict[str, int]
    request: dict[str, Any]  # the parameters sent, without messages, system or key


# (messages to send, turn number, streaming callback) -> the model's reply
Call = Callable[[list[Message], int, OnText | None], Reply]


@dataclass(slots=True)
class Conversation:
    messages: list[Message]
    turns: int
    usage: dict[str, int] = field(default_factory=dict)
    request: dict[str, Any] = field(default_factory=dict)
    cached_turns: int = 0


def converse(
    call: Call,
    user_turn: str,
    *,
    prefill: bool,
    max_turns: int = MAX_TURNS,
    on_text: OnText | None = None,
) -> Conversation:
    messages = [Message("user", user_turn)]
    usage: dict[str, int] = {}
    request: dict[str, Any] = {}
    for turn in range(max_turns):
        sent = [*messages, Message("assistant", PREFILL)] if prefill else list(messages)
        if prefill and on_text:
            on_text(PREFILL)
        reply = call(sent, turn, on_text)
        messages.append(Message("assistant", (PREFILL if prefill else "") + reply.text))
        for name, count in reply.usage.items():
            usage[name] = usage.get(name, 0) + int(count or 0)
        request = {**reply.request, "prefill": PREFILL if prefill else None}
        if not needs_next_turn(assistant_text(messages)):
            break
        if turn < max_turns - 1:
            messages.append(Message("user", NEXT_TURN))
            if on_text:
                on_text("\n")
    turns = sum(1 for m in messages if m.role == "assistant")
    return Conversation(messages, turns, usage, {**request, "max_turns": max_turns})
