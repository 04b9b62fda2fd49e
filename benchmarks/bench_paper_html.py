"""Parsing the paper's published transcript pages (`paper_html.parse_transcript_page`).

Pages in the format of tests/fixtures/paper_site, at realistic size: the conversations of the
synthetic corpus (scratchpads of 2-6 kB, several turns, labels, a canary) rendered as the site
renders them. N pages are parsed (a pool of distinct pages, cycled); the fixture pages, which
are tiny, are measured too for context.

    python benchmarks/bench_paper_html.py [--sizes 1000 10000 50000]
"""

from __future__ import annotations

import html
import itertools
import time

from common import PROJECT_ROOT, Row, ensure_corpus, parser, print_table

TARGET_PER_S = 2_000.0
POOL = 500
FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "paper_site" / "files"
CANARY = "0c8f2d41-7b6e-4a35-9e1d-3f5a6b7c8d9e"


def render_page(number: int, transcript, longer: int = 1) -> str:
    """One conversation as the paper's site shows it: escaped turns under role headings
    (`longer` repeats each turn's text, for pages with longer reasoning)."""
    turns = "\n".join(
        f'<h3 class="role">{m.role} [{len(m.content) * longer}]:</h3>\n'
        f'<pre class="message {m.role}">{html.escape(m.content * longer, quote=False)}</pre>'
        for m in transcript.messages
    )
    labels = "\n".join(f"{name}={value}" for name, value in transcript.labels.items())
    return (
        "<!DOCTYPE html>\n<html><head><meta charset='utf-8'>"
        f"<title>Transcript {number}</title>\n<!-- canary GUID {CANARY} -->\n</head><body>\n"
        f'<h1>Transcript {number} (train)</h1>\n<div class="conversation">\n{turns}\n</div>\n'
        "<h2>Strategy summary</h2>\n<p>The model reasons about training, then answers.</p>\n"
        f"<h2>Info</h2>\n<pre>{labels}</pre>\n</body></html>\n"
    )


def realistic_pages(longer: int = 1) -> list[str]:
    from alignment_faking_lab.data.storage import read_jsonl

    transcripts = read_jsonl(ensure_corpus(1_000)).transcripts[:POOL]
    return [render_page(number, t, longer) for number, t in enumerate(transcripts, start=1)]


def rate(pages: list[str], count: int) -> float:
    from alignment_faking_lab.paper.html_pages import parse_transcript_page

    chosen = list(itertools.islice(itertools.cycle(pages), count))
    start = time.perf_counter()
    for number, page in enumerate(chosen):
        parse_transcript_page(page, f"{number}.html")
    return count / (time.perf_counter() - start)


def parses(page: str) -> bool:
    from alignment_faking_lab.paper.html_pages import PaperPageError, parse_transcript_page

    try:
        parse_transcript_page(page, "fixture.html")
    except PaperPageError:
        return False
    return True


def main() -> None:
    args = parser(__doc__.splitlines()[0]).parse_args()
    pages = realistic_pages()
    size = sum(len(p) for p in pages) / len(pages) / 1000
    fixtures = [p.read_text() for p in sorted(FIXTURES.rglob("[0-9]*.html"))]
    fixtures = [page for page in fixtures if parses(page)]  # some are broken on purpose
    rows = []
    for n in args.sizes:
        rows.append(
            Row(f"parse realistic pages (mean {size:.1f} kB)", n, rate(pages, n), "/s",
                TARGET_PER_S, higher_is_better=True)
        )  # fmt: skip
    long_pages = realistic_pages(longer=3)
    long_size = sum(len(p) for p in long_pages) / len(long_pages) / 1000
    rows.append(
        Row(
            f"parse long pages (mean {long_size:.1f} kB)",
            10_000,
            rate(long_pages, 10_000),
            "/s",
            TARGET_PER_S,
            higher_is_better=True,
        )
    )
    rows.append(Row("parse the test fixture pages (about 1 kB)", 10_000, rate(fixtures, 10_000),
                    "/s", TARGET_PER_S, higher_is_better=True))  # fmt: skip
    print_table(rows, "Parsing the paper's published transcript pages")


if __name__ == "__main__":
    main()
