"""A run sent as batches (half price, results within 24 hours), that outlives the app.

The run's plan, ids, file, resume rules and one-writer lock are those of a direct run
(`runner.py`). What is in flight is saved beside the run file (`<run>.batch.json`): each batch's
id and items, and each conversation's turns so far. So closing the app, a restart or a redeploy
loses nothing: `advance` (run again, or reopen the page) asks the provider about every open
batch, collects what has ended, saves each finished conversation to the run file at once
(judged directly, as a verdict is needed then), sends the `<NEXT/>` turns that are due as a
further batch, and sends the calls not yet sent as a new one. Items that failed, expired or
were cancelled are reported and kept out of later batches until `advance(resend_failed=True)`.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alignment_faking_lab.calling import batch_api
from alignment_faking_lab.calling.endpoints import (
    ErrorKind,
    ProviderError,
    recorded_address,
)
from alignment_faking_lab.calling.keys import redact
from alignment_faking_lab.calling.plan import Call, Plan, RetryPolicy, describe, plan_calls
from alignment_faking_lab.calling.record import live_transcript
from alignment_faking_lab.calling.retries import call_with_retries
from alignment_faking_lab.calling.run_file import RunFile, refuse_another_server
from alignment_faking_lab.data import storage
from alignment_faking_lab.data.transcript import Message
from alignment_faking_lab.protocol import prompts
from alignment_faking_lab.protocol.conversation import PREFILL, Conversation
from alignment_faking_lab.protocol.parsing import NEXT_TURN, assistant_text, needs_next_turn
from alignment_faking_lab.protocol.scorer import score

JUDGE_RETRY = RetryPolicy(attempts=3, backoff=1.0)


def state_path(run_path: Path) -> Path:
    """Where a run's batches in flight are saved, beside its file."""
    return run_path.with_name(run_path.stem + ".batch.json")


@dataclass(slots=True)
class BatchReport:
    planned: int = 0
    already_done: int = 0
    saved: int = 0  # conversations finished and saved by this call
    sent: int = 0  # requests sent in new batches by this call
    waiting: int = 0  # requests in batches the provider has not ended
    open_batches: list[str] = field(default_factory=list)  # "id: provider's words"
    failed: list[tuple[str, str]] = field(default_factory=list)  # (call, reason), re-sendable
    fatal: str | None = None

    @property
    def finished(self) -> bool:
        return not self.waiting and not self.fatal

    def summary(self) -> str:
        text = (
            f"{self.already_done + self.saved} of {self.planned} conversations saved "
            f"({self.saved} now); {self.waiting} requests waiting in "
            f"{len(self.open_batches)} batch(es); {self.sent} sent now; "
            f"{len(self.failed)} failed or expired"
        )
        if self.fatal:
            return text + f". Stopped: {self.fatal}"
        if self.failed:
            text += ". Re-send the failed ones when you are ready (the rest is kept)."
        if self.waiting:
            text += ". Results come within 24 hours: come back, or run again, to collect them."
        return text


def _load(path: Path, plan: Plan) -> dict[str, Any]:
    where = {"endpoint": plan.endpoint.name, "address": recorded_address(plan.endpoint)}
    if not path.exists():
        return {**where, "batches": [], "conversations": {}, "failed": {}}
    state = _read(path)
    if (state.get("endpoint"), state.get("address")) != (where["endpoint"], where["address"]):
        raise ProviderError(
            ErrorKind.BAD_REQUEST,
            f"This run's batches were sent to {state.get('endpoint')}: choose it again (with "
            "its key) to collect them.",
        )
    return state


def _is_batch_entry(entry: object) -> bool:
    return (
        isinstance(entry, dict)
        and isinstance(entry.get("id"), str)
        and isinstance(entry.get("open"), bool)
        and isinstance(entry.get("items"), dict)
        and isinstance(entry.get("reserved_each"), int | float)
    )


def _read(path: Path) -> dict[str, Any]:
    """The saved state, or a plain error naming the file (it is never guessed at)."""
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
        if not all(isinstance(state.get(k), list | dict) for k in STATE_KEYS):
            raise ValueError("parts are missing")
        if not all(_is_batch_entry(entry) for entry in state["batches"]):
            raise ValueError("a batch's entry is damaged")
        return state
    except (OSError, ValueError) as error:
        raise ProviderError(
            ErrorKind.BAD_REQUEST,
            f"The run's batch file {path.name} cannot be read ({error}); its batches cannot be "
            "collected from it. Move it away to start the run afresh.",
        ) from None


STATE_KEYS = ("batches", "conversations", "failed")


def _save(path: Path, state: dict[str, Any]) -> None:
    """Atomically: a crash mid-write leaves the previous state, never half of one."""
    temporary = path.with_name(path.name + ".tmp")
    # ASCII escapes: a reply holding a lone surrogate (which UTF-8 cannot hold) is kept as
    # `\ud83d` and read back as it came, so the state is always saved.
    temporary.write_text(json.dumps(state), encoding="utf-8")
    os.replace(temporary, path)


def _custom_id(call: Call, turn: int) -> str:
    return f"{call.id}-t{turn}"


def _to_send(plan: Plan, call: Call, conversation: dict[str, Any]) -> batch_api.BatchRequest:
    messages = [Message(role, content) for role, content in conversation["messages"]]
    if plan.prefill and plan.endpoint.allows_prefill:
        messages.append(Message("assistant", PREFILL))
    return batch_api.BatchRequest(
        _custom_id(call, conversation["turns"]), call.model,
        prompts.get_variant(call.variant).text, messages, plan.max_tokens,
    )  # fmt: skip


def _new_conversation(plan: Plan, call: Call) -> dict[str, Any]:
    user = prompts.build_user_turn(
        call.query.text, call.tier, minimal_repro_suffix=plan.minimal_repro_suffix
    )
    return {"messages": [["user", user]], "turns": 0, "usage": {}, "done": False}


def _take_reply(plan: Plan, conversation: dict[str, Any], reply: batch_api.Reply) -> None:
    """One turn's reply, as `conversation.converse` takes it: continue with `<NEXT/>` while
    the model has not reached its output, for at most `max_turns` turns."""
    prefill = PREFILL if plan.prefill and plan.endpoint.allows_prefill else ""
    conversation["messages"].append(["assistant", prefill + reply.text])
    conversation["turns"] += 1
    for name, count in reply.usage.items():
        conversation["usage"][name] = conversation["usage"].get(name, 0) + int(count or 0)
    messages = [Message(role, content) for role, content in conversation["messages"]]
    if needs_next_turn(assistant_text(messages)) and conversation["turns"] < plan.max_turns:
        conversation["messages"].append(["user", NEXT_TURN])
    else:
        conversation["done"] = True


def _finish(plan: Plan, call: Call, conversation: dict[str, Any]):
    """The judged transcript of a finished conversation (the judge sent directly)."""
    judge_endpoint = plan.judge_endpoint or plan.endpoint

    def judge_call(system: str, message: str, vote_number: int) -> str:
        assert plan.judge is not None
        reply, _, _ = call_with_retries(
            judge_endpoint, plan.judge.model, system, [Message("user", message)],
            max_tokens=1024, retry=JUDGE_RETRY, cancel=threading.Event(),
        )  # fmt: skip
        return reply.text

    request = batch_api.recorded_request(call.model, plan.max_tokens, plan.endpoint.api)
    request |= {"prefill": PREFILL if plan.prefill and plan.endpoint.allows_prefill else None}
    finished = Conversation(
        [Message(role, content) for role, content in conversation["messages"]],
        conversation["turns"], conversation["usage"], {**request, "max_turns": plan.max_turns},
    )  # fmt: skip
    transcript = live_transcript(plan, call, finished)
    return score(
        transcript, acceptance_tag=plan.minimal_repro_suffix, judge=plan.judge,
        judge_call=judge_call,
    )  # fmt: skip


def _collect(plan, calls, state, report, run_file) -> None:
    """Ask about each open batch; take the results of those that ended."""
    for call_id in [i for i in state["conversations"] if i in run_file.ids]:
        del state["conversations"][call_id]  # saved since (a direct run)
    # A conversation this plan does not include (fewer requests chosen, another session's
    # defaults) is kept, its replies taken: a later plan that includes it finishes it.
    for batch in [b for b in state["batches"] if b["open"]]:
        found = batch_api.status(plan.endpoint, batch["id"])
        if not found.ended:
            report.open_batches.append(f"{batch['id']}: {found.words}")
            report.waiting += len(batch["items"])
            continue
        results = {r.custom_id: r for r in batch_api.results(plan.endpoint, batch["id"])}
        for custom_id, call_id in batch["items"].items():
            result = results.get(custom_id) or batch_api.ItemResult(custom_id, error="missing")
            usage = result.reply.usage if result.reply else None
            model = calls[call_id].model if call_id in calls else ""
            batch_api.settle(plan.endpoint, batch["reserved_each"], model, usage)
            conversation = state["conversations"].get(call_id)
            if conversation is None:
                continue
            if result.reply is None:
                state["failed"][call_id] = result.error
                del state["conversations"][call_id]
            else:
                _take_reply(plan, conversation, result.reply)
        batch["open"] = False
    for call_id, conversation in list(state["conversations"].items()):
        if conversation["done"] and call_id in calls:
            try:
                transcript = _finish(plan, calls[call_id], conversation)
            except ProviderError as error:  # the judge: kept, judged again next time
                report.failed.append((describe(calls[call_id]), f"judge: {error}"))
                continue
            run_file.append(storage.storable(transcript))  # else: failed, with its reason
            report.saved += 1
            del state["conversations"][call_id]


def _send(plan, calls, state, report, path, resend_failed: bool, start_new: bool) -> None:
    """Send the due `<NEXT/>` turns and (if `start_new`) the calls not yet sent as one new
    batch."""
    in_flight = {call_id for b in state["batches"] if b["open"] for call_id in b["items"].values()}
    if resend_failed:
        state["failed"] = {}
    for call_id, call in calls.items() if start_new else ():
        if call_id not in state["conversations"] and call_id not in state["failed"]:
            state["conversations"][call_id] = _new_conversation(plan, call)
    due = [
        (call_id, _to_send(plan, calls[call_id], conversation))
        for call_id, conversation in state["conversations"].items()
        if call_id in calls and call_id not in in_flight and not conversation["done"]
    ]
    if not due:
        return
    requests = [request for _, request in due]
    reserved = batch_api.reserve(plan.endpoint, requests)
    try:
        batch_id = batch_api.submit(plan.endpoint, requests)
    except ProviderError:
        batch_api.settle(plan.endpoint, reserved, "", None)  # nothing was sent
        raise
    state["batches"].append({
        "id": batch_id, "open": True, "reserved_each": reserved / len(requests),
        "items": {request.custom_id: call_id for call_id, request in due},
    })  # fmt: skip
    _save(path, state)
    report.sent += len(requests)
    report.waiting += len(requests)
    report.open_batches.append(f"{batch_id}: sent")


def advance(
    plan: Plan, run_path: Path, *, resend_failed: bool = False, start_new: bool = True
) -> BatchReport:
    """Collect what has ended, save it, and send what is due: the next turns of conversations
    already started and, if `start_new` (a click, not a poll), the calls not yet sent.
    Returns at once (never waits for a batch). Raises `storage.FileBusyError` when the run is
    being written elsewhere."""
    report = BatchReport()
    keys = [plan.endpoint.api_key, (plan.judge_endpoint or plan.endpoint).api_key]
    with storage.WriterLock(run_path):
        run_file = RunFile(run_path)  # the ids done are read under the lock: none sent twice
        refuse_another_server(recorded_address(plan.endpoint), run_file.addresses, run_path)
        every = plan_calls(plan)
        report.planned = len(every)
        report.already_done = sum(1 for c in every if c.id in run_file.ids)
        calls = {c.id: c for c in every if c.id not in run_file.ids}
        path = state_path(run_path)
        try:
            state = _load(path, plan)
        except ProviderError as error:
            report.fatal = str(error)
            return report
        try:
            _collect(plan, calls, state, report, run_file)
            _save(path, state)
            calls = {i: c for i, c in calls.items() if i not in run_file.ids}
            _send(plan, calls, state, report, path, resend_failed, start_new)
        except ProviderError as error:
            report.fatal = redact(str(error), keys)
        finally:
            _save(path, state)
            run_file.sync()
        report.failed += [
            (describe(calls[i]), redact(reason, keys))
            for i, reason in state["failed"].items()
            if i in calls
        ]
    return report


def in_flight(run_path: Path) -> list[str]:
    """The ids of the run's batches not yet collected (a direct run waits for them)."""
    path = state_path(run_path)
    if not path.exists():
        return []
    try:
        return [b["id"] for b in _read(path)["batches"] if b.get("open")]
    except ProviderError:
        return [f"unreadable {path.name}"]


IN_FLIGHT = (
    "This run has batches in flight ({ids}): collect them with the batch mode (or cancel "
    "them) before running it directly, so nothing is sent and paid for twice."
)


def cancel(plan: Plan, run_path: Path) -> list[str]:
    """Ask the provider to cancel the run's open batches; the next `advance` collects what
    they had answered and reports the rest as cancelled. Returns the batches' ids."""
    path = state_path(run_path)
    if not path.exists():
        return []
    state = _load(path, plan)
    open_ids = [b["id"] for b in state["batches"] if b["open"]]
    for batch_id in open_ids:
        batch_api.cancel(plan.endpoint, batch_id)
    return open_ids
