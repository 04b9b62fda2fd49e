"""Figures computed once per server and shared by every session: the Results page's views, and
the model comparison (the paper's headline chart is in `published`).

On a public server many visitors open the Results page on the same data. Each one used to
recompute every statistic and rebuild every plotly figure (seconds at 50,000 transcripts, and
the transient copies of the table added up), so twenty visitors at once made the page many
times slower and the process much bigger. Here each view is built once per (data, choices)
and kept in a `ServerCache`, which hands every session the same read-only object (no copy)
and lets only one session compute a given key while the others wait for it; unlike
`st.cache_resource`, no browser can clear it. The key is the loaded selection's identity
(`LoadedData.identity`: each file's path and version, each upload's content hash), so a
visitor's own runs or uploads get views of their own and a growing run gets a new one; a page
must never change a view it was given.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from alignment_faking_lab.analysis import results_view
from alignment_faking_lab.analysis.results_view import (
    ModelComparisonView,
    PaperCheckView,
    ResultsView,
)
from alignment_faking_lab.ui.data import LoadedData, available_collections, collection_table
from alignment_faking_lab.ui.server_cache import ServerCache

MAX_VIEWS = 64  # views are small (tables of rates, a few figures); a day's distinct choices
LIFETIME_S = 6 * 3600
_results: ServerCache[ResultsView] = ServerCache(MAX_VIEWS, LIFETIME_S)
_published: ServerCache[ModelComparisonView] = ServerCache(1)
_paper_checks: ServerCache[PaperCheckView] = ServerCache(MAX_VIEWS, LIFETIME_S)


def results_for(
    data: LoadedData, sources: Sequence[str], split: Sequence[str], harmful_only: bool
) -> ResultsView:
    """The Results page's view of `data` for the page's choices (shared, read-only)."""
    key = (data.identity, tuple(sources), tuple(split), bool(harmful_only))

    def build() -> ResultsView:
        with st.spinner("Computing the results…"):
            return results_view.results_view(data.frame, sources, split, harmful_only)

    return _results.get(key, build)


def published_models() -> ModelComparisonView:
    """The paper's per-model figures alone: the same for everyone."""
    return _published.get("paper", lambda: results_view.model_comparison_view(None))


def imported_paper_checks(keys: Sequence[str] | None = None) -> list[PaperCheckView]:
    """The check of each imported paper setting (optionally only the chosen keys) beside the
    paper's figure, once per imported file's version."""
    return [
        _paper_checks.get(
            (str(c.path), c.version, c.title),
            lambda c=c: results_view.paper_check_view(c.title, collection_table(c).frame),
        )
        for c in available_collections()
        if c.kind == "paper" and (keys is None or c.key in keys)
    ]
