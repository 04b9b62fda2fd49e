"""A public server gives memory back once visitors leave (the figures: bench_visitor_uploads)."""

import platform
import subprocess
import sys

from tests.browser_harness import PROJECT_ROOT


def run_python(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_tuning_gives_pyarrow_the_system_allocator_before_and_after_its_import():
    # mimalloc, pyarrow's default, kept 35 MB of a visitor's pages after they left.
    before = run_python(
        "from alignment_faking_lab.ui.server_memory import tune_allocator\n"
        "print(tune_allocator())\n"
        "import pyarrow\n"
        "print(pyarrow.default_memory_pool().backend_name)\n"
    )
    # glibc takes the allocator settings too; on another C library only pyarrow's part applies
    glibc = platform.libc_ver()[0] == "glibc"
    assert before.splitlines() == [str(glibc), "system"]
    after = run_python(
        "import pyarrow\n"
        "from alignment_faking_lab.ui.server_memory import tune_allocator\n"
        "tune_allocator()\n"
        "print(pyarrow.default_memory_pool().backend_name)\n"
    )
    assert after == "system"
