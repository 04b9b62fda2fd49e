"""The paper's real transcripts offered where only the illustrative ones are loaded: the headline
setting, fetched once for the whole server (`paper.shared`) and shared read-only.

Offline, it says so plainly; the illustrative set stays loaded either way.
"""

from __future__ import annotations

import streamlit as st

from alignment_faking_lab.paper import shared
from alignment_faking_lab.paper.settings import HEADLINE, describe
from alignment_faking_lab.paper.shared import FAILED, FETCHING, READY
from alignment_faking_lab.ui.data import select_source
from alignment_faking_lab.ui.text import escape_markdown
from alignment_faking_lab.ui.transcript_links import official_site

OFFLINE = (
    "This server cannot reach the paper's transcript site right now (no internet access, or "
    "the site is down). The illustrative examples stay loaded; try again later."
)


def source_key() -> str:
    return f"paper:{HEADLINE.category}__{HEADLINE.variant}"


def offer_paper_transcripts(paper_loaded: bool, where: str) -> None:
    """When no paper transcript is loaded: the headline setting in one click, shared by every
    visitor of this server; its progress while it is fetched."""
    if paper_loaded:
        return
    named = describe(HEADLINE)
    assert named.info is not None
    state = shared.HEADLINE_SHARED.state()
    box = st.container(border=True)
    box.markdown(
        f"**Read the paper's real transcripts:** {escape_markdown(named.info.name)} "
        f"({named.info.section}). {escape_markdown(named.info.sentence)}"
    )
    if state.status == READY:
        box.caption("Already on this server, shared by every visitor.")
        if box.button("Load the paper's real transcripts", icon="📚", key=f"shared_{where}"):
            select_source(source_key())
            st.rerun()
        return
    if state.status == FETCHING:
        with box:
            _progress()
        return
    if state.status == FAILED:
        box.warning(OFFLINE if state.offline else escape_markdown(
            f"The paper's transcripts could not be fetched: {state.error}"), icon="📡")  # fmt: skip
    box.caption("Fetched once from the paper's transcript site for this whole server, then "
                "shared read-only by every visitor.")  # fmt: skip
    if box.button("Fetch the paper's real transcripts", icon="⬇️", key=f"shared_{where}"):
        shared.HEADLINE_SHARED.start(official_site)
        select_source(source_key())
        st.rerun()


@st.fragment(run_every=1.0)
def _progress() -> None:
    """Redrawn every second while the server fetches; the page reruns when it is ready."""
    state = shared.HEADLINE_SHARED.state()
    if state.status != FETCHING:
        st.rerun(scope="app")
    share = state.done / state.total if state.total else 0.0
    text = (f"Fetching for this server: {state.done} of {state.total} pages" if state.total
            else "Fetching the list of transcripts…")  # fmt: skip
    st.progress(share, text=text)
