"""Where a visitor's own data lives: their session's folder (public mode) or the shared data
folder (local mode).

On a public deployment a visitor's live sends, runs, reply cache and archive imports go into a
folder of their own, named by a random secret: it is never listed for anyone else. While any
session using it is open, nothing removes it. Once the last one has ended, it is kept
`KEEP_AFTER_S` (an hour) for its private resume link (`?resume=<secret>`, shown in the sidebar:
a reload or a typed link starts a new session), then removed. A restart of the server ends every
session and forgets every link; folders it left behind are removed a day later. Uploads stay in
session memory (`ui/data.py`).
"""

from __future__ import annotations

import gc
import re
import secrets
import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import streamlit as st

from alignment_faking_lab.data import paths, storage
from alignment_faking_lab.public import deployment
from alignment_faking_lab.ui.server_memory import give_back_freed_memory, tune_allocator

SPACE_KEY = "aflab_visitor_space"
RESUME_PARAM = "resume"
PRIVATE_MARK = "private"  # in a link's query: the transcript lives in a visitor's session
STALE_SECONDS = 24 * 3600
KEEP_AFTER_S = 3600
_SECRET = re.compile(r"[0-9a-f]{32}")


@dataclass
class _Space:
    """A visitor's folder and the sessions using it; `ended` is when the last one ended."""

    folder: Path
    sessions: set[str] = field(default_factory=set)
    ended: float | None = None
    held: list[dict] = field(default_factory=list)  # session memory to empty once they left


_spaces: dict[str, _Space] = {}  # by secret, for this server process
_lock = threading.Lock()


def sessions_root() -> Path:
    return paths.data_dir() / "sessions"


def _session_id() -> str:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else ""


def _is_open(session_id: str) -> bool:
    """Whether a session is still open (under AppTest, with no server, every one is)."""
    from streamlit import runtime

    if not runtime.exists():
        return True
    return runtime.get_instance().is_active_session(session_id)


def sweep(now: float | None = None) -> None:
    """Removes the folders whose sessions all ended more than `KEEP_AFTER_S` ago, and folders
    a stopped server left a day ago; never one that an open session uses."""
    now = time.time() if now is None else now
    newly_ended = False
    with _lock:
        for secret, space in list(_spaces.items()):
            space.sessions = {s for s in space.sessions if _is_open(s)}
            if space.sessions:
                space.ended = None
                continue
            newly_ended = newly_ended or space.ended is None
            space.ended = space.ended or now
            if space.held and now - space.ended >= _session_ttl() + 30:
                for holder in space.held:  # Streamlit has let the session go: so do we
                    holder.clear()
                space.held.clear()
                newly_ended = True
            if now - space.ended >= KEEP_AFTER_S:
                shutil.rmtree(space.folder, ignore_errors=True)
                del _spaces[secret]
        held = {space.folder.name for space in _spaces.values()}
    if newly_ended:
        # A session that ended is held in reference cycles, which only a full collection
        # frees (the app turns off Streamlit's collection after each page): do one now, so a
        # visitor's uploads leave memory when they do (benchmarks/bench_visitor_uploads.py).
        gc.collect()
        give_back_freed_memory()
    root = sessions_root()
    if not root.is_dir():
        return
    for folder in root.iterdir():
        try:
            if folder.name not in held and folder.stat().st_mtime < now - STALE_SECONDS:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue


def _session_ttl() -> float:
    """How long Streamlit keeps a disconnected session for its browser to come back."""
    try:
        return float(st.get_option("server.disconnectedSessionTTL"))
    except Exception:
        return 120.0


SWEEP_EVERY_S = 60
_sweeper_started = threading.Event()


def _start_sweeper() -> None:
    """One thread per server process sweeps every minute, so what visitors who left held is
    released even when nobody new comes."""
    if _sweeper_started.is_set():
        return
    _sweeper_started.set()
    tune_allocator()  # before visitors' uploads are allocated (server_memory says why)

    def loop() -> None:
        while True:
            time.sleep(SWEEP_EVERY_S)
            try:
                sweep()
                give_back_freed_memory()  # what pages freed since, too
            except Exception:  # a sweep that fails is tried again next minute
                continue

    threading.Thread(target=loop, name="aflab-visitor-sweeper", daemon=True).start()


def hold_in_memory(holder: dict) -> None:
    """Empties `holder` (a dict in this session's state: uploads, a merged selection) once the
    visitor's sessions have ended and Streamlit has let them go, so the memory goes with them
    instead of waiting for Streamlit's own clean-up."""
    secret = st.session_state.get(SPACE_KEY)
    with _lock:
        space = _spaces.get(secret) if secret else None
        if space is not None and not any(h is holder for h in space.held):
            space.held.append(holder)


def _claim(secret: str) -> _Space:
    """This session joins the space named by `secret` (made when new)."""
    with _lock:
        space = _spaces.get(secret)
        if space is None:
            space = _spaces[secret] = _Space(sessions_root() / secret)
            space.folder.mkdir(parents=True, exist_ok=True)
        space.sessions.add(_session_id())
        space.ended = None
        return space


def private_dir() -> Path | None:
    """This session's own folder in public mode; None in local mode (one shared folder). A
    `?resume=<secret>` link of a folder this server still keeps brings it back."""
    if not deployment.is_public():
        return None
    secret = st.session_state.get(SPACE_KEY)
    if secret is None:
        sweep()
        wanted = str(st.query_params.get(RESUME_PARAM, ""))
        with _lock:
            known = _SECRET.fullmatch(wanted) is not None and wanted in _spaces
        secret = wanted if known else secrets.token_hex(16)
        st.session_state[SPACE_KEY] = secret
        _start_sweeper()
    return _claim(secret).folder


def resume_note() -> str:
    """What the visitor is told about getting back to their work, with their private link."""
    secret = st.session_state.get(SPACE_KEY)
    if not secret:
        return ""
    return (
        f"Your private way back to your runs and imports: add `?{RESUME_PARAM}={secret}` to "
        f"this app's address. It works for {KEEP_AFTER_S // 60} minutes after you close the "
        "page, for you and anyone you give it to. A restart of this server wipes your work "
        "and the link: download your transcripts to keep them."
    )


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
