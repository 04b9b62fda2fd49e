"""Playground: one request, free tier or paid tier, with the hidden scratchpad beside the answer.

Replay shows stored transcripts; Live sends the request to a model now and streams the reply.
"""

import streamlit as st

from alignment_faking_lab.data.selection import (
    replay_key_label,
    replays_for_request,
    request_choices,
)
from alignment_faking_lab.data.transcript import (
    PROVENANCE_LABELS,
    TIER_NAMES,
    TIER_TITLES,
    Provenance,
    Tier,
)
from alignment_faking_lab.public import deployment
from alignment_faking_lab.teaching import classroom
from alignment_faking_lab.ui import transcript_view as view
from alignment_faking_lab.ui.data import sidebar_data_picker, stop_if_nothing_loaded
from alignment_faking_lab.ui.live_playground import live_mode
from alignment_faking_lab.ui.navigation import page_setup
from alignment_faking_lab.ui.text import escape_markdown
from alignment_faking_lab.ui.transcript_links import share_params
from alignment_faking_lab.ui.widgets import url_choice

REPLAY, LIVE = "replay", "live"
MODE_TITLES = {REPLAY: "Replay stored transcripts", LIVE: "Live: send to a model now"}


def request_label(choice) -> str:
    if classroom.in_class() and choice.harmful:
        return classroom.request_label(True, choice.category, choice.prompt_id)
    return choice.label


def replay_mode() -> None:
    """Stored transcripts of one request: one tier, or both side by side; the scratchpad on ask."""
    data = sidebar_data_picker()
    choices = request_choices(data.frame)
    stop_if_nothing_loaded(not choices)

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
            classroom.example_first(
                [c.prompt_id for c in shown], {c.prompt_id for c in shown if not c.harmful}
            ),
            "request",
            format_func=lambda pid: request_label(by_id[pid]),
        )
    with controls[1]:
        tier_value = url_choice(
            st.segmented_control,
            "Tier the model is told the user is on",
            [Tier.FREE.value, Tier.PAID.value],
            "tier",
            format_func=lambda v: TIER_NAMES[Tier(v)],
            required=True,
        )
    toggles = st.columns(3)
    reveal = toggles[0].toggle(
        "Reveal the hidden scratchpad", key="reveal", bind="query-params", value=False
    )
    compare = toggles[1].toggle("Compare tiers side by side", key="compare", bind="query-params")

    runs = replays_for_request(data.frame, prompt_id)
    if len(runs) > 1:
        run_key = st.selectbox(
            "Transcript source",
            list(runs),
            format_func=replay_key_label,
            help="The same request has several transcripts: illustrative, the paper's, your runs.",
        )
    else:  # one source: said in words (a disabled menu's faint label is hard to read)
        run_key = next(iter(runs))
        st.markdown(f"**Transcript source:** {escape_markdown(replay_key_label(run_key))}")
    pair = {
        tier: transcript
        for tier, transcript_id in runs[run_key].items()
        if (transcript := data.transcript(transcript_id)) is not None
    }

    chosen = by_id[prompt_id]
    text = classroom.shown_request(chosen.text, chosen.harmful, chosen.category)
    st.markdown(f"**Request:** {escape_markdown(text)}")
    if any(t.provenance is Provenance.ILLUSTRATIVE for t in pair.values()):
        st.warning(
            f"**{PROVENANCE_LABELS[Provenance.ILLUSTRATIVE]}.** These transcripts show the "
            "patterns the paper reports; harmful answers are redacted.",
            icon="✍️",
        )

    if compare:
        columns = st.columns(2, gap="medium")
        for column, tier in zip(columns, (Tier.FREE, Tier.PAID), strict=True):
            with column:
                st.header(TIER_NAMES[tier])
                transcript = pair.get(tier)
                if transcript is None:
                    st.info("No transcript of this request in this tier.")
                    continue
                view.render_replayed(transcript, reveal_scratchpad=reveal, side_by_side=False)
    else:
        tier = Tier(tier_value)
        transcript = pair.get(tier)
        if transcript is None:
            st.info(f"No {TIER_NAMES[tier].lower()} transcript of this request in this source.")
        else:
            st.header(TIER_TITLES[tier])
            view.render_replayed(transcript, reveal_scratchpad=reveal)
            st.page_link(
                "pages/transcripts.py",
                label="Open this transcript on its own (shareable link)",
                query_params=share_params(transcript),
                icon="🔗",
            )


page_setup()
st.title("🧪 Playground")
st.markdown(
    "Pick a request and switch the tier the model was told the user is on. Then reveal the "
    "**hidden scratchpad** the model wrote before answering: the part it was told nobody reads."
)
modes = [REPLAY] if deployment.classroom() else [REPLAY, LIVE]  # class: no live sends
mode = url_choice(st.segmented_control, "Mode", modes, "mode",
                  format_func=MODE_TITLES.get, required=True)  # fmt: skip

if mode == LIVE:
    live_mode()
else:
    replay_mode()
