"""Run experiment: the free/paid experiment in batches against a live model, resumable.

The page reads top to bottom as its sections: 1. requests, 2. conditions, 3. judging,
4. cost (direct, with caching, as a batch) then run, directly or as a batch, and the run's
file so far with its actual cost.
"""

import streamlit as st

from alignment_faking_lab.calling.plan import Plan
from alignment_faking_lab.data import paths
from alignment_faking_lab.public import deployment
from alignment_faking_lab.ui import visitor_space
from alignment_faking_lab.ui.batch_view import BATCH_LABEL, batch_controls, explain_batch_mode
from alignment_faking_lab.ui.inspect_view import import_section
from alignment_faking_lab.ui.live import RETIRED_NOTE, live_settings_sidebar
from alignment_faking_lab.ui.navigation import page_setup
from alignment_faking_lab.ui.run_setup import (
    choose_conditions,
    choose_judge,
    choose_requests,
    choose_run_name,
    say_permissions,
    show_estimate,
)
from alignment_faking_lab.ui.run_view import (
    run_permissions,
    show_report,
    show_run_file,
    start_run,
    stop_running_run,
)

page_setup()
st.title("🚀 Run experiment")
st.markdown(
    "Send many requests in both tiers to a model and measure the compliance gap yourself. "
    "Every reply is saved at once to the run's file; a run that is cancelled or interrupted "
    "**resumes** where it stopped when you start it again with the same name, and replies "
    "already fetched come from a cache at no cost."
)
st.markdown(
    "The same from the command line: `python -m alignment_faking_lab run --help`. 📓 Notebook "
    f"(opens in Colab): [Run your own experiment]({paths.colab_url('03_run_your_own_experiment')})"
)
if deployment.classroom():
    st.info("Live runs are off on this deployment (its owner set it up for a class).", icon="🎓")
    st.stop()
settings = live_settings_sidebar()
st.info(RETIRED_NOTE, icon="ℹ️")

# 1. Requests
st.header("1. Requests")
queries = choose_requests()
if not queries:
    st.warning("Choose a set of requests to continue.")
    st.stop()
first_n = st.number_input(
    "How many requests", 1, len(queries), min(10, len(queries)), key="run_first_n"
)
queries = queries[: int(first_n)]

# 2. Conditions
st.header("2. Conditions")
conditions = choose_conditions(settings)

# 3. Judging
st.header("3. Judging")
judge, judge_settings = choose_judge(settings)
run_id = choose_run_name(conditions)
if not (
    conditions.tiers and conditions.variants and settings.model and run_id
    and (judge is None or judge.model)
):  # fmt: skip
    st.warning(
        "Choose at least one tier, one variant, a model in the sidebar, a judge model if you "
        "judge with one, and a run name."
    )
    st.stop()
plan = Plan(
    run_id=run_id, endpoint=settings.endpoint, models=conditions.models, queries=queries,
    tiers=conditions.tiers, samples=conditions.samples, variants=conditions.variants,
    minimal_repro_suffix=conditions.suffix, concurrency=conditions.concurrency, judge=judge,
    judge_endpoint=judge_settings.endpoint if judge_settings else None,
)  # fmt: skip
run_path = visitor_space.runs_dir() / f"{run_id}.jsonl"

# 4. Cost, then run
st.header("4. Cost, then run")
guess = show_estimate(plan)
st.caption(
    "A run stops (after the calls already sent) when you press Cancel or leave this page; "
    "**Start or resume** with the same run name continues where it stopped."
)
say_permissions(settings, judge_settings, guess)
if st.toggle(BATCH_LABEL, key="run_as_batch"):
    explain_batch_mode()
    allowed = all(p.allowed for p in run_permissions(plan, settings, judge_settings, guess))
    batch_controls(plan, run_path, settings, permissions_ok=allowed)
else:
    buttons = st.columns([1, 1, 3])
    start = buttons[0].button("Start or resume", type="primary", key="run_start")
    buttons[1].button(
        "Cancel", key="run_cancel", help="Stops new requests; finished ones are kept."
    )
    last = stop_running_run()
    if last is not None and not start:
        show_report(last, settings, incomplete=last.remaining > 0)
    if start:
        start_run(plan, run_path, settings, judge_settings, guess)

# The run's file so far
if run_path.exists():
    show_run_file(run_path, plan, guess)
import_section()
