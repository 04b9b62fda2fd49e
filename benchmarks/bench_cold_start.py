"""App cold start in headless Chromium, against `streamlit hello` started the same way.

Each round starts a fresh server (`streamlit run app.py`, then `streamlit hello`, with the same
flags) and times from starting the process to the first page fully drawn in Debian's headless
Chromium: the script idle (stApp notRunning), no spinner, the page title visible and each of
the page's plotly charts drawn (their number is known: `CHARTS_ON_PAGE`). The figure is the
median over the rounds, after one unmeasured warm-up round of each. The app's data folder holds
the N-transcript corpus as a run; the first page does not load it, which the flat figures
across N show. Then, for growth, the time from a fresh server to the Transcripts page drawn
with those N transcripts loaded.

    python benchmarks/bench_cold_start.py [--sizes 1000 10000 50000] [--rounds 3]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from common import PROJECT_ROOT, Row, ensure_corpus, parser, print_table

from tests.browser_harness import CHROMIUM_ARGS, IDLE, find_chromium, free_port

RATIO_TARGET = 1.2
# `charts`: how many plotly charts the page draws. Counting them matters: Streamlit mounts a
# chart only once its 4.7 MB plotly bundle is loaded and run, so a check that only looks at the
# charts already on the page is met early, before the chart exists, in some rounds and not others.
DRAWN = """(charts) => {
    const app = document.querySelector("[data-testid='stApp']");
    if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
    if (document.querySelector("[data-testid='stSpinner']")) return false;
    const title = document.querySelector('h1');
    if (!title || !title.offsetParent) return false;
    const drawn = document.querySelectorAll("[data-testid='stPlotlyChart'] .main-svg");
    return drawn.length >= charts;
}"""
# Plotly charts on each page as first opened (the Overview folds its chart; hello has none).
CHARTS_ON_PAGE = {"/": 0, "/transcripts": 0}


def serve(command: list[str], data_dir: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    flags = [
        "--server.headless", "true", "--server.address", "127.0.0.1",
        "--server.port", str(port), "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]  # fmt: skip
    env = {**os.environ, "AFLAB_DATA_DIR": str(data_dir)}
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", *command, *flags],
        cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    return process, f"http://127.0.0.1:{port}"


def wait_healthy(process: subprocess.Popen, url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=1) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.03)
    raise RuntimeError("server did not start")


def time_to_drawn(
    browser, command: list[str], data_dir: Path, path: str = "/", charts: int | None = None
) -> float:
    """Seconds from starting the server process to the page fully drawn."""
    start = time.perf_counter()
    process, url = serve(command, data_dir)
    try:
        wait_healthy(process, url)
        page = browser.new_page()
        try:
            page.goto(url + path)
            page.wait_for_selector(IDLE, timeout=120_000)
            expected = CHARTS_ON_PAGE[path] if charts is None else charts
            page.wait_for_function(DRAWN, arg=expected, timeout=120_000, polling=20)
            return time.perf_counter() - start
        finally:
            page.close()
    finally:
        process.terminate()
        process.wait(timeout=20)


def main() -> None:
    arguments = parser(__doc__.splitlines()[0])
    arguments.add_argument("--rounds", type=int, default=3)
    args = arguments.parse_args()
    from playwright.sync_api import sync_playwright

    app, hello = ["run", "app.py"], ["hello"]
    rows: list[Row] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=find_chromium(), headless=True, args=CHROMIUM_ARGS
        )
        for n in args.sizes:
            data_dir = Path(tempfile.mkdtemp(prefix="aflab-cold-"))
            (data_dir / "runs").mkdir()
            corpus = ensure_corpus(n)
            (data_dir / "runs" / corpus.name).symlink_to(corpus)
            time_to_drawn(browser, app, data_dir)  # warm-up: disk caches, bytecode
            time_to_drawn(browser, hello, data_dir, charts=0)
            app_times, hello_times = [], []
            for _ in range(args.rounds):
                app_times.append(time_to_drawn(browser, app, data_dir))
                hello_times.append(time_to_drawn(browser, hello, data_dir, charts=0))
                print(f"  app {app_times[-1]:.2f} s, hello {hello_times[-1]:.2f} s", flush=True)
            app_s, hello_s = statistics.median(app_times), statistics.median(hello_times)
            transcripts_s = time_to_drawn(browser, app, data_dir, "/transcripts")
            rows += [
                Row("app cold start to first page drawn", n, app_s, "s"),
                Row("streamlit hello cold start, same run", n, hello_s, "s"),
                Row("app / hello", n, app_s / hello_s, "×", RATIO_TARGET),
                Row("fresh server to Transcripts page drawn, N loaded", n, transcripts_s, "s"),
            ]
            print(f"measured N = {n:,}", flush=True)
        browser.close()
    print_table(rows, "Cold start in headless Chromium (median of rounds)")


if __name__ == "__main__":
    main()
