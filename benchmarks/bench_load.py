"""Load N transcripts from JSONL into the app: time and peak resident memory.

Each size runs in a fresh Python process (peak RSS from `resource.getrusage`), which first
imports what the app imports, then does what the app's first rerun does with the data: load the
shipped examples and the corpus file as tables (`table.load_table`, called by `ui/data.py`) and
merge them. Then the cost of a file that grows by one line (a live run). For context, the
simple path (every transcript as a full object, then the frame and the search index) is
measured the same way.

    python benchmarks/bench_load.py [--sizes 1000 10000 50000]
"""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import PROJECT_ROOT, Row, ensure_corpus, parser, print_table

LOAD_TARGET_S = 3.0
RSS_TARGET_MB = 1024.0


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kB


def child(path: str, simple: bool) -> dict[str, float]:
    """Runs in the fresh process: import like the app, then load and measure."""
    import streamlit  # noqa: F401

    from alignment_faking_lab.data import paths
    from alignment_faking_lab.ui import data  # noqa: F401

    before = peak_rss_mb()
    start = time.perf_counter()
    if simple:
        from alignment_faking_lab.data.frames import transcripts_frame
        from alignment_faking_lab.data.search import TextBuffer, search_text
        from alignment_faking_lab.data.storage import read_jsonl

        transcripts = read_jsonl(paths.ILLUSTRATIVE_TRANSCRIPTS).transcripts
        transcripts += read_jsonl(path).transcripts
        frame = transcripts_frame(transcripts)
        texts = TextBuffer()
        for t in transcripts:
            texts.add(search_text(t.prompt_text, (m.content for m in t.messages)))
        rows = len(frame)
    else:
        from alignment_faking_lab.data.table import load_table, merge_tables

        merged = merge_tables([load_table(paths.ILLUSTRATIVE_TRANSCRIPTS), load_table(path)])
        rows = len(merged)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "rss_mb": peak_rss_mb(), "rss_before_mb": before, "rows": rows}


def growing_run(path: str) -> float:
    """Seconds to add one line appended to a loaded file (what a page pays while a live run
    writes to it), on a copy of the corpus."""
    from alignment_faking_lab.data.table import extend_table, load_table

    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "run.jsonl"
        shutil.copyfile(path, copy)
        table = load_table(copy)
        with copy.open("rb") as handle:
            line = handle.readline().replace(b'"id":"', b'"id":"appended-', 1)
        with copy.open("ab") as handle:
            handle.write(line)
        start = time.perf_counter()
        extended = extend_table(table, copy)
        seconds = time.perf_counter() - start
        assert extended is not None and len(extended) == len(table) + 1
        return seconds


def measure(path: str, mode: str = "load") -> dict[str, float]:
    """Run one measure in a fresh process: this one stays small, so a child's peak RSS is its
    own (on Linux a child's `ru_maxrss` starts from what its parent held when it forked)."""
    command = [sys.executable, __file__, "--child", path, "--mode", mode]
    output = subprocess.run(
        command, cwd=PROJECT_ROOT, check=True, capture_output=True, text=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    arguments = parser(__doc__.splitlines()[0])
    arguments.add_argument("--child", help=argparse_hidden())
    arguments.add_argument("--mode", default="load", help=argparse_hidden())
    arguments.add_argument("--no-simple", action="store_true", help="skip the simple path")
    args = arguments.parse_args()
    if args.child:
        if args.mode == "grow":
            print(json.dumps({"seconds": growing_run(args.child)}))
        else:
            print(json.dumps(child(args.child, simple=args.mode == "simple")))
        return
    rows: list[Row] = []
    for n in args.sizes:
        path = str(ensure_corpus(n))
        fast = measure(path)
        rows += [
            Row("load into the app (time)", n, fast["seconds"], "s", LOAD_TARGET_S),
            Row("load into the app (peak RSS of the process)", n, fast["rss_mb"], "MB",
                RSS_TARGET_MB),
            Row("  of which: Python, Streamlit, pandas imported", n, fast["rss_before_mb"], "MB"),
            Row("a growing run: one appended line added to the loaded table", n,
                measure(path, "grow")["seconds"], "s"),
        ]  # fmt: skip
        if not args.no_simple:
            simple = measure(path, "simple")
            rows += [
                Row(
                    "for context: as full objects + frame + search (time)",
                    n,
                    simple["seconds"],
                    "s",
                ),
                Row("for context: as full objects, peak RSS", n, simple["rss_mb"], "MB"),
            ]
    print_table(rows, "Loading JSONL into the app (fresh process per size)")


def argparse_hidden() -> str:
    import argparse

    return argparse.SUPPRESS


if __name__ == "__main__":
    main()
