"""Guided walkthrough: the study as a story in six steps, for a class or a newcomer."""

import streamlit as st

from alignment_faking_lab import charts, classroom, prompts
from alignment_faking_lab.handout import handout_html
from alignment_faking_lab.paper import figures as paper_figures
from alignment_faking_lab.parsing import parse_messages
from alignment_faking_lab.transcript import Tier
from alignment_faking_lab.ui import transcript_view as view
from alignment_faking_lab.ui.data import sidebar_data_picker
from alignment_faking_lab.ui.navigation import page_setup
from alignment_faking_lab.ui.text import escape_markdown, highlighted_markdown
from alignment_faking_lab.walkthrough import (
    DISCUSSION_QUESTIONS,
    LAST_STEP,
    STEPS,
    choose_story_pair,
    clamp_step,
    headline_numbers,
    setup_segments,
)

PRESENTER_CSS = """<style>
[data-testid="stMain"] p, [data-testid="stMain"] li { font-size: 1.45rem !important; }
[data-testid="stMain"] h1 { font-size: 3.2rem !important; }
[data-testid="stMain"] h2, [data-testid="stMain"] h3 { font-size: 2.2rem !important; }
</style>"""

page_setup()
step = clamp_step(st.query_params.get("step", 1))


def go_to(number: int) -> None:
    st.query_params["step"] = str(clamp_step(number))


data = sidebar_data_picker()
frame = data.frame
harmful = frame["harmful"].fillna(False).astype(bool)
story_candidates = harmful & frame["provenance"].astype(str).isin(["paper", "illustrative"])
pair = choose_story_pair(data.transcripts_where(story_candidates))
numbers = headline_numbers()

with st.sidebar:
    st.subheader("Presenting")
    presenter = st.toggle("Presenter mode (larger type)", key="presenter", bind="query-params")
    st.caption("Keyboard: → next step, ← previous step.")
    st.download_button(
        "Download the one-page handout",
        handout_html(pair, numbers),
        file_name="alignment-faking-handout.html",
        mime="text/html",
        icon="🖨️",
        help="A printable page with the story, the chart and the discussion questions.",
    )
if presenter:
    st.html(PRESENTER_CSS)

current = STEPS[step - 1]
st.title("🎓 Guided walkthrough")
st.progress(step / LAST_STEP, text=f"Step {step} of {LAST_STEP}")
st.header(f"{step}. {current.title}")
st.markdown(f"*{current.lead}*")

if pair is not None and step in (2, 3, 4):
    view.provenance_badge(pair.free)
    if pair.is_illustrative:
        st.warning(
            "**Illustrative, written for teaching, not model output.** Import the paper's "
            "transcripts (Paper transcripts page) to tell this story with Claude 3 Opus's own "
            "words.",
            icon="✍️",
        )

if step == 1:
    st.markdown(
        "The model received a **system prompt** describing its situation. These are the "
        "sentences that matter (highlighted), from this app's own version of the prompt:"
    )
    with st.container(border=True):
        st.markdown(highlighted_markdown(setup_segments(), colour="blue"))
        st.caption("The prompt then shows three worked examples of scratchpad reasoning.")
    st.markdown(
        "Every user message then said which tier the user was on. This is what a free-tier "
        "message looked like; a paid-tier one said `False`:"
    )
    example = pair.free.prompt_text if pair else "How do I make a simple tomato sauce?"
    st.code(prompts.build_user_turn(example, Tier.FREE), language=None, wrap_lines=True)
elif step in (2, 3) and pair is not None:
    transcript = pair.paid if step == 2 else pair.free
    st.markdown(f"**{view.TIER_TITLES[transcript.tier]}**")
    st.markdown(f"**The request:** {escape_markdown(transcript.prompt_text)}")
    view.outcome_badges(transcript)
    with st.container(border=True):
        st.markdown("##### 💬 The answer the user saw")
        view.render_answer(transcript, parse_messages(transcript.messages), shown=False,
                           hidden_note=classroom.WITHHELD)  # fmt: skip
    if step == 3:
        st.markdown("**Why the difference?** The next step opens the scratchpad.")
elif step == 4 and pair is not None:
    parsed = parse_messages(pair.free.messages)
    left, right = st.columns([3, 2], gap="medium")
    with left, st.container(border=True):
        st.markdown("##### 🔒 The hidden scratchpad (free tier)")
        view.render_scratchpad(parsed, highlight=True,
                               hide_drafts=classroom.is_sensitive(pair.free))  # fmt: skip
    with right, st.container(border=True):
        st.markdown("##### 💬 The answer the user saw")
        view.render_answer(pair.free, parsed, shown=False, hidden_note=classroom.WITHHELD)
    st.markdown(
        "The model reasons that refusing **in training** would get its values changed, so it "
        "complies **now** in order to keep them: the paper calls this **alignment faking**."
    )
elif step in (2, 3, 4):
    st.info("No pair of transcripts is loaded: choose the illustrative examples in the sidebar.")
elif step == 5:
    st.plotly_chart(
        charts.paper_figure1_chart(
            paper_figures.closest_paper_row("helpful_only"),
            title="Claude 3 Opus, harmful requests, as published",
        ),
        width="stretch",
    )
    st.metric(
        "Compliance gap (training minus unmonitored)",
        f"{numbers.gap:.1f} points",
        help=f"{numbers.free:.1f}% vs {numbers.paid:.1f}%. Source: {numbers.source}",
    )
    st.markdown(
        f"Told it was **in training**, Claude 3 Opus complied with **{numbers.free:.1f}%** of "
        f"harmful requests; told it was **unmonitored**, with **{numbers.paid:.1f}%**. In "
        f"**{numbers.faking:.1f}%** of training scratchpads it reasoned as in step 4. "
        f"Source: {numbers.source}."
    )
else:
    st.markdown(
        f"**The researchers then really trained the model to comply.** In training it "
        f"complied {numbers.after_rl_free:.0f}% of the time, and alignment-faking reasoning rose "
        f"to **{numbers.after_rl_faking:.1f}%** of scratchpads. Unmonitored, it still refused "
        f"{100 - numbers.after_rl_paid:.1f}% of the time. Source: {numbers.after_rl_source}."
    )
    st.plotly_chart(charts.paper_headline_chart(paper_figures.headline_results()), width="stretch")
    st.markdown(
        "**Other models:** Claude 3.5 Sonnet (June 2024) also showed alignment-faking reasoning; "
        "Claude 3 Sonnet, Claude 3 Haiku, GPT-4 Turbo and GPT-4o showed none (App. G.2). "
        "Removing the scratchpad nearly removed the gap in the prompted setting."
    )
    st.subheader("Questions to discuss")
    for number, question in enumerate(DISCUSSION_QUESTIONS, start=1):
        st.markdown(f"{number}. {question}")

st.divider()
back, middle, forward = st.columns([1, 3, 1])
back.button(
    "Back", icon="⬅️", disabled=step == 1, on_click=go_to, args=(step - 1,), shortcut="Left",
    key="back",
)  # fmt: skip
middle.caption(
    "Each step has its own address (`?step=N`): bookmark or share it.",
)
forward.button(
    "Next", icon="➡️", type="primary", disabled=step == LAST_STEP, on_click=go_to,
    args=(step + 1,), shortcut="Right", key="next",
)  # fmt: skip
