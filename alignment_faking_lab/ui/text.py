"""Show model and user text as text, never as HTML or markdown formatting.

A transcript may contain `<script>`, markdown, LaTeX dollars or Streamlit colour directives.
Escaping every ASCII punctuation mark (CommonMark allows a backslash before any of them) makes
markdown print the text literally, while still letting us add our own highlighting around it.
"""

from __future__ import annotations

import re
import string

_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")


def escape_markdown(text: str) -> str:
    """Literal text for `st.markdown`; line breaks are kept as hard breaks."""
    escaped = _PUNCTUATION.sub(r"\\\1", text)
    return escaped.replace("\r\n", "\n").replace("\n", "  \n")


def highlighted_markdown(segments: list[tuple[str, str | None]], colour: str = "orange") -> str:
    """Markdown for text segments, those with a reason shown on a coloured background."""
    parts = []
    for segment, reason in segments:
        if not segment:
            continue
        escaped = escape_markdown(segment)
        if reason and segment.strip():
            # A directive cannot span a hard line break, so highlight each line on its own.
            lines = escaped.split("  \n")
            escaped = "  \n".join(f":{colour}-background[{line}]" if line else "" for line in lines)
        parts.append(escaped)
    return "".join(parts)
