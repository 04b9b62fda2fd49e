"""What a transcript file is, judged from its first bytes, when not one of its lines could be
read: UTF-16, a zip or gzip file, binary data, an old-Mac text file or the paper's archive JSON
each get one error naming it, instead of one baffling JSON error per line.
"""

from __future__ import annotations


def encoding_problem(head: bytes) -> str | None:
    """Why a file cannot be JSON lines at all, judged from its first bytes, or None.

    UTF-16 and binary files would otherwise give one baffling JSON error per line: they get one
    error for the whole file that names the encoding. (JSON text never holds a raw NUL byte.)
    """
    found = None
    if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        found = "UTF-32 text"
    elif head.startswith((b"\xff\xfe", b"\xfe\xff")):
        found = "UTF-16 text"
    elif head.startswith(b"\x1f\x8b"):
        found = "a gzip-compressed file (unpack it first)"
    elif head.startswith(b"PK\x03\x04"):
        found = "a zip archive (unpack it first, or import it on the Paper transcripts page)"
    elif b"\x00" in head:
        even, odd = head[0::2].count(0), head[1::2].count(0)
        text_like = max(even, odd) > len(head) // 4 and min(even, odd) < len(head) // 50 + 1
        found = "UTF-16 text (no byte-order mark)" if text_like else "binary data (NUL bytes)"
    if found is None:
        return layout_problem(head)
    return f"the file is {found}, expected UTF-8 JSON lines: save it as UTF-8 JSONL"


def layout_problem(head: bytes) -> str | None:
    """Why a UTF-8 file gave not one transcript, when its first bytes show it: lines that end
    in a carriage return alone (an old Mac text file), or JSON from the paper's archive."""
    if b"\r" in head and b"\n" not in head:
        return (
            "the file's lines end with a carriage return alone (an old Mac text file), so it "
            "reads as one line: save it with Unix (LF) or Windows (CRLF) line endings"
        )
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"{", b"[")) and (
        b'"messages"' in head and b'"schema_version"' not in head
    ):
        return (
            "the file looks like JSON from the paper's archive (a 'messages' list, no "
            "schema_version), not this app's transcript JSONL: import it with the archive "
            "import (Paper transcripts page, or `aflab paper import-archive PATH`)"
        )
    return None
