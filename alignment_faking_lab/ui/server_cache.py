"""A server-wide memo that no visitor can clear: what `st.cache_resource` gives (one shared,
read-only object per key, built by one session while the others wait), kept in this process.

Streamlit clears every `st.cache_resource` and `st.cache_data` when any browser sends its
`clear_cache` message, so one visitor could make every other visitor's next page rebuild what
is shared (about 5x the CPU on the Results page). Entries here go only by age (`ttl_s`), by
count (least recently used first), or when the server stops.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")


class ServerCache(Generic[T]):
    """At most `max_entries` values, each kept `ttl_s` seconds (None: until evicted)."""

    def __init__(self, max_entries: int, ttl_s: float | None = None) -> None:
        self.max_entries = max_entries
        self.ttl_s = ttl_s
        self._entries: OrderedDict[Hashable, tuple[float, T]] = OrderedDict()
        self._building: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()

    def _fresh(self, key: Hashable) -> tuple[bool, T | None]:
        hit = self._entries.get(key)
        if hit is None or hit[0] < time.monotonic():
            return False, None
        self._entries.move_to_end(key)
        return True, hit[1]

    def get(self, key: Hashable, build: Callable[[], T]) -> T:
        """The value for `key`, built by `build()` once while other callers of the key wait."""
        with self._lock:
            found, value = self._fresh(key)
            if found:
                return value  # type: ignore[return-value]
            key_lock = self._building.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                found, value = self._fresh(key)  # built while this caller waited
            if found:
                return value  # type: ignore[return-value]
            try:
                value = build()
                expires = time.monotonic() + self.ttl_s if self.ttl_s else float("inf")
                with self._lock:
                    self._entries[key] = (expires, value)
                    self._entries.move_to_end(key)
                    while len(self._entries) > self.max_entries:
                        self._entries.popitem(last=False)
            finally:
                with self._lock:
                    self._building.pop(key, None)
            return value

    def __len__(self) -> int:
        return len(self._entries)

    def kept_keys(self) -> list[Hashable]:
        """What is kept now, oldest first."""
        with self._lock:
            return list(self._entries)
