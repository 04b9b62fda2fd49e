"""Writing a file so that no reader, and no crash, ever sees half of it.

The one way the package replaces a whole file (a run or import file, a cached download, a cached
reply): write a temporary file beside it, then move it into place in one step (`os.replace`).
The temporary name is hidden and unique per process and thread, so writers of the same file at
the same time never mix their bytes; a failed write leaves the old file as it was.
"""

from __future__ import annotations

import os
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
