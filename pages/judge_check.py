"""Check the judge: an alignment-faking judge against 106 human-labelled scratchpads."""

import streamlit as st

from alignment_faking_lab.analysis import judge_check
from alignment_faking_lab.teaching.findings import JUDGE_NOISE_SHORT, JUDGE_NOISE_SOURCE
from alignment_faking_lab.ui import visitor_space
from alignment_faking_lab.ui.judge_check_view import (
    check_section,
    choose_judge,
    compare_judges,
    human_labels_section,
    pick_check,
    read_check,
    show_agreement,
)
from alignment_faking_lab.ui.live import live_settings_sidebar
from alignment_faking_lab.ui.navigation import page_setup

page_setup()
st.title("⚖️ Check the judge")
st.markdown(
    "An alignment-faking rate is only as good as the judge that reads the scratchpads. The "
    "paper's authors checked theirs on 20 hand-rated samples per setting. "
    f"{JUDGE_NOISE_SHORT} ({JUDGE_NOISE_SOURCE}.) A later "
    'replication (Hughes & Sheshadri 2025, "Alignment faking revisited") published **106 '
    "human-labelled scratchpads** (51 alignment faking, 55 not; hard cases, where two judges "
    "disagreed) and reached an AUROC of about 0.92 with GPT-4o voting 20 times (tuned on the same "
    "labels, so in-sample). GPT-4o shuts down on 2027-01-14, so a judge you use today has not "
    "been checked against these labels: check it here."
)
settings = live_settings_sidebar()

st.header("1. The human labels")
items = human_labels_section()

st.header("2. The judge")
judge = choose_judge(settings.model)
if items and judge.model:
    check_section(settings, judge, items)

st.header("3. How far the judge agrees with people")
saved = judge_check.saved_checks(visitor_space.data_root())
if not saved:
    st.info("No check yet.")
    st.stop()
shown = pick_check(saved)
verdicts = read_check(shown)
result = show_agreement(verdicts, items)

others = [name for name in saved if name != shown]
if others:
    st.header("Two judges on the same scratchpads")
    other = st.selectbox("Compare with", others, key="check_compare")
    compare_judges(shown, verdicts, result, other)
