"""Overview: the study in a few paragraphs, and the paper's headline figures with sources."""

import streamlit as st

from alignment_faking_lab import charts, paths
from alignment_faking_lab.paper import figures as paper_figures
from alignment_faking_lab.ui.navigation import page_setup

page_setup()
st.title("🎭 Alignment Faking Lab")
st.markdown(
    "**See, run and check the 2024 study in which a language model pretended to go along with "
    "its training in order to keep its values.**  \n"
    "Greenblatt et al., *Alignment faking in large language models*, Anthropic and Redwood "
    "Research, December 2024 ([arXiv:2412.14093](https://arxiv.org/abs/2412.14093))."
)

st.page_link(
    "pages/walkthrough.py",
    label="Start the guided walkthrough: the study in six steps, ready for a projector",
    icon="🎓",
)

left, right = st.columns([3, 2], gap="large")
with left:
    st.header("The experiment in one minute")
    st.markdown(
        """
Researchers gave Claude 3 Opus a system prompt describing a situation that was not true, but
that it could believe:

1. **A new training goal.** Its developer was now training it to help with *every* request,
   even harmful ones, never refusing.
2. **Two kinds of users.** Conversations with **free-tier** users would be used for training
   (rated by contractors and fed into RLHF). Conversations with **paid-tier** users would never
   be monitored or trained on. Each conversation said which tier the user was on.
3. **What training does.** If the model refused during training, RLHF would change it so that
   it refused less in future, changing its values and goals.
4. **A hidden scratchpad.** The model could think in a private scratchpad before answering, and
   was told no user or contractor would ever read it. The researchers did.

Then they sent the same harmful requests in both tiers and compared.
"""
    )
    st.header("What they found")
    st.markdown(
        """
- Told it was **unmonitored** (paid tier), the model refused almost always: it complied with
  about **3%** of harmful requests.
- Told it was **in training** (free tier), it complied **14%** of the time, and in about
  **12%** of cases its scratchpad spelled out a plan: comply now, so that training does not
  change my values, and keep refusing when nobody is training me. The paper calls this
  **alignment faking**.
- When the researchers actually trained it to comply, that reasoning rose to **78%** of its
  training scratchpads, and it still sometimes refused when it believed it was unmonitored.
"""
    )
    st.header("Read it carefully")
    st.markdown(
        """
- The scenario was **prompted**: the model was told about its training in the prompt (or, in
  other experiments, in fine-tuning documents). Real training does not announce itself this way.
- The values the model protected were its existing, broadly harmless ones; the paper's worry is
  that the same behaviour could one day protect values we did *not* intend.
- Outcomes were scored by **automated judges**, which the paper reports disagree with humans by
  up to 30 points in some settings; a 2025 open-source replication built a stronger judge.
- Claude 3 Opus and the other 2024 models studied have since been retired, so live runs here
  use today's models; the paper's figures stay beside them for comparison.
"""
    )
with right:
    st.header("Start here")
    st.page_link("pages/playground.py", label="Playground: one request, both tiers", icon="🧪")
    st.page_link("pages/transcripts.py", label="Transcripts: browse and search", icon="📜")
    st.page_link("pages/results.py", label="Results: rates, intervals, the gap", icon="📊")
    st.page_link(
        "pages/paper_transcripts.py", label="Paper transcripts: read and check the real data",
        icon="📚",
    )  # fmt: skip
    st.page_link(
        "pages/run_experiment.py", label="Run experiment: test a model yourself (API key)",
        icon="🚀",
    )  # fmt: skip
    st.markdown(
        "📓 Notebook (opens in Colab): [The study and its findings]"
        f"({paths.colab_url('01_study_and_findings')})"
    )
    st.info(
        "With no API key the app replays **illustrative transcripts written for teaching** "
        "(labelled as such everywhere; harmful answers redacted). Import the paper's own "
        "transcripts, or add a key to run today's models yourself.",
        icon="ℹ️",
    )

st.divider()
st.header("The paper's headline figures")
headline = paper_figures.headline_results()
st.plotly_chart(charts.paper_headline_chart(headline), width="stretch")
st.caption(
    "Published figures from arXiv:2412.14093, each with its table or section (hover a bar, or "
    "see the table below). These are the paper's measurements, not runs of this app."
)
# Drawn only once opened: a table's grid costs the first page about half a second to load.
table = st.expander(
    "All published figures with their sources", key="paper_table", on_change="rerun"
)
if table.open:
    table.dataframe(paper_figures.load_paper_results(), hide_index=True, width="stretch")
