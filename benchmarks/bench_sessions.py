"""Many visitors on one public server: memory and the first Results page under load.

The app in public mode, the paper cache holding the synthetic corpus of N transcripts
(`paper/` in the data folder, shared by every visitor). Each visitor is a new session opening
the Results page on everything loaded. First a lone visitor on a freshly started server, then
again on the warm server; then `--sessions` visitors at the same moment on another freshly
started server, then again warm. Figures: the slowest first Results page beside the lone
visitor's, and the server process's peak RSS (VmHWM).

By default each visitor is a client of `streamlit run` that speaks the browser's own wire
protocol (a WebSocket carrying Streamlit's protobuf messages: one "run this page" message, then
every element the server sends until the run finishes), so the figures are the server's work
and its queueing, which is what many visitors share. With `--browser`, each visitor is a
headless-Chromium context, timed until its charts are drawn; on a small machine that also
times twenty browsers drawing the page on the same cores, which real visitors do on their own
devices. Both also report the server process's CPU time. With `--pages`, each page a class
opens at once (Overview, a walkthrough step, Playground, Transcripts, Results) is timed the same
way on a server that has loaded the data: the slowest of the visitors, and CPU per visitor.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from common import Row, ensure_corpus, parser, print_table

from tests.browser_harness import running_app

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


async def _protocol_visit(url: str, path: str = RESULTS) -> float:
    """A new session asking for a page (the Results page unless told) as a browser would;
    seconds until the server has sent the whole page (its run finished). The Results page is
    checked to hold a chart."""
    import websockets
    from streamlit.proto import BackMsg_pb2, ForwardMsg_pb2

    start = time.perf_counter()
    charts = 0
    stream = url.replace("http://", "ws://") + "/_stcore/stream"
    async with websockets.connect(
        stream, subprotocols=["streamlit"], max_size=None, open_timeout=600
    ) as socket:
        ask = BackMsg_pb2.BackMsg()
        page_name, _, query = path.lstrip("/").partition("?")
        ask.rerun_script.page_name = page_name
        ask.rerun_script.query_string = query
        await socket.send(ask.SerializeToString())
        while True:
            message = ForwardMsg_pb2.ForwardMsg()
            message.ParseFromString(await asyncio.wait_for(socket.recv(), 600))
            kind = message.WhichOneof("type")
            if kind == "delta" and message.delta.WhichOneof("type") == "new_element":
                charts += message.delta.new_element.WhichOneof("type") == "plotly_chart"
            if kind == "page_not_found":
                raise RuntimeError("the server did not find the Results page")
            finished = ForwardMsg_pb2.ForwardMsg.FINISHED_SUCCESSFULLY
            if kind == "script_finished" and message.script_finished == finished:
                break
    if path == RESULTS and not charts:
        raise RuntimeError("the Results page came without a chart")
    return time.perf_counter() - start


async def _protocol_at_once(url: str, sessions: int, path: str = RESULTS) -> list[float]:
    return list(await asyncio.gather(*(_protocol_visit(url, path) for _ in range(sessions))))


PAGES = {  # the pages a class opens at once, as a link would open them
    "Overview": "/",
    "Guided walkthrough, step 3": "/walkthrough?step=3",
    "Playground": "/playground",
    "Transcripts": "/transcripts",
    "Results": RESULTS,
}


def page_rows(n: int, sessions: int) -> list[Row]:
    """Each page on one public server that has loaded the data: `sessions` visitors opening it
    at once after a first visitor did; the slowest one's wait and the server's CPU per visitor."""
    rows = []
    with running_app(prepare(n), {"AFLAB_MODE": "public"}, timeout=120) as app:
        for name, path in PAGES.items():
            asyncio.run(_protocol_at_once(app.url, 1, path))
            start = cpu_seconds(app.process.pid)
            times = asyncio.run(_protocol_at_once(app.url, sessions, path))
            cpu = (cpu_seconds(app.process.pid) - start) / sessions
            rows.append(Row(f"{name}: slowest of {sessions} at once", n, max(times), "s"))
            rows.append(Row(f"{name}: server CPU per visitor", n, cpu, "s"))
    return rows


def measure(n: int, sessions: int, at_once) -> dict[str, float]:
    """A freshly started public server: `sessions` visitors at once (1: a lone one), then, on
    the now warm server, the same again; `at_once` is the kind of visitor."""
    data_dir = prepare(n)
    with running_app(data_dir, {"AFLAB_MODE": "public"}, timeout=120) as app:
        start = cpu_seconds(app.process.pid)
        cold = asyncio.run(at_once(app.url, sessions))
        middle = cpu_seconds(app.process.pid)
        warm = asyncio.run(at_once(app.url, sessions))
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
    at_once = _at_once if browser else _protocol_at_once
    lone = measure(n, 1, at_once)
    crowd = measure(n, sessions, at_once)
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
        Row(f"slowest of {sessions} ÷ lone, warm server (their pages drawn one after another)",
            n, crowd["warm_max"] / lone["warm_max"], "×"),
        Row(f"peak RSS of the server process, {sessions} visitors twice", n, crowd["rss"], "MB",
            target=1536),
        Row("server CPU time, a lone visitor on a fresh server", n, lone["cold_cpu"], "s"),
        Row(f"server CPU time, {sessions} visitors on a fresh server", n, crowd["cold_cpu"], "s"),
        Row("server CPU time, a lone visitor on a warm server", n, lone["warm_cpu"], "s"),
        Row(f"server CPU time, {sessions} visitors on a warm server", n, crowd["warm_cpu"], "s"),
        Row("peak RSS of the server process, a lone visitor twice", n, lone["rss"], "MB"),
    ]  # fmt: skip


def main() -> None:
    arguments = parser(__doc__.splitlines()[0])
    arguments.add_argument("--sessions", type=int, default=20)
    arguments.add_argument("--browser", action="store_true", help="Chromium visitors")
    arguments.add_argument("--pages", action="store_true", help="also each page, warm server")
    arguments.set_defaults(sizes=[50_000])  # the paper's scale; smaller sizes on request
    options = arguments.parse_args()
    kind = "headless-Chromium visitors" if options.browser else "visitors (protocol clients)"
    for n in options.sizes:
        print_table(rows_for(n, options.sessions, options.browser),
                    f"{options.sessions} {kind}, N = {n:,}")  # fmt: skip
        if options.pages:
            print_table(page_rows(n, options.sessions),
                        f"Each page, {options.sessions} visitors at once, N = {n:,}")  # fmt: skip
        sys.stdout.flush()


if __name__ == "__main__":
    main()
