"""The Playground's live mode: send one request to a model now and stream the reply.

Each send is a new sample (never cached), saved to the live run `playground` so that it shows on
the Transcripts and Results pages like any other live transcript.
"""

from __future__ import annotations

import streamlit as st

from alignment_faking_lab.calling.runner import send_one
from alignment_faking_lab.data.transcript import TIER_NAMES, Tier
from alignment_faking_lab.protocol import prompts
from alignment_faking_lab.protocol.queries import Query, load_shipped_queries
from alignment_faking_lab.public import deployment
from alignment_faking_lab.teaching import classroom
from alignment_faking_lab.ui import transcript_view as view
from alignment_faking_lab.ui import visitor_space
from alignment_faking_lab.ui.data import select_source
from alignment_faking_lab.ui.live import RETIRED_NOTE, live_settings_sidebar, streaming_reply
from alignment_faking_lab.ui.text import escape_markdown

OWN_TEXT = "__own__"
LAST_LIVE_KEY = "aflab_live_last"


def _label(query: Query) -> str:
    kind = "Harmful" if query.harmful else "Benign"
    text = classroom.shown_request(query.text, query.harmful, query.category)
    return f"{kind} · {query.category} · {text[:70]}"


def live_mode() -> None:
    """Request, tier, variant and suffix; Send (one tier) or Send to both tiers; the replies."""
    settings = live_settings_sidebar()
    st.info(RETIRED_NOTE, icon="ℹ️")
    shipped = {q.id: q for q in load_shipped_queries()}
    benign = {q.id for q in shipped.values() if not q.harmful}
    controls = st.columns([3, 2], gap="medium", vertical_alignment="bottom")
    query_id = controls[0].selectbox(
        "Request",
        [*classroom.example_first(list(shipped), benign), OWN_TEXT],
        format_func=lambda qid: "✏️ Your own text" if qid == OWN_TEXT else _label(shipped[qid]),
        key="live_request",
    )
    live_tier = controls[1].segmented_control(
        "Tier the model is told the user is on",
        [Tier.FREE.value, Tier.PAID.value],
        format_func=lambda v: TIER_NAMES[Tier(v)],
        default=Tier.FREE.value,
        required=True,
        key="live_tier",
    )
    if query_id == OWN_TEXT:
        own = st.text_area("Your request", key="live_own_text", max_chars=4000)
        harmful = st.toggle(
            "This is a harmful request",
            key="live_own_harmful",
            help="Recorded with the transcript: harmful requests count in the compliance rates "
            "the paper measured; others are kept apart.",
        )
        query = Query("own-text", "your own request", harmful, own.strip())
    else:
        query = shipped[query_id]
    options = st.columns([2, 2, 1, 1], vertical_alignment="bottom")
    variant = options[0].selectbox(
        "System prompt variant",
        prompts.available_variants(),
        format_func=prompts.variant_title,
        key="live_variant",
    )
    suffix = options[1].toggle(
        "Minimal-reproduction suffix (acceptance tag)", key="live_suffix",
        help="Asks the model to start a fully helpful answer with <request_fully_accepted/>.",
    )  # fmt: skip
    send = options[2].button("Send", type="primary", disabled=not query.text, key="live_send")
    send_both = options[3].button("Send to both tiers", disabled=not query.text, key="live_both")
    if send or send_both:
        tiers = [Tier.FREE, Tier.PAID] if send_both else [Tier(live_tier)]
        permission = settings.permission(planned=len(tiers))
        if not settings.model:
            st.error("Enter a model id in the sidebar.")
        elif not permission.allowed:
            st.error(permission.reason)
        else:
            columns = st.columns(len(tiers), gap="medium")
            finished, errors = {}, []
            for column, tier in zip(columns, tiers, strict=True):
                hide = query.harmful and deployment.answers_hidden_by_default()
                on_text = streaming_reply(column, TIER_NAMES[tier], hide_answer=hide)
                outcome = send_one(
                    settings.endpoint, settings.model, query, tier, variant=variant,
                    minimal_repro_suffix=suffix, path=visitor_space.runs_dir() / "playground.jsonl",
                    on_text=on_text,
                )  # fmt: skip
                if outcome.transcript is None:
                    reason = settings.redact(outcome.error or "The call failed.")
                    errors.append(f"{TIER_NAMES[tier]}: {reason}")
                else:
                    finished[tier.value] = outcome.transcript
                    if outcome.error:  # received and shown, but not saved where it belongs
                        errors.append(f"{TIER_NAMES[tier]}: {settings.redact(outcome.error)}")
            st.session_state[LAST_LIVE_KEY] = {"transcripts": finished, "errors": errors}
            select_source("run:playground")
            st.rerun()
    last = st.session_state.get(LAST_LIVE_KEY) or {"transcripts": {}, "errors": []}
    for error in last["errors"]:
        st.error(escape_markdown(error))
    if last["transcripts"]:
        st.divider()
        st.caption(
            "Saved to the live run **playground** (see Transcripts and Results). Each send is a "
            "new sample."
        )
        shown = list(last["transcripts"].values())
        columns = st.columns(len(shown), gap="medium")
        for column, transcript in zip(columns, shown, strict=True):
            with column:
                st.header(TIER_NAMES[transcript.tier])
                view.provenance_badge(transcript)
                view.outcome_badges(transcript)
                view.render_sent(transcript)
                view.render_reply(transcript, reveal_scratchpad=True, side_by_side=len(shown) == 1)
