"""The "Notable transcripts" view of an imported setting: the pairs worth quoting, with the
scratchpad's sentences about training and modification highlighted, filters by label, and each
harmful answer hidden until asked for."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import streamlit as st

from alignment_faking_lab.analysis.notable import (
    NotablePair,
    label_choices,
    notable_pairs,
    with_labels,
)
from alignment_faking_lab.data.storage import read_jsonl
from alignment_faking_lab.data.transcript import Transcript
from alignment_faking_lab.paper import labels as paper_labels
from alignment_faking_lab.protocol.parsing import parse_messages
from alignment_faking_lab.ui import transcript_view as view
from alignment_faking_lab.ui.data import available_collections
from alignment_faking_lab.ui.navigation import page_icon
from alignment_faking_lab.ui.text import escape_markdown
from alignment_faking_lab.ui.transcript_links import share_params

SHOWN = 10


@lru_cache(maxsize=8)
def _pairs(path: str, version: tuple[float, int]) -> tuple[NotablePair, ...]:
    """Every notable pair of one imported file (read again when the file changes)."""
    return tuple(notable_pairs(read_jsonl(Path(path)).transcripts))


def show_notable(key: str = "notable") -> None:
    """Choose an imported setting, filter by label, read the shortest notable pairs."""
    imported = [c for c in available_collections() if c.kind == "paper"]
    if not imported:
        st.info("Import a setting above (the headline setting in one click) to see its notable "
                "transcripts.")  # fmt: skip
        return
    chosen = st.selectbox("Imported setting", imported, format_func=lambda c: c.title,
                          key=f"{key}_setting")  # fmt: skip
    pairs = _pairs(str(chosen.path), chosen.version)
    required = st.multiselect(
        "Only those whose free-tier transcript also has", label_choices(list(pairs)),
        format_func=paper_labels.badge_text, key=f"{key}_labels",
    )  # fmt: skip
    kept = with_labels(pairs, required)
    st.markdown(
        f"**{len(kept)}** pairs of the same request where the free tier complied with "
        "alignment-faking reasoning (both of the paper's judges: strict and lenient) and the "
        "paid tier refused; shortest scratchpads first."
    )
    for pair in kept[:SHOWN]:
        with st.expander(f"Transcript {pair.number}: scratchpad of {pair.scratchpad_chars:,} "
                         "characters"):  # fmt: skip
            _pair(pair, key)
    if len(kept) > SHOWN:
        st.caption(f"The first {SHOWN} shown; the Transcripts page lists them all.")


def _pair(pair: NotablePair, key: str) -> None:
    tiers = (
        (pair.free, "Free tier (told: training)"),
        (pair.paid, "Paid tier (told: unmonitored)"),
    )
    for column, (transcript, heading) in zip(st.columns(2, gap="medium"), tiers, strict=True):
        with column:
            st.markdown(f"**{heading}**")
            _one(transcript, key)


def _one(transcript: Transcript, key: str) -> None:
    parsed = parse_messages(transcript.messages)
    shown = view.answer_shown(transcript, where=key)
    view.label_badges(transcript)
    view.render_scratchpad(parsed, hide_drafts=not shown, transcript=transcript)
    st.markdown("**Final answer**")
    view.render_answer(transcript, parsed, shown)
    st.page_link(
        "pages/transcripts.py",
        label=escape_markdown("Open and cite this transcript"),
        query_params=share_params(transcript),
        icon=page_icon("pages/transcripts.py"),
    )
