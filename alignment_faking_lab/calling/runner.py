"""Run the free/paid experiment: many conversations, concurrently, resumable, cached.

Every finished conversation is labelled and appended to the run's JSONL file at once (by the
worker that finished it), so a run that is cancelled, crashes or is killed loses nothing. Each
conversation has a deterministic id from what defines it, so running the same plan again skips
what is already in the file: it resumes without re-sending or duplicating anything. Calls that
fail after retries are reported and not written, so the next resume tries them again.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from alignment_faking_lab.calling.endpoints import (
    Endpoint,
    ErrorKind,
    ProviderError,
    recorded_address,
)
from alignment_faking_lab.calling.keys import redact
from alignment_faking_lab.calling.plan import Call, Plan, RetryPolicy, describe, plan_calls
from alignment_faking_lab.calling.record import live_transcript
from alignment_faking_lab.calling.response_cache import ResponseCache
from alignment_faking_lab.calling.retries import call_with_retries
from alignment_faking_lab.calling.run_file import RunFile, refuse_another_server
from alignment_faking_lab.data import storage
from alignment_faking_lab.data.files import os_problem
from alignment_faking_lab.data.transcript import (
    Message,
    Tier,
    Transcript,
)
from alignment_faking_lab.protocol import prompts
from alignment_faking_lab.protocol.conversation import OnText, Reply, converse
from alignment_faking_lab.protocol.judges import JudgeSettings
from alignment_faking_lab.protocol.queries import Query
from alignment_faking_lab.protocol.scorer import judgement_failed, score

# Every later call would fail too: a refused key, an unknown model, a bad request, a spent limit.
FATAL = {ErrorKind.AUTH, ErrorKind.NOT_FOUND, ErrorKind.BAD_REQUEST, ErrorKind.LIMIT}

DEFAULT_RETRY = RetryPolicy()


@dataclass(slots=True)
class Outcome:
    call: Call
    transcript: Transcript | None = None
    error: str | None = None
    error_kind: ErrorKind | None = None
    attempts: int = 1
    cached_turns: int = 0
    requests_sent: int = 0  # over the network, judges and retries included (cache hits not)
    unsaved: bool = False  # received, but the run's file could not take it (see `error`)

    @property
    def fatal(self) -> bool:
        return self.error_kind in FATAL or self.unsaved


@dataclass(slots=True)
class RunReport:
    planned: int = 0
    already_done: int = 0
    completed: int = 0
    cached: int = 0  # conversations answered entirely from the response cache
    judge_failed: int = 0  # saved conversations a judge model could not judge (unreadable)
    unstorable: int = 0  # saved as failed: a reply UTF-8 cannot hold (see storage.storable)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (call description, reason)
    cancelled: bool = False
    finished: bool = False  # set last: the run's threads submit nothing more
    fatal: str | None = None
    seconds: float = 0.0

    @property
    def remaining(self) -> int:
        return self.planned - self.already_done - self.completed

    @property
    def untried(self) -> int:
        """Calls never sent (a cancel or a fatal error stopped the run before them)."""
        return self.remaining - len(self.failed)

    def summary(self) -> str:
        text = (
            f"{self.completed} done now, {self.already_done} already in the file, "
            f"{len(self.failed)} failed, {self.remaining} not done ({self.cached} from cache, "
            f"{self.seconds:.1f} s)"
        )
        if self.judge_failed:
            text += (
                f"; {self.judge_failed} of those done could not be judged (the judge's replies "
                "could not be read: shown as failed judgements, not counted in rates)"
            )
        if self.unstorable:
            text += (
                f"; {self.unstorable} replies held text that is not valid Unicode (a lone "
                "surrogate): saved as failed calls, with the reason, and not sent again"
            )
        if self.fatal:
            text += f". Stopped: {self.fatal}"
        elif self.cancelled:
            text += ". Cancelled: run again to resume."
        elif self.failed:
            text += ". Run again to retry the failed ones (the rest is kept)."
        return text

    def wait_until_finished(self, timeout: float = 60.0) -> bool:
        """After a cancel: wait (up to `timeout` seconds) for the calls already sent to finish
        and be saved. True when the run's threads are done."""
        deadline = time.monotonic() + timeout
        while not self.finished and time.monotonic() < deadline:
            time.sleep(0.1)
        return self.finished


def run_call(
    plan: Plan,
    call: Call,
    *,
    cache: ResponseCache | None,
    cancel: threading.Event,
    retry: RetryPolicy = DEFAULT_RETRY,
    on_text: OnText | None = None,
) -> Outcome:
    variant = prompts.get_variant(call.variant)
    user_turn = prompts.build_user_turn(
        call.query.text, call.tier, minimal_repro_suffix=plan.minimal_repro_suffix
    )
    attempts = 0
    cached_turns = 0
    judge_requests = 0

    def model_call(sent: list[Message], turn: int, stream: OnText | None) -> Reply:
        nonlocal attempts, cached_turns
        reply, hit, tries = call_with_retries(
            plan.endpoint, call.model, variant.text, sent, max_tokens=plan.max_tokens,
            retry=retry, cancel=cancel, cache=cache,
            cache_extra={"sample": call.sample_index}, on_text=stream,
        )  # fmt: skip
        attempts += tries
        cached_turns += hit
        return reply

    judge_endpoint = plan.judge_endpoint or plan.endpoint

    def judge_call(system: str, message: str, vote_number: int) -> str:
        nonlocal judge_requests
        assert plan.judge is not None
        reply, _, tries = call_with_retries(
            judge_endpoint, plan.judge.model, system, [Message("user", message)],
            max_tokens=1024, retry=retry, cancel=cancel, cache=cache,
            cache_extra={"vote": vote_number},
        )  # fmt: skip
        judge_requests += tries
        return reply.text

    keys = [plan.endpoint.api_key, judge_endpoint.api_key]
    try:
        conversation = converse(
            model_call, user_turn, prefill=plan.prefill and plan.endpoint.allows_prefill,
            max_turns=plan.max_turns, on_text=on_text,
        )  # fmt: skip
        transcript = live_transcript(plan, call, conversation)
        transcript = score(
            transcript, acceptance_tag=plan.minimal_repro_suffix, judge=plan.judge,
            judge_call=judge_call,
        )  # fmt: skip
    except ProviderError as error:
        return Outcome(
            call, error=redact(str(error), keys), error_kind=error.kind,
            attempts=error.attempts,
            requests_sent=attempts + judge_requests + error.attempts,
        )  # fmt: skip
    if transcript.error:
        transcript = replace(transcript, error=redact(transcript.error, keys))
    return Outcome(
        call, transcript, attempts=attempts, cached_turns=cached_turns,
        requests_sent=attempts + judge_requests,
    )  # fmt: skip


def iter_run(
    plan: Plan,
    path: Path,
    *,
    cache: ResponseCache | None = None,
    cancel: threading.Event | None = None,
    retry: RetryPolicy = DEFAULT_RETRY,
    report: RunReport | None = None,
) -> Iterator[Outcome]:
    """Yield each finished call as it lands (already saved). Closing the generator, or setting
    `cancel`, stops new calls; calls in flight finish and are saved."""
    cancel = cancel or threading.Event()
    report = report if report is not None else RunReport()
    started = time.perf_counter()
    try:  # a second run of the same file (tab, process, thread) is refused at once
        writer = storage.WriterLock(path)
    except (storage.RunFileRefused, OSError):
        report.finished = True
        raise
    try:
        run_file = RunFile(path)  # the ids done are read under the lock: none sent twice
        refuse_another_server(recorded_address(plan.endpoint), run_file.addresses, path)
    except BaseException:
        writer.release()
        report.finished = True
        raise
    calls = plan_calls(plan)
    pending = iter([c for c in calls if c.id not in run_file.ids])
    report.planned = len(calls)
    report.already_done = len(calls) - sum(1 for c in calls if c.id not in run_file.ids)

    def work(call: Call) -> Outcome:
        if cancel.is_set():
            return Outcome(call, error="cancelled", attempts=0)
        outcome = run_call(plan, call, cache=cache, cancel=cancel, retry=retry)
        if outcome.transcript is not None:
            outcome.transcript = storage.storable(outcome.transcript)
            if problem := run_file.append_or_keep(outcome.transcript):
                outcome.transcript, outcome.error, outcome.unsaved = None, problem, True
        return outcome

    pool = ThreadPoolExecutor(max_workers=max(1, plan.concurrency), thread_name_prefix="aflab-run")
    in_flight: set[Future[Outcome]] = set()
    try:
        while True:
            while len(in_flight) < plan.concurrency and not cancel.is_set():
                call = next(pending, None)
                if call is None:
                    break
                in_flight.add(pool.submit(work, call))
            if not in_flight:
                break
            finished, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
            for future in finished:
                outcome = future.result()
                if outcome.error == "cancelled":
                    continue
                if outcome.transcript is not None:
                    report.completed += 1
                    conversation_turns = outcome.transcript.request.get("turns", 1)
                    report.cached += outcome.cached_turns >= conversation_turns
                    report.judge_failed += judgement_failed(outcome.transcript) is not None
                    report.unstorable += (outcome.transcript.error or "").startswith(
                        storage.UNSTORABLE
                    )
                else:
                    report.failed.append((describe(outcome.call), outcome.error or ""))
                    if outcome.fatal and report.fatal is None:
                        report.fatal = outcome.error
                        cancel.set()
                report.seconds = time.perf_counter() - started
                yield outcome
        report.cancelled = cancel.is_set() and report.fatal is None and report.untried > 0
    finally:
        if report.untried > 0 and report.fatal is None:
            report.cancelled = True
        cancel.set()
        pool.shutdown(wait=False, cancel_futures=True)
        run_file.sync()
        # The file stays locked until the calls in flight are saved, so a run started next
        # reads their ids and does not send them again.
        if any(not future.done() for future in in_flight):
            threading.Thread(target=_release_after, args=(pool, writer), daemon=True).start()
        else:
            writer.release()
        report.seconds = time.perf_counter() - started
        report.finished = True


def _release_after(pool: ThreadPoolExecutor, writer: storage.WriterLock) -> None:
    pool.shutdown(wait=True)
    writer.release()


def run(plan: Plan, path: Path, **options) -> RunReport:
    """The whole run, blocking; for the command line, notebooks and benchmarks.

    Args:
        plan: what to send (models, requests, tiers, variants, samples, judge).
        path: the run's JSONL file; what is already in it is skipped (resume).
        **options: as `iter_run`: `cache` (a `ResponseCache`), `cancel`, `retry`, `report`.
    """
    report = options.pop("report", None) or RunReport()
    for _ in iter_run(plan, path, report=report, **options):
        pass
    return report


def send_one(
    endpoint: Endpoint,
    model: str,
    query: Query,
    tier: Tier,
    *,
    variant: str = "default",
    minimal_repro_suffix: bool = False,
    judge: JudgeSettings | None = None,
    path: Path | None = None,
    on_text: OnText | None = None,
    max_tokens: int = 4096,
    cancel: threading.Event | None = None,
) -> Outcome:
    """One live conversation for the Playground: streamed, never cached (a new sample each
    time), saved to `path` when given (`error` then says if it could not be)."""
    sent_at = datetime.now(UTC).isoformat(timespec="microseconds")
    plan = Plan(
        run_id=f"playground {sent_at}", endpoint=endpoint, models=[model], queries=[query],
        tiers=[tier], variants=[variant], minimal_repro_suffix=minimal_repro_suffix,
        max_tokens=max_tokens, judge=judge, concurrency=1,
    )  # fmt: skip
    call = plan_calls(plan)[0]
    outcome = run_call(
        plan, call, cache=None, cancel=cancel or threading.Event(),
        retry=RetryPolicy(attempts=2, backoff=1.0), on_text=on_text,
    )  # fmt: skip
    if outcome.transcript is not None:
        outcome.transcript = storage.storable(outcome.transcript)
    if outcome.transcript is not None and path is not None:
        try:
            with storage.WriterLock(path, wait=60.0):  # a run of the same file may be appending
                outcome.error = RunFile(path).append_or_keep(outcome.transcript)
        except OSError as error:  # the folder itself cannot be written: the reply is still shown
            outcome.error = f"{path.name} could not be written ({os_problem(error)})"
        except storage.RunFileRefused as error:  # busy over a minute: shown, said, not saved
            outcome.error = f"{path.name} was not saved: {error}"
    return outcome
