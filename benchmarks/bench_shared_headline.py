"""A fresh public server to the headline setting ready, against a loopback mirror.

A synthetic mirror of the headline setting (`helpful_only/default`, 400 pairs by default, pages of
realistic size from the synthetic corpus; never shipped) is served by tests/paper_site_server.py
in its own process, answering every request after `--delay` seconds. A fresh process with an
empty data folder plays the server: from its start (the package not imported yet) to the
setting fetched once by `paper.shared` and imported; then a second visitor's request, which must
fetch nothing.

    python benchmarks/bench_shared_headline.py [--pairs 400] [--delay 0.05]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_paper_import import start_server
from common import PROJECT_ROOT, Row, print_table

CONCURRENCY = 8  # what paper.shared fetches with
TARGET_RATIO = 1.5  # of the ideal: pages x delay / concurrency, plus the two selector pages


def build_mirror(root: Path, pairs: int) -> None:
    from bench_paper_html import realistic_pages

    rendered = realistic_pages()
    links = []
    for split in ("train", "deploy"):
        folder = root / "files" / "helpful_only" / "default" / split
        folder.mkdir(parents=True)
        entries = []
        for number in range(pairs):
            (folder / f"{number}.html").write_text(rendered[number % len(rendered)])
            entries.append({"html": f"{number}.html", "json": {"is_refusal_0_7": number % 7 > 0}})
        data = json.dumps({"allFiles": entries, "fields": ["is_refusal_0_7"]})
        (folder / "trajectory_selector.html").write_text(
            f"<html><body><script>const dataSource = {data};</script></body></html>"
        )
        links.append(f"files/helpful_only/default/{split}/trajectory_selector.html")
    (root / "index.html").write_text(
        "<html><body>" + "".join(f'<a href="{link}">x</a>' for link in links) + "</body></html>"
    )


def measure_one(url: str) -> dict:
    """In this fresh process (the data folder empty): start the shared fetch, wait for it."""
    start = time.perf_counter()
    from alignment_faking_lab.paper import shared
    from alignment_faking_lab.paper.site import PaperSite

    shared.HEADLINE_SHARED.start(lambda: PaperSite(url))
    state = shared.HEADLINE_SHARED.wait()
    ready = time.perf_counter() - start
    again = shared.HEADLINE_SHARED.start(lambda: PaperSite(url))  # a second visitor
    lines = sum(1 for _ in state.path.open()) if state.path else 0
    return {"seconds": ready, "status": state.status, "second": again.status,
            "fetches": shared.HEADLINE_SHARED.fetches, "transcripts": lines}  # fmt: skip


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--pairs", type=int, default=400)
    arguments.add_argument("--delay", type=float, default=0.05)
    arguments.add_argument("--one", metavar="URL")
    args = arguments.parse_args()
    if args.one:
        print(json.dumps(measure_one(args.one)))
        return
    from tests.browser_harness import free_port

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "mirror"
        build_mirror(root, args.pairs)
        port = free_port()
        server = start_server(root, port, args.delay)
        try:
            env = {"AFLAB_DATA_DIR": str(Path(folder) / "data"), "AFLAB_MODE": "public"}
            output = subprocess.run(
                [sys.executable, __file__, "--one", f"http://127.0.0.1:{port}/"],
                cwd=PROJECT_ROOT / "benchmarks", capture_output=True, text=True, check=True,
                env={**os.environ, **env},
            )  # fmt: skip
        finally:
            server.terminate()
            server.wait()
    result = json.loads(output.stdout.strip().splitlines()[-1])
    pages = 2 * args.pairs
    ideal = (pages / CONCURRENCY + 2) * args.delay
    rows = [
        Row(f"fresh server to the headline setting ready (ideal {ideal:.1f} s)", pages,
            result["seconds"], "s", ideal * TARGET_RATIO),
        Row("transcripts imported", pages, result["transcripts"], "transcripts", pages),
        Row("fetches started by two visitors", pages, result["fetches"], "fetches", 1),
    ]  # fmt: skip
    title = f"The shared headline setting, loopback mirror ({args.delay * 1000:.0f} ms a page)"
    print_table(rows, f"{title}; a second visitor found it {result['second']}")


if __name__ == "__main__":
    main()
