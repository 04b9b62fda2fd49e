"""Model text is shown literally: no HTML, no markdown, no Streamlit directives."""

import pandas as pd

from alignment_faking_lab.ui.text import escape_markdown, highlighted_markdown, table_text


def test_html_and_markdown_are_escaped():
    escaped = escape_markdown("<script>alert(1)</script> **bold** $x$ :red[hi]")
    assert "<script>" not in escaped
    assert r"\<script\>" in escaped
    assert r"\*\*bold\*\*" in escaped
    assert r"\$x\$" in escaped
    assert r"\:red\[hi\]" in escaped


def test_line_breaks_are_kept():
    assert escape_markdown("a\nb") == "a  \nb"


def test_highlighting_wraps_only_flagged_segments():
    markdown = highlighted_markdown([("Plain. ", None), ("I am in training.", "training")])
    assert markdown.startswith("Plain\\. ")
    assert ":yellow-background[**I am in training\\.**]" in markdown  # bold: shows in greyscale


def test_code_spans_show_text_exactly_without_backslashes():
    from alignment_faking_lab.ui.text import code_span

    assert code_span("claude-haiku-5-5") == "` claude-haiku-5-5 `"
    assert code_span("a`b") == "`` a`b ``"  # a backtick inside cannot close the span early


def test_a_table_for_st_table_keeps_numbers_and_escapes_every_text():
    frame = pd.DataFrame({"![x](http://t/p.png)": ["**b** [l](http://t)"], "n": [1.5]},
                         index=pd.Index(["<img src=x>"], name="row"))  # fmt: skip
    shown = table_text(frame)
    assert shown["n"].tolist() == [1.5]
    assert shown.iloc[0, 0] == escape_markdown("**b** [l](http://t)")
    assert list(shown.index) == [escape_markdown("<img src=x>")]
    assert shown.columns[0] == escape_markdown("![x](http://t/p.png)")
