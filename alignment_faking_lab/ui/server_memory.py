"""Giving memory back to the machine once visitors leave (one server process serves them all).

Python frees what a visitor held (`visitor_space.sweep`), but the allocators keep freed
memory for reuse: glibc lets its threshold for "large" blocks grow to 32 MB after the first
large block is freed (so uploads just under the 32 MB share land in the heap, where holes stay
resident) and gives each new script thread an arena of its own; pyarrow's mimalloc pool keeps
its pages. Fixing the threshold at 1 MB, capping the arenas at two, giving pyarrow the system
allocator and trimming after each sweep: after 20 visitors with full uploads left, a public
server went back to 216 MB from a start of 176 (+22%; it stayed at about 1.4 GB before), by
`benchmarks/bench_visitor_uploads.py`; parsing uploads in a child process
(`data/child_parse.py`) took it the rest of the way. On a system without glibc only the
pyarrow part applies.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
import threading

M_TRIM_THRESHOLD = -1  # glibc's mallopt parameters (malloc.h)
M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8
LARGE_BLOCK_BYTES = 1 << 20  # blocks from 1 MB up get pages of their own, freed on release
TRIM_THRESHOLD_BYTES = 4 << 20  # free space over this at the heap's top goes back at once

_tuned = threading.Event()


def _glibc() -> ctypes.CDLL | None:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None
    except OSError:
        return None


def tune_allocator() -> bool:
    """Once per process: pyarrow allocates from the system allocator (its default, mimalloc,
    kept 35 MB of pages after visitors left), with fixed thresholds and at most two arenas
    (True when glibc took them)."""
    if _tuned.is_set():
        return True
    _tuned.set()
    os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")  # read at pyarrow's first use
    if (pyarrow := sys.modules.get("pyarrow")) is not None:  # already in use: switch it
        pyarrow.set_memory_pool(pyarrow.system_memory_pool())
    libc = _glibc()
    if libc is None:
        return False
    settings = (
        (M_MMAP_THRESHOLD, LARGE_BLOCK_BYTES),
        (M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES),
        (M_ARENA_MAX, 2),
    )
    return all(libc.mallopt(parameter, value) == 1 for parameter, value in settings)


def give_back_freed_memory() -> None:
    """Returns the allocator's free pages to the system (after a sweep freed a visitor's data)."""
    if (libc := _glibc()) is not None:
        libc.malloc_trim(0)
