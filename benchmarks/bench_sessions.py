"""Many visitors on one public server: memory and the first Results page under load.

`streamlit run app.py` in public mode, the paper cache holding the synthetic corpus of N
transcripts (`paper/` in the data folder, shared by every visitor), and headless Chromium: each
visitor is a new browser context (a new session) opening the Results page on the loaded
transcripts, timed until its charts are drawn. A lone visitor on a freshly started server, then
again on the warm server; then `--sessions` visitors at the same moment on another freshly
started server, then again warm. Figures: the slowest first Results page beside the lone
visitor's, and the server process's peak RSS (VmHWM).
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from common import Row, ensure_corpus, parser, print_table

from tests.browser_harness import CHROMIUM_ARGS, find_chromium, running_app

RESULTS = "/results?data=Transcripts+loaded+in+the+app"
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


def measure(n: int, sessions: int) -> dict[str, float]:
    """A freshly started public server: `sessions` visitors at once (1: a lone one), then, on
    the now warm server, the same again."""
    data_dir = prepare(n)
    with running_app(data_dir, {"AFLAB_MODE": "public"}, timeout=120) as app:
        cold = asyncio.run(_at_once(app.url, sessions))
        warm = asyncio.run(_at_once(app.url, sessions))
        rss = peak_rss_mb(app.process.pid)
    return {"cold_median": statistics.median(cold), "cold_max": max(cold),
            "warm_median": statistics.median(warm), "warm_max": max(warm), "rss": rss}  # fmt: skip


def rows_for(n: int, sessions: int) -> list[Row]:
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
        Row("peak RSS of the server process, a lone visitor twice", n, lone["rss"], "MB"),
    ]  # fmt: skip


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
