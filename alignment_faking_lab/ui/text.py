"""Show model and user text as text, never as HTML or markdown formatting.

A transcript may contain `<script>`, markdown, LaTeX dollars or Streamlit colour directives.
Escaping every ASCII punctuation mark (CommonMark allows a backslash before any of them) makes
markdown print the text literally, while still letting us add our own highlighting around it.
"""

from __future__ import annotations

import re
import string
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")
# GitHub-style markdown turns bare addresses into links even when every mark is escaped
# ("http://…", "www.…", "name@host.org"). An invisible word joiner (U+2060) after the part that
# starts a link keeps them plain text, so data never puts a link on the page.
_AUTOLINK = re.compile(r"(://|(?<![^\W_])www(?=\.)|@)", re.IGNORECASE)
_JOINER = "\u2060"


def escape_markdown(text: str) -> str:
    """Literal text for `st.markdown`; line breaks are kept as hard breaks."""
    escaped = _PUNCTUATION.sub(r"\\\1", _AUTOLINK.sub(r"\1" + _JOINER, text))
    return escaped.replace("\r\n", "\n").replace("\n", "  \n")


def table_text(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` for `st.table`, which renders every text cell, row name and column name as
    markdown (a link, or an image the browser would fetch): the text escaped, numbers kept."""
    import pandas as pd

    def literal(value: object) -> object:
        return escape_markdown(value) if isinstance(value, str) else value

    shown = frame.copy()
    for column in shown.columns:
        if not pd.api.types.is_numeric_dtype(shown[column]):
            shown[column] = shown[column].map(literal)
    shown.index = shown.index.map(literal)
    shown.columns = shown.columns.map(literal)
    return shown


def badge_text(text: str) -> str:
    """Literal text for `st.badge`, which escapes square brackets itself."""
    return escape_markdown(text).replace("\\[", "[").replace("\\]", "]")


def highlighted_markdown(segments: list[tuple[str, str | None]], colour: str = "yellow") -> str:
    """Markdown for text segments, those with a reason in bold on the theme's highlighter colour
    (yellow: strong in both themes, see .streamlit/config.toml), so they show on a projector
    and in greyscale."""
    parts = []
    for segment, reason in segments:
        if not segment:
            continue
        escaped = escape_markdown(segment)
        if reason and segment.strip():
            # A directive cannot span a hard line break, so highlight each line on its own.
            lines = escaped.split("  \n")
            escaped = "  \n".join(
                f":{colour}-background[**{line.strip()}**]" if line.strip() else line
                for line in lines
            )
        parts.append(escaped)
    return "".join(parts)


def code_span(text: str) -> str:
    """Inline code for `st.markdown` that shows `text` exactly: a code span prints its content
    literally (backslash escapes would show), so it is fenced with more backticks than it holds."""
    text = " ".join(str(text).split())
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    return f"{fence} {text} {fence}" if text else ""
