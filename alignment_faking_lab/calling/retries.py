"""One model call as a run makes it: from the reply cache when the same request was answered
before, else sent with retries that back off (doubling, with jitter, honouring `retry-after`)
and stop at once on cancel.
"""

from __future__ import annotations

import random
import threading

from alignment_faking_lab.calling.endpoints import Endpoint, ProviderError, address_override
from alignment_faking_lab.calling.plan import RetryPolicy
from alignment_faking_lab.calling.providers import complete
from alignment_faking_lab.calling.response_cache import ResponseCache, request_key
from alignment_faking_lab.data.transcript import Message
from alignment_faking_lab.protocol.conversation import OnText, Reply


def call_with_retries(
    endpoint: Endpoint,
    model: str,
    system: str,
    messages: list[Message],
    *,
    max_tokens: int,
    retry: RetryPolicy,
    cancel: threading.Event,
    cache: ResponseCache | None = None,
    cache_extra: dict | None = None,
    on_text: OnText | None = None,
) -> tuple[Reply, bool, int]:
    """(reply, from cache, attempts). Backs off on retryable errors, honouring retry-after."""
    key = None
    if cache is not None:
        key = request_key(
            api=endpoint.api.value, base_url=address_override(endpoint) or None, model=model,
            system=system,
            messages=[(m.role, m.content) for m in messages], max_tokens=max_tokens,
            **(cache_extra or {}),
        )  # fmt: skip
        if (hit := cache.get(key)) is not None:
            if on_text:
                on_text(hit.text)
            return hit, True, 0
    for attempt in range(1, retry.attempts + 1):
        try:
            reply = complete(endpoint, model, system, messages, max_tokens, on_text)
        except ProviderError as error:
            if not error.retryable or attempt == retry.attempts:
                error.attempts = attempt
                raise
            delay = min(retry.max_backoff, retry.backoff * 2 ** (attempt - 1))
            delay = max(delay * random.uniform(0.5, 1.0), error.retry_after or 0.0)
            if cancel.wait(delay):
                raise
            continue
        if cache is not None and key is not None:
            cache.put(key, reply)
        return reply, False, attempt
    raise AssertionError("unreachable")
