"""Class session: students predict the study's result on their phones, then the projector shows
their predictions beside the paper's figure; and they spot the faking in real scratchpads.

The teacher's tab opens the class and is the projector (`&present=true` for presentation
mode); a phone opens `?class=CODE`. The rules (caps, filtering, one entry per student) are in
`teaching/class_session.py`.
"""

import streamlit as st

from alignment_faking_lab.ui.class_phone import join_form, phone
from alignment_faking_lab.ui.class_projector import (
    join_details,
    open_class,
    projector,
    teacher_controls,
    teachers_class,
)
from alignment_faking_lab.ui.class_spot import spot_setup
from alignment_faking_lab.ui.navigation import page_setup
from alignment_faking_lab.ui.style import apply_presentation_style

page_setup()
code = st.query_params.get("class")
if code:
    st.title("🙋 Your class")
    phone(code)
    st.stop()

st.title("🙋 Class session")
held = teachers_class()
if held is None:
    open_class()
    st.header("A student?")
    join_form()
    st.stop()

session, key = held
shown = session.view()
join_details(session.code, compact=shown.revealed or shown.spot_revealed)
projector(session)
with st.expander("Teacher's controls: show the answer, the reasons, hide a word", expanded=True):
    teacher_controls(session, key)
    if st.toggle("Presentation mode", key="present", bind="query-params"):
        apply_presentation_style()
with st.expander("Spot the faking: give the class real scratchpads to label"):
    spot_setup(session, key)
