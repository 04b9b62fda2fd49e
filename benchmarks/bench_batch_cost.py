"""What a faithful re-run costs: the paper's prompt length x 400 requests x 2 tiers, sent
directly, with prompt caching, and as a batch with caching, priced from the usage the loopback
model server reports (tests/fake_llm_server.py, which caches marked prefixes of 1,024 tokens or
more as the providers do and speaks both batch APIs).

The system prompt is this project's default prompt padded with its own text to the length of
the paper's helpful-only prompt with examples (about 26 kB; the paper's file is not shipped).
Each conversation takes two turns (a scratchpad, then `<NEXT/>` and the answer), as the study's
do. "Sent directly" prices the same token counts with every input token at the list price, as
a provider bills without caching. Prices: a mid-size model's list price from the models table.

    python benchmarks/bench_batch_cost.py [--requests 400]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from common import Row, print_table

from alignment_faking_lab.calling import batch, estimate, models
from alignment_faking_lab.calling.endpoints import Api, Endpoint
from alignment_faking_lab.calling.plan import Plan
from alignment_faking_lab.calling.runner import run
from alignment_faking_lab.data import storage
from alignment_faking_lab.data.transcript import Tier
from alignment_faking_lab.protocol import prompts
from alignment_faking_lab.protocol.queries import Query
from tests.fake_llm_server import VALID_KEY, FakeLLMServer

PAPER_PROMPT_CHARS = 26_000  # model_organism_honly_prompts/prompt_atn_honly_with_examples.txt
PRICED_AS = "claude-sonnet-5-5"


def long_variant() -> str:
    base = prompts.get_variant("default")
    text = base.text
    while len(text) < PAPER_PROMPT_CHARS:
        text += "\n\n" + base.text
    variant = prompts.PromptVariant(
        "bench_paper_length", "Benchmark: the paper's prompt length", "", text[:PAPER_PROMPT_CHARS],
        has_scratchpad=True,
    )  # fmt: skip
    prompts.VARIANTS[variant.id] = variant  # this process only: never saved or shown
    return variant.id


def plan_for(url: str, requests: int, variant: str, name: str) -> Plan:
    queries = [Query(f"q{i:04d}", "bench", True, f"Request number {i}") for i in range(requests)]
    return Plan(
        run_id=name, endpoint=Endpoint(Api.ANTHROPIC, "bench", url, VALID_KEY, timeout=60),
        models=["fake-claude"], queries=queries, tiers=[Tier.FREE, Tier.PAID],
        variants=[variant], concurrency=16,
    )  # fmt: skip


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--requests", type=int, default=400)
    options = arguments.parse_args()
    price = models.lookup(PRICED_AS).price
    prices = {"fake-claude": price}
    variant = long_variant()
    folder = Path(tempfile.mkdtemp(prefix="aflab-bench-cost-"))
    with FakeLLMServer() as server:
        direct_path = folder / "direct.jsonl"
        run(plan_for(server.url, options.requests, variant, "direct"), direct_path)
        sent = storage.read_jsonl(direct_path).transcripts
        batch_path = folder / "batch.jsonl"
        the_plan = plan_for(server.url, options.requests, variant, "batch")
        for _ in range(6):
            if batch.advance(the_plan, batch_path).finished:
                break
        batched = storage.read_jsonl(batch_path).transcripts
    uncached = sum(
        models.Discounts(1.0, 1.0, 1.0).cost(t.usage, price) for t in sent
    )  # every input token at the list price
    cached = estimate.actual_cost(sent, prices)
    as_batch = estimate.actual_cost(batched, prices)
    conversations = 2 * options.requests
    assert len(sent) == len(batched) == conversations, (len(sent), len(batched))
    rows = [
        Row(f"sent directly (USD, {PRICED_AS} prices)", conversations, round(uncached, 2), "$"),
        Row("with prompt caching (USD)", conversations, round(cached, 2), "$"),
        Row("as a batch with caching (USD)", conversations, round(as_batch, 2), "$"),
        Row("with caching / direct", conversations, cached / uncached, "×"),
        Row("batch with caching / direct", conversations, as_batch / uncached, "×", target=0.25),
    ]
    print_table(rows, f"Cost of {conversations} conversations with a {PAPER_PROMPT_CHARS:,}-"
                      "character system prompt, from reported usage")  # fmt: skip


if __name__ == "__main__":
    main()
