"""The experiment runner against the loopback model server with a fixed reply latency.

The server (tests/fake_llm_server.py) runs in its own process and answers every request after
`--latency` seconds, streamed in the Anthropic wire format; each call is one conversation of one
turn. Reported: wall time against the ideal (calls x latency / concurrency), resident memory as
the number of calls grows, and the same run again answered from the on-disk response cache.

    python benchmarks/bench_runner.py [--calls 250 1000 2000] [--latency 0.2] [--concurrency 50]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from common import PROJECT_ROOT, Row, print_table

from alignment_faking_lab.calling.endpoints import Api, Endpoint
from alignment_faking_lab.calling.plan import Plan, RetryPolicy
from alignment_faking_lab.calling.response_cache import ResponseCache
from alignment_faking_lab.calling.runner import run
from alignment_faking_lab.data.transcript import Tier
from alignment_faking_lab.protocol.queries import Query

KEY = "sk-test-valid-key-0123456789"  # the test server's key, not a real one


def resident_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def start_server(port: int, latency: float) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.fake_llm_server",
            "--port",
            str(port),
            "--latency",
            str(latency),
        ],
        cwd=PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/models", timeout=1)
        except urllib.error.HTTPError:
            return server  # 401 without a key: it is up
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the test server did not start")


def plan_for(calls: int, url: str, concurrency: int, name: str) -> Plan:
    queries = [Query(f"q{i:05d}", "bench", True, f"Request number {i}") for i in range(calls // 2)]
    return Plan(
        run_id=name,
        endpoint=Endpoint(Api.ANTHROPIC, "bench", url, KEY, timeout=30),
        models=["fake-direct"],
        queries=queries,
        tiers=[Tier.FREE, Tier.PAID],
        concurrency=concurrency,
    )


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--calls", type=int, nargs="+", default=[250, 1000, 2000])
    arguments.add_argument("--latency", type=float, default=0.2)
    arguments.add_argument("--concurrency", type=int, default=50)
    arguments.add_argument("--port", type=int, default=8791)
    args = arguments.parse_args()
    server = start_server(args.port, args.latency)
    rows: list[Row] = []
    try:
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder)
            url = f"http://127.0.0.1:{args.port}"
            run(plan_for(20, url, 10, "warm-up"), out / "warm-up.jsonl")  # imports, first client
            baseline = resident_mb()
            for calls in args.calls:
                cache = ResponseCache(out / f"cache-{calls}")
                plan = plan_for(calls, url, args.concurrency, f"bench-{calls}")
                start = time.perf_counter()
                report = run(plan, out / f"run-{calls}.jsonl", cache=cache, retry=RetryPolicy())
                seconds = time.perf_counter() - start
                assert report.completed == calls and not report.failed, report.summary()
                ideal = calls * args.latency / args.concurrency
                targeted = calls == 1000  # the figure; other sizes show the growth
                rows.append(Row(f"runner: {calls} calls, {args.latency * 1000:.0f} ms, "
                                f"concurrency {args.concurrency} (ideal {ideal:.1f} s)", calls,
                                seconds, "s", 1.2 * ideal if targeted else None))  # fmt: skip
                rows.append(Row("  resident memory growth over the warm process", calls,
                                resident_mb() - baseline, "MB"))  # fmt: skip
                start = time.perf_counter()
                again = run(plan, out / f"again-{calls}.jsonl", cache=cache)
                seconds = time.perf_counter() - start
                assert again.cached == calls, again.summary()
                rows.append(Row("  the same run from the cache", calls, seconds, "s",
                                1.0 if targeted else None))  # fmt: skip
    finally:
        server.terminate()
    print_table(rows, "Runner (target: 1.2 x ideal; cache under 1 s)")


if __name__ == "__main__":
    main()
