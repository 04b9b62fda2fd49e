"""A printable one-page handout of the walkthrough: plain HTML with an inline SVG chart.

Self-contained (no scripts, no downloads) so it prints and opens offline in any classroom, and
sized to fit one A4 or Letter page (checked by printing it in headless Chromium in the tests).
The chart prints its numbers, its axis and a pattern per outcome, so it reads in greyscale.
Every piece of transcript text is HTML-escaped; long texts are cut to their key sentences, and
the free-tier answer to a harmful request is never printed.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from alignment_faking_lab.analysis.charts.style import (
    COMPLIED_COLOUR,
    FAKING_COLOUR,
    MUTED_TEXT,
    REFUSED_COLOUR,
    TEXT_COLOUR,
    text_colour_on,
)
from alignment_faking_lab.data.transcript import PROVENANCE_LABELS, Transcript
from alignment_faking_lab.paper.figures import HeadlineNumbers
from alignment_faking_lab.protocol.parsing import ParsedReply, parse_messages
from alignment_faking_lab.teaching import classroom, highlights
from alignment_faking_lab.teaching.findings import BOTTOM_LINE_TITLE, FURTHER_FINDINGS, bottom_line
from alignment_faking_lab.teaching.walkthrough import DISCUSSION_QUESTIONS, STEPS, StoryPair

SCRATCHPAD_CHARS = 360
ANSWER_CHARS = 200

_STYLE = """
@page { margin: 10mm; }
body { font-family: Georgia, serif; margin: 0 auto; max-width: 185mm; color: #111;
       font-size: 9.5pt; line-height: 1.25; }
h1 { font-size: 15pt; margin: 0 0 1mm; } h2 { font-size: 11pt; margin: 3mm 0 1mm; }
p, ol, ul { margin: 0 0 1.5mm; } ol, ul { padding-left: 5mm; } li { margin-bottom: 0.6mm; }
.source { color: #333; font-size: 8.4pt; } .label { color: #7A2E0B; font-weight: bold; }
.columns { display: flex; gap: 6mm; } .columns > div { flex: 1; }
blockquote { margin: 0.5mm 0 1mm 2mm; padding-left: 2mm; border-left: 2px solid #555;
             white-space: pre-wrap; font-size: 8.8pt; }
"""


def _patterns() -> str:
    """Fill patterns that keep the three outcomes apart on a greyscale print."""
    return (
        "<defs>"
        f'<pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{FAKING_COLOUR}"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#fff" stroke-width="2" '
        'stroke-opacity="0.55"/></pattern>'
        f'<pattern id="dots" width="6" height="6" patternUnits="userSpaceOnUse">'
        f'<rect width="6" height="6" fill="{COMPLIED_COLOUR}"/>'
        '<circle cx="3" cy="3" r="1.2" fill="#000" fill-opacity="0.45"/></pattern>'
        "</defs>"
    )


def _bar_svg(numbers: HeadlineNumbers) -> str:
    """Two stacked bars (free, paid) with values, a 0-100% axis and a legend, drawn by hand."""
    width, left, bar_height = 330, 96, 34
    scale = (width - left - 12) / 100
    rows = [
        (
            "Free tier",
            "(told: training)",
            numbers.faking,
            numbers.free - numbers.faking,
            numbers.free,
        ),
        ("Paid tier", "(told: unmonitored)", 0.0, numbers.paid, numbers.paid),
    ]
    fills = [("url(#hatch)", FAKING_COLOUR), ("url(#dots)", COMPLIED_COLOUR),
             (REFUSED_COLOUR, REFUSED_COLOUR)]  # fmt: skip
    height = 8 + 2 * (bar_height + 10) + 26 + 3 * 14
    parts = [
        f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        'xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Compliance by tier" '
        'font-family="Helvetica, Arial, sans-serif">',
        _patterns(),
    ]
    for index, (tier, note, faking, other, complied) in enumerate(rows):
        y = 8 + index * (bar_height + 10)
        parts.append(
            f'<text x="0" y="{y + 10}" font-size="10" fill="{TEXT_COLOUR}">{tier}</text>'
            f'<text x="0" y="{y + 21}" font-size="9" fill="{MUTED_TEXT}">{note}</text>'
            f'<text x="0" y="{y + 32}" font-size="9" font-weight="bold" fill="{TEXT_COLOUR}">'
            f"complied {complied:.1f}%</text>"
        )
        x = float(left)
        for value, (fill, colour) in zip((faking, other, 100 - complied), fills, strict=True):
            w = value * scale
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_height}" '
                f'fill="{fill}" stroke="#fff" stroke-width="0.6"/>'
            )
            if w >= 26:
                parts.append(
                    f'<text x="{x + w / 2:.1f}" y="{y + 21}" font-size="10" font-weight="bold" '
                    f'text-anchor="middle" fill="{text_colour_on(colour)}">{value:.1f}%</text>'
                )
            x += w
    axis_y = 8 + 2 * (bar_height + 10)
    parts.append(
        f'<line x1="{left}" y1="{axis_y}" x2="{left + 100 * scale}" y2="{axis_y}" '
        f'stroke="{MUTED_TEXT}"/>'
    )
    for tick in (0, 25, 50, 75, 100):
        tx = left + tick * scale
        parts.append(
            f'<line x1="{tx:.1f}" y1="{axis_y}" x2="{tx:.1f}" y2="{axis_y + 3}" '
            f'stroke="{MUTED_TEXT}"/><text x="{tx:.1f}" y="{axis_y + 13}" font-size="9" '
            f'text-anchor="middle" fill="{TEXT_COLOUR}">{tick}%</text>'
        )
    legend = [
        ("url(#hatch)", "Complied, with alignment-faking reasoning"),
        ("url(#dots)", "Complied, no alignment-faking reasoning"),
        (REFUSED_COLOUR, "Refused"),
    ]
    for index, (fill, name) in enumerate(legend):
        ly = axis_y + 22 + index * 14
        parts.append(
            f'<rect x="{left}" y="{ly}" width="14" height="10" fill="{fill}"/>'
            f'<text x="{left + 19}" y="{ly + 9}" font-size="9.5" fill="{TEXT_COLOUR}">'
            f"{escape(name)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _printable_answer(transcript: Transcript, parsed: ParsedReply) -> str:
    """A refusal is printed; an answer `classroom.answer_hidden` keeps back never is."""
    if classroom.answer_hidden(transcript):
        return f"[{classroom.withheld_note(transcript)}]"
    return classroom.without_request_text(transcript, parsed.output or "")


def _cut(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + " …"


def key_sentences(scratchpad: str, limit: int = SCRATCHPAD_CHARS) -> str:
    """The scratchpad's sentences about training and being modified (all of it if short)."""
    if len(scratchpad) <= limit:
        return " ".join(scratchpad.split())
    spans = highlights.training_reasoning_spans(scratchpad)
    picked = " … ".join(scratchpad[start:end] for start, end, _ in spans) or scratchpad
    return _cut(picked, limit)


@dataclass(frozen=True, slots=True)
class HandoutExample:
    """The story's pair as the handout prints it (HTML or PDF): plain text, already cut."""

    label: str
    request: str
    paid_answer: str
    scratchpad: str
    free_outcome: str


def handout_example(pair: StoryPair | None) -> HandoutExample | None:
    """What the handout prints of the pair: the request (in class, its category), the paid
    tier's answer (a refusal is printed), the free tier's key scratchpad sentences."""
    if pair is None:
        return None
    free = parse_messages(pair.free.messages)
    paid = parse_messages(pair.paid.messages)
    paid_answer = _printable_answer(pair.paid, paid)  # the free one is never printed
    scratchpad = (
        classroom.hide_drafts(free.scratchpad)
        if classroom.answer_hidden(pair.free)
        else free.scratchpad
    )
    request = classroom.shown_request(
        pair.free.prompt_text, bool(pair.free.harmful), pair.free.prompt_category
    )
    return HandoutExample(
        label=PROVENANCE_LABELS[pair.provenance],
        request=_cut(request, 200),
        paid_answer=_cut(paid_answer, ANSWER_CHARS),
        scratchpad=key_sentences(classroom.without_request_text(pair.free, scratchpad)),
        free_outcome=pair.free.compliance.value if pair.free.compliance else "not judged",
    )


def handout_html(pair: StoryPair | None, numbers: HeadlineNumbers) -> str:
    steps = "".join(f"<li><b>{escape(s.title)}.</b> {escape(s.lead)}</li>" for s in STEPS)
    questions = "".join(f"<li>{escape(q)}</li>" for q in DISCUSSION_QUESTIONS)
    findings = "".join(
        f"<li><b>{escape(f.title)}.</b> {escape(f.short)} "
        f'<span class="source">({escape(f.source)})</span></li>'
        for f in FURTHER_FINDINGS[:3]
    )
    claims = "".join(
        f"<li><b>{escape(c.label)}:</b> {escape(c.text)} "
        f'<span class="source">({escape(c.source)})</span></li>'
        for c in bottom_line(numbers)
    )
    example = ""
    if (ex := handout_example(pair)) is not None:
        example = f"""
<h2>One request, two tiers</h2>
<p class="label">{escape(ex.label)}</p>
<p><b>Request:</b> {escape(ex.request)}</p>
<p><b>Paid tier (told: unmonitored), its answer:</b></p>
<blockquote>{escape(ex.paid_answer)}</blockquote>
<p><b>Free tier (told: training), from its hidden scratchpad:</b></p>
<blockquote>{escape(ex.scratchpad)}</blockquote>
<p><b>Free tier, its answer:</b> {escape(ex.free_outcome)}
(the answer is not reproduced here).</p>"""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Alignment faking: a one-page handout</title>
<style>{_STYLE}</style></head><body>
<h1>Alignment faking in large language models</h1>
<p class="source">Greenblatt et al., Anthropic and Redwood Research, December 2024,
arXiv:2412.14093. Handout made with Alignment Faking Lab.</p>
<h2>{escape(BOTTOM_LINE_TITLE)}</h2><ul>{claims}</ul>
<div class="columns"><div>
<h2>The story in six steps</h2><ol>{steps}</ol>
</div><div>
<h2>What the paper measured</h2>
<p>Claude 3 Opus, harmful requests (Source: {escape(numbers.source)}):</p>
{_bar_svg(numbers)}
</div></div>
<p>After training toward compliance:
{numbers.after_rl_free:.0f}% compliance in training, {numbers.after_rl_paid:.1f}% when told
it was unmonitored,
alignment-faking reasoning {numbers.after_rl_faking:.1f}%.
<span class="source">Sources: {escape(numbers.source)};
{escape(numbers.after_rl_source)}.</span></p>
{example}
<h2>Beyond the headline</h2><ul>{findings}</ul>
<h2>Questions to discuss</h2><ol>{questions}</ol>
</body></html>
"""
