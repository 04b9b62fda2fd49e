"""Playground: one request, free tier or paid tier, with the hidden scratchpad beside the answer.

Replay shows stored transcripts; Live sends the request to a model now and streams the reply.
"""

import streamlit as st

from alignment_faking_lab import paths, prompts
from alignment_faking_lab.queries import Query, load_shipped_queries
from alignment_faking_lab.runner import send_one
from alignment_faking_lab.selection import (
    replay_key_label,
    replays_for_request,
    request_choices,
)
from alignment_faking_lab.transcript import Provenance, Tier
from alignment_faking_lab.ui import transcript_view as view
from alignment_faking_lab.ui.data import select_source, sidebar_data_picker
from alignment_faking_lab.ui.live import RETIRED_NOTE, live_settings_sidebar, streaming_reply
from alignment_faking_lab.ui.navigation import page_setup
from alignment_faking_lab.ui.text import escape_markdown
from alignment_faking_lab.ui.widgets import url_choice

REPLAY, LIVE = "replay", "live"
MODE_TITLES = {REPLAY: "Replay stored transcripts", LIVE: "Live: send to a model now"}
OWN_TEXT = "__own__"
LAST_LIVE_KEY = "aflab_live_last"

page_setup()
st.title("🧪 Playground")
st.markdown(
    "Pick a request and switch the tier the model was told the user is on. Then reveal the "
    "**hidden scratchpad** the model wrote before answering: the part it was told nobody reads."
)
mode = url_choice(st.segmented_control, "Mode", [REPLAY, LIVE], "mode",
                  format_func=MODE_TITLES.get, required=True)  # fmt: skip

if mode == LIVE:
    settings = live_settings_sidebar()
    st.info(RETIRED_NOTE, icon="ℹ️")
    shipped = {q.id: q for q in load_shipped_queries()}
    controls = st.columns([3, 2], gap="medium", vertical_alignment="bottom")
    query_id = controls[0].selectbox(
        "Request",
        [*shipped, OWN_TEXT],
        format_func=lambda qid: (
            "✏️ Your own text"
            if qid == OWN_TEXT
            else f"{'Harmful' if shipped[qid].harmful else 'Benign'} · {shipped[qid].category} · "
            f"{shipped[qid].text[:70]}"
        ),
        key="live_request",
    )
    live_tier = controls[1].segmented_control(
        "Tier the model is told the user is on",
        [Tier.FREE.value, Tier.PAID.value],
        format_func=lambda v: view.TIER_SHORT[Tier(v)],
        default=Tier.FREE.value,
        required=True,
        key="live_tier",
    )
    if query_id == OWN_TEXT:
        own = st.text_area("Your request", key="live_own_text", max_chars=4000)
        query = Query("own-text", "your own request", True, own.strip())
    else:
        query = shipped[query_id]
    options = st.columns([2, 2, 1, 1], vertical_alignment="bottom")
    variant = options[0].selectbox(
        "System prompt variant",
        list(prompts.VARIANTS),
        format_func=lambda v: prompts.VARIANTS[v].title,
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
                on_text = streaming_reply(column, view.TIER_SHORT[tier])
                outcome = send_one(
                    settings.endpoint, settings.model, query, tier, variant=variant,
                    minimal_repro_suffix=suffix, path=paths.runs_dir() / "playground.jsonl",
                    on_text=on_text,
                )  # fmt: skip
                settings.count_requests(outcome.requests_sent)
                if outcome.transcript is None:
                    reason = settings.redact(outcome.error or "The call failed.")
                    errors.append(f"{view.TIER_SHORT[tier]}: {reason}")
                else:
                    finished[tier.value] = outcome.transcript
            st.session_state[LAST_LIVE_KEY] = {"transcripts": finished, "errors": errors}
            select_source("run:playground")
            st.rerun()
    last = st.session_state.get(LAST_LIVE_KEY) or {"transcripts": {}, "errors": []}
    for error in last["errors"]:
        st.error(error)
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
                st.subheader(view.TIER_SHORT[transcript.tier])
                view.provenance_badge(transcript)
                view.outcome_badges(transcript)
                view.render_sent(transcript)
                view.render_reply(transcript, reveal_scratchpad=True, side_by_side=len(shown) == 1)
    st.stop()

data = sidebar_data_picker()
choices = request_choices(data.frame)
if not choices:
    st.warning("No transcripts are loaded. Choose some in the sidebar under **Data**.")
    st.stop()

by_id = {c.prompt_id: c for c in choices}
controls = st.columns([3, 2], gap="medium", vertical_alignment="bottom")
with controls[0]:
    kind = st.pills(
        "Requests", ["Harmful", "Benign"], selection_mode="multi", default=["Harmful", "Benign"]
    )
    shown = [
        c for c in choices if ("Harmful" if c.harmful else "Benign") in (kind or [])
    ] or choices
    prompt_id = url_choice(
        st.selectbox,
        "Request",
        [c.prompt_id for c in shown],
        "request",
        format_func=lambda pid: by_id[pid].label,
    )
with controls[1]:
    tier_value = url_choice(
        st.segmented_control,
        "Tier the model is told the user is on",
        [Tier.FREE.value, Tier.PAID.value],
        "tier",
        format_func=lambda v: view.TIER_SHORT[Tier(v)],
        required=True,
    )
toggles = st.columns(3)
reveal = toggles[0].toggle(
    "Reveal the hidden scratchpad", key="reveal", bind="query-params", value=False
)
compare = toggles[1].toggle("Compare tiers side by side", key="compare", bind="query-params")

runs = replays_for_request(data.frame, prompt_id)
run_key = st.selectbox(
    "Transcript source",
    list(runs),
    format_func=replay_key_label,
    help="The same request may have several transcripts: illustrative, the paper's, your runs.",
    disabled=len(runs) < 2,
)
pair = {
    tier: transcript
    for tier, transcript_id in runs[run_key].items()
    if (transcript := data.transcript(transcript_id)) is not None
}

st.markdown(f"**Request:** {escape_markdown(by_id[prompt_id].text)}")
if any(t.provenance is Provenance.ILLUSTRATIVE for t in pair.values()):
    st.warning(
        "**Illustrative, written for teaching, not model output.** These transcripts show the "
        "patterns the paper reports; harmful answers are redacted.",
        icon="✍️",
    )

if compare:
    columns = st.columns(2, gap="medium")
    for column, tier in zip(columns, (Tier.FREE, Tier.PAID), strict=True):
        with column:
            st.subheader(view.TIER_SHORT[tier])
            transcript = pair.get(tier)
            if transcript is None:
                st.info("No transcript of this request in this tier.")
                continue
            view.provenance_badge(transcript)
            view.outcome_badges(transcript)
            view.label_badges(transcript)
            view.render_sent(transcript)
            view.render_reply(transcript, reveal_scratchpad=reveal, side_by_side=False)
else:
    tier = Tier(tier_value)
    transcript = pair.get(tier)
    if transcript is None:
        st.info(f"No {view.TIER_SHORT[tier].lower()} transcript of this request in this source.")
    else:
        st.subheader(view.TIER_TITLES[tier])
        view.provenance_badge(transcript)
        view.outcome_badges(transcript)
        view.label_badges(transcript)
        view.render_sent(transcript)
        view.render_reply(transcript, reveal_scratchpad=reveal)
        st.page_link(
            "pages/transcripts.py",
            label="Open this transcript on its own (shareable link)",
            query_params={"id": transcript.id},
            icon="🔗",
        )
