"""The two batch APIs as `tests/fake_llm_server.py` serves them: Anthropic Message Batches
(`/v1/messages/batches`: create, retrieve, results as JSONL, cancel) and the OpenAI Batch API
(`/v1/files` upload with purpose `batch`, `/v1/batches` create, retrieve, cancel, output and
error files as JSONL).

A batch stays in progress for `BatchBook.polls_before_end` retrieves, then ends: each item is
answered as a direct request would be (scripted reply, caching usage), except that the queued
`item_faults` ("errored", "expired") are used by the next items in order, and `expire_all`
makes the whole batch expire with nothing answered. Cancel ends a batch at once, its
unanswered items cancelled.
"""

from __future__ import annotations

import itertools
import json
from collections import deque
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any

_ids = itertools.count(1)
CREATED = "2026-12-01T00:00:00Z"
EXPIRES = "2026-12-02T00:00:00Z"


@dataclass
class FakeBatch:
    id: str
    api: str  # "anthropic" or "openai"
    requests: list[dict[str, Any]]  # {"custom_id", "body"}
    polls: int = 0
    ended: bool = False
    cancelled: bool = False
    expired: bool = False
    results: list[dict[str, Any]] = field(default_factory=list)  # {"custom_id", "kind", ...}
    input_file_id: str = ""
    output_file_id: str | None = None
    error_file_id: str | None = None


@dataclass
class BatchBook:
    batches: dict[str, FakeBatch] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)
    polls_before_end: int = 0
    item_faults: deque[str] = field(default_factory=deque)
    expire_all: bool = False
    items_answered: int = 0


def _process(state: Any, batch: FakeBatch) -> None:
    """End the batch: answer each item (or fail, expire or cancel it)."""
    from tests.fake_llm_server import answer, reply_body

    book: BatchBook = state.batches
    for request in batch.requests:
        custom_id, body = request["custom_id"], request["body"]
        fault = "expired" if batch.expired else None
        if batch.cancelled:
            fault = "canceled"
        elif fault is None and book.item_faults:
            fault = book.item_faults.popleft()
        if fault:
            batch.results.append({"custom_id": custom_id, "kind": fault})
            continue
        if body.get("model") not in state.models:
            batch.results.append({"custom_id": custom_id, "kind": "errored"})
            continue
        text, usage = answer(state, batch.api, body)
        book.items_answered += 1
        reply = reply_body(batch.api, body["model"], text, usage)
        batch.results.append({"custom_id": custom_id, "kind": "succeeded", "reply": reply})
    batch.ended = True
    if batch.api == "openai":
        good = [r for r in batch.results if r["kind"] == "succeeded"]
        bad = [r for r in batch.results if r["kind"] != "succeeded"]
        batch.output_file_id = _store(book, b"".join(_openai_line(r) for r in good))
        batch.error_file_id = _store(book, b"".join(_openai_line(r) for r in bad)) if bad else None


def _store(book: BatchBook, content: bytes) -> str:
    file_id = f"file-{next(_ids)}"
    book.files[file_id] = content
    return file_id


def _openai_line(result: dict[str, Any]) -> bytes:
    line: dict[str, Any] = {"id": f"batch_req_{next(_ids)}", "custom_id": result["custom_id"]}
    if result["kind"] == "succeeded":
        line |= {"response": {"status_code": 200, "request_id": "req", "body": result["reply"]},
                 "error": None}  # fmt: skip
    elif result["kind"] == "errored":
        error = {"error": {"message": "scripted item failure", "type": "server_error"}}
        line |= {"response": {"status_code": 500, "request_id": "req", "body": error},
                 "error": None}  # fmt: skip
    else:
        code = {"expired": "batch_expired", "canceled": "batch_cancelled"}[result["kind"]]
        line |= {"response": None, "error": {"code": code, "message": f"item {result['kind']}"}}
    return (json.dumps(line) + "\n").encode()


def _anthropic_line(result: dict[str, Any]) -> bytes:
    kind = result["kind"]
    outcome: dict[str, Any] = {"type": kind}
    if kind == "succeeded":
        outcome["message"] = result["reply"]
    elif kind == "errored":
        failure = {"type": "api_error", "message": "scripted item failure"}
        outcome["error"] = {"type": "error", "error": failure}
    return (json.dumps({"custom_id": result["custom_id"], "result": outcome}) + "\n").encode()


def _anthropic_view(batch: FakeBatch, host: str) -> dict[str, Any]:
    counts = {"processing": 0, "succeeded": 0, "errored": 0, "canceled": 0, "expired": 0}
    if batch.ended:
        for result in batch.results:
            counts[result["kind"]] += 1
    else:
        counts["processing"] = len(batch.requests)
    return {
        "id": batch.id, "type": "message_batch",
        "processing_status": "ended" if batch.ended else "in_progress",
        "request_counts": counts, "created_at": CREATED, "expires_at": EXPIRES,
        "ended_at": EXPIRES if batch.ended else None, "archived_at": None,
        "cancel_initiated_at": CREATED if batch.cancelled else None,
        "results_url": f"{host}/v1/messages/batches/{batch.id}/results" if batch.ended else None,
    }  # fmt: skip


def _openai_view(batch: FakeBatch) -> dict[str, Any]:
    status = "in_progress"
    if batch.ended:
        status = "cancelled" if batch.cancelled else "expired" if batch.expired else "completed"
    failed = sum(1 for r in batch.results if r["kind"] != "succeeded")
    return {
        "id": batch.id, "object": "batch", "endpoint": "/v1/chat/completions",
        "input_file_id": batch.input_file_id, "completion_window": "24h", "status": status,
        "created_at": 0, "output_file_id": batch.output_file_id,
        "error_file_id": batch.error_file_id,
        "request_counts": {"total": len(batch.requests), "failed": failed,
                           "completed": len(batch.results) - failed},
    }  # fmt: skip


def _retrieve(state: Any, batch: FakeBatch) -> None:
    """A retrieve is a poll: the batch ends after `polls_before_end` of them."""
    book: BatchBook = state.batches
    batch.polls += 1
    if not batch.ended and batch.polls > book.polls_before_end:
        batch.expired = book.expire_all
        _process(state, batch)


def _upload(book: BatchBook, raw: bytes, content_type: str) -> tuple[int, Any]:
    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + raw
    )
    parts = {part.get_param("name", header="content-disposition"): part
             for part in message.iter_parts()}  # fmt: skip
    if "file" not in parts or parts["purpose"].get_content().strip() != "batch":
        return 400, "a file with purpose batch is expected"
    content = parts["file"].get_payload(decode=True)
    file_id = _store(book, content)
    return 200, {"id": file_id, "object": "file", "bytes": len(content), "created_at": 0,
                 "filename": "batch.jsonl", "purpose": "batch", "status": "processed"}  # fmt: skip


def route_batch(
    state: Any, method: str, path: str, raw: bytes, content_type: str, host: str
) -> tuple[int, Any]:
    """(status, JSON payload or file bytes) for one request to a batch or files route."""
    book: BatchBook = state.batches
    parts = path.strip("/").split("/")
    with state.lock:
        if path == "/v1/files" and method == "POST":
            return _upload(book, raw, content_type)
        if parts[:2] == ["v1", "files"] and len(parts) == 4 and parts[3] == "content":
            found = book.files.get(parts[2])
            return (200, found) if found is not None else (404, f"no file {parts[2]}")
        anthropic = parts[:3] == ["v1", "messages", "batches"]
        rest = parts[3:] if anthropic else parts[2:]
        if method == "POST" and not rest:
            body = json.loads(raw or b"{}")
            if anthropic:
                requests = [{"custom_id": r["custom_id"], "body": r["params"]}
                            for r in body["requests"]]  # fmt: skip
                batch = FakeBatch(f"msgbatch_{next(_ids)}", "anthropic", requests)
            else:
                lines = book.files.get(body.get("input_file_id", ""), b"").splitlines()
                requests = [json.loads(line) for line in lines if line.strip()]
                batch = FakeBatch(f"batch_{next(_ids)}", "openai", requests,
                                  input_file_id=body["input_file_id"])  # fmt: skip
            book.batches[batch.id] = batch
            return 200, _anthropic_view(batch, host) if anthropic else _openai_view(batch)
        batch = book.batches.get(rest[0]) if rest else None
        if batch is None:
            return 404, f"no batch {path}"
        if method == "POST" and rest[1:] == ["cancel"]:
            if not batch.ended:
                batch.cancelled = True
                _process(state, batch)
        elif method == "GET" and rest[1:] == ["results"] and anthropic:
            if not batch.ended:
                return 400, "the batch has not ended"
            return 200, b"".join(_anthropic_line(r) for r in batch.results)
        elif method == "GET" and not rest[1:]:
            _retrieve(state, batch)
        return 200, _anthropic_view(batch, host) if anthropic else _openai_view(batch)
