"""What every visitor shares on a server stays computed when one browser asks Streamlit to clear
its caches (its `clear_cache` message, which any client may send, runs exactly the two calls
below), and is built once however many visitors ask at the same moment."""

from __future__ import annotations

import threading
import time

from streamlit.runtime import caching

from alignment_faking_lab.data.paths import ILLUSTRATIVE_TRANSCRIPTS
from alignment_faking_lab.data.table import load_path
from alignment_faking_lab.ui import data as ui_data
from alignment_faking_lab.ui import shared_results
from alignment_faking_lab.ui.data import LoadedData
from alignment_faking_lab.ui.server_cache import ServerCache


def what_a_clear_cache_message_does() -> None:
    """Streamlit's AppSession._handle_clear_cache_request, for any browser that sends it."""
    caching.cache_data.clear()
    caching.cache_resource.clear()


def test_a_visitors_clear_cache_message_does_not_wipe_what_every_visitor_shares():
    path = str(ILLUSTRATIVE_TRANSCRIPTS)
    table = ui_data._load_file(path, (1.0, 1))
    data = LoadedData(table, sources=["illustrative"], identity=(path, 1.0, 1))
    view = shared_results.results_for(data, ["illustrative"], ["source"], True)
    models = shared_results.published_models()
    what_a_clear_cache_message_does()
    assert ui_data._load_file(path, (1.0, 1)) is table  # not read again
    assert shared_results.results_for(data, ["illustrative"], ["source"], True) is view
    assert shared_results.published_models() is models
    assert load_path(path) is not table  # (a fresh load would be a new table)


def test_the_shared_cache_builds_once_for_visitors_asking_at_once_and_keeps_the_newest():
    cache: ServerCache[object] = ServerCache(max_entries=2, ttl_s=60)
    builds = []

    def slow_build() -> object:
        builds.append(1)
        time.sleep(0.2)
        return object()

    results = []
    threads = [threading.Thread(target=lambda: results.append(cache.get("k", slow_build)))
               for _ in range(8)]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(builds) == 1 and len({id(r) for r in results}) == 1
    cache.get("a", object)
    cache.get("b", object)  # three keys, room for two: the least recently used goes
    assert len(cache) == 2 and cache.get("k", lambda: "rebuilt") == "rebuilt"
    short: ServerCache[str] = ServerCache(max_entries=4, ttl_s=0.05)
    short.get("x", lambda: "old")
    time.sleep(0.1)
    assert short.get("x", lambda: "new") == "new"  # past its age: built again
