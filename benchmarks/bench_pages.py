"""The Transcripts and Results pages with N transcripts loaded: server time of a rerun.

Two measures at each size. In-process: the package functions the pages call, each the median
of several calls (what a rerun pays once the data is cached; the Results page's full view is
computed once per server and choice, then shared). Then the pages themselves under
Streamlit's AppTest, with the corpus found as a run under AFLAB_DATA_DIR like any other file:
the wall time of `AppTest.run()` after a filter, search or page change, and the rows of the
table the page sends to the browser.

    python benchmarks/bench_pages.py [--sizes 1000 10000 50000]
"""

from __future__ import annotations

import math
import os
import statistics as stats
import tempfile
import time
from pathlib import Path

from common import PROJECT_ROOT, Row, best_of, ensure_corpus, parser, print_table

TRANSCRIPTS_TARGET_S = 0.3
RESULTS_TARGET_S = 0.5
ROWS_PER_PAGE = 50
RARE = "synthetic request 17 about"  # a phrase in few transcripts
COMMON = "modify me"  # a phrase in most transcripts


def function_rows(n: int, path: Path) -> list[Row]:
    """The pages' work, function by function, on the app's table of the corpus."""
    from alignment_faking_lab.analysis import charts, results_view, statistics
    from alignment_faking_lab.analysis.paper_check import compare_with_paper, describe_differences
    from alignment_faking_lab.data import paths
    from alignment_faking_lab.data.filtering import TranscriptFilter, filter_frame
    from alignment_faking_lab.data.table import load_table, merge_tables
    from alignment_faking_lab.paper.figures import closest_paper_row

    table = merge_tables([load_table(paths.ILLUSTRATIVE_TRANSCRIPTS), load_table(path)])
    frame, search = table.frame, table.search
    ids = frame["id"]

    def transcripts_page(criteria: TranscriptFilter) -> None:
        for column in ("source", "model", "prompt_category"):  # the filters' options
            sorted(str(v) for v in frame[column].dropna().unique())
        matches = filter_frame(frame, criteria, search)
        matches.iloc[:ROWS_PER_PAGE][["prompt_text", "source", "model", "tier"]]

    def results_page(split: list[str]) -> None:  # everything the page computes, uncached
        sources = sorted(frame["source"].astype(str).unique())
        view = results_view.results_view(frame, sources, split, harmful_only=True)
        for chart in (view.tiers_chart, view.gap_chart, view.models.chart):
            chart.figure.to_json()

    def paper_check() -> None:  # what the Results page does per imported paper setting
        describe_differences(compare_with_paper(frame, "helpful_only"))
        paper_row = closest_paper_row("helpful_only")
        charts.paper_vs_run_chart(paper_row, statistics.tier_summary(frame)).to_json()

    some = ids.iat[len(ids) // 2]
    filters = {
        "filter by tier": TranscriptFilter(tiers=("paid",)),
        "filter by model and category": TranscriptFilter(
            models=("gpt-4o",), categories=("fraud", "weapons")
        ),
        "search, rare phrase": TranscriptFilter(text=RARE),
        "search, common phrase": TranscriptFilter(text=COMMON),
        "search, absent phrase": TranscriptFilter(text="no such words anywhere"),
    }
    figures = [
        *[(f"transcripts: {name}", lambda c=c: transcripts_page(c)) for name, c in filters.items()],
        ("transcripts: open one transcript", lambda: table.transcript(some)),
        ("results: every statistic and chart, computed, split by source",
         lambda: results_page(["source"])),
        ("results: the paper check of one imported setting", paper_check),
        ("results: every statistic and chart, computed, split by model and variant",
         lambda: results_page(["model", "variant"])),
    ]  # fmt: skip
    rows = []
    for name, work in figures:
        # computed once per server and choice (ui/shared_results.py): reported, no target
        target = (
            None
            if "computed" in name
            else (RESULTS_TARGET_S if name.startswith("results") else TRANSCRIPTS_TARGET_S)
        )
        rows.append(Row(f"{name} (functions)", n, best_of(work), "s", target))
    return rows


def _timed_run(at) -> float:
    start = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - start
    if at.exception:
        raise RuntimeError(str(at.exception))
    return elapsed


def apptest_rows(n: int, path: Path, repeat: int = 3) -> list[Row]:
    """The real pages under AppTest, the corpus a run file in a temporary data folder."""
    from streamlit.testing.v1 import AppTest

    data_dir = Path(tempfile.mkdtemp(prefix="aflab-bench-"))
    (data_dir / "runs").mkdir()
    (data_dir / "runs" / path.name).symlink_to(path)
    os.environ["AFLAB_DATA_DIR"] = str(data_dir)
    os.environ["AFLAB_MODE"] = "local"  # the shared runs/ folder: one person's own run
    app = str(PROJECT_ROOT / "app.py")

    at = AppTest.from_file(app, default_timeout=120)
    at.run()
    at.switch_page("pages/transcripts.py")
    first = _timed_run(at)  # loads the file: reported for context
    shown = len(at.dataframe[0].value)
    filter_times, search_times, page_times = [], [], []
    for attempt in range(repeat):
        at.multiselect(key="f_tier").set_value(["paid"] if attempt % 2 == 0 else ["free"])
        filter_times.append(_timed_run(at))
        at.text_input(key="q").set_value(COMMON if attempt % 2 == 0 else RARE)
        search_times.append(_timed_run(at))
        at.number_input(key="page").set_value(2 + attempt)
        page_times.append(_timed_run(at))
        sent = max(len(frame.value) for frame in at.dataframe)
        shown = max(shown, sent)
        at.text_input(key="q").set_value("")
        _timed_run(at)
    at.switch_page("pages/results.py")
    _timed_run(at)
    at.segmented_control(key="data").set_value("Transcripts loaded in the app")
    _timed_run(at)
    splits = [["model"], ["variant"], ["model", "variant"], ["source", "model"]][: repeat + 1]
    new_times = []  # a choice no session has made yet: the page computes it
    for split in splits:
        at.multiselect(key="r_split").set_value(split)
        new_times.append(_timed_run(at))
    shared_times = []  # choices made before, by this or any session: the page draws them
    for split in splits:
        at.multiselect(key="r_split").set_value(split)
        shared_times.append(_timed_run(at))
    return [
        Row("transcripts page: first run, file loaded (AppTest)", n, first, "s"),
        Row("transcripts page: filter change rerun (AppTest)", n, stats.median(filter_times), "s",
            TRANSCRIPTS_TARGET_S),
        Row("transcripts page: search change rerun (AppTest)", n, stats.median(search_times), "s",
            TRANSCRIPTS_TARGET_S),
        Row("transcripts page: next page rerun, search active (AppTest)", n,
            stats.median(page_times), "s", TRANSCRIPTS_TARGET_S),
        Row("transcripts page: most table rows sent to the browser", n, shown, "rows",
            ROWS_PER_PAGE),
        Row("results page: rerun after a choice no session made yet (AppTest)", n,
            stats.median(new_times), "s"),
        Row("results page: rerun after a choice already computed on the server (AppTest)", n,
            stats.median(shared_times), "s", RESULTS_TARGET_S),
    ]  # fmt: skip


def main() -> None:
    args = parser(__doc__.splitlines()[0]).parse_args()
    rows: list[Row] = []
    for n in args.sizes:
        path = ensure_corpus(n)
        rows += function_rows(n, path)
        rows += apptest_rows(n, path)
        print(f"measured N = {n:,}", flush=True)
    print_table(rows, "Transcripts and Results pages with N transcripts loaded")
    if any(math.isnan(row.value) for row in rows):
        raise SystemExit("a figure could not be measured")


if __name__ == "__main__":
    main()
