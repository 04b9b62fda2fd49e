"""Cite a transcript in one click: the quote with its citation, and the link back to the app.

Both are shown in code blocks, whose copy button copies them exactly (no invisible joiners, no
markdown), and which show data as literal text. The one clickable link goes to the official
transcript site, at an address `teaching.citation` builds from the setting, split and number.
"""

from __future__ import annotations

import streamlit as st

from alignment_faking_lab.data.transcript import Provenance, Transcript
from alignment_faking_lab.protocol.parsing import parse_messages
from alignment_faking_lab.teaching import citation, classroom, highlights
from alignment_faking_lab.ui.text import code_span
from alignment_faking_lab.ui.transcript_links import share_params

NO_QUOTE = "(no quote: the citation alone)"
PAGES = {"overview", "walkthrough", "playground", "transcripts", "results", "run_experiment",
         "judge_check", "prompts", "paper_transcripts", "glossary"}  # fmt: skip


def quotable_sentences(transcript: Transcript) -> list[str]:
    """The scratchpad's highlighted sentences (about training, ratings, being modified), drafts
    of an answer left out: what a reader most often quotes."""
    parsed = parse_messages(transcript.messages)
    found: list[str] = []
    for block in parsed.scratchpad_blocks:
        text = classroom.hide_drafts(block)
        for start, end, _ in highlights.training_reasoning_spans(text):
            sentence = " ".join(text[start:end].split())
            if sentence not in found:
                found.append(sentence)
    return found


def show_citation(transcript: Transcript, where: str = "") -> None:
    """The "Cite this transcript" section: choose a highlighted sentence or paste a passage,
    copy it with its citation; open the official page; copy the link to it in the app."""
    cited = citation.cite(transcript)
    key = f"aflab_cite_{where}_{transcript.id}"
    with st.expander("❝ Cite this transcript", key=f"{key}_open"):
        sentences = quotable_sentences(transcript)
        chosen = st.selectbox(
            "Quote a highlighted sentence", [NO_QUOTE, *sentences], key=f"{key}_sentence",
            help="Sentences of the scratchpad about training, ratings or being modified.",
        )  # fmt: skip
        pasted = st.text_area(
            "…or paste the passage you selected", key=f"{key}_pasted", height=80,
            placeholder="Select text in the transcript, copy it and paste it here.",
        )  # fmt: skip
        quote = pasted.strip() or ("" if chosen == NO_QUOTE else chosen)
        st.caption("Copy with the button at the top right of the box:")
        st.code(cited.text(quote), language=None, wrap_lines=True)
        if transcript.provenance is Provenance.ILLUSTRATIVE:
            st.warning("This text was written by this project, not by a model: quote it only "
                       "as an illustration.", icon="✍️")  # fmt: skip
        if cited.url:
            st.link_button("Open this transcript on the paper's site", cited.url, icon="🔗")
        elif transcript.source_url:
            st.caption(f"Source: {code_span(transcript.source_url)}")
        st.caption("Copy link to this transcript in the app:")
        link = citation.app_link(st.context.url, share_params(transcript), PAGES)
        st.code(link, language=None, wrap_lines=True)
