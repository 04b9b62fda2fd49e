"""Static copies of the charts for notebooks: a PNG beside each interactive chart.

GitHub, nbviewer and a printed notebook cannot run plotly's JavaScript, so each chart is also
rendered to a PNG by kaleido (plotly's exporter, which drives a local Chrome or Chromium; no
network), and its text alternative is printed under it. One browser is kept for all charts of a
kernel: about half a second a chart after the first.
"""

from __future__ import annotations

import atexit

import plotly.graph_objects as go

from alignment_faking_lab.analysis.charts.style import alt_text

STATIC_WIDTH = 900
_state: dict[str, object] = {}


def _server_started() -> bool:
    if "started" not in _state:
        try:
            import kaleido

            kaleido.start_sync_server(silence_warnings=True)
            atexit.register(kaleido.stop_sync_server, silence_warnings=True)
            _state["started"] = True
        except Exception as error:  # no kaleido, or a kaleido without a sync server
            _state["started"] = False
            _state["why"] = f"{type(error).__name__}: {error}"
    return bool(_state["started"])


def static_png(figure: go.Figure, width: int = STATIC_WIDTH) -> bytes | None:
    """The chart as a PNG, or None (the reason in `why_no_image()`) when no exporter runs."""
    if "why" in _state and not _state.get("started"):
        return None
    _server_started()
    try:
        return figure.to_image(format="png", width=width, scale=1)
    except Exception as error:  # e.g. no Chrome: `plotly_get_chrome` installs one
        _state["why"] = f"{type(error).__name__}: {error}".splitlines()[0]
        _state["started"] = False
        return None


def why_no_image() -> str:
    return str(_state.get("why", ""))


def show(figure: go.Figure) -> None:
    """The interactive chart, a static PNG of it, and what it shows in words."""
    from IPython.display import Image, display

    figure.show()
    image = static_png(figure)
    if image is not None:
        display(Image(data=image, format="png", width=STATIC_WIDTH))
    else:
        print(
            "(No static copy of this chart: "
            f"{why_no_image()}. Run `plotly_get_chrome` once to install a browser for it.)"
        )
    sentence = alt_text(figure)
    if sentence:
        print(f"In words: {sentence}")  # plain text: names from data never become markup
