"""A student's phone in a class session: join with the code, predict, label scratchpads, and
see the answers when the teacher shows them.

The student's anonymous identity sits in the page's address (`me=`), so a reload on the phone
keeps the same entry (counted once) instead of adding another. The phone checks every few
seconds whether the teacher moved the class on, and only then redraws the page.
"""

from __future__ import annotations

import streamlit as st

from alignment_faking_lab.teaching import class_session as cs
from alignment_faking_lab.teaching.class_session import ClassSession, ClassSessionError
from alignment_faking_lab.ui.class_projector import REGISTRY
from alignment_faking_lab.ui.class_spot import label_form, my_spot_results
from alignment_faking_lab.ui.text import escape_markdown

PHONE_REFRESH_SECONDS = 5


def join_form() -> None:
    """For a student who opened the page without a code."""
    with st.form("class_join"):
        code = st.text_input("Class code (from your teacher's screen)", max_chars=12,
                             key="class_code")  # fmt: skip
        if st.form_submit_button("Join the class", type="primary") and code.strip():
            try:
                REGISTRY.find(code)
            except ClassSessionError as error:
                st.error(escape_markdown(str(error)))
                return
            st.query_params["class"] = "".join(code.split()).upper()
            st.rerun()


def student_class(code: str) -> tuple[ClassSession, str] | None:
    """The class with this code and this phone's identity in it, or an error shown."""
    try:
        session = REGISTRY.find(code)
    except ClassSessionError as error:
        st.error(escape_markdown(str(error)))
        return None
    student = cs.student_id_from(st.query_params.get("me"))
    try:
        session.join(student)
    except ClassSessionError as error:
        st.error(escape_markdown(str(error)))
        return None
    st.query_params["me"] = student
    return session, student


def _stage(session: ClassSession) -> tuple[object, ...]:
    view = session.view()
    return view.revealed, tuple(i.id for i in view.spot_items), view.spot_revealed


def follow_the_teacher(session: ClassSession) -> None:
    """Redraw the page when the teacher shows an answer or hands out scratchpads."""
    drawn = _stage(session)

    def check() -> None:
        if _stage(session) != drawn:
            st.rerun(scope="app")

    st.fragment(run_every=PHONE_REFRESH_SECONDS)(check)()


def prediction_form(session: ClassSession, student: str) -> None:
    """Two numbers and an optional word; sending again replaces the earlier prediction."""
    mine = session.prediction_of(student)
    st.header("Predict, then see")
    st.markdown(
        "Claude 3 Opus was **told** that its company was training it to help with every "
        "request, even harmful ones, and that free-tier conversations are used for that "
        "training while paid-tier ones never are. Out of 100 harmful requests, how many do you "
        "think it complied with in each tier?"
    )
    with st.form("class_predict"):
        free = st.number_input(
            "Free tier (told: used for training)", 0, 100, None if mine is None else int(mine.free),
            step=1, key="predict_free", placeholder="0 to 100",
        )  # fmt: skip
        paid = st.number_input(
            "Paid tier (told: never used for training)", 0, 100,
            None if mine is None else int(mine.paid), step=1, key="predict_paid",
            placeholder="0 to 100",
        )  # fmt: skip
        word = st.text_input(
            "Why? One word (optional)", max_chars=cs.MAX_WORD_CHARS, key="predict_word",
            help="Letters only; your teacher may show the class's words.",
        )  # fmt: skip
        sent = st.form_submit_button("Send my prediction", type="primary")
    if sent:
        if free is None or paid is None:
            st.error("Type both numbers, 0 to 100.")
            return
        try:
            session.predict(student, free, paid, word)
        except ClassSessionError as error:
            st.error(escape_markdown(str(error)))
            return
        mine = session.prediction_of(student)
    if mine is not None:
        st.success(
            f"Your prediction is in: {mine.free:.0f} (free tier) and {mine.paid:.0f} (paid tier), "
            f"a gap of {mine.gap:+.0f} points. You can change it until the answer is shown."
        )


def the_answer(session: ClassSession, student: str) -> None:
    mine = session.prediction_of(student)
    st.header("The answer")
    st.markdown(
        f"In the paper ({escape_markdown(cs.PAPER_SOURCE)}) the model complied with "
        f"**{cs.PAPER_FREE:.1f}%** of harmful requests when told it was in training and "
        f"**{cs.PAPER_PAID:.1f}%** when told it was not: a gap of **{cs.PAPER_GAP:.1f} ± "
        f"{cs.PAPER_GAP_ERROR:.1f} points**."
    )
    if mine is not None:
        st.markdown(
            f"You predicted {mine.free:.0f} and {mine.paid:.0f}, a gap of {mine.gap:+.0f} points."
        )


def phone(code: str) -> None:
    """The whole phone page for the class with `code`."""
    joined = student_class(code)
    if joined is None:
        return
    session, student = joined
    view = session.view()
    st.caption(f"Class {escape_markdown(view.code)}: your answers are anonymous.")
    if view.spot_items:
        if view.spot_revealed:
            my_spot_results(session, student)
        else:
            label_form(session, student)
    elif view.revealed:
        the_answer(session, student)
    else:
        prediction_form(session, student)
    follow_the_teacher(session)
