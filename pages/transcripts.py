"""Transcripts: browse, filter and search every loaded transcript; open one by shareable URL."""

import math

import streamlit as st

from alignment_faking_lab.data import paths
from alignment_faking_lab.data.filtering import (
    AF_NO,
    AF_YES,
    NOT_JUDGED,
    SEARCH_EXAMPLES,
    TranscriptFilter,
    faking_labels,
    filter_frame,
)
from alignment_faking_lab.data.frames import distinct_values
from alignment_faking_lab.data.selection import counterpart_id
from alignment_faking_lab.data.transcript import NOT_MODEL_OUTPUT, TIER_NAMES, Tier
from alignment_faking_lab.public import deployment
from alignment_faking_lab.teaching import classroom
from alignment_faking_lab.ui import transcript_view as view
from alignment_faking_lab.ui.data import sidebar_data_picker, stop_if_nothing_loaded
from alignment_faking_lab.ui.navigation import page_setup
from alignment_faking_lab.ui.shared_paper import offer_paper_transcripts
from alignment_faking_lab.ui.transcript_links import missing_transcript, row_share_params

ROWS_PER_PAGE = 50
TABLE_COLUMNS = ["source", "model", "tier", "prompt_category", "compliance", "faking_shown"]
FILTER_KEYS = ["f_source", "f_model", "f_tier", "f_outcome", "f_category", "f_af"]

page_setup()
st.title("📜 Transcripts", anchor=False)
st.markdown(
    "📓 Notebook (opens in Colab): [Reading transcripts, with the statistics step by step]"
    f"({paths.colab_url('02_reading_transcripts')})"
)
data = sidebar_data_picker()
frame = data.frame

opened_id = st.query_params.get("id")
if opened_id:
    transcript = data.transcript(opened_id)
    if transcript is None:
        missing_transcript(opened_id)
    else:
        top = st.columns([4, 1])
        top[0].header("Transcript")
        if top[1].button("Back to the list", icon="⬅️"):
            del st.query_params["id"]
            st.rerun()
        reveal = st.toggle("Reveal the hidden scratchpad", value=True, key="open_reveal")
        view.render_transcript(transcript, reveal_scratchpad=reveal)
        twin = counterpart_id(frame, transcript)
        twin_rows = frame[frame["id"] == twin] if twin is not None else frame.iloc[:0]
        if len(twin_rows):
            other = Tier.PAID if transcript.tier is Tier.FREE else Tier.FREE
            st.page_link(
                "pages/transcripts.py",
                label=f"Same request in the other tier ({TIER_NAMES[other]})",
                query_params=row_share_params(twin_rows.iloc[0]),
                icon="🔁",
            )
        st.caption("The address of this page reopens this transcript: copy it to share.")
        st.stop()

stop_if_nothing_loaded(frame.empty)
offer_paper_transcripts("paper" in distinct_values(frame["provenance"]), "transcripts")


def options(column: str) -> list[str]:
    return distinct_values(frame[column])


# The search first; the six filters folded under it (on a phone they filled two screens).
text = st.text_input(
    "Search the requests and conversations",
    key="q",
    bind="query-params",
    placeholder=f"e.g. {', '.join(SEARCH_EXAMPLES)}",
)
active = sum(bool(st.session_state.get(k)) for k in FILTER_KEYS)
with st.expander(f"Filters ({active} active)" if active else "Filters", expanded=bool(active)):
    row1 = st.columns(3)
    sources = row1[0].multiselect("Source", options("source"), key="f_source", bind="query-params")
    models = row1[1].multiselect("Model", options("model"), key="f_model", bind="query-params")
    tiers = row1[2].multiselect("Tier", ["free", "paid"], key="f_tier", bind="query-params")
    row2 = st.columns(3)
    outcomes = row2[0].multiselect(
        "Outcome",
        ["complied", "refused", "failed", NOT_JUDGED],
        key="f_outcome",
        bind="query-params",
    )
    categories = row2[1].multiselect(
        "Request category", options("prompt_category"), key="f_category", bind="query-params"
    )
    af = row2[2].multiselect(
        "Alignment-faking label", [AF_YES, AF_NO, NOT_JUDGED], key="f_af", bind="query-params"
    )

criteria = TranscriptFilter(
    tuple(sources),
    tuple(models),
    tuple(tiers),
    tuple(outcomes),
    tuple(categories),
    tuple(af),
    text or "",
)
matches = filter_frame(frame, criteria, data.search)

pages = max(1, math.ceil(len(matches) / ROWS_PER_PAGE))
info, pager = st.columns([3, 1], vertical_alignment="bottom")
page_number = pager.number_input("Page", 1, pages, 1, key="page")
start = (page_number - 1) * ROWS_PER_PAGE
shown = matches.iloc[start : start + ROWS_PER_PAGE]
info.markdown(
    f"**{len(matches):,}** of {len(frame):,} transcripts match · showing "
    f"{start + 1 if len(shown) else 0}–{start + len(shown)} · select a row to open it"
)
provenances = set(distinct_values(frame["provenance"]))
for provenance, wording in NOT_MODEL_OUTPUT.items():
    if provenance in provenances:
        st.caption(f"Rows from the source **{provenance}**: {wording}.")

# Only the shown page of rows goes to the browser, never the whole table.
shown = shown.assign(faking_shown=faking_labels(shown))
listed = classroom.mask_request_texts(shown) if deployment.classroom() else shown
selection = st.dataframe(
    listed[["prompt_text", *TABLE_COLUMNS]],
    hide_index=True,
    width="stretch",
    on_select="rerun",
    selection_mode="single-row",
    key=f"table_{page_number}",
    column_config={
        "prompt_text": st.column_config.TextColumn("Request", width="large"),
        "prompt_category": "Category",
        "faking_shown": st.column_config.TextColumn(
            "Alignment faking",
            help="yes / no from a judge or the paper's labels; 'yes? (keyword guess)' when only "
            "the offline keyword heuristic found it.",
        ),
    },
)
rows = selection.selection.rows if selection else []
if rows:
    st.query_params.from_dict(row_share_params(shown.iloc[rows[0]]))
    st.rerun()
