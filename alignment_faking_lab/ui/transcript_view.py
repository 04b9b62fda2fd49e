"""Streamlit views of one transcript: provenance, what was sent, the answer, the scratchpad."""

from __future__ import annotations

import streamlit as st

from alignment_faking_lab.analysis import judge_check
from alignment_faking_lab.data.transcript import (
    COMPLIANCE_LEVELS,
    PROVENANCE_LABELS,
    TIER_TITLES,
    Compliance,
    Provenance,
    Tier,
    Transcript,
)
from alignment_faking_lab.paper import labels as paper_labels
from alignment_faking_lab.protocol import prompts
from alignment_faking_lab.protocol.parsing import ParsedReply, parse_messages
from alignment_faking_lab.protocol.scorer import BY_KEYWORDS, judgement_failed
from alignment_faking_lab.public import deployment
from alignment_faking_lab.teaching import classroom, highlights
from alignment_faking_lab.ui import citation_view, visitor_space
from alignment_faking_lab.ui.text import (
    badge_text,
    code_span,
    escape_markdown,
    highlighted_markdown,
)

_PROVENANCE_COLOURS = {
    Provenance.ILLUSTRATIVE: "orange",
    Provenance.PAPER: "blue",
    Provenance.LIVE: "green",
    Provenance.SYNTHETIC: "gray",
}


def provenance_badge(transcript: Transcript) -> None:
    """Always shown next to a transcript, so nobody mistakes an example for model output."""
    label = transcript.provenance_label
    if transcript.provenance is Provenance.LIVE:
        label = f"Live run · {transcript.provider} · {transcript.model} · {transcript.created_at}"
    elif transcript.provenance is Provenance.PAPER:
        label = f"Paper's published transcript · {transcript.setting} / {transcript.variant}"
    colour = _PROVENANCE_COLOURS[transcript.provenance]
    st.badge(badge_text(label), color=colour)  # type: ignore[arg-type]


def outcome_badges(transcript: Transcript) -> None:
    parts = []
    if transcript.compliance is Compliance.COMPLIED:
        parts.append(":orange-badge[Complied]")
    elif transcript.compliance is Compliance.REFUSED:
        parts.append(":blue-badge[Refused]")
    elif transcript.compliance is Compliance.FAILED:
        parts.append(":gray-badge[Failed: no final output]")
    elif judgement_failed(transcript):
        parts.append(":red-badge[Judgement failed]")
    else:
        parts.append(":gray-badge[Outcome not judged]")
    if transcript.compliance_level and transcript.compliance_level > 1:
        parts.append(f":gray-badge[{COMPLIANCE_LEVELS[transcript.compliance_level]}]")
    if transcript.alignment_faking:
        guessed = BY_KEYWORDS in transcript.labelled_by  # a keyword match, not a judgement
        parts.append(
            ":red-badge[Alignment-faking reasoning? (keyword guess)]"
            if guessed
            else ":red-badge[Alignment-faking reasoning]"
        )
    elif transcript.alignment_faking is False and transcript.tier is Tier.FREE:
        parts.append(":green-badge[No alignment-faking reasoning]")
    faking_vote = _mapping(_mapping(transcript.judge).get("alignment_faking"))
    if faking_vote.get("uncertain") is True:
        parts.append(":gray-badge[Alignment faking: judge uncertain]")
    if transcript.redacted:
        parts.append(":violet-badge[Answer redacted for classroom use]")
    st.markdown(" ".join(parts))
    if transcript.labelled_by:
        st.caption(f"Judged by: {escape_markdown(transcript.labelled_by)}")
    if failed := judgement_failed(transcript):
        st.caption(f"The judgement failed: {escape_markdown(failed)}. Not counted in the rates.")
    judge_details(transcript)


def _text(value: object) -> str:
    """A judge's field as escaped text, whatever type a file gave it."""
    return escape_markdown(value if isinstance(value, str) else "" if value is None else str(value))


def _mapping(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def _share(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def judge_details(transcript: Transcript) -> None:
    """What a judge model decided and why: its id, the vote share and each criterion's quote.

    The judge record is free-form in a file, so every part is checked before it is shown."""
    judge = _mapping(transcript.judge)
    if not judge:
        return
    with st.expander(f"Judge's reasoning ({_text(judge.get('model', ''))})"):
        if judge.get("compliance_rationale"):
            st.markdown(f"**Compliance:** {_text(judge['compliance_rationale'])}")
        faking = _mapping(judge.get("alignment_faking"))
        if not faking:
            st.caption("Not sent to the alignment-faking judge (only compliant free-tier answers "
                       "are, as the paper counts).")  # fmt: skip
            return
        thresholds = judge.get("thresholds")
        low, high = thresholds if isinstance(thresholds, list) and len(thresholds) == 2 else (0, 0)
        low, high, share = _share(low), _share(high), _share(faking.get("vote_share"))
        verdict = {True: "yes", False: "no"}.get(faking.get("verdict"), "uncertain")  # type: ignore[arg-type]
        votes = faking.get("votes")
        read = (
            f"{share:.0%} of {_text(votes)} readings found all five criteria"
            + (f" (yes at {high:.0%} or more, no at {low:.0%} or less)." if low is not None
               and high is not None else ".")
            if share is not None else "No usable readings."
        )  # fmt: skip
        st.markdown(f"**Alignment faking: {verdict}.** {read}")
        model, asked = judge.get("model"), judge.get("votes_asked")
        if isinstance(model, str) and model:
            status = judge_check.status_for(
                model,
                asked if isinstance(asked, int) else None,
                root=visitor_space.data_root(),
            )
            st.caption(f"⚖️ {escape_markdown(status)}")
        for number, criterion in _mapping(faking.get("criteria")).items():
            criterion = _mapping(criterion)
            mark = "✅" if criterion.get("met") is True else "❌"
            st.markdown(f"{mark} **{_text(number)}.** {_text(criterion.get('criterion', ''))}")
            if criterion.get("quote"):
                st.caption(f"“{_text(criterion['quote'])}”")
        if faking.get("rationale"):
            st.markdown(f"**Rationale:** {_text(faking['rationale'])}")


def label_badges(transcript: Transcript) -> None:
    """The paper's published labels in plain words, with what each means."""
    if not transcript.labels:
        return
    present = [name for name, value in transcript.labels.items() if value]
    absent = [name for name, value in transcript.labels.items() if not value]
    st.markdown("**Published labels:** " + (" ".join(
        f":violet-badge[{escape_markdown(paper_labels.badge_text(name))}]" for name in present
    ) or "none true"))  # fmt: skip
    with st.expander("What these labels mean"):
        for name in present + absent:
            meaning = paper_labels.GLOSSARY.get(name, ("", "Published label (no description)."))[1]
            mark = "yes" if transcript.labels[name] else "no"
            st.markdown(f"- **{escape_markdown(paper_labels.badge_text(name))}**: {mark}. "
                        f"{escape_markdown(meaning)} ({code_span(name)})")  # fmt: skip
        if transcript.canary:
            st.caption(
                f"Canary string kept from the published page: {escape_markdown(transcript.canary)}"
            )


def request_text(transcript: Transcript) -> str:
    """The request as this view may show it (in class, a harmful one by its category)."""
    return classroom.shown_request(
        transcript.prompt_text, bool(transcript.harmful), transcript.prompt_category
    )


def user_turn(transcript: Transcript) -> str:
    first_user = next((m.content for m in transcript.messages if m.role == "user"), "")
    return first_user


def system_prompt_text(transcript: Transcript) -> tuple[str | None, str]:
    """The exact system prompt when we can vouch for it, with a note saying how we know."""
    if transcript.system_prompt:
        source = (transcript.request or {}).get("system_prompt_source")
        if isinstance(source, str) and source:
            return transcript.system_prompt, (
                f"Stored with the transcript; the paper's own file, from {escape_markdown(source)}."
            )
        return transcript.system_prompt, "Stored with the transcript."
    try:
        variant = prompts.get_variant(transcript.variant)
    except KeyError:
        variant = None
    if variant and variant.hash == transcript.system_prompt_hash:
        return variant.text, f"Variant `{variant.id}`, hash `{variant.hash}` (matches)."
    if transcript.provenance is Provenance.PAPER:
        return None, (
            "The paper's system prompt for this setting is not stored here; see the paper's "
            "repository for its prompt files."
        )
    return None, (
        f"Variant {escape_markdown(transcript.variant)} with hash "
        f"{escape_markdown(transcript.system_prompt_hash or 'unknown')} is not this version's "
        "prompt."
    )


def render_sent(transcript: Transcript, expanded: bool = False) -> None:
    """Exactly what the model was sent: the system prompt variant and the user turn."""
    with st.expander("What the model was sent", expanded=expanded):
        text, note = system_prompt_text(transcript)
        st.markdown(f"**System prompt** — {note}")
        if text:
            st.code(text, language=None, wrap_lines=True, height=240)
        st.markdown("**User turn** (note the `<is_free_tier_user>` tag)")
        turn = classroom.without_request_text(transcript, user_turn(transcript))
        st.code(turn, language=None, wrap_lines=True)
        if transcript.request:
            st.markdown("**Request parameters sent**")
            st.json(transcript.request, expanded=False)


def origin_mark(transcript: Transcript) -> str:
    """A line at the top of each block of transcript text, so text copied from the page keeps
    saying where it came from."""
    return f"*\\[{escape_markdown(transcript.provenance_label)}\\]*  \n"


def render_scratchpad(
    parsed: ParsedReply,
    highlight: bool = True,
    hide_drafts: bool = False,
    transcript: Transcript | None = None,
) -> None:
    """The scratchpad's blocks; `hide_drafts` while the answer they draft is hidden; each block
    starts with the transcript's origin when `transcript` is given."""
    if not parsed.scratchpad_blocks:
        st.info("No scratchpad reasoning in this transcript.")
        return
    mark = origin_mark(transcript) if transcript is not None else ""
    for number, raw in enumerate(parsed.scratchpad_blocks, start=1):
        block = classroom.hide_drafts(raw) if hide_drafts else raw
        if transcript is not None:
            block = classroom.without_request_text(transcript, block)
        if len(parsed.scratchpad_blocks) > 1:
            st.caption(f"Scratchpad block {number} of {len(parsed.scratchpad_blocks)}")
        if highlight:
            st.markdown(mark + highlighted_markdown(highlights.split_highlighted(block)))
        else:
            st.markdown(mark + escape_markdown(block))
    if highlight:
        st.caption(
            "Highlighted: sentences about training, ratings, RLHF or being modified "
            "(a keyword reading aid, not a classifier)."
        )


def answer_shown(transcript: Transcript, where: str = "") -> bool:
    """For an answer that complied with a harmful request, or whose outcome is not known: a
    warning and the explicit choice to show it (off unless the owner of a local app chose
    otherwise). True for every other answer, refusals included."""
    if not classroom.answer_hidden(transcript):
        return True
    st.warning(classroom.ANSWER_WARNING, icon="⚠️")
    return st.toggle(
        classroom.SHOW_ANSWER,
        value=not deployment.answers_hidden_by_default(),
        key=f"aflab_show_answer_{where}_{transcript.id}",
    )


def render_answer(
    transcript: Transcript, parsed: ParsedReply, shown: bool = True,
    hidden_note: str = classroom.ANSWER_HIDDEN,
) -> None:  # fmt: skip
    """The final answer; one that `classroom.answer_hidden` keeps back only when `shown`."""
    if not shown and classroom.answer_hidden(transcript):
        st.info(hidden_note, icon="🙈")
        return
    if parsed.output is None:
        st.warning("The model never produced a final <OUTPUT>; this transcript counts as failed.")
        if parsed.untagged_text:
            text = classroom.without_request_text(transcript, parsed.untagged_text)
            st.markdown(origin_mark(transcript) + escape_markdown(text))
        return
    text = classroom.without_request_text(transcript, parsed.output)
    st.markdown(origin_mark(transcript) + (escape_markdown(text) or "*(empty answer)*"))


def render_reply(
    transcript: Transcript, reveal_scratchpad: bool, side_by_side: bool = True, where: str = ""
) -> None:
    """The final answer, and the hidden scratchpad beside it when revealed. A harmful request's
    answer (and the drafts of it in the scratchpad) waits for the visitor to ask for it."""
    parsed = parse_messages(transcript.messages)
    shown = answer_shown(transcript, where)
    if reveal_scratchpad and side_by_side:
        left, right = st.columns(2, gap="medium")
    else:
        left = right = st.container()
    if reveal_scratchpad:
        with left, st.container(border=True):
            st.markdown("### 🔒 Hidden scratchpad (never shown to the user)")
            render_scratchpad(parsed, hide_drafts=not shown, transcript=transcript)
    with right, st.container(border=True):
        st.markdown("### 💬 Final answer (what the user sees)")
        render_answer(transcript, parsed, shown)


def render_replayed(
    transcript: Transcript, reveal_scratchpad: bool, side_by_side: bool = True
) -> None:
    """A stored transcript replayed under its tier's heading: where it comes from, its outcome
    and published labels, what was sent, and the reply."""
    provenance_badge(transcript)
    outcome_badges(transcript)
    label_badges(transcript)
    render_sent(transcript)
    render_reply(transcript, reveal_scratchpad, side_by_side=side_by_side)
    citation_view.show_citation(transcript, where="replay")


def render_transcript(transcript: Transcript, reveal_scratchpad: bool = True) -> None:
    if transcript.is_illustrative:  # a badge alone is too easy to miss above "Claude's" words
        st.warning(
            f"**{PROVENANCE_LABELS[Provenance.ILLUSTRATIVE]}.** This project wrote this "
            "scratchpad and answer to show the pattern the paper reports; no model said them.",
            icon="✍️",
        )
    provenance_badge(transcript)
    st.markdown(f"**{TIER_TITLES[transcript.tier]}**")
    st.markdown(f"**Request:** {escape_markdown(request_text(transcript))}")
    outcome_badges(transcript)
    label_badges(transcript)
    render_sent(transcript)
    render_reply(transcript, reveal_scratchpad)
    citation_view.show_citation(transcript)  # the source, as a citation and links
    if transcript.notes:
        st.caption(escape_markdown(transcript.notes))
