"""Many visitors on one public server: memory and the first Results page under load.

One process plays one server (AppTest sessions share its `st.cache_resource`, as browser
sessions share a `streamlit run` process), in public mode, with the paper cache holding the
synthetic corpus of N transcripts (`paper/` in the data folder, shared by every visitor).
Figures: the first Results page of a lone visitor on a warm server; then `--sessions` visitors
opening the Results page at the same moment, each in its own thread and session (the median and
the slowest, and the slowest over the lone figure); and the process's peak RSS.
"""

from __future__ import annotations

import os
import resource
import statistics
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


def rows_for(n: int, sessions: int) -> list[Row]:
    data_dir = Path(tempfile.mkdtemp(prefix="aflab-bench-sessions-"))
    (data_dir / "paper").mkdir()
    (data_dir / "paper" / "synthetic__benchmark.jsonl").symlink_to(ensure_corpus(n))
    os.environ.update({"AFLAB_DATA_DIR": str(data_dir), "AFLAB_MODE": "public"})
    cold = first_results_page()  # loads the paper cache once for the whole server
    lone = statistics.median(first_results_page() for _ in range(3))
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
    slowest = max(times)
    return [
        Row("first Results page, the server's first visitor (loads the paper cache)", n, cold, "s"),
        Row("first Results page, a lone visitor on a warm server", n, lone, "s"),
        Row(
            f"first Results page, {sessions} visitors at once: median",
            n,
            statistics.median(times),
            "s",
        ),
        Row(f"first Results page, {sessions} visitors at once: slowest", n, slowest, "s"),
        Row(f"slowest of {sessions} at once ÷ lone", n, slowest / lone, "×", target=2.0),
        Row(
            f"peak RSS of the server process, {sessions} sessions",
            n,
            peak_rss_mb(),
            "MB",
            target=1536,
        ),
    ]


def main() -> None:
    arguments = parser(__doc__.splitlines()[0])
    arguments.add_argument("--sessions", type=int, default=20)
    arguments.set_defaults(sizes=[50_000])  # the paper's scale; smaller sizes on request
    options = arguments.parse_args()
    for n in options.sizes:
        print_table(rows_for(n, options.sessions), f"{options.sessions} sessions, N = {n:,}")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
