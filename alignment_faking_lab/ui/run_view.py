"""The Run experiment page's run sections: starting the run (or refusing it), the run with its
progress, the last run's report, then the run file's charts.

The run itself is `runner.iter_run`; this only shows it as it goes (the owner's gate counts the
requests, inside the provider layer).
"""

from __future__ import annotations

import threading
from pathlib import Path

import streamlit as st

from alignment_faking_lab.analysis import statistics
from alignment_faking_lab.analysis.charts.figure1 import figure1_chart
from alignment_faking_lab.analysis.charts.labels import HEURISTIC_NOTE, labelling_note
from alignment_faking_lab.analysis.charts.style import data_source, set_source
from alignment_faking_lab.calling import batch, estimate, keys, models
from alignment_faking_lab.calling.plan import Plan
from alignment_faking_lab.calling.response_cache import ResponseCache
from alignment_faking_lab.calling.runner import RunReport, iter_run
from alignment_faking_lab.data.files import os_problem
from alignment_faking_lab.data.frames import transcripts_frame
from alignment_faking_lab.data.storage import RunFileRefused, read_jsonl
from alignment_faking_lab.public import deployment
from alignment_faking_lab.ui import visitor_space
from alignment_faking_lab.ui.batch_view import show_actual_cost
from alignment_faking_lab.ui.chart_view import show_chart
from alignment_faking_lab.ui.data import select_source
from alignment_faking_lab.ui.inspect_view import offer_export
from alignment_faking_lab.ui.judge_notes import show_judge_notes
from alignment_faking_lab.ui.live import LiveSettings
from alignment_faking_lab.ui.navigation import page_icon
from alignment_faking_lab.ui.paper_check_view import show_paper_check
from alignment_faking_lab.ui.text import code_span, escape_markdown

REPORT_KEY = "aflab_run_report"
CANCEL_KEY = "aflab_run_cancel"


def stop_running_run() -> RunReport | None:
    """A click during a run (Cancel, or any other) ends that script run: stop the run's new
    calls and wait for those in flight to be saved. Returns the last run's report."""
    last = st.session_state.get(REPORT_KEY)
    if st.session_state.get(CANCEL_KEY) is not None:
        st.session_state.pop(CANCEL_KEY).set()
        with st.spinner("Stopping the run: calls already sent finish and are saved…"):
            if last is not None:
                last.wait_until_finished(timeout=60)
    return last


def show_report(report: RunReport, settings: LiveSettings, incomplete: bool) -> None:
    """A run's summary: an error when it stopped on a fatal error, a warning when `incomplete`,
    else a success (redacted: a reply can quote the key)."""
    if report.fatal:
        st.error(escape_markdown(settings.redact(report.summary())))
    elif incomplete:
        st.warning(escape_markdown(settings.redact(report.summary())))
    else:
        st.success(report.summary())


def run_permissions(
    plan: Plan,
    settings: LiveSettings,
    judge_settings: LiveSettings | None,
    guess: estimate.Estimate,
) -> list[keys.Permission]:
    """Whether each provider allows the run (key, the owner's limits) and no model is retired;
    the same for a direct run and a batch."""
    if judge_settings is None:
        permissions = [settings.permission(planned=guess.total_requests)]
    else:
        permissions = [
            settings.permission(planned=guess.requests),
            judge_settings.permission(planned=guess.judge_requests),
        ]
    retired = [m for m in plan.models if models.is_retired(m)]
    if retired:
        permissions.append(keys.Permission(False, models.retired_message(retired[0])))
    return permissions


def start_run(
    plan: Plan,
    run_path: Path,
    settings: LiveSettings,
    judge_settings: LiveSettings | None,
    guess: estimate.Estimate,
) -> None:
    """Start (or resume) the run once every provider allows it and no model is retired; then
    its report, and the run chosen in the sidebar."""
    permissions = run_permissions(plan, settings, judge_settings, guess)
    if waiting := batch.in_flight(run_path):
        permissions.append(keys.Permission(False, batch.IN_FLIGHT.format(ids=", ".join(waiting))))
    for permission in permissions:
        if not permission.allowed:
            st.error(permission.reason)
            st.stop()
    report = run_with_progress(plan, run_path, settings, judge_settings)
    show_report(report, settings, incomplete=bool(report.failed))
    select_source(f"run:{plan.run_id}")


def run_with_progress(
    plan: Plan, run_path: Path, settings: LiveSettings, judge_settings: LiveSettings | None
) -> RunReport:
    """Run the plan, showing progress, failures and a chart of the run so far."""
    report = RunReport()
    st.session_state[REPORT_KEY] = report
    cancel = threading.Event()
    st.session_state[CANCEL_KEY] = cancel
    progress = st.progress(0.0, text="Starting…")
    live_chart = st.empty()
    failures = st.empty()
    frame_rows = []
    outcomes = iter_run(
        plan, run_path, cache=ResponseCache(visitor_space.cache_dir()), cancel=cancel, report=report
    )
    try:
        for number, outcome in enumerate(outcomes, 1):
            done = report.already_done + report.completed
            progress.progress(
                done / max(report.planned, 1),
                text=f"{done} of {report.planned} conversations · {len(report.failed)} failed",
            )
            if outcome.transcript is not None:
                frame_rows.append(outcome.transcript)
            if report.failed:
                failures.error(
                    escape_markdown(
                        settings.redact("\n".join(f"{c}: {r}" for c, r in report.failed[-5:]))
                    )
                )
            if frame_rows and (number % 5 == 0 or done == report.planned):
                so_far = transcripts_frame(frame_rows)
                summary = statistics.tier_summary(so_far, by=["model"])
                show_chart(
                    figure1_chart(summary, title="This run so far", note=labelling_note(so_far)),
                    key=f"live_chart_{number}",
                    table=False,
                    target=live_chart,
                )
    except RunFileRefused as error:  # going on elsewhere, or another server's: nothing sent
        progress.empty()
        report.fatal = str(error)
    except OSError as error:  # a read-only or full data folder, before anything was sent
        progress.empty()
        report.fatal = (
            f"The run's file {run_path.name} could not be written in the data folder "
            f"({os_problem(error)}). {report.summary()}"
        )
    finally:  # also when Cancel (or leaving the page) interrupts this script run
        outcomes.close()  # stops new calls now; calls in flight finish and are saved
        st.session_state.pop(CANCEL_KEY, None)
    return report


def show_run_file(run_path: Path, plan: Plan, guess: estimate.Estimate | None = None) -> None:
    """The run's file so far: its chart by model and variant, the paper's figures beside it,
    and its actual cost beside the estimate."""
    st.header("This run")
    loaded = read_jsonl(run_path)
    frame = transcripts_frame(loaded.transcripts)
    if frame.empty:
        return
    if guess is not None:
        show_actual_cost(loaded.transcripts, guess)
    offer_export(loaded.transcripts, plan.run_id)
    if labelling_note(frame):
        st.info(HEURISTIC_NOTE, icon="⚠️")
    chart = figure1_chart(
        statistics.tier_summary(frame, by=["model", "variant"]),
        title=f"Run {plan.run_id}",
        note=labelling_note(frame),
    )
    show_chart(set_source(chart, data_source(frame)), key="run_chart")
    show_judge_notes(frame["labelled_by"].astype(str).unique())
    st.markdown("**Beside the paper's figure for the same setting and prompt variant**")
    for (variant, model), group in frame.groupby(
        [frame["variant"].astype(str), frame["model"].astype(str)], sort=True
    ):
        show_paper_check(f"{variant} · {model}", group, "measured from {n} transcripts")
    st.caption(
        f"{len(loaded.transcripts)} transcripts in the run **{escape_markdown(plan.run_id)}**, "
        f"saved in {_where(run_path)}. Open the "
        "Results page for intervals and the paired test, or Transcripts to read them."
    )
    st.page_link(
        "pages/results.py",
        label="Results for this run",
        icon=page_icon("pages/results.py"),
        query_params={"data": "Transcripts loaded in the app"},
    )


def _where(run_path: Path) -> str:
    """A server path is shown only on the owner's own machine."""
    return "this session's own folder" if deployment.is_public() else code_span(str(run_path))
