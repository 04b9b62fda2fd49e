"""The providers' batch APIs through the official SDKs: send many requests as one batch at
half price, ask whether it has ended, read its results, cancel it.

Anthropic: Message Batches (`messages.batches.create/retrieve/results/cancel`). OpenAI and the
OpenAI-compatible hosts that implement it: the Batch API (a JSONL file uploaded with purpose
`batch`, `batches.create/retrieve/cancel`, then the output and error files). Requests carry the
same prompt caching marks as direct ones (`providers.anthropic_params`), so the two discounts
stack. Each item's result is its own: one can fail or expire while the rest succeed. The owner's
gate counts a batch before it is sent: all its requests, at their dearest estimate.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from alignment_faking_lab.calling import models
from alignment_faking_lab.calling.endpoints import Api, Endpoint, ErrorKind, ProviderError
from alignment_faking_lab.calling.providers import (
    CACHED,
    _anthropic_client,
    _openai_client,
    _sdks,
    anthropic_params,
    anthropic_usage,
    openai_usage,
    to_provider_error,
)
from alignment_faking_lab.data.transcript import Message
from alignment_faking_lab.protocol.conversation import Reply
from alignment_faking_lab.public.address_guard import BlockedAddress, check_visitor_url
from alignment_faking_lab.public.owner_gate import LimitReached, price_of, request_cost

CHAT_PATH = "/v1/chat/completions"
OPENAI_ENDED = {"completed", "failed", "expired", "cancelled"}


@dataclass(frozen=True, slots=True)
class BatchRequest:
    custom_id: str  # letters, digits, - and _ only, at most 64 (Anthropic's rule)
    model: str
    system: str
    messages: Sequence[Message]
    max_tokens: int

    @property
    def chars(self) -> int:
        return len(self.system) + sum(len(m.content) for m in self.messages)


@dataclass(frozen=True, slots=True)
class ItemResult:
    custom_id: str
    reply: Reply | None = None
    error: str = ""  # why the item has no reply: failed, expired or cancelled


@dataclass(frozen=True, slots=True)
class BatchStatus:
    id: str
    ended: bool
    words: str  # the provider's state and counts, for the user


def _wire(messages: Sequence[Message]) -> list[dict[str, str]]:
    return [{"role": m.role, "content": m.content} for m in messages]


def recorded_request(model: str, max_tokens: int, api: Api) -> dict[str, Any]:
    """The parameters recorded with each transcript (`batch`: billed at the batch discount)."""
    if api is Api.ANTHROPIC:
        return {"model": model, "max_tokens": max_tokens, "stream": False, "batch": True, **CACHED}
    return {"model": model, "max_completion_tokens": max_tokens, "stream": False, "batch": True}


def reserve(endpoint: Endpoint, requests: Sequence[BatchRequest]) -> float:
    """Before a batch is sent: the address guard, and the owner's gate counts every request
    at its dearest (all of `max_tokens` out, at the batch price). Returns the USD reserved."""
    try:
        if endpoint.guarded and endpoint.base_url:
            check_visitor_url(endpoint.base_url)
        gate = endpoint.gate
        if gate is None:
            return 0.0
        if gate.locked:
            raise LimitReached(gate.locked)
        for model in sorted({r.model for r in requests}):
            gate.check_model(model)  # the owner's choice of models holds for batches too
        discount = models.DISCOUNTS[endpoint.api.value].batch
        usd = discount * sum(
            request_cost(r.model, r.chars, r.max_tokens, gate.prices) for r in requests
        )
        gate.ledger.reserve(gate.visitor, len(requests), usd, gate.limits, gate.shared)
        return usd
    except (LimitReached, BlockedAddress) as exc:
        raise ProviderError(ErrorKind.LIMIT, str(exc)) from None


def settle(endpoint: Endpoint, reserved_usd: float, model: str, usage: dict | None) -> None:
    """After an item's result: its real cost (at the batch price) replaces its reservation;
    an item without a reply costs nothing."""
    gate = endpoint.gate
    if gate is None:
        return
    real = 0.0
    if usage:
        real = models.DISCOUNTS[endpoint.api.value].cost(
            usage, price_of(model, gate.prices), batch=True
        )
    gate.ledger.settle(real - reserved_usd)


def _sdk_call(endpoint: Endpoint, model: str, action):
    anthropic, openai = _sdks()
    try:
        return action()
    except (anthropic.AnthropicError, openai.OpenAIError) as exc:
        raise to_provider_error(exc, endpoint, model) from None
    except (AttributeError, TypeError, KeyError, ValueError):
        raise ProviderError(
            ErrorKind.BAD_REPLY, f"{endpoint.name} answered the batch request with something else."
        ) from None


def submit(endpoint: Endpoint, requests: Sequence[BatchRequest]) -> str:
    """Send the requests as one batch; returns its id."""
    model = requests[0].model if requests else ""
    if endpoint.api is Api.ANTHROPIC:
        items = [
            {
                "custom_id": r.custom_id,
                "params": anthropic_params(r.model, r.system, _wire(r.messages), r.max_tokens),
            }
            for r in requests
        ]
        client = _anthropic_client(endpoint)
        return _sdk_call(endpoint, model, lambda: client.messages.batches.create(requests=items).id)
    lines = [
        json.dumps({
            "custom_id": r.custom_id, "method": "POST", "url": CHAT_PATH,
            "body": {
                "model": r.model, "max_completion_tokens": r.max_tokens,
                "messages": [{"role": "system", "content": r.system}, *_wire(r.messages)],
            },
        })
        for r in requests
    ]  # fmt: skip
    client = _openai_client(endpoint)

    def send() -> str:
        upload = client.files.create(
            file=("batch.jsonl", ("\n".join(lines) + "\n").encode()), purpose="batch"
        )
        return client.batches.create(
            input_file_id=upload.id, endpoint=CHAT_PATH, completion_window="24h"
        ).id

    return _sdk_call(endpoint, model, send)


def status(endpoint: Endpoint, batch_id: str) -> BatchStatus:
    """Whether the batch has ended, in the provider's words."""
    if endpoint.api is Api.ANTHROPIC:
        found = _sdk_call(
            endpoint, "", lambda: _anthropic_client(endpoint).messages.batches.retrieve(batch_id)
        )
        counts = found.request_counts
        words = (
            f"{found.processing_status}: {counts.succeeded} succeeded, {counts.errored} failed, "
            f"{counts.expired} expired, {counts.canceled} cancelled, {counts.processing} waiting"
        )
        return BatchStatus(batch_id, found.processing_status == "ended", words)
    found = _sdk_call(endpoint, "", lambda: _openai_client(endpoint).batches.retrieve(batch_id))
    counts = found.request_counts
    words = found.status + (
        f": {counts.completed} of {counts.total} done, {counts.failed} failed" if counts else ""
    )
    return BatchStatus(batch_id, found.status in OPENAI_ENDED, words)


def cancel(endpoint: Endpoint, batch_id: str) -> None:
    """Ask the provider to stop the batch; what it had answered stays in its results."""
    if endpoint.api is Api.ANTHROPIC:
        client = _anthropic_client(endpoint)
        _sdk_call(endpoint, "", lambda: client.messages.batches.cancel(batch_id))
    else:
        _sdk_call(endpoint, "", lambda: _openai_client(endpoint).batches.cancel(batch_id))


def results(endpoint: Endpoint, batch_id: str) -> list[ItemResult]:
    """Every item's result of an ended batch: a reply, or why there is none."""
    if endpoint.api is Api.ANTHROPIC:
        return _sdk_call(endpoint, "", lambda: _anthropic_results(endpoint, batch_id))
    return _sdk_call(endpoint, "", lambda: _openai_results(endpoint, batch_id))


def _anthropic_results(endpoint: Endpoint, batch_id: str) -> list[ItemResult]:
    found = []
    for item in _anthropic_client(endpoint).messages.batches.results(batch_id):
        outcome = item.result
        if outcome.type != "succeeded":
            reason = {"errored": "failed", "expired": "expired", "canceled": "cancelled"}
            detail = ""
            if outcome.type == "errored":
                detail = f": {outcome.error.error.message}"
            found.append(ItemResult(item.custom_id, error=reason[outcome.type] + detail))
            continue
        message = outcome.message
        text = "".join(block.text for block in message.content if block.type == "text")
        reply = Reply(text, message.stop_reason, anthropic_usage(message.usage), {})
        found.append(ItemResult(item.custom_id, reply))
    return found


def _openai_results(endpoint: Endpoint, batch_id: str) -> list[ItemResult]:
    _, openai = _sdks()
    client = _openai_client(endpoint)
    batch = client.batches.retrieve(batch_id)
    lines: list[dict[str, Any]] = []
    for file_id in (batch.output_file_id, batch.error_file_id):
        if file_id:
            text = client.files.content(file_id).text
            lines += [json.loads(line) for line in text.splitlines() if line.strip()]
    found = []
    for line in lines:
        response, error = line.get("response") or {}, line.get("error") or {}
        if response.get("status_code") != 200:
            reason = error.get("code") or f"HTTP {response.get('status_code')}"
            reason = {"batch_expired": "expired", "batch_cancelled": "cancelled"}.get(
                reason, f"failed: {reason}"
            )
            found.append(ItemResult(line["custom_id"], error=reason))
            continue
        completion = openai.types.chat.ChatCompletion.model_validate(response["body"])
        choice = completion.choices[0]
        usage = openai_usage(completion.usage) if completion.usage else {}
        reply = Reply(choice.message.content or "", choice.finish_reason, usage, {})
        found.append(ItemResult(line["custom_id"], reply))
    if batch.status in ("expired", "cancelled", "failed"):  # items it never reached
        seen = {item.custom_id for item in found}
        return found + [ItemResult(i, error=batch.status) for i in _input_ids(client, batch, seen)]
    return found


def _input_ids(client: Any, batch: Any, seen: set[str]) -> list[str]:
    """The items of the batch's input file that have no line in its output or error file."""
    text = client.files.content(batch.input_file_id).text
    ids = [json.loads(line)["custom_id"] for line in text.splitlines() if line.strip()]
    return [i for i in ids if i not in seen]
