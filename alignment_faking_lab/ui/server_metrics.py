"""Streamlit's `/_stcore/metrics` page, emptied on a public server.

Anyone may open that page: it counts sessions starting and ending, the keys in every session's
state and the entries of every cache, so a visitor could watch other visitors come, go and use
the app. Streamlit has no setting to turn it off, so on a public server the app unregisters
what feeds it (once per process) and the page answers with nothing. The owner's own monitoring,
if any, should come from the host (Community Cloud's or their proxy's), not from this page.
`tests/test_browser_hostile.py` reads the page as a visitor would; a Streamlit upgrade that
moves what is unregistered here fails that test.
"""

from __future__ import annotations

import logging
import threading

_done = threading.Event()


def hide_server_metrics() -> None:
    """Empty `/_stcore/metrics` for this server process (called on public pages)."""
    if _done.is_set():
        return
    from streamlit import runtime

    if not runtime.exists():  # AppTest and bare runs: there is no server page to empty
        return
    providers = getattr(runtime.get_instance().stats_mgr, "_providers_by_family", None)
    if not isinstance(providers, dict):
        logging.getLogger(__name__).error(
            "This Streamlit keeps its metrics elsewhere: /_stcore/metrics is still served."
        )
        return
    providers.clear()
    _done.set()
