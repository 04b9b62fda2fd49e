"""Where a visitor's own data lives: their session's folder (public mode) or the shared data
folder (local mode).

On a public deployment a visitor's live sends, runs, reply cache and archive imports go into a
folder that belongs to their browser session alone: it is never listed for anyone else, and it
is removed when the session ends (when Streamlit drops the session's state) or, after a crash,
by the next session that starts a day later. Uploads stay in session memory (`ui/data.py`).
"""

from __future__ import annotations

import secrets
import shutil
import time
import weakref
from pathlib import Path

import streamlit as st

from alignment_faking_lab.data import paths, storage
from alignment_faking_lab.public import deployment

SPACE_KEY = "aflab_visitor_space"
PRIVATE_MARK = "private"  # in a link's query: the transcript lives in a visitor's session
STALE_SECONDS = 24 * 3600


class _Space:
    """Owns the folder: when the session's state is dropped, the folder goes with it."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        weakref.finalize(self, shutil.rmtree, str(folder), True)


def sessions_root() -> Path:
    return paths.data_dir() / "sessions"


def _sweep_stale(root: Path) -> None:
    """Folders left by sessions of a server that stopped without cleaning up."""
    if not root.is_dir():
        return
    cutoff = time.time() - STALE_SECONDS
    for folder in root.iterdir():
        try:
            if folder.is_dir() and folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue


def private_dir() -> Path | None:
    """This session's own folder in public mode; None in local mode (one shared folder)."""
    if not deployment.is_public():
        return None
    space = st.session_state.get(SPACE_KEY)
    if space is None:
        root = sessions_root()
        _sweep_stale(root)
        space = _Space(root / secrets.token_hex(16))
        st.session_state[SPACE_KEY] = space
    return space.folder


def bytes_on_disk() -> int:
    """What this visitor's folder holds (0 in local mode)."""
    folder = private_dir()
    if folder is None:
        return 0
    total = 0
    for file in folder.rglob("*"):
        try:
            total += file.stat().st_size if file.is_file() else 0
        except OSError:
            continue
    return total


def data_root() -> Path:
    """Where this visitor's runs, imports and reply cache are written."""
    return private_dir() or paths.data_dir()


def runs_dir() -> Path:
    return data_root() / "runs"


def cache_dir() -> Path:
    return data_root() / "cache" / "responses"


def my_transcripts_jsonl() -> bytes:
    """Every transcript this visitor made or imported in this session, as one JSONL file that
    the sidebar's upload reads back."""
    folder = private_dir()
    if folder is None:
        return b""
    chunks = []
    for path in sorted(folder.glob("*/*.jsonl")):
        if path.parent.name in ("runs", "paper"):
            storage.repair_torn_tail(path)
            chunks.append(path.read_bytes())
    return b"".join(chunk if chunk.endswith(b"\n") else chunk + b"\n" for chunk in chunks if chunk)
