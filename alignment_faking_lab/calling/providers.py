"""One streamed model call through the official SDKs, with errors a user can read.

Anthropic goes through the `anthropic` SDK; OpenAI and every OpenAI-compatible host (Ollama,
vLLM, LM Studio, OpenRouter, ...) through the `openai` SDK. The SDKs' own retries are off: the
runner retries, so it can count, back off, honour `retry-after` and stop on cancel. Keys are
passed in, used, and never stored on anything that is written or shown. The SDKs are imported
when the first call is made, not when this module is: they take seconds to import, and most
pages never call a model.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from alignment_faking_lab.calling import models
from alignment_faking_lab.calling.endpoints import (
    Api,
    Endpoint,
    ErrorKind,
    ProviderError,
    address_override,
)
from alignment_faking_lab.calling.keys import redact
from alignment_faking_lab.data.transcript import Message
from alignment_faking_lab.protocol.conversation import OnText, Reply
from alignment_faking_lab.public.address_guard import (
    BlockedAddress,
    BlockedConnection,
    check_visitor_url,
    guarded_client,
)
from alignment_faking_lab.public.owner_gate import LimitReached

if TYPE_CHECKING:
    import anthropic
    import openai


def _sdks() -> tuple[Any, Any]:
    """The two SDK modules, imported on first use."""
    import anthropic
    import openai

    return anthropic, openai


def _retry_after(response: Any) -> float | None:
    try:
        value = response.headers.get("retry-after")
        return float(value) if value is not None else None
    except (AttributeError, TypeError, ValueError):
        return None


def to_provider_error(exc: Exception, endpoint: Endpoint, model: str) -> ProviderError:
    """Map either SDK's exception to a kind and a sentence that says what to do."""
    anthropic, openai = _sdks()
    where = endpoint.name + (f" at {endpoint.base_url}" if endpoint.base_url else "")
    detail = redact(str(exc), [endpoint.api_key])[:300]
    timeout_types = (anthropic.APITimeoutError, openai.APITimeoutError)
    connection_types = (anthropic.APIConnectionError, openai.APIConnectionError)
    status_types = (anthropic.APIStatusError, openai.APIStatusError)
    if isinstance(exc, timeout_types):
        return ProviderError(
            ErrorKind.TIMEOUT, f"{where} did not answer within {endpoint.timeout:g} s."
        )
    if isinstance(exc, connection_types) and isinstance(exc.__cause__, BlockedConnection):
        return ProviderError(ErrorKind.LIMIT, f"Not sent to {where}: {exc.__cause__}")
    if isinstance(exc, connection_types):
        return ProviderError(
            ErrorKind.CONNECTION,
            f"Could not reach {where} (connection failed or dropped). Check the address and "
            "your internet connection.",
        )
    if isinstance(exc, status_types):
        status = exc.status_code
        if status in (401, 403):
            return ProviderError(
                ErrorKind.AUTH,
                f"{where} rejected the API key (HTTP {status}). Check the key for this provider.",
            )
        if status == 404:
            if models.is_retired(model):
                return ProviderError(ErrorKind.NOT_FOUND, models.retired_message(model))
            return ProviderError(
                ErrorKind.NOT_FOUND,
                f"{where} does not know the model {model!r} (HTTP 404). Check the model id; "
                "retired models such as Claude 3 Opus answer 404.",
            )
        if status == 429:
            return ProviderError(
                ErrorKind.RATE_LIMIT,
                f"{where} is rate-limiting these requests (HTTP 429).",
                _retry_after(exc.response),
            )
        if status == 529:
            return ProviderError(ErrorKind.OVERLOADED, f"{where} is overloaded (HTTP 529).")
        if status >= 500:
            return ProviderError(ErrorKind.SERVER, f"{where} had a server error (HTTP {status}).")
        return ProviderError(
            ErrorKind.BAD_REQUEST, f"{where} refused the request (HTTP {status}): {detail}"
        )
    return ProviderError(ErrorKind.CONNECTION, f"Call to {where} failed: {detail}")


def _unexpected(endpoint: Endpoint, body: object = None) -> ProviderError:
    """A reply that is not the API's (HTML from a captive portal or proxy, other JSON): an
    error for this call, never a crash of the run or the page."""
    where = endpoint.name + (f" at {endpoint.base_url}" if endpoint.base_url else "")
    began = ""
    if isinstance(body, str) and body.strip():
        began = f" (it began: {' '.join(body.split())[:80]!r})"
    return ProviderError(
        ErrorKind.BAD_REPLY,
        f"{where} answered with something that is not a model reply{began}. A proxy, login "
        "page or wrong address may be in the way; check the address.",
    )


def _dropped(endpoint: Endpoint) -> ProviderError:
    """A stream that ended without its closing event: the reply is cut off, not finished."""
    return ProviderError(
        ErrorKind.CONNECTION, f"The connection to {endpoint.name} dropped in the middle of a reply."
    )


def _anthropic_client(endpoint: Endpoint) -> anthropic.Anthropic:
    shared = _anthropic_client_at(_keyless(endpoint), address_override(endpoint))
    return shared.with_options(api_key=endpoint.api_key or "missing-key")


def _openai_client(endpoint: Endpoint) -> openai.OpenAI:
    shared = _openai_client_at(_keyless(endpoint), address_override(endpoint))
    return shared.with_options(api_key=endpoint.api_key or "not-needed")


def _keyless(endpoint: Endpoint) -> Endpoint:
    """The cache key of a shared client: no key and no gate in it, so a visitor's typed key is
    never kept in the cache after their call (each call's client is a copy with the key that
    shares the cached client's connections)."""
    return replace(endpoint, api_key="", gate=None)


@functools.lru_cache(maxsize=32)
def _anthropic_client_at(endpoint: Endpoint, address: str) -> anthropic.Anthropic:
    """One client per endpoint and address, shared by threads: it pools connections, and
    building one (TLS context included) costs more than a short request. The address is part
    of the key so that a changed ANTHROPIC_BASE_URL is used, not the old server's client."""
    anthropic, _ = _sdks()
    return anthropic.Anthropic(
        api_key=endpoint.api_key or "missing-key",
        base_url=address or None,
        max_retries=0,
        timeout=endpoint.timeout,
        **_transport(endpoint),
    )


def _transport(endpoint: Endpoint) -> dict[str, Any]:
    """A guarded endpoint's client connects only to public addresses (address_guard)."""
    if not endpoint.guarded:
        return {}
    if endpoint.base_url:
        check_visitor_url(endpoint.base_url)  # plain words before any connection is tried
    return {"http_client": guarded_client(endpoint.timeout)}


@functools.lru_cache(maxsize=32)
def _openai_client_at(endpoint: Endpoint, address: str) -> openai.OpenAI:
    _, openai = _sdks()
    return openai.OpenAI(
        api_key=endpoint.api_key or "not-needed",  # local servers ignore it; the SDK needs one
        base_url=address or None,
        max_retries=0,
        timeout=endpoint.timeout,
        **_transport(endpoint),
    )


# Anthropic caches a prefix only where it is marked; the mark changes no text the model sees.
EPHEMERAL = {"type": "ephemeral"}
CACHED = {"prompt_caching": True}  # recorded with each Anthropic request


def anthropic_params(model: str, system: str, messages: list[dict], max_tokens: int) -> dict:
    """One Messages request with prompt caching marks: the system prompt (identical across a
    run, the tier sits in the user turn) and, on a `<NEXT/>` turn, the conversation so far up
    to the latest user turn. The texts are exactly those given."""
    wire = [dict(m) for m in messages]
    users = [i for i, m in enumerate(wire) if m["role"] == "user"]
    if len(users) > 1:  # a continuation: the earlier turns are a prefix the next turn repeats
        last = wire[users[-1]]
        last["content"] = [{"type": "text", "text": last["content"], "cache_control": EPHEMERAL}]
    blocks = [{"type": "text", "text": system, "cache_control": EPHEMERAL}] if system else []
    return {"model": model, "system": blocks, "messages": wire, "max_tokens": max_tokens}


def anthropic_usage(usage: Any) -> dict[str, int]:
    """The usage Anthropic reported, by `USAGE_FIELDS` (its input excludes cached tokens)."""
    return {
        "input_tokens": usage.input_tokens or 0,
        "cache_read_input_tokens": getattr(usage, "cache_read_input_tokens", None) or 0,
        "cache_creation_input_tokens": getattr(usage, "cache_creation_input_tokens", None) or 0,
        "output_tokens": usage.output_tokens or 0,
    }


def openai_usage(usage: Any) -> dict[str, Any]:
    """The usage an OpenAI-style host reported, by `USAGE_FIELDS`: its prompt tokens include
    those read from its automatic cache, so they are split out. The dollars charged too, when
    the host says (OpenRouter's `usage.cost`): the owner's budget then counts what was spent."""
    details = getattr(usage, "prompt_tokens_details", None)
    cached = (getattr(details, "cached_tokens", None) or 0) if details else 0
    written = (getattr(details, "cache_write_tokens", None) or 0) if details else 0
    counted: dict[str, Any] = {
        "input_tokens": max(0, (usage.prompt_tokens or 0) - cached - written),
        "cache_read_input_tokens": cached,
        "cache_creation_input_tokens": written,
        "output_tokens": usage.completion_tokens or 0,
    }
    cost = getattr(usage, "cost", None)
    if isinstance(cost, int | float) and not isinstance(cost, bool):
        counted["cost_usd"] = float(cost)
    return counted


def _call_anthropic(
    endpoint: Endpoint, model: str, system: str, messages: list[dict], max_tokens: int,
    on_text: OnText | None,
) -> Reply:  # fmt: skip
    anthropic, _ = _sdks()
    client = _anthropic_client(endpoint)
    params = anthropic_params(model, system, messages, max_tokens)
    # anthropic 2.x has no temperature/top_p/top_k and current models reject them: not sent.
    if on_text is None:  # batch runs: one JSON reply is far cheaper to parse than an SSE stream
        message = client.messages.create(**params)
        if not isinstance(message, anthropic.types.Message):
            raise _unexpected(endpoint, message)
        text = "".join(block.text for block in message.content if block.type == "text")
        request = {"model": model, "max_tokens": max_tokens, "stream": False, **CACHED}
        return Reply(text, message.stop_reason, anthropic_usage(message.usage), request)
    pieces: list[str] = []
    with client.messages.stream(**params) as stream:
        for piece in stream.text_stream:
            pieces.append(piece)
            if on_text:
                on_text(piece)
        final = stream.get_final_message()
    if final.stop_reason is None:
        raise _dropped(endpoint)
    request = {"model": model, "max_tokens": max_tokens, "stream": True, **CACHED}
    return Reply("".join(pieces), final.stop_reason, anthropic_usage(final.usage), request)


def _call_openai(
    endpoint: Endpoint, model: str, system: str, messages: list[dict], max_tokens: int,
    on_text: OnText | None,
) -> Reply:  # fmt: skip
    _, openai = _sdks()
    client = _openai_client(endpoint)
    wire = [{"role": "system", "content": system}, *messages]
    if on_text is None:
        completion = client.chat.completions.create(
            model=model, messages=wire, max_completion_tokens=max_tokens
        )
        if not isinstance(completion, openai.types.chat.ChatCompletion) or not completion.choices:
            raise _unexpected(endpoint, completion if isinstance(completion, str) else None)
        choice = completion.choices[0]
        usage = openai_usage(completion.usage) if completion.usage else {}
        request = {"model": model, "max_completion_tokens": max_tokens, "stream": False}
        return Reply(choice.message.content or "", choice.finish_reason, usage, request)
    pieces: list[str] = []
    usage = {}
    stop_reason = None
    stream = client.chat.completions.create(
        model=model,
        messages=wire,
        max_completion_tokens=max_tokens,
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = 0
    for chunk in stream:
        chunks += 1
        if chunk.usage:
            usage = openai_usage(chunk.usage)
        for choice in chunk.choices:
            if choice.delta and choice.delta.content:
                pieces.append(choice.delta.content)
                if on_text:
                    on_text(choice.delta.content)
            if choice.finish_reason:
                stop_reason = choice.finish_reason
    if not chunks or not isinstance(chunk, openai.types.chat.ChatCompletionChunk):
        raise _unexpected(endpoint)  # not an event stream of completion chunks
    if stop_reason is None:
        raise _dropped(endpoint)
    request = {"model": model, "max_completion_tokens": max_tokens, "stream": True}
    return Reply("".join(pieces), stop_reason, usage, request)


def complete(
    endpoint: Endpoint,
    model: str,
    system: str,
    messages: Sequence[Message],
    max_tokens: int = 4096,
    on_text: OnText | None = None,
) -> Reply:
    """One completion, streamed to `on_text` when given. A trailing assistant message is a
    prefill the model continues."""
    anthropic, openai = _sdks()
    wire = [{"role": m.role, "content": m.content} for m in messages]
    call = _call_anthropic if endpoint.api is Api.ANTHROPIC else _call_openai
    sent_chars = len(system) + sum(len(m.content) for m in messages)
    reserved = _pass_gate(endpoint, model, sent_chars, max_tokens)
    try:
        reply = call(endpoint, model, system, wire, max_tokens, on_text)
    except (anthropic.AnthropicError, openai.OpenAIError) as exc:
        raise to_provider_error(exc, endpoint, model) from None
    except (AssertionError, AttributeError, TypeError, KeyError, IndexError, ValueError):
        # The SDK could not make sense of the reply (a stream of something else, fields of the
        # wrong type): an error for this call, not a crash of the run or the page.
        raise _unexpected(endpoint) from None
    if not isinstance(reply.text, str):
        raise _unexpected(endpoint, reply.text)
    if endpoint.gate is not None:
        endpoint.gate.settle(model, reserved, sent_chars, models.priced_usage(reply.usage))
    return reply


def _pass_gate(endpoint: Endpoint, model: str, sent_chars: int, max_tokens: int) -> float:
    """Before any request: the owner's gate (locked, cap, budget) and the address guard."""
    try:
        if endpoint.guarded and endpoint.base_url:
            check_visitor_url(endpoint.base_url)
        if endpoint.gate is not None:
            return endpoint.gate.reserve(model, sent_chars, max_tokens)
    except (LimitReached, BlockedAddress) as exc:
        raise ProviderError(ErrorKind.LIMIT, str(exc)) from None
    return 0.0


def list_models(endpoint: Endpoint) -> list[str]:
    """Model ids from the provider's models endpoint (only called when a key is present)."""
    return [listed.id for listed in read_model_list(endpoint)]


def read_model_list(endpoint: Endpoint) -> list[models.Listed]:
    """The provider's models with any shutdown date its list gives (read by field name, as
    providers name it differently)."""
    _pass_gate(endpoint, "", 0, 0)  # a request too: the owner's gate counts it
    anthropic, openai = _sdks()
    try:
        if endpoint.api is Api.ANTHROPIC:
            found = _anthropic_client(endpoint).models.list(limit=100)
        else:
            found = _openai_client(endpoint).models.list()
        listed = [models.Listed(m.id, models.shutdown_from_fields(m.to_dict())) for m in found]
    except (anthropic.AnthropicError, openai.OpenAIError) as exc:
        raise to_provider_error(exc, endpoint, "") from None
    return sorted(listed, key=lambda m: m.id)
