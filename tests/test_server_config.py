"""The server settings in .streamlit/config.toml are the ones Streamlit reads when started from
the project (the README's command and Community Cloud both start it there).

A setting Streamlit renames or drops is ignored with only a log line, so the public server
would quietly lose it; these checks fail instead.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
READ_OPTIONS = """
import json, sys
import streamlit as st
print(json.dumps({name: st.get_option(name) for name in sys.argv[1:]}))
"""


def options_read_in(directory: Path, *names: str) -> dict[str, object]:
    """The options' values as Streamlit reads them in a fresh process started in `directory`."""
    reply = subprocess.run(
        [sys.executable, "-c", READ_OPTIONS, *names],
        cwd=directory, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    return json.loads(reply.stdout.strip().splitlines()[-1])


def test_the_server_skips_streamlits_collection_after_every_page(tmp_path):
    """Without this, about half of a public server's work per page is a full garbage
    collection, and twenty visitors' pages wait behind twenty of them (bench_sessions.py)."""
    option = "runner.postScriptGC"
    assert options_read_in(ROOT, option) == {option: False}
    assert options_read_in(tmp_path, option) == {option: True}  # Streamlit's default elsewhere


def test_the_server_does_not_watch_files_or_report_usage():
    read = options_read_in(ROOT, "server.fileWatcherType", "browser.gatherUsageStats")
    assert read == {"server.fileWatcherType": "none", "browser.gatherUsageStats": False}
