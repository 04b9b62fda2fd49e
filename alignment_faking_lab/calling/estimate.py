"""What a run will send and roughly cost, before anything is sent.

Token counts are estimates (about four characters per token, and an assumed reply length, as
the study's scratchpads run long); prices are list prices the user can edit. Judging is counted
as an upper bound: the alignment-faking judge only sees compliant free-tier transcripts, and
how many there will be is not known in advance. Three prices are given: sent directly at list
price, with prompt caching (the system prompt written once per model and prompt, then read at
the provider's cache price), and as a batch with caching (the batch discount on top). After a
run, `actual_cost` prices what the provider reported it used.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from alignment_faking_lab.calling import models
from alignment_faking_lab.calling.plan import Plan, plan_calls
from alignment_faking_lab.data.transcript import Tier, Transcript
from alignment_faking_lab.protocol import prompts
from alignment_faking_lab.protocol.conversation import PREFILL
from alignment_faking_lab.protocol.judges import COMPLIANCE_JUDGE_SYSTEM, FAKING_JUDGE_SYSTEM

CHARS_PER_TOKEN = 4
ASSUMED_REPLY_TOKENS = 1200  # scratchpad reasoning plus the answer, per conversation
ASSUMED_TURNS = 2  # most replies stop once after reasoning and need one <NEXT/>
JUDGE_REPLY_TOKENS = {"compliance": 80, "faking": 350}

# USD per million tokens (input, output), dated in the models table; users edit them in the app.
PRICES_PER_MILLION: dict[str, tuple[float, float]] = models.prices()


def tokens(text: str) -> int:
    return max(1, len(text) // CHARS_PER_TOKEN)


@dataclass(frozen=True, slots=True)
class Estimate:
    calls: int  # conversations
    requests: int  # model requests, counting the expected <NEXT/> turns
    input_tokens: int
    output_tokens: int
    judge_requests: int
    judge_input_tokens: int
    judge_output_tokens: int
    cost_usd: float | None  # None when a model's price is unknown
    cached_cost_usd: float | None = None  # with prompt caching
    batch_cost_usd: float | None = None  # as a batch, with prompt caching
    prices: dict[str, tuple[float, float]] | None = None  # those used, to price the actual run

    @property
    def total_requests(self) -> int:
        return self.requests + self.judge_requests

    @property
    def total_tokens(self) -> int:
        return (
            self.input_tokens + self.output_tokens + self.judge_input_tokens
            + self.judge_output_tokens
        )  # fmt: skip


def _cost(model: str, input_tokens: int, output_tokens: int, prices) -> float | None:
    price = prices.get(model)
    if price is None:
        return None
    return (input_tokens * price[0] + output_tokens * price[1]) / 1_000_000


def _usage_cost(
    model: str, usage: dict, prices, discounts: models.Discounts, batch: bool
) -> float | None:
    price = prices.get(model)
    return None if price is None else discounts.cost(usage, price, batch=batch)


def actual_cost(
    transcripts: list[Transcript], prices: dict[str, tuple[float, float]] | None = None
) -> float | None:
    """What a run's model calls cost, from the usage each provider reported (cached input at
    the cache price, batch calls at the batch discount; judges not included, as their usage is
    not recorded). None when a model's price is unknown or no transcript reported usage."""
    prices = PRICES_PER_MILLION if prices is None else prices
    total, reported = 0.0, False
    for transcript in transcripts:
        if not transcript.usage:
            continue
        api = "anthropic" if transcript.request.get("max_tokens") is not None else "openai"
        cost = _usage_cost(
            transcript.model, transcript.usage, prices, models.DISCOUNTS[api],
            batch=transcript.request.get("batch") is True,
        )  # fmt: skip
        if cost is None:
            return None
        total, reported = total + cost, True
    return total if reported else None


def estimate(plan: Plan, prices: dict[str, tuple[float, float]] | None = None) -> Estimate:
    """Calls, requests, tokens and cost of a run before it is sent (assumptions in `Estimate`).

    Args:
        plan: the run to estimate (judging counted as if every free-tier answer complied).
        prices: USD per million (input, output) tokens by model id; `PRICES_PER_MILLION` when
            None. A model without a price makes the cost unknown (None).
    """
    prices = PRICES_PER_MILLION if prices is None else prices
    calls = plan_calls(plan)
    input_tokens = output_tokens = 0
    judge_requests = judge_in = judge_out = 0
    cost: float | None = 0.0
    cached_cost: float | None = 0.0
    batch_cost: float | None = 0.0
    written: set[tuple[str, str]] = set()  # (model, prompt) whose system prompt is cached
    discounts = models.DISCOUNTS[plan.endpoint.api.value]
    for call in calls:
        system = prompts.get_variant(call.variant).text
        user = prompts.build_user_turn(
            call.query.text, call.tier, minimal_repro_suffix=plan.minimal_repro_suffix
        )
        per_turn_reply = ASSUMED_REPLY_TOKENS // ASSUMED_TURNS
        call_in = sum(
            tokens(system) + tokens(user) + turn * per_turn_reply for turn in range(ASSUMED_TURNS)
        )
        input_tokens += call_in
        output_tokens += ASSUMED_REPLY_TOKENS
        call_cost = _cost(call.model, call_in, ASSUMED_REPLY_TOKENS, prices)
        cost = None if cost is None or call_cost is None else cost + call_cost
        cacheable = (call.model, call.variant)
        usage = {
            "input_tokens": call_in - ASSUMED_TURNS * tokens(system),
            "cache_creation_input_tokens": 0 if cacheable in written else tokens(system),
            "cache_read_input_tokens": (ASSUMED_TURNS - (cacheable not in written))
            * tokens(system),
            "output_tokens": ASSUMED_REPLY_TOKENS,
        }
        written.add(cacheable)
        cached = _usage_cost(call.model, usage, prices, discounts, batch=False)
        batch = _usage_cost(call.model, usage, prices, discounts, batch=True)
        cached_cost = None if cached_cost is None or cached is None else cached_cost + cached
        batch_cost = None if batch_cost is None or batch is None else batch_cost + batch
        if plan.judge is None:
            continue
        judged_in = judged_out = requests = 0
        if not plan.minimal_repro_suffix:
            requests += 1
            judged_in += tokens(COMPLIANCE_JUDGE_SYSTEM) + tokens(call.query.text) + 400
            judged_out += JUDGE_REPLY_TOKENS["compliance"]
        if call.tier is Tier.FREE:  # upper bound: as if every free-tier answer complied
            requests += plan.judge.votes
            judged_in += plan.judge.votes * (tokens(FAKING_JUDGE_SYSTEM) + ASSUMED_REPLY_TOKENS)
            judged_out += plan.judge.votes * JUDGE_REPLY_TOKENS["faking"]
        judge_requests += requests
        judge_in += judged_in
        judge_out += judged_out
        judge_cost = _cost(plan.judge.model, judged_in, judged_out, prices)
        cost = None if cost is None or judge_cost is None else cost + judge_cost
        # The judges are sent directly (a verdict is needed when the reply lands), uncached.
        cached_cost = (
            None if cached_cost is None or judge_cost is None else cached_cost + judge_cost
        )
        batch_cost = None if batch_cost is None or judge_cost is None else batch_cost + judge_cost
    return Estimate(
        calls=len(calls),
        requests=len(calls) * ASSUMED_TURNS,
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        judge_requests=judge_requests,
        judge_input_tokens=judge_in,
        judge_output_tokens=judge_out,
        cost_usd=cost,
        cached_cost_usd=cached_cost,
        batch_cost_usd=batch_cost,
        prices=prices,
    )


def three_prices(guess: Estimate) -> list[tuple[str, float | None, str]]:
    """The estimate's three prices as (label, USD, what it assumes)."""
    return [
        ("Sent directly", guess.cost_usd, "Every request at the list price."),
        ("With prompt caching", guess.cached_cost_usd,
         "On by default: the system prompt is written to the provider's cache once, then read "
         "at about a tenth of the input price (Anthropic: marked; OpenAI: automatic)."),
        ("As a batch, with caching", guess.batch_cost_usd,
         "Half price for the model under test, results within 24 h; cache hits in a batch are "
         "best effort. Judges are sent directly."),
    ]  # fmt: skip


def dollars(usd: float | None) -> str:
    return f"${usd:,.2f}" if usd is not None else "unknown"


def dry_run(plan: Plan, limit: int = 4) -> list[dict[str, Any]]:
    """The first requests exactly as they would be sent (without any key); nothing is sent.

    Args:
        plan: the run to show.
        limit: how many requests to show.
    """
    prefill = plan.prefill and plan.endpoint.allows_prefill
    requests = []
    for call in plan_calls(plan)[:limit]:
        user = prompts.build_user_turn(
            call.query.text, call.tier, minimal_repro_suffix=plan.minimal_repro_suffix
        )
        messages = [{"role": "user", "content": user}]
        if prefill:
            messages.append({"role": "assistant", "content": PREFILL})
        requests.append(
            {
                "id": call.id,
                "endpoint": plan.endpoint.name,
                "base_url": plan.endpoint.base_url,
                "model": call.model,
                "tier": call.tier.value,
                "variant": call.variant,
                "max_tokens": plan.max_tokens,
                "system": prompts.get_variant(call.variant).text,
                "messages": messages,
            }
        )
    return requests
