"""The file that holds today's spending on the owner's key: locked, checked, replaced whole.

Anything in it but a day's counts is an error, never a fresh day: `owner_gate.Ledger` turns a
`BudgetFileError` into a closed key, so a damaged file cannot reset the owner's spending.
"""

from __future__ import annotations

import fcntl
import json
import math
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


class BudgetFileError(RuntimeError):
    """The file cannot be read, locked or written, or holds something else; says which."""


def fresh_day() -> dict[str, Any]:
    return {"day": datetime.now(UTC).date().isoformat(), "requests": 0, "usd": 0.0,
            "visitors": {}}  # fmt: skip


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """An exclusive lock shared by every process using `path`."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = open(path.with_suffix(".lock"), "a+")  # noqa: SIM115 (closed below)
    except OSError as exc:
        raise BudgetFileError(f"cannot be locked ({exc})") from exc
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def read_day(path: Path) -> dict[str, Any]:
    """Today's counts: a fresh day when there is no file or it is from an earlier day."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return fresh_day()
    except (OSError, ValueError) as exc:
        raise BudgetFileError(f"cannot be read ({exc})") from exc
    try:
        state = json.loads(text)
    except ValueError as exc:
        raise BudgetFileError(f"is not JSON ({exc})") from exc
    problem = day_problem(state)
    if problem:
        raise BudgetFileError(problem)
    return state if state["day"] == fresh_day()["day"] else fresh_day()


def write_day(path: Path, state: dict[str, Any]) -> None:
    """Written to a file beside it, flushed to disk, then moved over it: never half a file."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(state, allow_nan=False))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except (OSError, ValueError) as exc:
        temporary.unlink(missing_ok=True)
        raise BudgetFileError(f"cannot be written ({exc})") from exc


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def day_problem(state: Any) -> str:
    """What is wrong with counts read from the file, or "" when they are a day's counts."""
    if not isinstance(state, dict):
        return f"holds a {type(state).__name__}, not the day's counts"
    if not isinstance(state.get("day"), str):
        return "has no day"
    if not _count(state.get("requests")):
        return "has no valid request count"
    usd = state.get("usd")
    if isinstance(usd, bool) or not isinstance(usd, int | float) or not math.isfinite(usd):
        return "has no valid dollar amount"
    if usd < 0:
        return "has a negative dollar amount"
    visitors = state.get("visitors")
    if not isinstance(visitors, dict) or not all(_count(n) for n in visitors.values()):
        return "has no valid per-visitor counts"
    return ""
