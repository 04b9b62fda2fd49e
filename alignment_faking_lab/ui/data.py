"""Which transcripts the visitor has loaded: shared by every page through the sidebar.

Each file is loaded once per (path, version) as a `TranscriptTable` (columns, a search index,
and where each transcript's line is; see table.py) and kept in a `ServerCache` (shared, never
copied, and unlike `st.cache_resource` not cleared by any browser's request). The merged
selection is cached the same way, so a rerun of any page does no loading work. Uploads live
only in the visitor's session.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import streamlit as st

from alignment_faking_lab.data import catalogue, paths
from alignment_faking_lab.data.child_parse import load_path_in_child, table_from_bytes_in_child
from alignment_faking_lab.data.search import SearchIndex
from alignment_faking_lab.data.table import (
    StaleTranscriptError,
    TranscriptTable,
    empty_table,
    extend_table,
    load_path,
    merge_tables,
    summary_line,
    table_from_bytes,
)
from alignment_faking_lab.data.transcript import Transcript
from alignment_faking_lab.public import deployment
from alignment_faking_lab.ui import visitor_space
from alignment_faking_lab.ui.server_cache import ServerCache
from alignment_faking_lab.ui.text import escape_markdown

UPLOADS_KEY = "aflab_uploads"
SELECTED_KEY = "aflab_selected_collections"  # the sidebar widget
KEPT_KEY = "aflab_kept_selection"  # the visitor's choice, kept across pages
PENDING_KEY = "aflab_pending_sources"
REPORT_KEY = "aflab_last_load_report"


@dataclass
class LoadedData:
    """The selected sources merged: pages filter and count `frame`, search with `search` (row
    for row with `frame`), and open one transcript with `transcript(id)`."""

    table: TranscriptTable = field(default_factory=empty_table)
    errors: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    identity: tuple = ()  # each source's path and version (or content hash): names the table

    @property
    def dropped(self) -> int:
        """Transcripts left out because the same id was already loaded from another source."""
        return self.table.dropped

    @property
    def frame(self) -> pd.DataFrame:
        return self.table.frame

    @property
    def search(self) -> SearchIndex:
        return self.table.search

    def transcript(self, transcript_id: str) -> Transcript | None:
        try:
            return self.table.transcript(transcript_id)
        except StaleTranscriptError as exc:  # rewritten under us: say so, never a traceback
            st.warning(f"{escape_markdown(str(exc))} (reload the page).")
            return None

    def transcripts_where(self, mask) -> list[Transcript]:
        try:
            return self.table.transcripts_where(mask)
        except StaleTranscriptError as exc:
            st.warning(f"{escape_markdown(str(exc))} (reload the page).")
            return []


@dataclass
class _FileSlot:
    lock: threading.Lock = field(default_factory=threading.Lock)
    version: tuple[float, int] | None = None
    table: TranscriptTable | None = None


_file_slots: ServerCache[_FileSlot] = ServerCache(32)
_merged_tables: ServerCache[TranscriptTable] = ServerCache(4)


OWN_FILES_KEY = "aflab_own_file_tables"


def _is_visitors_own(path: str) -> bool:
    """Whether `path` is in this visitor's own folder (public mode: their runs and imports)."""
    folder = visitor_space.private_dir()
    return folder is not None and Path(path).is_relative_to(folder)


def _file_slot(path: str) -> _FileSlot:
    """Shared files are loaded once for every session; a visitor's own files are kept with
    their session, so they leave the server's memory when the visitor does (a server-wide
    entry would stay until 32 other files pushed it out)."""
    if _is_visitors_own(path):
        own = st.session_state.setdefault(OWN_FILES_KEY, {})
        visitor_space.hold_in_memory(own)
        return own.setdefault(path, _FileSlot())
    return _file_slots.get(path, _FileSlot)


def _load_file(path: str, version: tuple[float, int]) -> TranscriptTable:
    """The file's table, loaded once per version and shared by every session. One version per
    file is kept; a run that is still growing gets only its new lines read."""
    slot = _file_slot(path)
    with slot.lock:
        if slot.table is not None and slot.version != version and Path(path).is_file():
            slot.table = extend_table(slot.table, path)  # a growing run: read its new lines
            slot.version = version if slot.table is not None else None
        if slot.table is None or slot.version != version:
            slot.table = None  # let the old version go before the new one is built
            # A visitor's own file is parsed in a child process, as uploads are.
            loader = load_path_in_child if _is_visitors_own(path) else load_path
            with st.spinner("Loading transcripts…"):
                slot.table = loader(path)
            slot.version = version
        return slot.table


def collection_table(collection: catalogue.Collection) -> TranscriptTable:
    """One collection's table, through the same cache as the sidebar's selection."""
    return _load_file(str(collection.path), collection.version)


MERGED_KEY = "aflab_merged_selection"


def _merged(identity: tuple, tables: tuple[TranscriptTable, ...]) -> TranscriptTable:
    """Merging copies the tables' columns, so it is done once per selection, not per rerun. A
    selection with a visitor's upload in it is kept in their session (gone when it ends), never
    in the server's cache, where it would outlive them; so is one with a file of their own."""
    own = uploads()
    if not any(part[0] in own or _is_visitors_own(part[1]) for part in identity):
        return _merged_tables.get(identity, lambda: merge_tables(tables))
    kept = st.session_state.setdefault(MERGED_KEY, {})
    visitor_space.hold_in_memory(kept)
    if identity not in kept:
        kept.clear()  # the previous selection goes first
        kept[identity] = merge_tables(tables)
    return kept[identity]


def available_collections() -> list[catalogue.Collection]:
    """The shared collections, and this visitor's own (public mode) or the shared runs (local)."""
    return catalogue.discover_collections(paths.data_dir(), visitor_space.private_dir())


@dataclass(frozen=True, slots=True)
class Upload:
    table: TranscriptTable
    fingerprint: str  # content hash: the merge cache key for a session's upload
    size: int = 0  # the uploaded bytes, counted against the visitor's room


def visitor_room() -> int | None:
    """Bytes this visitor may still load or import (public mode), None when unlimited: their
    share (`deployment.visitor_data_cap`) less their uploads in memory and their folder."""
    cap = deployment.visitor_data_cap()
    if cap is None:
        return None
    held = visitor_space.bytes_on_disk() + sum(u.size for u in uploads().values())
    return max(cap - held, 0)


def over_room(name: str, size: int) -> str:
    """Why a file of `size` bytes may not be loaded for this visitor, or ""."""
    room = visitor_room()
    if room is None or size <= room:
        return ""
    cap, mb = deployment.visitor_data_cap() or 0, 1024 * 1024
    return (
        f"{name} ({size / mb:.1f} MB) does not fit: each visitor may load and import up to "
        f"{cap / mb:.0f} MB on this server, and {room / mb:.1f} MB of yours is left. Remove a "
        "file you loaded, or run the app on your own computer for larger files."
    )


def uploads() -> dict[str, Upload]:
    """This session's uploads; on a public server emptied once the visitor has left."""
    held = st.session_state.setdefault(UPLOADS_KEY, {})
    visitor_space.hold_in_memory(held)
    return held


def _fingerprint(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def add_upload(name: str, data: bytes) -> TranscriptTable:
    # On a public server the parse runs in a child process (child_parse.py says why).
    parse = table_from_bytes_in_child if deployment.is_public() else table_from_bytes
    table = parse(data, name)
    uploads()[f"upload:{name}"] = Upload(table, _fingerprint(data), len(data))
    return table


def add_local_file(path_text: str) -> TranscriptTable:
    path = Path(path_text).expanduser()
    if not path.is_file():
        raise FileNotFoundError(f"No file at {path}")
    table = load_path(path)
    stat = path.stat()
    uploads()[f"file:{path}"] = Upload(table, f"{path}|{stat.st_mtime}|{stat.st_size}")
    return table


def load(selected_keys: list[str] | None = None) -> LoadedData:
    """Every selected collection and upload, merged; duplicates by id keep the first."""
    collections = {c.key: c for c in available_collections()}
    keys = selected_keys if selected_keys is not None else selected_collection_keys()
    tables: list[TranscriptTable] = []
    identity: list[tuple] = []
    sources: list[str] = []
    for key in keys:
        if key in collections:
            collection = collections[key]
            tables.append(_load_file(str(collection.path), collection.version))
            identity.append((key, str(collection.path), collection.version))
        elif key in uploads():
            upload = uploads()[key]
            tables.append(upload.table)
            identity.append((key, upload.fingerprint))
        else:
            continue
        sources.append(key)
    errors = [str(error) for table in tables for error in table.errors]
    return LoadedData(_merged(tuple(identity), tuple(tables)), errors, sources, tuple(identity))


def selected_collection_keys() -> list[str]:
    """The visitor's choice, or everything on offer until they make one."""
    options = [c.key for c in available_collections()] + list(uploads())
    chosen = st.session_state.get(KEPT_KEY)
    if chosen is None:
        return options
    return [key for key in chosen if key in options]


def collection_titles() -> dict[str, str]:
    titles = {c.key: c.title for c in available_collections()}
    titles.update({key: f"Your file: {key.split(':', 1)[1]}" for key in uploads()})
    return titles


def sidebar_data_picker() -> LoadedData:
    """The sidebar 'Data' section: choose collections, upload or point to a JSONL file."""
    # A widget's value can only be changed before it is drawn, so new sources wait here.
    pending = st.session_state.pop(PENDING_KEY, [])
    if pending:
        current = selected_collection_keys()
        st.session_state[KEPT_KEY] = current + [k for k in pending if k not in current]
    titles = collection_titles()
    # Streamlit drops a widget's value when another page draws it, so the choice lives in a
    # plain session key and is handed back to the widget on every run of every page.
    st.session_state[SELECTED_KEY] = selected_collection_keys()
    with st.sidebar:
        st.subheader("Data")
        st.multiselect(
            "Transcripts loaded",
            options=list(titles),
            format_func=lambda key: titles.get(key, key),
            key=SELECTED_KEY,
            on_change=_remember_selection,
            help="Shipped illustrative examples, the paper's transcripts you imported, your live "
            "runs, and files you loaded.",
        )
        with st.expander("Load your own transcripts (JSONL)"):
            uploaded = st.file_uploader("Upload a JSONL file", type=["jsonl", "json", "txt"])
            if uploaded is not None and f"upload:{uploaded.name}" not in uploads():
                if problem := over_room(uploaded.name, uploaded.size):
                    st.error(escape_markdown(problem))
                else:
                    data = uploaded.getvalue()
                    _loaded(add_upload(uploaded.name, data), f"upload:{uploaded.name}")
            if deployment.is_public():
                _download_mine()
            else:
                _load_server_path()
            if REPORT_KEY in st.session_state:
                show_load_report(st.session_state[REPORT_KEY])
    loaded = load()
    _problems(loaded)
    return loaded


def _problems(loaded: LoadedData, limit: int = 20) -> None:
    """Say in the sidebar what of the selection was not loaded, so no count is silently short."""
    if not loaded.errors and not loaded.dropped:
        return
    with st.sidebar:
        if loaded.errors:
            with st.expander(f"⚠️ {len(loaded.errors)} line(s) could not be loaded"):
                st.caption("The valid lines of each file are loaded. Check a file with "
                           "`python -m alignment_faking_lab validate FILE`.")  # fmt: skip
                shown = loaded.errors[:limit]
                if len(loaded.errors) > limit:
                    shown = [*shown, f"… and {len(loaded.errors) - limit} more"]
                st.code("\n".join(shown), language=None, wrap_lines=True)
        if loaded.dropped:
            st.caption(
                f"{loaded.dropped} transcript(s) already loaded from another source (same id) "
                "were counted once."
            )


def _load_server_path() -> None:
    """Local mode only: any JSONL file on this machine."""
    path_text = st.text_input(
        "…or a path on the server", placeholder="runs/my_run.jsonl", key="load_path"
    )
    if st.button("Load file", disabled=not path_text, key="load_path_button"):
        try:
            result = add_local_file(path_text)
        except OSError as exc:
            st.error(escape_markdown(f"Could not read that file: {exc}"))
        else:
            _loaded(result, f"file:{Path(path_text).expanduser()}")


def _download_mine() -> None:
    """Public mode: the visitor's own transcripts, to keep and upload again later."""
    mine = visitor_space.my_transcripts_jsonl()
    st.download_button(
        "Download my transcripts (JSONL)",
        mine,
        file_name="my-alignment-faking-transcripts.jsonl",
        mime="application/jsonl",
        disabled=not mine,
        key="download_mine",
    )
    st.caption(
        "Your live sends, runs and imports are yours alone, and this server's disk is wiped "
        "when it restarts: download them to keep them, and upload the file here later to see "
        "them again."
    )
    st.caption(visitor_space.resume_note())  # a hex secret and plain words: nothing from data


def _remember_selection() -> None:
    st.session_state[KEPT_KEY] = list(st.session_state[SELECTED_KEY])


def _loaded(result: TranscriptTable, key: str) -> None:
    st.session_state[REPORT_KEY] = result
    select_source(key)
    st.rerun()


NO_TRANSCRIPTS = "No transcripts are loaded. Choose some in the sidebar under **Data**."


def stop_if_nothing_loaded(nothing: bool) -> None:
    """The pages' guard: when nothing is loaded (`nothing`), say where to choose data and stop
    the page there."""
    if nothing:
        st.warning(NO_TRANSCRIPTS)
        st.stop()


def select_source(key: str) -> None:
    """Add a source to the sidebar's selection on the next run (e.g. after an import)."""
    if st.session_state.get(KEPT_KEY) is not None:
        st.session_state.setdefault(PENDING_KEY, []).append(key)


def show_load_report(result: TranscriptTable, limit: int = 20) -> None:
    """The same report as `python -m alignment_faking_lab validate`: one line per problem (the
    first `limit`), then `N valid, M rejected`."""
    source = escape_markdown(result.source)  # a visitor's file name is data too
    summary = f"{source}: {summary_line(len(result), len(result.errors))}"
    if not result.errors:
        (st.success if len(result) else st.warning)(
            summary if len(result) else f"{source} holds no transcripts."
        )
        return
    st.error(
        summary + (": the valid lines are loaded." if len(result) else ": nothing could be loaded.")
    )
    lines = [str(e) for e in result.errors[:limit]]
    if len(result.errors) > limit:
        lines.append(f"… and {len(result.errors) - limit} more")
    st.code("\n".join(lines), language=None, wrap_lines=True)
