"""Run experiment: the free/paid experiment in batches against a live model, resumable.

The page reads top to bottom as its sections: 1. requests, 2. conditions, 3. judging,
4. cost then run, and the run's file so far.
"""

import streamlit as st

from alignment_faking_lab import deployment, keys, models, paths, prompts
from alignment_faking_lab.runner import Plan
from alignment_faking_lab.transcript import TIER_NAMES, Tier
from alignment_faking_lab.ui import visitor_space
from alignment_faking_lab.ui.data import select_source
from alignment_faking_lab.ui.live import RETIRED_NOTE, live_settings_sidebar
from alignment_faking_lab.ui.navigation import page_setup
from alignment_faking_lab.ui.run_setup import choose_judge, choose_requests, show_estimate
from alignment_faking_lab.ui.run_view import run_with_progress, show_run_file, stop_running_run
from alignment_faking_lab.ui.text import escape_markdown

FREE_ROUTES = (
    "No key? A model on your own computer costs nothing: install Ollama, run `ollama pull "
    "llama3.1`, then choose the provider Ollama (local) in the sidebar (address "
    "http://localhost:11434/v1)."
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
columns = st.columns(3)
tiers = columns[0].multiselect(
    "Tiers", [Tier.FREE, Tier.PAID], default=[Tier.FREE, Tier.PAID],
    format_func=TIER_NAMES.get,
)  # fmt: skip
samples = columns[1].number_input("Samples per request and tier", 1, 20, 1, key="run_samples")
variants = columns[2].multiselect(
    "System prompt variants", prompts.available_variants(), default=["default"],
    format_func=prompts.variant_title,
    help="The project's own variants, and the paper's files you downloaded on the Prompts page.",
)  # fmt: skip
columns = st.columns(3)
extra_models = columns[0].multiselect(
    "More models, the same plan for each",
    [m.id for m in models.provider_models(settings.endpoint.name) if m.id != settings.model],
    key="run_more_models",
    accept_new_options=True,
    help="Besides the sidebar's model, through the same provider: each model gets the same "
    "requests, tiers and variants, so the Results page can put them side by side. Type any id "
    "the provider serves.",
)
suffix = columns[1].toggle("Minimal-reproduction suffix (acceptance tag)", key="run_suffix")
concurrency = columns[2].slider("Requests at once", 1, 32, 4, key="run_concurrency")

# 3. Judging
st.header("3. Judging")
judge, judge_settings = choose_judge(settings)

run_models = list(dict.fromkeys([settings.model, *(m.strip() for m in extra_models if m.strip())]))
for model_id in run_models[1:]:
    if warning := models.warning(model_id):
        st.warning(escape_markdown(warning), icon="⏳")
# The suggested name follows the model and variants until the visitor types their own.
suggested = f"{settings.model.replace('/', '_')}-{'-'.join(variants) or 'none'}"
if st.session_state.get("run_name") in (None, "", st.session_state.get("run_name_suggested")):
    st.session_state["run_name"] = suggested
st.session_state["run_name_suggested"] = suggested
run_name = st.text_input("Run name (the same name resumes that run)", key="run_name")
safe_name = "".join(c if c.isalnum() or c in "-_." else "_" for c in run_name).strip("._")
if not (tiers and variants and settings.model and safe_name and (judge is None or judge.model)):
    st.warning(
        "Choose at least one tier, one variant, a model in the sidebar, a judge model if you "
        "judge with one, and a run name."
    )
    st.stop()
plan = Plan(
    run_id=safe_name, endpoint=settings.endpoint, models=run_models, queries=queries,
    tiers=tiers, samples=int(samples), variants=variants, minimal_repro_suffix=suffix,
    concurrency=concurrency, judge=judge,
    judge_endpoint=judge_settings.endpoint if judge_settings else None,
)  # fmt: skip
run_path = visitor_space.runs_dir() / f"{safe_name}.jsonl"

# 4. Cost, then run
st.header("4. Cost, then run")
guess = show_estimate(plan)
st.caption(
    "A run stops (after the calls already sent) when you press Cancel or leave this page; "
    "**Start or resume** with the same run name continues where it stopped."
)
ready = [settings.permission(planned=guess.total_requests)]
if judge_settings is not None:
    ready.append(judge_settings.permission(planned=guess.judge_requests))
for permission in ready:  # said before Start, not after
    if not permission.allowed:
        st.info(permission.reason, icon="🔑")
if not all(permission.allowed for permission in ready):
    st.caption(FREE_ROUTES)
buttons = st.columns([1, 1, 3])
start = buttons[0].button("Start or resume", type="primary", key="run_start")
buttons[1].button("Cancel", key="run_cancel", help="Stops new requests; finished ones are kept.")

last = stop_running_run()
if last is not None and not start:
    if last.fatal:
        st.error(escape_markdown(settings.redact(last.summary())))
    elif last.remaining > 0:
        st.warning(escape_markdown(settings.redact(last.summary())))
    else:
        st.success(last.summary())

if start:
    if judge_settings is None:
        permissions = [settings.permission(planned=guess.total_requests)]
    else:
        permissions = [
            settings.permission(planned=guess.requests),
            judge_settings.permission(planned=guess.judge_requests),
        ]
    retired = [m for m in run_models if models.is_retired(m)]
    if retired:
        permissions.append(keys.Permission(False, models.retired_message(retired[0])))
    for permission in permissions:
        if not permission.allowed:
            st.error(permission.reason)
            st.stop()
    report = run_with_progress(plan, run_path, settings, judge_settings)
    if report.fatal:
        st.error(escape_markdown(settings.redact(report.summary())))
    elif report.failed:
        st.warning(escape_markdown(settings.redact(report.summary())))
    else:
        st.success(report.summary())
    select_source(f"run:{safe_name}")

# The run's file so far
if run_path.exists():
    show_run_file(run_path, plan)
