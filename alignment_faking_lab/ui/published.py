"""The paper's headline chart, prepared once per server and shared read-only by every session
(Overview, walkthrough, Results).

A plain module-level cache, not `st.cache_resource`: any browser can ask Streamlit to clear its
caches, and this chart is the same for everyone forever. Light on purpose (no pandas, no
transcript table): it is what the first page draws.
"""

from __future__ import annotations

import threading

from alignment_faking_lab.analysis.charts.headline import paper_headline_chart
from alignment_faking_lab.analysis.charts.style import PreparedChart, prepare_chart
from alignment_faking_lab.paper import figures as paper_figures

_prepared: dict[bool, PreparedChart] = {}
_lock = threading.Lock()


def published_headline(presentation: bool = False) -> PreparedChart:
    """The paper's headline chart (its figures only, at projector size with `presentation`);
    the first session to ask builds it while any others wait."""
    if (chart := _prepared.get(presentation)) is not None:
        return chart
    with _lock:
        if presentation not in _prepared:
            figure = paper_headline_chart(paper_figures.headline_rows())
            _prepared[presentation] = prepare_chart(figure, presentation=presentation)
        return _prepared[presentation]
