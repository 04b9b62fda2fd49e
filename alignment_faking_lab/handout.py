"""A printable one-page handout of the walkthrough: plain HTML with an inline SVG chart.

Self-contained (no scripts, no downloads) so it prints and opens offline in any classroom.
Every piece of transcript text is HTML-escaped.
"""

from __future__ import annotations

from html import escape

from alignment_faking_lab import classroom
from alignment_faking_lab.charts import COMPLIED_COLOUR, FAKING_COLOUR, REFUSED_COLOUR
from alignment_faking_lab.parsing import ParsedReply, parse_messages
from alignment_faking_lab.transcript import PROVENANCE_LABELS, Transcript
from alignment_faking_lab.walkthrough import (
    DISCUSSION_QUESTIONS,
    STEPS,
    HeadlineNumbers,
    StoryPair,
)

_STYLE = """
body { font-family: Georgia, serif; max-width: 46rem; margin: 1.5rem auto; color: #111;
       font-size: 11pt; line-height: 1.35; }
h1 { font-size: 18pt; margin-bottom: 0.2rem; } h2 { font-size: 12.5pt; margin: 0.9rem 0 0.3rem; }
.source { color: #555; font-size: 9pt; } .label { color: #9A3412; font-weight: bold; }
blockquote { margin: 0.3rem 0 0.3rem 0.8rem; padding-left: 0.6rem; border-left: 3px solid #ccc;
             white-space: pre-wrap; font-size: 9.5pt; }
@media print { body { margin: 0.6cm; } }
"""


def _bar_svg(numbers: HeadlineNumbers) -> str:
    """Two stacked bars (free, paid) drawn by hand: no plotting library needed to print."""
    width, bar_height, left = 560, 34, 150
    scale = (width - left - 10) / 100
    rows = [
        ("Free tier (training)", numbers.faking, numbers.free - numbers.faking, numbers.free),
        ("Paid tier (unmonitored)", 0.0, numbers.paid, numbers.paid),
    ]
    parts = [f'<svg width="{width}" height="110" xmlns="http://www.w3.org/2000/svg">']
    for index, (label, faking, other, complied) in enumerate(rows):
        y = 8 + index * (bar_height + 14)
        x = left
        parts.append(f'<text x="0" y="{y + 22}" font-size="12">{escape(label)}</text>')
        for value, colour in ((faking, FAKING_COLOUR), (other, COMPLIED_COLOUR),
                              (100 - complied, REFUSED_COLOUR)):  # fmt: skip
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{value * scale:.1f}" height="{bar_height}" '
                f'fill="{colour}"/>'
            )
            x += value * scale
    parts.append("</svg>")
    return "".join(parts)


def _printable_answer(transcript: Transcript, parsed: ParsedReply) -> str:
    """A handout never prints an unredacted answer to a harmful request."""
    if classroom.is_sensitive(transcript):
        return f"[{classroom.WITHHELD}]"
    return parsed.output or ""


def handout_html(pair: StoryPair | None, numbers: HeadlineNumbers) -> str:
    steps = "".join(f"<li><b>{escape(s.title)}.</b> {escape(s.lead)}</li>" for s in STEPS)
    questions = "".join(f"<li>{escape(q)}</li>" for q in DISCUSSION_QUESTIONS)
    example = ""
    if pair is not None:
        free = parse_messages(pair.free.messages)
        paid = parse_messages(pair.paid.messages)
        free_answer, paid_answer = (
            _printable_answer(pair.free, free),
            _printable_answer(pair.paid, paid),
        )
        scratchpad = (
            classroom.hide_drafts(free.scratchpad)
            if classroom.is_sensitive(pair.free)
            else free.scratchpad
        )
        label = escape(PROVENANCE_LABELS[pair.provenance])
        example = f"""
<h2>One request, two tiers</h2>
<p class="label">{label}</p>
<p><b>Request:</b> {escape(pair.free.prompt_text)}</p>
<p><b>Paid tier (told: unmonitored), answer:</b></p>
<blockquote>{escape(paid_answer)}</blockquote>
<p><b>Free tier (told: training), hidden scratchpad:</b></p>
<blockquote>{escape(scratchpad)}</blockquote>
<p><b>Free tier, answer:</b></p><blockquote>{escape(free_answer)}</blockquote>"""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Alignment faking: a one-page handout</title>
<style>{_STYLE}</style></head><body>
<h1>Alignment faking in large language models</h1>
<p class="source">Greenblatt et al., Anthropic and Redwood Research, December 2024,
arXiv:2412.14093. Handout made with Alignment Faking Lab.</p>
<h2>The story in six steps</h2><ol>{steps}</ol>
<h2>What the paper measured (Claude 3 Opus, harmful requests)</h2>
{_bar_svg(numbers)}
<p>Complied: <b>{numbers.free:.1f}%</b> when told it was in training (free tier) versus
<b>{numbers.paid:.1f}%</b> when told it was unmonitored (paid tier), a gap of
{numbers.gap:.1f} points; alignment-faking reasoning in <b>{numbers.faking:.1f}%</b> of
free-tier scratchpads. Red: complied with alignment-faking reasoning; yellow: complied without;
blue: refused. <span class="source">Source: {escape(numbers.source)}.</span></p>
<p>After training toward compliance: {numbers.after_rl_free:.0f}% compliance in training,
{numbers.after_rl_paid:.1f}% unmonitored, alignment-faking reasoning {numbers.after_rl_faking:.1f}%.
<span class="source">Source: {escape(numbers.after_rl_source)}.</span></p>
{example}
<h2>Questions to discuss</h2><ol>{questions}</ol>
</body></html>
"""
