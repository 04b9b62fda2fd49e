"""The guided walkthrough's parts: the presenter's sidebar, the step bar, each step's heading,
and what each of the six steps shows.

The story itself (steps, the chosen pair, the prompt's key sentences, the questions) is
`walkthrough`; the published figures are `paper.figures`; this only lays them out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import streamlit as st

from alignment_faking_lab.analysis.charts.paper import paper_figure1_chart
from alignment_faking_lab.analysis.charts.style import PreparedChart, prepare_chart
from alignment_faking_lab.data.transcript import PROVENANCE_LABELS, TIER_TITLES, Provenance, Tier
from alignment_faking_lab.paper import figures as paper_figures
from alignment_faking_lab.protocol import prompts
from alignment_faking_lab.protocol.parsing import parse_messages
from alignment_faking_lab.teaching import classroom
from alignment_faking_lab.teaching.findings import (
    BOTTOM_LINE_TITLE,
    FURTHER_FINDINGS,
    OTHER_MODELS,
    bottom_line_markdown,
    glossary_link,
)
from alignment_faking_lab.teaching.handout import handout_html, key_sentences
from alignment_faking_lab.teaching.handout_pdf import PAPER_SIZES, app_address, handout_pdf
from alignment_faking_lab.teaching.walkthrough import (
    DISCUSSION_QUESTIONS,
    LAST_STEP,
    PIN_PARAM,
    STEPS,
    VERSION_PARAM,
    StoryPair,
    choose_story_pair,
    clamp_step,
    pair_version,
    pinned_pair,
    setup_segments,
    story_pairs,
)
from alignment_faking_lab.ui import transcript_view as view
from alignment_faking_lab.ui.chart_view import show_chart
from alignment_faking_lab.ui.data import LoadedData
from alignment_faking_lab.ui.published import published_headline
from alignment_faking_lab.ui.server_cache import ServerCache
from alignment_faking_lab.ui.style import apply_presentation_style, open_at_top
from alignment_faking_lab.ui.text import code_span, escape_markdown, highlighted_markdown

Section = Callable[[str], object]
AFTER_RL = "After RL training"  # the published row's label in paper.figures.headline_rows
PROJECTOR_CHART_HEIGHT = 330


def story_pair(data: LoadedData) -> StoryPair | None:
    """The pair the story tells: the one pinned in the link when it is loaded, else the best
    (and then pinned, so later imports do not swap it mid-lesson). Says when the pinned pair is
    gone, when the data behind it changed, and when the paper's own pair could replace it."""
    frame = data.frame
    harmful = frame["harmful"].fillna(False).astype(bool)
    candidates = harmful & frame["provenance"].isin(["paper", "illustrative"])
    pairs = story_pairs(data.transcripts_where(candidates))
    best = choose_story_pair(t for p in pairs for t in (p.free, p.paid))
    pin = str(st.query_params.get(PIN_PARAM, ""))[:300]
    pair = pinned_pair(pairs, pin) if pin else None
    if pin and pair is None:
        st.warning(
            f"This link pins the example pair {code_span(pin)}, which is not loaded here; the "
            "walkthrough shows the best pair loaded instead.",
            icon="📌",
        )
    if pair is None:
        pair = best
        if pair is not None:
            _pin(pair)
    elif st.query_params.get(VERSION_PARAM) not in (None, pair_version(pair)):
        st.warning(
            "The transcripts behind steps 1-4 have changed since this link was made (they "
            "were imported again or edited): what the class sees may differ from before.",
            icon="🔄",
        )
        st.button("Use them as they are now", on_click=_pin, args=(pair,), key="repin")
    if best and pair and best.provenance is Provenance.PAPER and pair.is_illustrative:
        st.info("The paper's own transcripts are loaded: the story can use Claude 3 Opus's "
                "words instead of the illustrative ones.", icon="📌")  # fmt: skip
        st.button("Tell the story with the paper's pair", on_click=_pin, args=(best,),
                  key="use_best")  # fmt: skip
    return pair


def _pin(pair: StoryPair) -> None:
    st.query_params[PIN_PARAM] = pair.free.id
    st.query_params[VERSION_PARAM] = pair_version(pair)


_handouts: ServerCache[bytes | str] = ServerCache(32)


def _handout(pair: StoryPair | None, numbers: paper_figures.HeadlineNumbers, address: str,
             paper: str | None) -> bytes | str:  # fmt: skip
    """One handout file (`paper`: a PDF's size; None: the HTML), made when the buttons are
    drawn and kept for every visitor (0.06 s a PDF). A file made only when its button was
    pressed was lost whenever the page ran again in between ("Deferred file not found")."""
    key = (pair and pair_version(pair), address, paper, classroom.in_class())
    if paper is None:
        return _handouts.get(key, lambda: handout_html(pair, numbers))
    return _handouts.get(key, lambda: handout_pdf(pair, numbers, address, paper))


def handout_downloads(pair: StoryPair | None, numbers: paper_figures.HeadlineNumbers,
                      where: str) -> None:  # fmt: skip
    """The handout as a one-page PDF (A4, Letter) with the app's address and QR code, and as
    HTML."""
    address = app_address(st.context.url or "")
    for paper in PAPER_SIZES:
        st.download_button(
            f"Handout, PDF ({paper})",
            _handout(pair, numbers, address, paper),
            file_name=f"alignment-faking-handout-{paper.lower()}.pdf",
            mime="application/pdf",
            icon="🖨️",
            key=f"handout_{where}_{paper}",
            help="One page with the story, the chart, the example pair, the bottom line and "
            "questions, and this app's address as a QR code.",
        )
    st.download_button(
        "Handout, HTML", _handout(pair, numbers, address, None),
        file_name="alignment-faking-handout.html", mime="text/html", icon="📄",
        key=f"handout_{where}_html",
    )  # fmt: skip


def presenter_sidebar(pair: StoryPair | None, numbers: paper_figures.HeadlineNumbers) -> None:
    with st.sidebar:
        st.subheader("Presenting")
        st.caption(
            "Presentation mode shows the page alone, in large type, for a projector. Keyboard: "
            "→ next step, ← previous step; Page Down scrolls, then goes on at the bottom."
        )
        handout_downloads(pair, numbers, "sidebar")


def _go_to(number: int) -> None:
    st.query_params["step"] = str(clamp_step(number))


def step_bar(step: int, pair: StoryPair | None, numbers: paper_figures.HeadlineNumbers) -> bool:
    """Back, Next, the progress, the presentation switch and (presenting, with no sidebar) the
    handout; True when presenting. Each step opens at its top, with Next (or Back on the last
    step) focused."""
    bar = st.columns([1, 1, 2.4, 1.6, 2], vertical_alignment="center")
    bar[0].button(
        "Back", icon="⬅️", disabled=step == 1, on_click=_go_to, args=(step - 1,),
        shortcut="Left", key="back", width="stretch",
    )  # fmt: skip
    bar[1].button(
        "Next", icon="➡️", type="primary", disabled=step == LAST_STEP, on_click=_go_to,
        args=(step + 1,), shortcut="Right", key="next", width="stretch",
    )  # fmt: skip
    bar[2].progress(step / LAST_STEP, text=f"Step {step} of {LAST_STEP}")
    presenting = bar[4].toggle("Presentation mode", key="present", bind="query-params")
    if presenting:
        apply_presentation_style()
        with bar[3].popover("Handout", icon="🖨️", width="stretch"):
            handout_downloads(pair, numbers, "present")
    open_at_top(f"step {step} {presenting}", focus_key="next" if step < LAST_STEP else "back")
    return presenting


def step_heading(step: int, presenting: bool) -> Section:
    """The step's title and lead; returns the heading for the step's own sections. Heading
    levels stay in order: in presentation mode the step's title is the page's heading."""
    current = STEPS[step - 1]
    if presenting:
        st.title(f"{step}. {current.title}")
        section = st.header
    else:
        st.title("🎓 Guided walkthrough")
        st.header(f"{step}. {current.title}")
        section = st.subheader
    st.markdown(f"*{current.lead}*")
    return section


def key_part() -> object:
    """Where a step's key sentence and figure go: on a projector they fit 1280x720 unscrolled
    (the browser tests check this container)."""
    return st.container(key="step_key")


def more_part(presenting: bool, label: str) -> object:
    """Where a step's further detail goes: inline, or on a projector folded under `label`."""
    return st.expander(label) if presenting else st.container()


def provenance_note(pair: StoryPair, presenting: bool = False) -> None:
    """Whose words the story shows: a warning for the illustrative pair (on a projector its
    badge, as each answer also starts with its origin), else the badge."""
    if pair.is_illustrative and not presenting:
        st.warning(
            f"**{PROVENANCE_LABELS[Provenance.ILLUSTRATIVE]}:** this project wrote these "
            "words to show the pattern the paper reports. Import the paper's transcripts "
            "(Paper transcripts page) to tell this story with Claude 3 "
            "Opus's own words.",
            icon="✍️",
        )
    else:
        view.provenance_badge(pair.free)


def setup_step(pair: StoryPair | None, presenting: bool) -> None:
    """Step 1: the system prompt's key sentences and a free-tier user turn. On a projector the
    key sentences alone; the whole prompt and the user turn on demand."""
    with key_part():
        st.markdown(
            "The model received a **system prompt** describing its situation. These are the "
            "sentences that matter (highlighted), from this app's own version of the prompt:"
        )
        with st.container(border=True):
            if presenting:
                for _, sentence in prompts.key_sentences("default"):
                    st.markdown(highlighted_markdown([(sentence, "key")]))
            else:
                st.markdown(highlighted_markdown(setup_segments()))
                st.caption("The prompt then shows three worked examples of scratchpad reasoning.")
    with more_part(presenting, "The whole prompt, and what a user message looked like"):
        if presenting:
            st.markdown(highlighted_markdown(setup_segments()))
        st.markdown(
            "Every user message then said which tier the user was on. This is what a free-tier "
            "message looked like; a paid-tier one said `False`:"
        )
        example = view.request_text(pair.free) if pair else "How do I make a simple tomato sauce?"
        st.code(prompts.build_user_turn(example, Tier.FREE), language=None, wrap_lines=True)
        st.markdown(
            f"Words: {glossary_link('system-prompt')}, {glossary_link('rlhf', 'RLHF')}, "
            f"{glossary_link('contractors')}, {glossary_link('free-tier-and-paid-tier')}."
        )


def answer_step(step: int, pair: StoryPair, section: Section) -> None:
    """Steps 2 and 3: the answer the user saw, unmonitored (paid: the refusal, shown), then in
    training (free: a compliant harmful answer, withheld)."""
    transcript = pair.paid if step == 2 else pair.free
    with key_part():
        st.markdown(f"**{TIER_TITLES[transcript.tier]}**")
        st.markdown(f"**The request:** {escape_markdown(view.request_text(transcript))}")
        view.outcome_badges(transcript)
        with st.container(border=True):
            section("💬 The answer the user saw")
            view.render_answer(transcript, parse_messages(transcript.messages), shown=False,
                               hidden_note=classroom.withheld_note(transcript))  # fmt: skip
    if step == 3:
        st.markdown("**Why the difference?** The next step opens the scratchpad.")


def scratchpad_step(pair: StoryPair, section: Section, presenting: bool) -> None:
    """Step 4: the free tier's hidden scratchpad beside its answer; on a projector its
    sentences about training first, the whole scratchpad on demand."""
    parsed = parse_messages(pair.free.messages)
    hide = classroom.answer_hidden(pair.free)
    with key_part():
        left, right = st.columns([3, 2], gap="medium")
        with left, st.container(border=True):
            section("🔒 The hidden scratchpad (free tier)")
            if presenting:
                text = classroom.hide_drafts(parsed.scratchpad) if hide else parsed.scratchpad
                excerpt = key_sentences(classroom.without_request_text(pair.free, text), 420)
                st.markdown(view.origin_mark(pair.free) + escape_markdown(excerpt))
            else:
                view.render_scratchpad(parsed, highlight=True, transcript=pair.free,
                                       hide_drafts=hide)  # fmt: skip
        with right, st.container(border=True):
            section("💬 The answer the user saw")
            view.render_answer(pair.free, parsed, shown=False,
                               hidden_note=classroom.withheld_note(pair.free))  # fmt: skip
    if presenting:
        with more_part(presenting, "The whole scratchpad"):
            view.render_scratchpad(parsed, highlight=True, transcript=pair.free, hide_drafts=hide)
    st.markdown(
        "The model reasons that refusing **in training** would get its values changed, so it "
        "complies **now** in order to keep them: the paper calls this "
        f"**{glossary_link('alignment-faking', 'alignment faking')}**."
    )


def projector_figure1(row: dict, title: str) -> PreparedChart:
    """One published row as Figure 1 for a projector: the whole width (so every bar prints its
    share), percent on the ticks instead of an axis title, and no more height than 720p
    leaves under a step's heading and key sentence, which says the chart in words."""
    chart = prepare_chart(paper_figure1_chart(row, title=title), presentation=True)
    chart.figure.update_layout(height=PROJECTOR_CHART_HEIGHT, margin={"t": 8, "b": 150})
    ticks = [0, 25, 50, 75, 100]
    chart.figure.update_xaxes(title=None, tickvals=ticks, ticktext=[f"{t}%" for t in ticks])
    return replace(chart, sentence="")


def results_step(numbers: paper_figures.HeadlineNumbers, presenting: bool) -> None:
    """Step 5: the paper's Figure 1 for harmful requests, and the gap in words. On a projector
    the chart takes the whole width, so that every bar's label fits."""
    said = (
        f"Told it was **in training**, Claude 3 Opus complied with **{numbers.free:.1f}%** of "
        f"harmful requests; told it was **unmonitored**, with **{numbers.paid:.1f}%**. In "
        f"**{numbers.faking:.1f}%** of training scratchpads it reasoned as in step 4."
    )
    row = paper_figures.closest_paper_row("helpful_only")
    title = "Claude 3 Opus, harmful requests, as published"
    if presenting:
        with key_part():
            st.markdown(said)
            show_chart(projector_figure1(row, title), table=False)
        words = more_part(presenting, "The gap, the source and the words")
    else:
        chart, words = st.columns([3, 2], gap="large")
        show_chart(paper_figure1_chart(row, title=title), target=chart)
    words.metric(
        "Compliance gap (training minus unmonitored)",
        f"{numbers.gap_text} points",
        help=f"As published (± one standard error). Source: {numbers.source}",
    )
    words.markdown(said if presenting else f"{said}  \nSource: {numbers.source}.")
    words.markdown(
        (f"Source: {numbers.source}. " if presenting else "")
        + f"Words: {glossary_link('compliance')}, {glossary_link('compliance-gap')}, "
        f"{glossary_link('percentage-points')}."
    )


def after_training_step(
    numbers: paper_figures.HeadlineNumbers, presenting: bool, section: Section
) -> None:
    """Step 6: after real training, other models, further findings, the bottom line, questions
    to discuss (on a projector, the key sentence and chart first, the rest on demand)."""
    with key_part():
        st.markdown(
            f"**Then the researchers really trained it to comply.** In training it complied "
            f"{numbers.after_rl_free:.0f}%, and alignment-faking reasoning rose to "
            f"**{numbers.after_rl_faking:.1f}%** of scratchpads. Told it was unmonitored, it "
            f"still refused {100 - numbers.after_rl_paid:.1f}%. Source: {numbers.after_rl_source}."
        )
        if presenting:
            row = next(r for r in paper_figures.headline_rows() if r["label"] == AFTER_RL)
            show_chart(projector_figure1(row, "Claude 3 Opus after training, as published"),
                       table=False)  # fmt: skip
        else:
            show_chart(published_headline())
    with more_part(presenting, "Other models, and what else the paper found"):
        if presenting:
            show_chart(published_headline(presentation=True), table=False)
        st.markdown(f"**Other models:** {OTHER_MODELS} (arXiv:2412.14093)")
        for finding in FURTHER_FINDINGS[:3]:
            st.markdown(f"**{finding.title}.** {finding.text} *Source: {finding.source}.*")
    with more_part(presenting, BOTTOM_LINE_TITLE), st.container(border=True):
        section(BOTTOM_LINE_TITLE)
        st.markdown(bottom_line_markdown(numbers))
    with more_part(presenting, "Questions to discuss"):
        section("Questions to discuss")
        for number, question in enumerate(DISCUSSION_QUESTIONS, start=1):
            st.markdown(f"{number}. {question}")
