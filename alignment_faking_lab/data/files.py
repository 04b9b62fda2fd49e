"""Writing a file so that no reader, and no crash, ever sees half of it.

The one way the package replaces a whole file (a run or import file, a cached download, a cached
reply): write a temporary file beside it, then move it into place in one step (`os.replace`).
The temporary name is hidden and unique per process and thread, so writers of the same file at
the same time never mix their bytes; a failed write leaves the old file as it was.
"""

from __future__ import annotations

import errno
import os
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any


@contextmanager
def atomic_write(path: str | os.PathLike[str], *, binary: bool = False) -> Iterator[IO[Any]]:
    """Open `path` for writing (text in UTF-8, or bytes); it appears whole when the block ends.

    Args:
        path: the file to create or replace; its folder is created when missing.
        binary: write bytes instead of text.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.part")
    try:
        if binary:
            with temporary.open("wb") as handle:
                yield handle
        else:
            with temporary.open("w", encoding="utf-8") as handle:
                yield handle
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def unencodable_text(text: str) -> str | None:
    """Why `text` cannot be written as UTF-8 (a lone surrogate, which a model reply can hold as
    an escaped `\\ud83d`), or None when it can."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return (
            f"it holds a lone surrogate (U+{ord(text[exc.start]):04X}), half of a character that "
            "is not valid Unicode text and cannot be stored as UTF-8"
        )
    return None


def escape_unencodable(text: str) -> str:
    """`text` with each character UTF-8 cannot encode written as its escape (`\\ud83d`)."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def not_a_file(path: Path) -> str | None:
    """Why `path` cannot be read as a data file without harm, or None when it can: a link to
    nothing would crash a listing, and opening a pipe (a FIFO named `x.jsonl`) waits forever."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "is a link to a file that is not there" if path.is_symlink() else "no such file"
    except OSError as exc:
        return f"could not be read ({exc.strerror or exc})"
    if stat.S_ISDIR(mode):
        return "is a folder, expected a JSONL file"
    if not stat.S_ISREG(mode):
        return "is not a regular file (a pipe, socket or device), so it is not read"
    return None


def data_files(folder: Path, pattern: str = "*.jsonl") -> list[Path]:
    """The regular files in `folder` matching `pattern`, sorted by name: links to nothing,
    pipes and folders with a matching name are left out."""
    return sorted(p for p in folder.glob(pattern) if not_a_file(p) is None)


def os_problem(error: OSError) -> str:
    """What a failed file operation means, in words a user can act on (never a traceback)."""
    if isinstance(error, (FileExistsError, NotADirectoryError)):
        return "a file is where a folder should be"
    if isinstance(error, PermissionError) or error.errno == errno.EROFS:
        return "the folder is read-only, or not this program's to write"
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return "the disk is full"
    if error.errno == errno.EFBIG:
        return "the file is larger than this system lets it grow: the disk is as good as full"
    return error.strerror or type(error).__name__
