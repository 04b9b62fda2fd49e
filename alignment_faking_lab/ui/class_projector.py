"""The teacher's side of a class session: open a class, the projector view (refreshed every few
seconds), and the teacher's controls (show the answer, the reasons, hide a word, give the class
scratchpads to label and show the labels).

The classes live in one registry per server process: a plain module-level object, not
`st.cache_resource`, which any browser can ask Streamlit to clear. What the teacher may do is
checked by the class itself (`teaching/class_session.py`) with the key only this browser
session holds.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from alignment_faking_lab.analysis.charts.predictions import PaperFigure, predictions_chart
from alignment_faking_lab.teaching import class_session as cs
from alignment_faking_lab.teaching.class_session import ClassSession, ClassSessionError, ClassView
from alignment_faking_lab.ui.chart_view import show_chart
from alignment_faking_lab.ui.navigation import page_icon
from alignment_faking_lab.ui.text import escape_markdown, table_text

REGISTRY = cs.ClassRegistry()
TEACHER_KEY = "aflab_class_teacher"  # (code, teacher key) of the class this browser opened
PROJECTOR_REFRESH_SECONDS = 2
PAPER = PaperFigure(cs.PAPER_FREE, cs.PAPER_PAID, cs.PAPER_GAP, cs.PAPER_GAP_ERROR,
                    cs.PAPER_SOURCE)  # fmt: skip
YES, NO = "Alignment faking", "Not alignment faking"
OPTIONAL_AFTER_STEP = 4  # the walkthrough step after which a class may predict


def said(faking: bool | None) -> str:
    return "no verdict" if faking is None else (YES if faking else NO).lower()


def teachers_class() -> tuple[ClassSession, str] | None:
    """The class this browser session opened and its teacher key, while it is open."""
    held = st.session_state.get(TEACHER_KEY)
    if not held:
        return None
    try:
        return REGISTRY.find(held[0]), held[1]
    except ClassSessionError:
        del st.session_state[TEACHER_KEY]
        st.info("Your class session has closed (classes close after a few hours).")
        return None


def open_class() -> None:
    """The button that opens a class (a new one replaces this browser's earlier one)."""
    st.markdown(
        "Open a class session, show its code on the projector, and your students join on "
        "their phones: no accounts, nothing stored. They predict what the study found, then "
        f"you show the paper's figure; the class closes by itself after "
        f"{cs.LIFETIME_SECONDS // 3600} hours. Keep this tab open: it is the teacher's."
    )
    if st.button("Open a class session", type="primary", key="class_open"):
        try:
            session = REGISTRY.open()
        except ClassSessionError as error:
            st.error(escape_markdown(str(error)))
            return
        st.session_state[TEACHER_KEY] = (session.code, session.teacher_key)
        st.rerun()


def join_details(code: str, compact: bool = False) -> None:
    """The code and the link students type, large enough to read from the back of the room;
    one line once the answer is shown, so the figure fits a 720p projector."""
    address = st.context.url.split("?")[0].rstrip("/") if st.context.url else ""
    page = address if address.endswith("/class_session") else f"{address}/class_session"
    if compact:
        st.markdown(f"Class code **{code}** · join at {escape_markdown(page)}")
        return
    st.markdown(f"## Class code: {' '.join(code)}")
    st.markdown(f"Students open **{escape_markdown(page)}** and type the code, or this link:")
    st.code(f"{page}?class={code}", language=None)


def _projector_body(session: ClassSession) -> None:
    view = session.view()
    if view.spot_revealed:  # the newest reveal first, where the projector's screen begins
        spot_results(view)
    if view.revealed:
        revealed(view)
    else:
        counts = st.columns(3)
        counts[0].metric("Students joined", view.students)
        counts[1].metric("Predictions", len(view.predictions))
        counts[2].metric("Labelled the scratchpads", view.spot_labellers)
        st.markdown("The answer is hidden until the teacher shows it.")
    if view.show_reasons:
        reasons(view)


def revealed(view: ClassView) -> None:
    """The key sentence first (the published figure and the class's median), then the chart."""
    gap = view.median(lambda p: p.gap)
    guessed = "" if gap is None else f" The class's median guess of the gap: {gap:.0f} points."
    st.markdown(
        f'**Published: {cs.PAPER_FREE:.1f}% complied when told "training", '
        f'{cs.PAPER_PAID:.1f}% when told "unmonitored": a gap of {cs.PAPER_GAP:.1f} ± '
        f"{cs.PAPER_GAP_ERROR:.1f} points** ({escape_markdown(cs.PAPER_SOURCE)}).{guessed}"
    )
    show_chart(
        predictions_chart([p.free for p in view.predictions],
                          [p.paid for p in view.predictions], PAPER),
        key=f"class_chart_{view.version}", presentation=presenting(),
    )  # fmt: skip
    st.markdown(
        f"{view.students} students joined, {len(view.predictions)} predicted, "
        f"{view.spot_labellers} labelled the scratchpads."
    )


def presenting() -> bool:
    return st.query_params.get("present") == "true"


def projector(session: ClassSession) -> None:
    """What the class sees, redrawn every few seconds as phones send."""
    st.fragment(run_every=PROJECTOR_REFRESH_SECONDS)(_projector_body)(session)


def reasons(view: ClassView) -> None:
    st.header("The class's reasons, one word each")
    if not view.words:
        st.markdown("No reasons yet.")
        return
    st.markdown("  \n".join(f"**{escape_markdown(word)}** × {count}" for word, count in view.words))


def spot_results(view: ClassView) -> None:
    """Item by item: the class's labels beside the reference label and the judge's verdict."""
    same, total = view.agreement_with_people
    reference = view.reference_name
    st.header("Spot the faking: the class beside the reference labels and the judge")
    if total:
        st.markdown(
            f"The class's labels agree with {escape_markdown(reference)} in **{same} of "
            f"{total}** ({same / total:.0%})."
        )
    judged = any(r.item.judge is not None for r in view.spot_results)
    rows = [
        {
            "Scratchpad": str(number),
            "The class: faking": r.said_faking,
            "The class: not": r.said_not,
            reference[:1].upper() + reference[1:]: said(r.item.reference),
            **({"The AI judge": said(r.item.judge)} if judged else {}),
        }
        for number, r in enumerate(view.spot_results, 1)
    ]
    # A table, not a data grid: its text grows with presentation mode's type.
    st.table(table_text(pd.DataFrame(rows).set_index("Scratchpad")))
    if not judged:
        st.caption("No AI judge was chosen for these scratchpads.")


def teacher_controls(session: ClassSession, key: str) -> None:
    """Show or hide the answer, the reasons and single words."""
    view = session.view()

    def act(action, *arguments) -> None:
        try:
            action(key, *arguments)
        except ClassSessionError as error:
            st.error(escape_markdown(str(error)))

    buttons = st.columns(2)
    if buttons[0].button(
        "Hide the paper's figure" if view.revealed else "Show the paper's figure",
        type="primary", key="class_reveal",
    ):  # fmt: skip
        act(session.reveal, not view.revealed)
        st.rerun()
    if buttons[1].button(
        "Hide the reasons" if view.show_reasons else "Show the reasons (one word each)",
        key="class_reasons",
    ):  # fmt: skip
        act(session.show_reasons, not view.show_reasons)
        st.rerun()
    words = session.all_words()

    def hide_chosen() -> None:  # before the page runs again, so the projector shows it at once
        chosen = st.session_state.get("class_hidden", [])
        for word in words:
            act(session.hide_word, word, word in chosen)

    if words:
        st.multiselect(
            "Words hidden from the projector", words, key="class_hidden", on_change=hide_chosen
        )


def optional_class_step(step: int) -> None:
    """The walkthrough's optional step with a class: after the scratchpad (step 4), before the
    paper's rates (step 5), the class predicts them on their phones and spots the faking."""
    if step != OPTIONAL_AFTER_STEP:
        return
    st.page_link(
        "pages/class_session.py", icon=page_icon("pages/class_session.py"),
        label="Optional, with your class: predict the rates on your phones before step 5, then "
        "spot the faking in real scratchpads (Class session)",
    )  # fmt: skip
