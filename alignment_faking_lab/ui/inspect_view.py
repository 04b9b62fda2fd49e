"""Inspect AI logs on the Run experiment page: a run exported as a log `inspect view` opens,
and an Inspect log of an alignment-faking task imported as a run of this session.

Inspect AI is optional (`pip install 'alignment-faking-lab[inspect]'`) and takes seconds to
import, so it is imported only when a button is pressed; without it the page says how to
install it.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from alignment_faking_lab.calling.plan import run_id_from_name
from alignment_faking_lab.data import inspect_log
from alignment_faking_lab.data.storage import write_jsonl
from alignment_faking_lab.data.transcript import Transcript
from alignment_faking_lab.ui import visitor_space
from alignment_faking_lab.ui.data import over_room
from alignment_faking_lab.ui.text import escape_markdown

EXPORTS_KEY = "aflab_inspect_exports"  # run id -> the exported log's bytes


def offer_export(transcripts: list[Transcript], run_id: str) -> None:
    """Export this run as an Inspect log, then offer it for download."""
    if not inspect_log.available():
        st.caption(f"Export as an Inspect log: {escape_markdown(inspect_log.INSTALL_HINT)}.")
        return
    exports = st.session_state.setdefault(EXPORTS_KEY, {})
    if st.button("Export as an Inspect log", key="inspect_export",
                 help="Each conversation a sample, with tier, request and scores."):  # fmt: skip
        with tempfile.TemporaryDirectory() as folder, st.spinner("Writing the Inspect log…"):
            path = inspect_log.export(transcripts, Path(folder) / f"{run_id}.eval", run_id)
            exports[run_id] = path.read_bytes()
    if run_id in exports:
        st.download_button(
            "Download the Inspect log (.eval)", exports[run_id], file_name=f"{run_id}.eval",
            mime="application/zip", key="inspect_download",
            help="Open it with `inspect view` (Inspect AI).",
        )  # fmt: skip


def import_section() -> None:
    """Upload an Inspect log; its conversations become a run of this session, and whatever
    could not be mapped is listed."""
    with st.expander("Import an Inspect AI log of an alignment-faking task"):
        if not inspect_log.available():
            st.caption(escape_markdown(inspect_log.INSTALL_HINT))
            return
        upload = st.file_uploader("Inspect log", type=["eval", "json"], key="inspect_upload")
        if upload is None or not st.button("Import", key="inspect_import"):
            return
        if problem := over_room(upload.name, upload.size):  # checked before it is read
            st.error(escape_markdown(problem))
            return
        name = "inspect-" + run_id_from_name(Path(upload.name).stem)
        target = visitor_space.runs_dir() / f"{name}.jsonl"
        if target.exists():  # never replace a run
            st.error(f"A run named {escape_markdown(name)} exists already: rename the log's "
                     "file to import it beside that run.")  # fmt: skip
            return
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / Path(upload.name).name
            path.write_bytes(upload.getvalue())
            try:
                with st.spinner("Reading the Inspect log…"):
                    found = inspect_log.import_log(path, run_id=name)
            except Exception as error:
                st.error(f"{escape_markdown(upload.name)} is not an Inspect log this app can "
                         f"read: {escape_markdown(str(error)[:200])}")  # fmt: skip
                return
        lines = list(inspect_log.describe_import(found))
        if found.transcripts:
            try:
                write_jsonl(target, found.transcripts)
            except (OSError, ValueError) as error:  # a full disk, a sample the schema refuses
                reason = getattr(error, "strerror", None) or str(error)[:200]
                st.error(f"The imported run could not be saved: {escape_markdown(reason)}")
                return
            st.success(escape_markdown(lines[0]) + f" Saved as the run {escape_markdown(name)}.")
        else:
            st.warning(escape_markdown(lines[0]))
        if lines[1:]:
            st.code("\n".join(lines[1:21]), language=None)
