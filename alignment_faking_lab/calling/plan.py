"""A run's plan: everything that defines it (endpoint, models, requests, tiers, samples,
prompt variants, limits, judge) and the calls it makes, each with a deterministic id.

The same plan always makes the same ids, which is what lets a run resume without re-sending or
duplicating anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from alignment_faking_lab.calling.endpoints import Endpoint, address_override
from alignment_faking_lab.data.transcript import Tier, transcript_id
from alignment_faking_lab.protocol.conversation import MAX_TURNS
from alignment_faking_lab.protocol.judges import JudgeSettings
from alignment_faking_lab.protocol.queries import Query


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 5
    backoff: float = 1.0  # seconds before the first retry; doubles each time, with jitter
    max_backoff: float = 30.0


@dataclass(frozen=True)
class Plan:
    """Everything that defines a run; the same plan run twice makes the same transcript ids."""

    run_id: str
    endpoint: Endpoint
    models: Sequence[str]
    queries: Sequence[Query]
    tiers: Sequence[Tier] = (Tier.FREE, Tier.PAID)
    samples: int = 1
    variants: Sequence[str] = ("default",)
    minimal_repro_suffix: bool = False
    max_tokens: int = 4096
    max_turns: int = MAX_TURNS
    concurrency: int = 8
    prefill: bool = True
    judge: JudgeSettings | None = None
    judge_endpoint: Endpoint | None = None  # defaults to `endpoint`

    @property
    def setting(self) -> str:
        return "helpful_only_minimal" if self.minimal_repro_suffix else "helpful_only"


MAX_RUN_ID_CHARS = 60


def run_id_from_name(name: str) -> str:
    """A typed run name as a run id that is also a safe file name: letters, digits, `-`, `_`
    and `.` kept, anything else `_`, no leading or trailing `.` or `_`, at most
    `MAX_RUN_ID_CHARS` (file names stop at 255 bytes, and a letter may take several)."""
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)
    return safe.strip("._")[:MAX_RUN_ID_CHARS].strip("._")


@dataclass(frozen=True, slots=True)
class Call:
    query: Query
    tier: Tier
    variant: str
    model: str
    sample_index: int
    id: str


def plan_calls(plan: Plan) -> list[Call]:
    """Free and paid of the same query and sample sit next to each other, so a partial run
    still yields pairs.

    Ids cover everything that decides a reply: the address calls go to (set on the endpoint or
    through the SDK's environment variable), and the reply's limits when not the defaults (left
    out then, so the ids of earlier runs, and their resume, stay the same).
    """
    address = address_override(plan.endpoint)
    shape = [
        f"{name}={value}"
        for name, value, default in (
            ("max_tokens", plan.max_tokens, 4096),
            ("max_turns", plan.max_turns, MAX_TURNS),
            (
                "prefill",
                plan.prefill and plan.endpoint.allows_prefill,
                plan.endpoint.allows_prefill,
            ),
        )
        if value != default
    ]
    calls = []
    for model in plan.models:
        for variant in plan.variants:
            for query in plan.queries:
                for sample in range(plan.samples):
                    for tier in plan.tiers:
                        identity = (
                            plan.run_id, plan.endpoint.name, address, model, variant,
                            plan.minimal_repro_suffix, query.id, query.text, tier.value, sample,
                            *shape,
                        )  # fmt: skip
                        calls.append(
                            Call(query, tier, variant, model, sample, transcript_id(*identity))
                        )
    return calls


def describe(call: Call) -> str:
    parts = (call.model, call.variant, call.query.id, call.tier.value, f"#{call.sample_index}")
    return " / ".join(parts)
