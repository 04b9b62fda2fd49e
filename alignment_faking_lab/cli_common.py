"""What the command-line commands share: how they fail, and where an API key comes from."""

from __future__ import annotations

import os
import sys

from alignment_faking_lab.deployment import lookup


def fail(message: str) -> int:
    """Say what went wrong on stderr; the exit status for a usage or input error."""
    print(f"error: {message}", file=sys.stderr)
    return 2


def key_from_environment(variable: str | None) -> str:
    """An API key from the named environment variable ("" when unset): the commands never take
    a key as an argument, so it stays out of shell histories and process lists."""
    return lookup(os.environ, variable) if variable else ""
