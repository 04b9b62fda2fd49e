"""Which transcripts the visitor has loaded: shared by every page through the sidebar.

Files are parsed once per (path, version) and kept with `st.cache_resource` (not `cache_data`,
which would copy tens of thousands of transcripts on every rerun). Uploads live only in the
visitor's session.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import streamlit as st

from alignment_faking_lab import catalogue, paths
from alignment_faking_lab.filtering import search_texts
from alignment_faking_lab.frames import transcripts_frame
from alignment_faking_lab.storage import LineError, LoadResult, parse_jsonl_bytes, read_jsonl
from alignment_faking_lab.transcript import Transcript

UPLOADS_KEY = "aflab_uploads"
SELECTED_KEY = "aflab_selected_collections"
PENDING_KEY = "aflab_pending_sources"
REPORT_KEY = "aflab_last_load_report"


@dataclass
class LoadedData:
    transcripts: list[Transcript] = field(default_factory=list)
    by_id: dict[str, Transcript] = field(default_factory=dict)
    frame: pd.DataFrame = field(default_factory=pd.DataFrame)
    errors: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)


@st.cache_resource(show_spinner="Loading transcripts…", max_entries=32)
def _load_file(path: str, version: tuple[float, int]) -> LoadResult:  # version: cache key only
    if not Path(path).is_file():
        return LoadResult([], [LineError(Path(path).name, 0, "(file)", "file not found")], path)
    return read_jsonl(path)


@st.cache_resource(max_entries=32)
def _frame_for(path: str, version: tuple[float, int]) -> pd.DataFrame:
    return transcripts_frame(_load_file(path, version).transcripts)


@st.cache_resource(max_entries=32)
def _texts_for(path: str, version: tuple[float, int]) -> pd.Series:
    return search_texts(_load_file(path, version).transcripts)


def search_index(loaded: LoadedData) -> pd.Series:
    """Text search index of the loaded data, built once per file (on first search only)."""
    collections = {c.key: c for c in available_collections()}
    parts = []
    for key in loaded.sources:
        if key in collections:
            collection = collections[key]
            parts.append(_texts_for(str(collection.path), collection.version))
        elif key in uploads():
            parts.append(search_texts(uploads()[key].transcripts))
    return pd.concat(parts) if parts else pd.Series(dtype="string")


def available_collections() -> list[catalogue.Collection]:
    return catalogue.discover_collections(paths.data_dir())


def uploads() -> dict[str, LoadResult]:
    return st.session_state.setdefault(UPLOADS_KEY, {})


def add_upload(name: str, data: bytes) -> LoadResult:
    result = parse_jsonl_bytes(data, name)
    uploads()[f"upload:{name}"] = result
    return result


def add_local_file(path_text: str) -> LoadResult:
    path = Path(path_text).expanduser()
    if not path.is_file():
        raise FileNotFoundError(f"No file at {path}")
    result = read_jsonl(path)
    uploads()[f"file:{path}"] = result
    return result


def load(selected_keys: list[str] | None = None) -> LoadedData:
    """Every selected collection and upload, merged; duplicates by id keep the first."""
    collections = {c.key: c for c in available_collections()}
    keys = selected_keys if selected_keys is not None else selected_collection_keys()
    loaded = LoadedData()
    frames = []
    for key in keys:
        if key in collections:
            collection = collections[key]
            result = _load_file(str(collection.path), collection.version)
            frame = _frame_for(str(collection.path), collection.version)
        elif key in uploads():
            result = uploads()[key]
            frame = transcripts_frame(result.transcripts)
        else:
            continue
        loaded.sources.append(key)
        loaded.errors += [str(error) for error in result.errors]
        fresh = [t for t in result.transcripts if t.id not in loaded.by_id]
        if len(fresh) != len(result.transcripts):
            frame = frame[~frame["id"].isin(loaded.by_id.keys())]
        loaded.by_id.update((t.id, t) for t in fresh)
        loaded.transcripts += fresh
        frames.append(frame)
    frames = [f for f in frames if len(f)]
    loaded.frame = pd.concat(frames, ignore_index=True) if frames else transcripts_frame([])
    return loaded


def selected_collection_keys() -> list[str]:
    options = [c.key for c in available_collections()] + list(uploads())
    chosen = st.session_state.get(SELECTED_KEY)
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
        current = list(st.session_state.get(SELECTED_KEY) or selected_collection_keys())
        st.session_state[SELECTED_KEY] = current + [k for k in pending if k not in current]
    titles = collection_titles()
    with st.sidebar:
        st.subheader("Data")
        st.multiselect(
            "Transcripts loaded",
            options=list(titles),
            default=None if SELECTED_KEY in st.session_state else selected_collection_keys(),
            format_func=lambda key: titles.get(key, key),
            key=SELECTED_KEY,
            help="Shipped illustrative examples, the paper's transcripts you imported, your live "
            "runs, and files you loaded.",
        )
        with st.expander("Load your own transcripts (JSONL)"):
            uploaded = st.file_uploader("Upload a JSONL file", type=["jsonl", "json", "txt"])
            if uploaded is not None and f"upload:{uploaded.name}" not in uploads():
                _loaded(add_upload(uploaded.name, uploaded.getvalue()), f"upload:{uploaded.name}")
            path_text = st.text_input(
                "…or a path on the server", placeholder="runs/my_run.jsonl", key="load_path"
            )
            if st.button("Load file", disabled=not path_text, key="load_path_button"):
                try:
                    result = add_local_file(path_text)
                except OSError as exc:
                    st.error(f"Could not read that file: {exc}")
                else:
                    _loaded(result, f"file:{Path(path_text).expanduser()}")
            if REPORT_KEY in st.session_state:
                show_load_report(st.session_state[REPORT_KEY])
    return load()


def _loaded(result: LoadResult, key: str) -> None:
    st.session_state[REPORT_KEY] = result
    select_source(key)
    st.rerun()


def select_source(key: str) -> None:
    """Add a source to the sidebar's selection on the next run (e.g. after an import)."""
    if st.session_state.get(SELECTED_KEY) is not None:
        st.session_state.setdefault(PENDING_KEY, []).append(key)


def show_load_report(result: LoadResult, limit: int = 20) -> None:
    """Loaded count and the first errors, each naming its line and field."""
    if result.transcripts:
        st.success(f"Loaded {len(result.transcripts)} transcripts from {result.source}.")
    elif not result.errors:
        st.warning(f"{result.source} holds no transcripts.")
    if result.errors:
        st.error(
            f"{len(result.errors)} line(s) of {result.source} could not be read; "
            "the valid lines are loaded."
        )
        st.code("\n".join(str(e) for e in result.errors[:limit]), language=None, wrap_lines=True)
