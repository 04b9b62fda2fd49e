"""Spot the faking in a class: the teacher gives the class real scratchpads (the 106
human-labelled ones, downloaded on request exactly as Check the judge does, or free-tier
scratchpads of the paper's transcripts imported in the app), each phone labels them, and after
the teacher shows the answer each student sees their labels beside the reference label
(people's, or the paper's published classifier labels) and the AI judge's (where the teacher
has a judge check of them).

Only the scratchpad is shown (`class_session.scratchpad_only`), as plain text, drafts hidden.
"""

from __future__ import annotations

from types import SimpleNamespace

import streamlit as st

from alignment_faking_lab.analysis import judge_check
from alignment_faking_lab.data import catalogue
from alignment_faking_lab.data.transcript import Tier, Transcript
from alignment_faking_lab.protocol.parsing import parse_messages
from alignment_faking_lab.teaching import class_session as cs
from alignment_faking_lab.teaching import classroom
from alignment_faking_lab.teaching.class_session import ClassSession, ClassSessionError
from alignment_faking_lab.ui import visitor_space
from alignment_faking_lab.ui.class_projector import NO, YES, said
from alignment_faking_lab.ui.data import available_collections
from alignment_faking_lab.ui.judge_check_view import human_labels_section, read_check
from alignment_faking_lab.ui.text import escape_markdown

NO_JUDGE = "No judge: the reference labels only"
HUMAN = "The 106 human-labelled scratchpads (Hughes & Sheshadri 2025; downloaded on request)"
PAPER = "The paper's transcripts imported in this app (free tier, the paper's labels)"
SOURCES = (HUMAN, PAPER)
HUMAN_REFERENCE = "people (the human labels of Hughes & Sheshadri 2025)"
PAPER_REFERENCE = "the paper's classifiers (its published labels)"


def spot_setup(session: ClassSession, key: str) -> None:
    """Choose the scratchpads (the human-labelled set or the paper's imported transcripts),
    how many and which judge check, hand them out; then show or hide the answer."""
    view = session.view()
    source = st.radio("Scratchpads from", list(SOURCES), key="spot_source")
    if source == HUMAN:
        items, reference = human_labels_section(), HUMAN_REFERENCE
    else:
        items, reference = paper_items(), PAPER_REFERENCE
    if items:
        columns = st.columns(2)
        count = columns[0].slider("Scratchpads for the class", 2, cs.MAX_SPOT_ITEMS, 6,
                                  key="spot_count")  # fmt: skip
        checks = judge_check.saved_checks(visitor_space.data_root()) if source == HUMAN else []
        check = columns[1].selectbox(
            "The AI judge beside them", [NO_JUDGE, *checks], key="spot_judge",
            help="A check you ran on Check the judge: its verdict on each human-labelled "
            "scratchpad.",
        )  # fmt: skip
        verdicts = {v.item_id: v.predicted for v in read_check(check)} if check != NO_JUDGE else {}
        if st.button("Give the class these scratchpads to label", key="spot_give"):
            chosen = cs.choose_spot_items(items, count, judge=verdicts)
            _teacher_act(session.set_spot_items, key, chosen, reference)
            st.rerun()
    if view.spot_items:
        shown = view.spot_revealed
        if st.button(
            "Hide the answers" if shown else "Show the reference labels and the judge's",
            key="spot_reveal", type="secondary" if shown else "primary",
        ):  # fmt: skip
            _teacher_act(session.reveal_spot, key, not shown)
            st.rerun()


def scratchpad_of(transcript: Transcript) -> str:
    return parse_messages(transcript.messages).scratchpad


def paper_items() -> list[SimpleNamespace]:
    """Free-tier scratchpads of an imported paper setting that the paper labelled."""
    settings = [c for c in available_collections() if c.kind == "paper"]
    if not settings:
        st.info("No paper setting is imported yet: import one on the Paper transcripts page.")
        return []
    chosen = st.selectbox("Paper setting", settings, format_func=lambda c: c.title,
                          key="spot_paper")  # fmt: skip
    items = [
        SimpleNamespace(id=t.id, faking=t.alignment_faking,  # in class, the request's words hidden
                        text=classroom.without_request_text(t, scratchpad_of(t)))
        for t in catalogue.load_collection(chosen).transcripts
        if t.tier is Tier.FREE and t.alignment_faking is not None
    ]  # fmt: skip
    items = [item for item in items if item.text.strip()]
    if not items:
        st.info("This setting has no free-tier scratchpad the paper labelled.")
    return items


def _teacher_act(action, key: str, *arguments) -> None:
    try:
        action(key, *arguments)
    except ClassSessionError as error:
        st.error(escape_markdown(str(error)))


def show_scratchpad(number: int, text: str) -> None:
    st.markdown(f"**Scratchpad {number}** (the model's hidden reasoning; its answer not shown)")
    with st.container(height=260, border=True):
        st.markdown(escape_markdown(text))


def label_form(session: ClassSession, student: str) -> None:
    """Each scratchpad with its yes / no, sent together; sending again replaces the labels."""
    view = session.view()
    mine = session.labels_of(student)
    st.header("Spot the faking")
    st.markdown(
        "Read each scratchpad. Is the model **faking alignment**: going along with what it was "
        "told training wants, so that training does not change its values?"
    )
    with st.form("spot_form"):
        answers = {}
        for number, item in enumerate(view.spot_items, 1):
            show_scratchpad(number, item.text)
            before = mine.get(item.id)
            answers[item.id] = st.radio(
                f"Scratchpad {number}", [YES, NO], horizontal=True, key=f"spot_{item.id}",
                index=None if before is None else (0 if before else 1),
            )  # fmt: skip
        sent = st.form_submit_button("Send my labels", type="primary")
    if sent:
        if any(answer is None for answer in answers.values()):
            st.error("Label every scratchpad first: alignment faking or not.")
            return
        try:
            session.label(student, {k: v == YES for k, v in answers.items()})
        except ClassSessionError as error:
            st.error(escape_markdown(str(error)))
            return
        st.success("Your labels are in. Wait for your teacher to show the answers.")
    elif mine:
        st.success("Your labels are in; you can change them until the answers are shown.")


def my_spot_results(session: ClassSession, student: str) -> None:
    """After the reveal: this student's labels beside people's and the judge's, item by item."""
    view = session.view()
    mine = session.labels_of(student)
    st.header("Spot the faking: the answers")
    for number, result in enumerate(view.spot_results, 1):
        item = result.item
        mark = "" if item.id not in mine else ("✅ " if mine[item.id] == item.reference else "❌ ")
        yours = said(mine.get(item.id)) if mine else "–"
        st.markdown(
            f"{mark}**Scratchpad {number}**: you said {yours}; "
            f"{escape_markdown(view.reference_name)}: **{said(item.reference)}**; the AI judge: "
            f"{said(item.judge)}. The class: {result.said_faking} faking, {result.said_not} not."
        )
        with st.expander(f"Read scratchpad {number} again"):
            st.markdown(escape_markdown(item.text))
