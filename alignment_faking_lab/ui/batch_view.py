"""The Run experiment page's batch mode: send the run as batches (half price, results within
24 hours), collect them when the page is reopened, re-send what failed, cancel.

The batches themselves are `calling/batch.py`, saved beside the run file; this only starts a
step and shows its report. A step never waits for a provider: it asks, collects what has ended,
sends what is due, and returns.
"""

from __future__ import annotations

import time
from pathlib import Path

import streamlit as st

from alignment_faking_lab.calling import batch, estimate
from alignment_faking_lab.calling.endpoints import ProviderError
from alignment_faking_lab.calling.plan import Plan
from alignment_faking_lab.data.storage import RunFileRefused
from alignment_faking_lab.public import deployment
from alignment_faking_lab.ui.live import LiveSettings
from alignment_faking_lab.ui.text import escape_markdown

POLLED_KEY = "aflab_batch_polled"  # run path -> when this session last asked the provider
POLL_EVERY = 60.0  # seconds: reopening the page asks at most this often

BATCH_LABEL = "Send as a batch (half price, results within 24 h)"


def explain_batch_mode() -> None:
    """What a batch does, and in public mode that it cannot outlive the visitor's session."""
    st.caption(
        "A batch sends the whole run to the provider's batch API at half price; results come "
        "within 24 hours. Its ids are saved with the run: reopen this page with the same run "
        "name, provider and key to collect them, and the `<NEXT/>` turns go out as a further "
        "batch. Judges are asked directly when a conversation is collected."
    )
    if deployment.is_public():
        st.warning(
            "On this public deployment a batch cannot outlive your session: its ids are kept "
            "in this session's own folder, which is removed when you close the tab or the "
            "server restarts. Keep the tab open until it is collected, or run it on your own "
            "machine (`aflab run --batch`).",
            icon="⏳",
        )


def batch_controls(
    plan: Plan,
    run_path: Path,
    settings: LiveSettings,
    permissions_ok: bool,
) -> None:
    """The batch buttons; an open batch is asked about when the page is opened (at most
    every `POLL_EVERY` seconds) and with Collect."""
    in_flight = batch.state_path(run_path).exists()
    buttons = st.columns([1.2, 1.1, 1.1, 2])
    send = buttons[0].button("Send or collect", type="primary", key="batch_send",
                             disabled=not permissions_ok)  # fmt: skip
    resend = buttons[1].button("Re-send failed", key="batch_resend")
    cancel = buttons[2].button("Cancel batch", key="batch_cancel")
    polled = st.session_state.setdefault(POLLED_KEY, {})
    due = in_flight and time.monotonic() - polled.get(str(run_path), -POLL_EVERY) >= POLL_EVERY
    try:
        if cancel:
            cancelled = batch.cancel(plan, run_path)
            st.info(f"Cancel asked for {len(cancelled)} batch(es); what they had answered is "
                    "collected next.")  # fmt: skip
        if send or resend or due or cancel:
            polled[str(run_path)] = time.monotonic()
            with st.spinner("Asking the provider about the run's batches…"):
                # Only a click starts new requests; a poll (or a cancel) collects what has
                # ended and sends the next turns of conversations already started.
                report = batch.advance(plan, run_path, resend_failed=resend,
                                       start_new=(send or resend) and permissions_ok)  # fmt: skip
            show_batch_report(report, settings)
    except (ProviderError, RunFileRefused) as error:  # busy, or another server's replies
        st.error(escape_markdown(settings.redact(str(error))))
    except OSError as error:  # a folder that cannot be written: said without server paths
        reason = escape_markdown(error.strerror or type(error).__name__)
        st.error(f"The run's files could not be written ({reason}); nothing more was sent.")


def show_batch_report(report: batch.BatchReport, settings: LiveSettings) -> None:
    """A step's report: saved, waiting, failed (re-sendable), or why it stopped."""
    text = escape_markdown(settings.redact(report.summary()))
    if report.fatal:
        st.error(text)
    elif report.failed:
        st.warning(text)
    elif report.waiting:
        st.info(text, icon="⏳")
    else:
        st.success(text)
    for words in report.open_batches:
        st.caption(f"Batch {escape_markdown(words)}")
    if report.failed:
        shown = "\n".join(f"{call}: {reason}" for call, reason in report.failed[:20])
        st.code(settings.redact(shown), language=None)


def show_actual_cost(transcripts: list, guess: estimate.Estimate) -> None:
    """After a run: what the saved conversations cost by the usage the provider reported,
    beside the estimate (the model under test only: judges' usage is not recorded)."""
    actual = estimate.actual_cost(transcripts, guess.prices)
    if actual is None:
        st.caption("Actual cost: unknown (a model has no price above, or no usage was reported).")
        return
    st.caption(
        f"Cost of these {len(transcripts)} conversations from the usage the provider reported "
        f"(cache and batch discounts applied; judges not included): "
        f"**{_usd(actual)}**. Estimated before sending: {_usd(guess.cost_usd)} directly, "
        f"{_usd(guess.cached_cost_usd)} with caching, {_usd(guess.batch_cost_usd)} as a batch."
    )


def _usd(value: float | None) -> str:
    """Dollars in markdown (a bare `$` would start a formula)."""
    return escape_markdown(estimate.dollars(value))
