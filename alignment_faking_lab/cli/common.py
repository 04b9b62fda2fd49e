"""What the command-line commands share: how they fail, where an API key comes from, and the
endpoint a command calls."""

from __future__ import annotations

import os
import sys

from alignment_faking_lab.calling.endpoints import PRESETS, Endpoint
from alignment_faking_lab.public.deployment import lookup


def fail(message: str) -> int:
    """Say what went wrong on stderr; the exit status for a usage or input error."""
    print(f"error: {message}", file=sys.stderr)
    return 2


def key_from_environment(variable: str | None) -> str:
    """An API key from the named environment variable ("" when unset): the commands never take
    a key as an argument, so it stays out of shell histories and process lists."""
    return lookup(os.environ, variable) if variable else ""


class MissingKeyError(Exception):
    """A provider that needs a key has none in its environment variable."""


def endpoint_from_environment(
    provider: str, base_url: str | None, key_env: str | None, timeout: float, dry_run: bool
) -> Endpoint:
    """The endpoint a command calls: the provider's preset at `base_url` (else the preset's
    address), with the key from `key_env` (else the preset's variable). A dry run sends nothing,
    so it needs no key; otherwise a missing one raises `MissingKeyError` naming the variable."""
    preset = PRESETS[provider]
    variable = key_env or preset.key_env
    key = key_from_environment(variable)
    if preset.needs_key and not key and not dry_run:
        raise MissingKeyError(f"set the environment variable {variable}")
    return Endpoint(preset.api, preset.name, base_url or preset.base_url, key, timeout)
