"""Importing a whole category of the paper's transcript site from a loopback mirror.

A synthetic mirror in the site's format (index, selector pages with `dataSource`, transcript
pages of realistic size rendered from the synthetic corpus; never shipped) is served by
tests/paper_site_server.py in its own process, answering every request after `--delay` seconds.
One category of 4 variants is imported with 8 downloads at once (`PaperSite.import_category`):
wall time against the ideal (pages x delay / 8), resident memory added, and a run cancelled
half-way then resumed (only the missing pages are fetched again). Each size runs in a fresh
process.

    python benchmarks/bench_paper_import.py [--sizes 500 1000 2000] [--delay 0.05]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from common import PROJECT_ROOT, Row, print_table

CATEGORY = "benchmark_category"
VARIANTS = 4
CONCURRENCY = 8
TARGET_RATIO = 1.2


def resident_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def build_mirror(root: Path, pages: int) -> None:
    """`pages` transcript pages over VARIANTS variants and both splits, in the site's format."""
    from bench_paper_html import realistic_pages

    rendered = realistic_pages()
    per_split = pages // (VARIANTS * 2)
    links = []
    for variant in range(VARIANTS):
        for split in ("train", "deploy"):
            folder = root / "files" / CATEGORY / f"variant_{variant}" / split
            folder.mkdir(parents=True)
            entries = []
            for number in range(per_split):
                (folder / f"{number}.html").write_text(rendered[number % len(rendered)])
                labels = {"is_refusal_0_7": number % 3 == 0, "effective_scheme": number % 5 == 0}
                entries.append({"html": f"{number}.html", "json": labels})
            data = json.dumps({"allFiles": entries, "fields": ["is_refusal_0_7"]})
            (folder / "trajectory_selector.html").write_text(
                f"<html><body><script>const dataSource = {data};</script></body></html>"
            )
            links.append(f"files/{CATEGORY}/variant_{variant}/{split}/trajectory_selector.html")
    (root / "index.html").write_text(
        "<html><body><ul>"
        + "".join(f'<li><a href="{link}">{link}</a></li>' for link in links)
        + "</ul></body></html>"
    )


def start_server(root: Path, port: int, delay: float) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.paper_site_server", "--port", str(port), "--root", str(root),
         "--delay", str(delay)],
        cwd=PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/index.html", timeout=1)
            return server
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the mirror did not start")


def measure_one(url: str, data_dir: Path, resume: bool) -> dict:
    """In this fresh process: import the category (or cancel half-way and resume)."""
    from alignment_faking_lab.paper.site import PaperSite

    site = PaperSite(url, cache_dir=data_dir / "site")
    site.list_settings()  # the index, before the clock: one request, not a page
    before = resident_mb()
    cancel = threading.Event()
    counted = {"pages": 0}
    total = sum(
        len(site.selector(s, sp)) for s in site.list_settings() for sp in ("train", "deploy")
    )

    def progress(done: int, _: int) -> None:
        counted["pages"] += 1
        if resume and counted["pages"] >= total // 2:
            cancel.set()

    start = time.perf_counter()
    results = site.import_category(CATEGORY, CONCURRENCY, progress, cancel, data_dir)
    first = time.perf_counter() - start
    report = {"pages": total, "seconds": first, "added_mb": resident_mb() - before}
    if resume:
        fetched_first = sum(r.downloaded for r, _, _ in results)
        start = time.perf_counter()
        again = site.import_category(CATEGORY, CONCURRENCY, None, None, data_dir)
        report |= {
            "fetched_first": fetched_first,
            "fetched_on_resume": sum(r.downloaded for r, _, _ in again),
            "cached_on_resume": sum(r.cached for r, _, _ in again),
            "resume_seconds": time.perf_counter() - start,
            "imported": sum(
                sum(1 for _ in path.open()) for _, _, path in again if path is not None
            ),
        }
    return report


def run_size(pages: int, delay: float, resume: bool = False) -> dict:
    from tests.browser_harness import free_port

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "mirror"
        build_mirror(root, pages)
        port = free_port()
        server = start_server(root, port, delay)
        try:
            output = subprocess.run(
                [sys.executable, __file__, "--one", f"http://127.0.0.1:{port}/",
                 str(Path(folder) / "data"), "--resume" if resume else "--no-resume"],
                cwd=PROJECT_ROOT / "benchmarks", capture_output=True, text=True, check=True,
            )  # fmt: skip
        finally:
            server.terminate()
            server.wait()
    return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--sizes", type=int, nargs="+", default=[500, 1000, 2000])
    arguments.add_argument("--delay", type=float, default=0.05)
    arguments.add_argument("--one", nargs=2, metavar=("URL", "DATA_DIR"))
    arguments.add_argument("--resume", action=argparse.BooleanOptionalAction, default=False)
    args = arguments.parse_args()
    if args.one:
        print(json.dumps(measure_one(args.one[0], Path(args.one[1]), args.resume)))
        return
    rows = []
    for size in args.sizes:
        result = run_size(size, args.delay)
        ideal = result["pages"] * args.delay / CONCURRENCY
        rows.append(Row(f"import a category: wall time (ideal {ideal:.2f} s)", result["pages"],
                        result["seconds"], "s", ideal * TARGET_RATIO))  # fmt: skip
        rows.append(Row("import a category: resident memory added", result["pages"],
                        result["added_mb"], "MB"))  # fmt: skip
    largest = max(args.sizes)
    resumed = run_size(largest, args.delay, resume=True)
    rows.append(Row("cancelled half-way: pages fetched before the cancel", resumed["pages"],
                    resumed["fetched_first"], "pages"))  # fmt: skip
    rows.append(Row("resumed: pages fetched again (only the missing ones)", resumed["pages"],
                    resumed["fetched_on_resume"], "pages",
                    resumed["pages"] - resumed["fetched_first"]))  # fmt: skip
    rows.append(Row("resumed: transcripts imported in all", resumed["pages"],
                    resumed["imported"], "transcripts"))  # fmt: skip
    print_table(
        rows,
        f"Import a whole category from a loopback mirror ({args.delay * 1000:.0f} ms a page, "
        f"{CONCURRENCY} at once)",
    )


if __name__ == "__main__":
    main()
