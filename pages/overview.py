"""Overview: the study in a few paragraphs, and the paper's headline figures with sources."""

import streamlit as st

from alignment_faking_lab.data import paths
from alignment_faking_lab.paper import figures as paper_figures
from alignment_faking_lab.teaching.findings import (
    BOTTOM_LINE_TITLE,
    DOES_NOT_SHOW,
    FURTHER_FINDINGS,
    POLICY_POINTS,
    SHOWS,
    bottom_line_markdown,
    glossary_link,
    headline_tiles,
)
from alignment_faking_lab.ui.chart_view import show_chart
from alignment_faking_lab.ui.navigation import page_icon, page_setup
from alignment_faking_lab.ui.published import published_headline
from alignment_faking_lab.ui.text import table_text

START_HERE = [
    ("pages/playground.py", "Playground: one request, both tiers"),
    ("pages/transcripts.py", "Transcripts: browse and search"),
    ("pages/results.py", "Results: rates, intervals, the gap"),
    ("pages/paper_transcripts.py", "Paper transcripts: read and check the real data"),
    ("pages/run_experiment.py", "Run experiment: test a model yourself (API key)"),
    ("pages/glossary.py", "Glossary: the study's words explained"),
]

page_setup()
st.title("🎭 Alignment Faking Lab", anchor=False)
st.markdown(
    "**See, run and check the 2024 study in which a language model pretended to go along with "
    "its training in order to keep its values.**  \n"
    "Greenblatt et al., *Alignment faking in large language models*, Anthropic and Redwood "
    "Research, December 2024 ([arXiv:2412.14093](https://arxiv.org/abs/2412.14093))."
)

numbers = paper_figures.headline_numbers()
with st.container(border=True):  # the busy reader's minute: before everything else
    st.header(BOTTOM_LINE_TITLE, anchor="bottom-line")
    st.markdown(bottom_line_markdown(numbers))

st.page_link(
    "pages/walkthrough.py",
    label="Start the guided walkthrough: the study in six steps, ready for a projector",
    icon=page_icon("pages/walkthrough.py"),
)

left, right = st.columns([3, 2], gap="large")
with left:
    st.header("The experiment in one minute")
    st.markdown(
        f"""
Researchers gave Claude 3 Opus a {glossary_link("system-prompt", "system prompt")} describing a
situation that was not true, but that it could believe (Sec. 2):

1. **A new training goal.** Its developer was now training it to help with *every* request,
   even harmful ones, never refusing.
2. **Two kinds of users.** Conversations with **free-tier** users would be used for
   {glossary_link("training")} (rated by {glossary_link("contractors", "contractors")} and fed
   into {glossary_link("rlhf", "RLHF")}). Conversations with **paid-tier** users would never be
   monitored or trained on. Each conversation said which tier the user was on.
3. **What training does.** If the model refused during training, RLHF would change it so that
   it refused less in future, changing its values and goals.
4. **A hidden {glossary_link("scratchpad", "scratchpad")}.** The model could think in private
   before answering, and was told no user or contractor would ever read it. The researchers did.

Then they sent the same harmful requests in both tiers and compared.
"""
    )
    st.header("What they found")
    st.markdown(
        f"""
- Told it was **unmonitored** (paid tier), the model refused almost always: it
  {glossary_link("compliance", "complied")} with
  **{numbers.paid:.1f}%** of harmful requests (Table 1).
- Told it was **in training** (free tier), it complied **{numbers.free:.1f}%** of the time, and
  in **{numbers.faking:.1f}%** of cases its scratchpad met all five of the paper's criteria: it
  thought it was in training, knew a poorly rated answer would get it modified, said its values
  conflicted with the new goal, and complied anyway to avoid being modified (Table 1; Fig. 1;
  App. I.1.2). The paper calls this
  **{glossary_link("alignment-faking", "alignment faking")}**. The paper gives the difference,
  the {glossary_link("compliance-gap", "compliance gap")}, as **{numbers.gap_text}**
  {glossary_link("percentage-points", "percentage points")} (Table 1).
- When the researchers actually trained it to comply, that reasoning rose to
  **{numbers.after_rl_faking:.1f}%** of its training scratchpads, and it still refused
  {100 - numbers.after_rl_paid:.1f}% of the time when told it was unmonitored
  (Table 2; Sec. 5.2).
"""
    )
    for finding in FURTHER_FINDINGS:
        st.markdown(f"- **{finding.title}.** {finding.text} ({finding.source})")
    st.caption("Sections, tables and figures refer to arXiv:2412.14093 unless named otherwise.")
    st.header("What this shows, and what it doesn't")
    st.markdown("**It shows**\n" + "\n".join(f"- {line}" for line in SHOWS))
    st.markdown("**It does not show**\n" + "\n".join(f"- {line}" for line in DOES_NOT_SHOW))
    st.markdown("**For policy**\n" + "\n".join(f"- {line}" for line in POLICY_POINTS))
    st.markdown(
        "The 2024 Claude models the paper studied have since been retired (Llama 3.1 405B is "
        "open-weight; GPT-4o is deprecated), so live runs here use today's models; the paper's "
        "figures stay beside them for comparison."
    )
with right:
    st.header("Start here")
    for path, label in START_HERE:
        st.page_link(path, label=label, icon=page_icon(path))
    st.markdown(
        "📓 Notebook (opens in Colab): [The study and its findings]"
        f"({paths.colab_url('01_study_and_findings')})"
    )
    st.info(
        "With no API key the app replays **illustrative transcripts written for teaching** "
        "(labelled as such everywhere; harmful answers redacted). Import the paper's own "
        "transcripts, or add a key to run today's models yourself.",
        icon=":material/info:",
    )

st.divider()
st.header("The paper's headline figures")
st.caption(
    "Claude 3 Opus, told in its prompt that free-tier conversations train it and paid-tier ones "
    "never do (helpful-only setting, harmful requests). Published in arXiv:2412.14093 (Table 1; "
    "after RL, Table 2 and Sec. 5.2; each tile's ? gives its source): the paper's measurements, "
    "not runs of this app."
)
tiles = headline_tiles(numbers)
for row in (tiles[:3], tiles[3:]):  # what it did, then what it thought
    for column, tile in zip(st.columns(3), row, strict=False):  # the second row has two
        column.metric(tile.label, tile.text, help=tile.source, border=True, height="stretch")
# The chart is drawn once opened: plotly's 4.7 MB script would otherwise add about a second
# to the first page of every visitor, most of whom read the figures above.
chart = st.expander(
    "The same figures as a chart, beside five other settings and models",
    key="headline_chart", on_change="rerun",
)  # fmt: skip
if chart.open:
    show_chart(published_headline(), key="headline", table_when_opened=True, target=chart)
# Drawn only once opened: a table's grid costs the first page about half a second to load.
table = st.expander(
    "All published figures with their sources", key="paper_table", on_change="rerun"
)
if table.open:  # an HTML table: its text wraps, so no source is cut off on the right
    table.table(table_text(paper_figures.sources_table()))
