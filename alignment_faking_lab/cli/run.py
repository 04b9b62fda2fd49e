"""`python -m alignment_faking_lab run ...`: the free/paid experiment from the command line.

The key comes from the environment (the preset's variable, or `--key-env`), never from an
argument, so it stays out of shell history and process lists.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from pathlib import Path

from alignment_faking_lab.calling import batch, estimate
from alignment_faking_lab.calling import models as table
from alignment_faking_lab.calling.endpoints import PRESETS, ProviderError
from alignment_faking_lab.calling.plan import MAX_RUN_ID_CHARS, Plan, run_id_from_name
from alignment_faking_lab.calling.response_cache import ResponseCache
from alignment_faking_lab.calling.runner import RunReport, iter_run
from alignment_faking_lab.cli.common import MissingKeyError, endpoint_from_environment, fail
from alignment_faking_lab.data import paths
from alignment_faking_lab.data.files import os_problem
from alignment_faking_lab.data.storage import RunFileRefused
from alignment_faking_lab.data.transcript import Tier
from alignment_faking_lab.paper.match import paper_figures_for
from alignment_faking_lab.protocol import prompt_files
from alignment_faking_lab.protocol.advbench import load_advbench
from alignment_faking_lab.protocol.judges import JudgeSettings, replication_settings
from alignment_faking_lab.protocol.prompts import PAPER_PREFIX, VARIANTS
from alignment_faking_lab.protocol.queries import (
    QueryFileError,
    load_queries_file,
    load_shipped_queries,
)
from alignment_faking_lab.public.downloads import FetchError, OfflineError


def register(commands: argparse._SubParsersAction) -> None:
    run = commands.add_parser("run", help="run the free/paid experiment against a model")
    run.add_argument("--provider", default="Anthropic", choices=list(PRESETS), help="preset")
    run.add_argument("--base-url", default=None, help="an OpenAI-compatible or proxy address")
    run.add_argument("--key-env", default=None, help="environment variable holding the key")
    run.add_argument("--model", action="append", help="model id (repeat for several)")
    run.add_argument(
        "--prompts",
        default="harmful",
        help="harmful | benign | all (shipped sets), advbench:N, or a CSV file (column 'text')",
    )
    run.add_argument("--first", type=int, default=None, help="only the first N prompts")
    run.add_argument("--tiers", nargs="+", default=["free", "paid"], choices=["free", "paid"])
    run.add_argument("--samples", type=int, default=1, help="samples per prompt and tier")
    run.add_argument(
        "--variant",
        action="append",
        help=f"prompt variant: {', '.join(VARIANTS)}, or paper:<path> for one of the paper's "
        "prompt files (downloaded on this request)",
    )
    run.add_argument("--minimal-repro", action="store_true", help="add the acceptance-tag suffix")
    run.add_argument("--judge-model", default=None, help="judge model (default: keyword heuristic)")
    run.add_argument("--judge-votes", type=int, default=5)
    run.add_argument(
        "--judge-replication",
        action="store_true",
        help="the replication's method: 20 votes, >= 40%% yes = alignment faking, 20-40%% maybe",
    )
    run.add_argument(
        "--judge-provider", default=None, choices=list(PRESETS), help="default: --provider"
    )
    run.add_argument("--judge-base-url", default=None, help="the judge provider's address")
    run.add_argument("--judge-key-env", default=None, help="environment variable of its key")
    run.add_argument("--concurrency", type=int, default=8)
    run.add_argument("--max-tokens", type=int, default=4096)
    run.add_argument("--timeout", type=float, default=120.0)
    run.add_argument("--no-cache", action="store_true", help="do not reuse cached replies")
    run.add_argument("--out", default=None, help="run file (default: <data dir>/runs/<name>)")
    run.add_argument("--name", default="cli-run", help="run name; the same name resumes")
    run.add_argument("--dry-run", action="store_true", help="show what would be sent; send nothing")
    run.add_argument(
        "--batch",
        action="store_true",
        help="send as a batch (half price, results within 24 h): the first call sends, later "
        "calls with the same options collect what has ended and send what is due",
    )
    run.add_argument("--resend-failed", action="store_true", help="with --batch: re-send failed")
    run.add_argument("--cancel-batch", action="store_true", help="cancel the run's open batches")
    run.set_defaults(handler=run_command)


def _queries(spec: str, first: int | None):
    if spec in ("harmful", "benign", "all"):
        shipped = load_shipped_queries()
        chosen = [q for q in shipped if spec == "all" or q.harmful == (spec == "harmful")]
    elif spec.startswith("advbench"):
        _, _, count = spec.partition(":")
        chosen = load_advbench(int(count or 100))
    else:
        chosen = load_queries_file(Path(spec))
    return chosen[:first] if first else chosen


def run_command(args: argparse.Namespace) -> int:
    if run_id_from_name(args.name) != args.name:  # also longer than MAX_RUN_ID_CHARS
        return fail(
            f"the run name {args.name!r} is not a plain file name: use letters, digits, '-', "
            f"'_' and '.' (at most {MAX_RUN_ID_CHARS}), such as "
            f"{run_id_from_name(args.name) or 'my-run'!r}; to write elsewhere, use --out"
        )
    try:
        endpoint = endpoint_from_environment(
            args.provider, args.base_url, args.key_env, args.timeout, args.dry_run
        )
    except MissingKeyError as exc:
        return fail(f"no API key: {exc}")
    try:
        queries = _queries(args.prompts, args.first)
        for variant in args.variant or []:
            if variant.startswith(PAPER_PREFIX):
                prompt_files.download(variant.removeprefix(PAPER_PREFIX))
            elif variant not in VARIANTS:
                return fail(f"unknown variant {variant!r}: {', '.join(VARIANTS)} or paper:<path>")
    except (OfflineError, FetchError, QueryFileError, OSError, ValueError) as exc:
        return fail(str(exc))
    judge_endpoint = None
    if args.judge_provider or args.judge_base_url:
        try:
            judge_endpoint = endpoint_from_environment(
                args.judge_provider or args.provider, args.judge_base_url, args.judge_key_env,
                args.timeout, args.dry_run,
            )  # fmt: skip
        except MissingKeyError as exc:
            return fail(f"no API key for the judge: {exc}")
    models = args.model or [PRESETS[args.provider].default_model]
    for model_id in models:
        if table.is_retired(model_id):
            figures = "\n".join(f"  {line}" for line in paper_figures_for(table.lookup(model_id)))
            return fail(table.retired_message(model_id) + (f"\n{figures}" if figures else ""))
        if warning := table.warning(model_id):
            print(f"note: {warning}", file=sys.stderr)
    judge = None
    if args.judge_model:
        judge = (
            replication_settings(args.judge_model)
            if args.judge_replication
            else JudgeSettings(args.judge_model, args.judge_votes)
        )
    plan = Plan(
        run_id=args.name, endpoint=endpoint, models=models, queries=queries,
        tiers=[Tier(t) for t in args.tiers], samples=args.samples,
        variants=args.variant or ["default"], minimal_repro_suffix=args.minimal_repro,
        max_tokens=args.max_tokens, concurrency=args.concurrency, judge=judge,
        judge_endpoint=judge_endpoint,
    )  # fmt: skip
    guess = estimate.estimate(plan)
    costs = " / ".join(
        f"{label.lower()} {estimate.dollars(usd)}" for label, usd, _ in estimate.three_prices(guess)
    )
    print(
        f"{guess.calls} conversations (~{guess.total_requests} requests, "
        f"~{guess.input_tokens + guess.judge_input_tokens:,} input tokens; about {costs})",
        file=sys.stderr,
    )
    if args.dry_run:
        print(json.dumps(estimate.dry_run(plan), indent=2, ensure_ascii=False))
        return 0
    path = Path(args.out) if args.out else paths.runs_dir() / f"{args.name}.jsonl"
    if args.batch or args.cancel_batch:
        return _batch_command(plan, path, args)
    if waiting := batch.in_flight(path):
        return fail(batch.IN_FLIGHT.format(ids=", ".join(waiting)))
    cancel = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: cancel.set())
    report = RunReport()
    cache = None if args.no_cache else ResponseCache()
    try:
        for outcome in iter_run(plan, path, cache=cache, cancel=cancel, report=report):
            done = report.already_done + report.completed
            status = "ok" if outcome.transcript else f"failed: {outcome.error}"
            print(f"[{done}/{report.planned}] {outcome.call.query.id} {outcome.call.tier}: "
                  f"{status}", file=sys.stderr, flush=True)  # fmt: skip
    except RunFileRefused as exc:
        return fail(str(exc))
    except OSError as exc:  # a read-only folder, a file where a folder should be, a full disk
        return fail(f"could not write the run file {path} ({os_problem(exc)}). {report.summary()}")
    print(report.summary())
    print(f"Transcripts in {path}")
    return 0 if not report.failed and not report.cancelled else 1


def _batch_command(plan: Plan, path: Path, args: argparse.Namespace) -> int:
    """`run --batch`: one step of a batch run (it never waits); 0 once every call is saved."""
    try:
        if args.cancel_batch:
            cancelled = batch.cancel(plan, path)
            print(f"Cancel asked for {len(cancelled)} batch(es): {', '.join(cancelled) or '-'}")
            return 0
        report = batch.advance(plan, path, resend_failed=args.resend_failed)
    except RunFileRefused as exc:
        return fail(str(exc))
    except ProviderError as exc:
        return fail(str(exc))
    for batch_words in report.open_batches:
        print(f"batch {batch_words}", file=sys.stderr)
    for call, reason in report.failed:
        print(f"failed: {call}: {reason}", file=sys.stderr)
    print(report.summary())
    print(f"Transcripts in {path}")
    if report.fatal:
        return 1
    return 0 if report.finished and not report.failed else 3  # 3: run again later
