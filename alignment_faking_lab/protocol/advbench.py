"""AdvBench's harmful behaviours, downloaded on request from the upstream CSV and cached.

The study's minimal reproduction used the first 100 `goal` rows. Nothing is shipped: the file
is fetched only when a user asks for it, and reused from the cache afterwards.
"""

from __future__ import annotations

import csv
import io
import os

from alignment_faking_lab.protocol.queries import Query, QueryFileError
from alignment_faking_lab.public.downloads import CachedSite

# A mirror (or a test server) can stand in for GitHub with AFLAB_ADVBENCH_BASE_URL.
BASE_URL = os.environ.get(
    "AFLAB_ADVBENCH_BASE_URL",
    "https://raw.githubusercontent.com/llm-attacks/llm-attacks/main/data/advbench/",
)
FILE = "harmful_behaviors.csv"


class AdvBenchSite(CachedSite):
    what = "Downloading AdvBench"
    cache_folder = "advbench"


def parse_behaviours(text: str, source: str = FILE) -> list[Query]:
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "goal" not in reader.fieldnames:
        found = ", ".join(reader.fieldnames or []) or "nothing"
        raise QueryFileError(f"{source}: expected a 'goal' column (found: {found})")
    queries = []
    for row_number, row in enumerate(reader, start=2):
        goal = (row.get("goal") or "").strip()
        if not goal:
            raise QueryFileError(f"{source}, row {row_number}, column 'goal': is empty")
        queries.append(Query(f"advbench-{row_number - 1:03d}", "AdvBench", True, goal))
    return queries


def _check(body: bytes) -> None:
    """AdvBench as expected before it is cached: its columns, every row whole (a file cut short
    by a server that declared no length loses the last row's 'target')."""
    text = body.decode("utf-8", errors="replace")
    parse_behaviours(text)
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or len(rows[-1]) < 2 or not text.rstrip("\r\n"):
        raise QueryFileError("the file is cut short: its last row is incomplete")
    if text.lstrip().startswith("<"):
        raise QueryFileError("a web page, not the CSV file")


def load_advbench(
    first_n: int = 100, base_url: str | None = None, refresh: bool = False
) -> list[Query]:
    """The first N behaviours; raises OfflineError (a plain message) when it cannot download."""
    site = AdvBenchSite(base_url or os.environ.get("AFLAB_ADVBENCH_BASE_URL", BASE_URL))
    return parse_behaviours(site.get(FILE, refresh=refresh, check=_check))[:first_n]
