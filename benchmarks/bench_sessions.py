"""Many visitors on one public server: memory and the first Results page under load.

One process plays one server (AppTest sessions share its `st.cache_resource`, as browser
sessions share a `streamlit run` process), in public mode, with the paper cache holding the
synthetic corpus of N transcripts (`paper/` in the data folder, shared by every visitor). Each
scenario runs in a fresh process: a lone visitor, then `--sessions` visitors opening the app and
its Results page at the same moment, each in its own thread and session; both on the fresh
server (the paper cache not loaded yet) and again once it is warm. Figures: each first Results
page (median and slowest), the slowest over the lone visitor's, and the process's peak RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from common import PROJECT_ROOT, Row, ensure_corpus, parser, print_table

APP = str(PROJECT_ROOT / "app.py")
LOADED = "Transcripts loaded in the app"


def first_results_page() -> float:
    """A new visitor: opens the app, then the Results page on the loaded transcripts."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=600)
    start = time.perf_counter()
    at.run()
    at.switch_page("pages/results.py")
    at.run()
    at.segmented_control(key="data").set_value(LOADED).run()
    elapsed = time.perf_counter() - start
    if at.exception:
        raise RuntimeError(str(at.exception))
    if not at.get("plotly_chart"):
        raise RuntimeError("the Results page drew no chart")
    return elapsed


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def prepare(n: int) -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="aflab-bench-sessions-"))
    (data_dir / "paper").mkdir()
    (data_dir / "paper" / "synthetic__benchmark.jsonl").symlink_to(ensure_corpus(n))
    os.environ.update({"AFLAB_DATA_DIR": str(data_dir), "AFLAB_MODE": "public"})


def at_once(sessions: int) -> list[float]:
    """`sessions` new visitors opening the Results page at the same moment."""
    times: list[float] = []
    errors: list[str] = []
    barrier = threading.Barrier(sessions)

    def visitor() -> None:
        barrier.wait()
        try:
            times.append(first_results_page())
        except Exception as exc:  # reported, not hidden
            errors.append(repr(exc))

    threads = [threading.Thread(target=visitor) for _ in range(sessions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError(f"{len(errors)} sessions failed: {errors[0]}")
    return times


def measure(n: int, sessions: int) -> dict[str, float]:
    """In this process, a freshly started server: `sessions` visitors at once (1: a lone one),
    then, on the now warm server, the same again."""
    prepare(n)
    cold = at_once(sessions)
    warm = at_once(sessions)
    return {
        "cold_median": statistics.median(cold),
        "cold_max": max(cold),
        "warm_median": statistics.median(warm),
        "warm_max": max(warm),
        "rss": peak_rss_mb(),
    }


def in_fresh_process(n: int, sessions: int) -> dict[str, float]:
    command = [sys.executable, __file__, "--measure", str(n), str(sessions)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def rows_for(n: int, sessions: int) -> list[Row]:
    lone = in_fresh_process(n, 1)
    crowd = in_fresh_process(n, sessions)
    return [
        Row("first Results page, a lone visitor on a fresh server", n, lone["cold_max"], "s"),
        Row(
            f"the same, {sessions} visitors at once on a fresh server: median",
            n,
            crowd["cold_median"],
            "s",
        ),
        Row(
            f"the same, {sessions} visitors at once on a fresh server: slowest",
            n,
            crowd["cold_max"],
            "s",
        ),
        Row(
            f"slowest of {sessions} ÷ lone, fresh server",
            n,
            crowd["cold_max"] / lone["cold_max"],
            "×",
            target=2.0,
        ),
        Row("first Results page, a lone visitor on a warm server", n, lone["warm_max"], "s"),
        Row(
            f"the same, {sessions} visitors at once on a warm server: slowest",
            n,
            crowd["warm_max"],
            "s",
        ),
        Row(
            f"slowest of {sessions} ÷ lone, warm server",
            n,
            crowd["warm_max"] / lone["warm_max"],
            "×",
            target=2.0,
        ),
        Row(
            f"peak RSS of the server process, {sessions} visitors twice",
            n,
            crowd["rss"],
            "MB",
            target=1536,
        ),
        Row("peak RSS of the server process, a lone visitor", n, lone["rss"], "MB"),
    ]


def main() -> None:
    arguments = parser(__doc__.splitlines()[0])
    arguments.add_argument("--sessions", type=int, default=20)
    arguments.add_argument("--measure", type=int, nargs=2, help=argparse.SUPPRESS)
    arguments.set_defaults(sizes=[50_000])  # the paper's scale; smaller sizes on request
    options = arguments.parse_args()
    if options.measure:
        print(json.dumps(measure(*options.measure)))
        return
    for n in options.sizes:
        print_table(rows_for(n, options.sessions), f"{options.sessions} sessions, N = {n:,}")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
