"""Guided walkthrough: the study as a story in six steps, for a class or a newcomer.

Presentation mode (`?present=true`) is the same story for a projector: the page alone, full
width, large type and chart text, Next focused and on Right / Page Down, each step from its top.
"""

import streamlit as st

from alignment_faking_lab.paper import figures as paper_figures
from alignment_faking_lab.teaching.walkthrough import clamp_step
from alignment_faking_lab.ui.class_projector import optional_class_step
from alignment_faking_lab.ui.data import sidebar_data_picker
from alignment_faking_lab.ui.navigation import page_setup
from alignment_faking_lab.ui.shared_paper import offer_paper_transcripts
from alignment_faking_lab.ui.walkthrough_view import (
    after_training_step,
    answer_step,
    presenter_sidebar,
    provenance_note,
    results_step,
    scratchpad_step,
    setup_step,
    step_bar,
    step_heading,
    story_pair,
)

page_setup()
step = clamp_step(st.query_params.get("step", 1))
data = sidebar_data_picker()
pair = story_pair(data)  # pinned in the link: it stays as the class saw it
numbers = paper_figures.headline_numbers()
presenter_sidebar(pair, numbers)

presenting = step_bar(step, pair, numbers)
section = step_heading(step, presenting)
if pair is not None and step in (2, 3, 4):
    provenance_note(pair, presenting)
if step in (2, 3, 4) and not presenting:  # the paper's own words, one click away
    offer_paper_transcripts(bool(data.frame["provenance"].eq("paper").any()), "walkthrough")

if step == 1:
    setup_step(pair, presenting)
elif step in (2, 3) and pair is not None:
    answer_step(step, pair, section)
elif step == 4 and pair is not None:
    scratchpad_step(pair, section, presenting)
elif step in (2, 3, 4):
    st.info("No pair of transcripts is loaded: choose the illustrative examples in the sidebar.")
elif step == 5:
    results_step(numbers, presenting)
else:
    after_training_step(numbers, presenting, section)
optional_class_step(step)

st.divider()
st.caption(
    f"Each step has its own address (`?step={step}`), which also pins the example pair: "
    "bookmark or share it; add `&present=true` to open it in presentation mode."
)
