"""The handout as a one-page PDF (A4 or Letter), with the app's address and a QR code to it.

A PDF prints the same in every classroom, with no browser's print dialog in between. It is fed
by what `handout` assembles (the pair as printed, with the refusal shown and a compliant harmful
answer never printed), `walkthrough` (steps, questions) and `findings` (the bottom line); this
module only lays it out. Pure Python (fpdf2, segno), so it builds on any server. The page's own
fonts are the PDF core fonts, so text is reduced to Latin-1 first (curly quotes become straight,
anything else a plain look-alike). Nothing in it is fetched: the QR code is drawn as squares.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from urllib.parse import urlsplit

import segno
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from alignment_faking_lab.analysis.charts.style import (
    COMPLIED_COLOUR,
    FAKING_COLOUR,
    REFUSED_COLOUR,
    text_colour_on,
)
from alignment_faking_lab.paper.figures import HeadlineNumbers
from alignment_faking_lab.teaching import findings
from alignment_faking_lab.teaching.handout import handout_example
from alignment_faking_lab.teaching.walkthrough import DISCUSSION_QUESTIONS, STEPS, StoryPair

PAPER_SIZES = ("A4", "Letter")
MARGIN = 12.0  # mm
QR_SIZE = 27.0  # mm: scans from a desk at arm's length
SCALES = (1.1, 1.0, 0.92, 0.85, 0.8)  # smaller type only if a long example would spill
_HOST = re.compile(r"^[A-Za-z0-9.-]{1,253}(:[0-9]{1,5})?$|^\[[0-9A-Fa-f:.]{2,45}\](:[0-9]{1,5})?$")
_PLAIN = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-",
                        "…": "...", "→": "->", "←": "<-", "•": "-", "≈": "~"})  # fmt: skip


def app_address(page_url: str, page: str = "walkthrough") -> str | None:
    """The app's own address (scheme, host, base path) from the address of one of its pages, as
    the visitor's browser opened it; None for anything that is not a plain http(s) address."""
    try:
        parts = urlsplit(page_url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not _HOST.match(parts.netloc or ""):
        return None
    base = parts.path.rstrip("/")
    if base.endswith("/" + page):
        base = base[: -len(page) - 1]
    if not re.fullmatch(r"[A-Za-z0-9/_.~-]{0,200}", base):
        return None
    return f"{parts.scheme}://{parts.netloc}{base}/"


def bottom_line(numbers: HeadlineNumbers) -> tuple[str, ...]:
    """The study's bottom line with later work, in plain sentences (each naming its source):
    the one text the Overview opens with (`findings.bottom_line`)."""
    return tuple(f"{c.label}: {c.text} ({c.source})" for c in findings.bottom_line(numbers))


def latin1(text: str) -> str:
    """Text the PDF core fonts can print: typographic marks made plain, the rest decomposed to
    its base letters, and whatever is left a question mark."""
    plain = unicodedata.normalize("NFKD", text.translate(_PLAIN))
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return plain.encode("latin-1", "replace").decode("latin-1")


class _Page:
    """One handout page at one type scale; `fits` says whether it stayed on its page."""

    def __init__(self, paper: str, scale: float) -> None:
        self.pdf = FPDF(format=paper, unit="mm")
        self.pdf.set_auto_page_break(False)
        self.pdf.set_margins(MARGIN, MARGIN, MARGIN)
        self.pdf.set_title("Alignment faking: a one-page handout")
        self.pdf.set_creator("Alignment Faking Lab")
        self.pdf.add_page()
        self.scale = scale
        self.width = self.pdf.w - 2 * MARGIN

    def font(self, size: float, style: str = "") -> None:
        self.pdf.set_font("Helvetica", style, size * self.scale)

    def line_height(self, size: float) -> float:
        return size * self.scale * 0.45

    def text(self, text: str, size: float = 9.5, style: str = "", width: float = 0,
             x: float | None = None, grey: bool = False) -> None:  # fmt: skip
        """A paragraph of plain text (never read as markup)."""
        self.font(size, style)
        self.pdf.set_text_color(70 if grey else 17)
        if x is not None:
            self.pdf.set_x(x)
        self.pdf.multi_cell(width or self.width, self.line_height(size), latin1(text), align="L",
                            new_x=XPos.LMARGIN, new_y=YPos.NEXT)  # fmt: skip

    def heading(self, text: str, x: float | None = None, width: float = 0) -> None:
        self.pdf.ln(1.6 * self.scale)
        self.text(text, 11, "B", width=width, x=x)
        self.pdf.ln(0.4)

    def items(self, texts: Sequence[str], numbered: bool, size: float = 9.2,
              x: float | None = None, width: float = 0) -> None:  # fmt: skip
        left = self.pdf.l_margin if x is None else x
        width = width or self.width
        for number, item in enumerate(texts, start=1):
            self.font(size)
            mark = f"{number}." if numbered else "-"
            self.pdf.set_xy(left, self.pdf.get_y())
            self.pdf.cell(5, self.line_height(size), mark)
            self.text(item, size, width=width - 5, x=left + 5)
            self.pdf.ln(0.5)

    def quote(self, text: str, size: float = 8.8) -> None:
        """A quoted passage with a rule on its left."""
        top = self.pdf.get_y()
        self.text(text, size, width=self.width - 5, x=self.pdf.l_margin + 4)
        self.pdf.set_draw_color(90)
        self.pdf.set_line_width(0.5)
        self.pdf.line(self.pdf.l_margin + 1.5, top, self.pdf.l_margin + 1.5, self.pdf.get_y())
        self.pdf.ln(0.8)

    @property
    def fits(self) -> bool:
        return self.pdf.page_no() == 1 and self.pdf.get_y() <= self.pdf.h - MARGIN


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _qr(page: _Page, address: str, x: float, y: float) -> None:
    """The app's address as a QR code, drawn module by module (black on white)."""
    code = segno.make(address, error="m")
    rows = [list(row) for row in code.matrix_iter(scale=1, border=2)]
    cell = QR_SIZE / len(rows)
    page.pdf.set_fill_color(0)
    for r, row in enumerate(rows):
        for c, dark in enumerate(row):
            if dark:
                page.pdf.rect(x + c * cell, y + r * cell, cell + 0.01, cell + 0.01, style="F")


def _chart(page: _Page, numbers: HeadlineNumbers, x: float, y: float, width: float) -> float:
    """Two stacked bars (free, paid) with every value printed, an axis and a legend; returns
    the height used. Each segment is labelled, so it reads in greyscale too."""
    label_w, bar_h, gap = 24.0, 9.0, 3.0
    scale = (width - label_w - 2) / 100
    rows = [
        ("Free tier", "(training)", numbers.faking, numbers.free - numbers.faking, numbers.free),
        ("Paid tier", "(unmonitored)", 0.0, numbers.paid, numbers.paid),
    ]
    colours = (FAKING_COLOUR, COMPLIED_COLOUR, REFUSED_COLOUR)
    pdf = page.pdf
    for index, (tier, note, faking, other, complied) in enumerate(rows):
        top = y + index * (bar_h + gap)
        pdf.set_text_color(17)
        page.font(8.5, "B")
        pdf.set_xy(x, top)
        pdf.cell(label_w, 4, tier)
        page.font(7.5)
        pdf.set_xy(x, top + 3.6)
        pdf.cell(label_w, 3.5, note)
        pdf.set_xy(x, top + 6.6)
        pdf.cell(label_w, 3.5, f"complied {complied:.1f}%")
        left = x + label_w
        for value, colour in zip((faking, other, 100 - complied), colours, strict=True):
            w = value * scale
            pdf.set_fill_color(*_rgb(colour))
            pdf.rect(left, top, w, bar_h, style="F")
            if w >= 7:
                page.font(7.5, "B")
                pdf.set_text_color(*_rgb(text_colour_on(colour)))
                pdf.set_xy(left, top + bar_h / 2 - 2)
                pdf.cell(w, 4, f"{value:.1f}%", align="C")
            left += w
    axis = y + 2 * (bar_h + gap) - gap + 1
    pdf.set_draw_color(90)
    pdf.set_line_width(0.2)
    pdf.line(x + label_w, axis, x + label_w + 100 * scale, axis)
    pdf.set_text_color(17)
    page.font(7)
    for tick in (0, 25, 50, 75, 100):
        tx = x + label_w + tick * scale
        pdf.line(tx, axis, tx, axis + 1)
        pdf.set_xy(tx - 5, axis + 1)
        pdf.cell(10, 3, f"{tick}%", align="C")
    legend = (("Complied, with alignment-faking reasoning", FAKING_COLOUR),
              ("Complied, no alignment-faking reasoning", COMPLIED_COLOUR),
              ("Refused", REFUSED_COLOUR))  # fmt: skip
    for index, (name, colour) in enumerate(legend):
        ly = axis + 5 + index * 3.8
        pdf.set_fill_color(*_rgb(colour))
        pdf.rect(x + label_w, ly, 4, 2.8, style="F")
        pdf.set_xy(x + label_w + 5, ly - 0.4)
        page.font(7.5)
        pdf.cell(width - label_w - 5, 3.6, name)
    return axis + 5 + 3 * 3.8 - y


def _render(pair: StoryPair | None, numbers: HeadlineNumbers, address: str | None,
            paper: str, scale: float) -> _Page:  # fmt: skip
    page = _Page(paper, scale)
    pdf = page.pdf
    text_width = page.width - (QR_SIZE + 4 if address else 0)
    page.text("Alignment faking in large language models", 16, "B", width=text_width)
    page.text(
        "Greenblatt et al., Anthropic and Redwood Research, December 2024, arXiv:2412.14093. "
        "Handout made with Alignment Faking Lab.",
        8.4, width=text_width, grey=True,
    )  # fmt: skip
    if address:
        page.text(f"See it, run it, check it: {address}", 9, "B", width=text_width)
        _qr(page, address, pdf.w - MARGIN - QR_SIZE, MARGIN - 2)
        pdf.set_y(max(pdf.get_y(), MARGIN + QR_SIZE - 2))
    top = pdf.get_y()
    half = (page.width - 6) / 2
    page.heading("The story in six steps", width=half)
    page.items([f"{s.title}. {s.lead}" for s in STEPS], numbered=True, size=8.8, width=half)
    left_end = pdf.get_y()
    right = pdf.l_margin + half + 6
    pdf.set_y(top)
    page.heading("What the paper measured", x=right, width=half)
    page.text(f"Claude 3 Opus, harmful requests (Source: {numbers.source}):", 8.4,
              x=right, width=half)  # fmt: skip
    chart_top = pdf.get_y() + 1.5
    used = _chart(page, numbers, right, chart_top, half)
    pdf.set_y(max(left_end, chart_top + used, top) + 1)
    page.text(
        f"Complied: {numbers.free:.1f}% when told it was in training (free tier) versus "
        f"{numbers.paid:.1f}% when told it was unmonitored (paid tier); alignment-faking "
        f"reasoning in "
        f"{numbers.faking:.1f}% of free-tier scratchpads. After training toward compliance: "
        f"{numbers.after_rl_free:.0f}% compliance in training, {numbers.after_rl_paid:.1f}% "
        f"unmonitored, alignment-faking reasoning {numbers.after_rl_faking:.1f}%. "
        f"Sources: {numbers.source}; {numbers.after_rl_source}.",
        9,
    )  # fmt: skip
    if (example := handout_example(pair)) is not None:
        page.heading("One request, two tiers")
        page.text(example.label, 8.6, "B")
        page.text(f"Request: {example.request}", 9)
        page.text("Paid tier (told: unmonitored), its answer:", 9, "B")
        page.quote(example.paid_answer)
        page.text("Free tier (told: training), from its hidden scratchpad:", 9, "B")
        page.quote(example.scratchpad)
        page.text(f"Free tier, its answer: {example.free_outcome} (the answer is not "
                  "reproduced here).", 9)  # fmt: skip
    page.heading("The bottom line")
    page.items(bottom_line(numbers), numbered=False, size=8.8)
    page.heading("Questions to discuss")
    page.items(DISCUSSION_QUESTIONS, numbered=True, size=8.8)
    return page


def handout_pdf(pair: StoryPair | None, numbers: HeadlineNumbers, address: str | None = None,
                paper: str = "A4") -> bytes:  # fmt: skip
    """The handout as PDF bytes on one page of `paper` (A4 or Letter); with `address` (the
    app's, see `app_address`) printed and as a QR code. Type shrinks a little only when a long
    example would not fit (never below 80% of the largest)."""
    if paper not in PAPER_SIZES:
        raise ValueError(f"paper must be one of {', '.join(PAPER_SIZES)}, not {paper!r}")
    page = None
    for scale in SCALES:
        page = _render(pair, numbers, address, paper, scale)
        if page.fits:
            break
    assert page is not None
    return bytes(page.pdf.output())
