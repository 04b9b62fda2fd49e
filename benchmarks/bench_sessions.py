"""Many visitors on one public server: memory and the first Results page under load.

The app in public mode, the paper cache holding the synthetic corpus of N transcripts
(`paper/` in the data folder, shared by every visitor). Each visitor is a new session opening
the Results page on everything loaded. First a lone visitor on a freshly started server, then
again on the warm server; then `--sessions` visitors at the same moment on another freshly
started server, then again warm. Figures: the slowest first Results page beside the lone
visitor's, and the server process's peak RSS (VmHWM).

By default the sessions are Streamlit AppTest sessions in one fresh Python process per server
(threads released together by a barrier): this measures the server's own work, which is what
many visitors share. With `--browser`, each visitor is a headless-Chromium context against
`streamlit run`, timed until its charts are drawn; on a small machine that also times twenty
browsers drawing the page on the same cores, which real visitors do on their own devices.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from common import Row, ensure_corpus, parser, print_table

RESULTS = "/results?data=Transcripts+loaded+in+the+app"
LOADED = "Transcripts loaded in the app"
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"


def prepare(n: int) -> Path:
    data_dir = Path(tempfile.mkdtemp(prefix="aflab-bench-sessions-"))
    (data_dir / "paper").mkdir()
    (data_dir / "paper" / "synthetic__benchmark.jsonl").symlink_to(ensure_corpus(n))
    return data_dir


async def _visit(browser, url: str) -> float:
    """A new visitor (own context: no cookies, a new session) to the Results page, until its
    charts are drawn."""
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    start = time.perf_counter()
    await page.goto(url + RESULTS, timeout=600_000)
    await page.wait_for_selector("[data-testid='stPlotlyChart'] .main-svg", timeout=600_000)
    await page.wait_for_selector(IDLE, timeout=600_000)
    elapsed = time.perf_counter() - start
    await context.close()
    return elapsed


async def _at_once(url: str, sessions: int) -> list[float]:
    from playwright.async_api import async_playwright

    from tests.browser_harness import CHROMIUM_ARGS, find_chromium

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=find_chromium(), headless=True, args=CHROMIUM_ARGS
        )
        try:
            return list(await asyncio.gather(*(_visit(browser, url) for _ in range(sessions))))
        finally:
            await browser.close()


def peak_rss_mb(pid: int) -> float:
    """The server process's peak resident memory (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _apptest_visits(sessions: int) -> list[float]:
    """`sessions` new AppTest sessions opening the Results page at the same moment; each one's
    seconds until its page has run."""
    from streamlit.testing.v1 import AppTest

    app = str(Path(__file__).resolve().parent.parent / "app.py")
    barrier = threading.Barrier(sessions)
    times: list[float] = [float("nan")] * sessions
    failures: list[str] = []

    def visit(index: int) -> None:
        at = AppTest.from_file(app, default_timeout=900)
        at.query_params["data"] = LOADED
        at.switch_page("pages/results.py")
        barrier.wait()
        start = time.perf_counter()
        at.run()
        times[index] = time.perf_counter() - start
        if at.exception or not at.get("plotly_chart"):
            failures.append(str(at.exception) or "no chart drawn")

    threads = [threading.Thread(target=visit, args=(i,)) for i in range(sessions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise RuntimeError(failures[0])
    return times


def _child(sessions: int) -> None:
    """One fresh server process (AppTest): the visitors twice; prints the figures as JSON."""
    cold = _apptest_visits(sessions)
    warm = _apptest_visits(sessions)
    print(json.dumps({"cold": cold, "warm": warm, "rss": peak_rss_mb(os.getpid())}))


def measure_apptest(n: int, sessions: int) -> dict[str, float]:
    """A fresh Python process as the server, with AppTest sessions as its visitors."""
    data_dir = prepare(n)
    env = {**os.environ, "AFLAB_DATA_DIR": str(data_dir), "AFLAB_MODE": "public"}
    command = [sys.executable, __file__, "--child", str(sessions)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(done.stderr[-2000:])
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    cold, warm = figures["cold"], figures["warm"]
    return {"cold_median": statistics.median(cold), "cold_max": max(cold),
            "warm_median": statistics.median(warm), "warm_max": max(warm),
            "rss": figures["rss"]}  # fmt: skip


def measure_browser(n: int, sessions: int) -> dict[str, float]:
    """A freshly started public server: `sessions` visitors at once (1: a lone one), then, on
    the now warm server, the same again."""
    data_dir = prepare(n)
    from tests.browser_harness import running_app

    with running_app(data_dir, {"AFLAB_MODE": "public"}, timeout=120) as app:
        start = cpu_seconds(app.process.pid)
        cold = asyncio.run(_at_once(app.url, sessions))
        middle = cpu_seconds(app.process.pid)
        warm = asyncio.run(_at_once(app.url, sessions))
        end = cpu_seconds(app.process.pid)
        rss = peak_rss_mb(app.process.pid)
    return {"cold_median": statistics.median(cold), "cold_max": max(cold),
            "warm_median": statistics.median(warm), "warm_max": max(warm), "rss": rss,
            "cold_cpu": middle - start, "warm_cpu": end - middle}  # fmt: skip


def cpu_seconds(pid: int) -> float:
    """The server process's CPU time so far (user + system), to tell the server's share of a
    page's time from the browsers' on the same machine."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rows_for(n: int, sessions: int, browser: bool) -> list[Row]:
    measure = measure_browser if browser else measure_apptest
    lone = measure(n, 1)
    crowd = measure(n, sessions)
    return [
        Row("first Results page, a lone visitor on a freshly started server", n,
            lone["cold_max"], "s"),
        Row(f"the same, {sessions} visitors at once on a fresh server: median", n,
            crowd["cold_median"], "s"),
        Row(f"the same, {sessions} visitors at once on a fresh server: slowest", n,
            crowd["cold_max"], "s"),
        Row(f"slowest of {sessions} ÷ lone, fresh server", n,
            crowd["cold_max"] / lone["cold_max"], "×", target=2.0),
        Row("first Results page, a lone visitor on a warm server", n, lone["warm_max"], "s"),
        Row(f"the same, {sessions} visitors at once on a warm server: slowest", n,
            crowd["warm_max"], "s"),
        Row(f"slowest of {sessions} ÷ lone, warm server", n,
            crowd["warm_max"] / lone["warm_max"], "×", target=2.0),
        Row(f"peak RSS of the server process, {sessions} visitors twice", n, crowd["rss"], "MB",
            target=1536),
        *([Row(f"server CPU, {sessions} visitors, fresh server", n, crowd["cold_cpu"], "s"),
           Row(f"server CPU, {sessions} visitors, warm server", n, crowd["warm_cpu"], "s"),
           Row("server CPU, a lone visitor, warm server", n, lone["warm_cpu"], "s")]
          if "cold_cpu" in crowd else []),
        Row("peak RSS of the server process, a lone visitor twice", n, lone["rss"], "MB"),
    ]  # fmt: skip


def main() -> None:
    arguments = parser(__doc__.splitlines()[0])
    arguments.add_argument("--sessions", type=int, default=20)
    arguments.add_argument("--browser", action="store_true", help="Chromium visitors")
    arguments.add_argument("--child", type=int, help=argparse.SUPPRESS)
    arguments.set_defaults(sizes=[50_000])  # the paper's scale; smaller sizes on request
    options = arguments.parse_args()
    if options.child:
        _child(options.child)
        return
    kind = "headless-Chromium visitors" if options.browser else "AppTest sessions"
    for n in options.sizes:
        print_table(rows_for(n, options.sessions, options.browser),
                    f"{options.sessions} {kind}, N = {n:,}")  # fmt: skip
        sys.stdout.flush()


if __name__ == "__main__":
    main()
