"""Where an API key comes from, where the deployment owner's key may go, and keeping keys out of
everything written or shown.

Order: a key the visitor typed (kept only in their session), then the app's secrets, then the
environment. The owner's key (secrets or environment) goes only to the provider's own address or
an address the owner set (secrets or environment), never to one a visitor typed; the access code,
per-visitor cap and daily budget on it live in `owner_gate`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from alignment_faking_lab.public.deployment import lookup as _lookup

REDACTED = "[key removed]"


class KeySource(StrEnum):
    VISITOR = "your key (kept in this browser session only)"
    SECRETS = "the app's secrets"
    ENVIRONMENT = "an environment variable"
    NONE = "no key"


@dataclass(frozen=True, slots=True)
class KeyChoice:
    key: str = field(repr=False)
    source: KeySource

    @property
    def is_owners(self) -> bool:
        return self.source in (KeySource.SECRETS, KeySource.ENVIRONMENT)


def resolve_key(
    key_env: str, visitor_key: str, secrets: Mapping[str, Any], environ: Mapping[str, str],
    owner_key_allowed: bool = True,
) -> KeyChoice:  # fmt: skip
    """Which key a call uses, and where it came from: the visitor's own first, then the
    owner's (secrets, then environment), but the owner's only when `owner_key_allowed` (the
    address is the owner's).

    Args:
        key_env: the provider's key variable name, e.g. ANTHROPIC_API_KEY ("" when none).
        visitor_key: the key typed in the sidebar ("" when none).
        secrets: `st.secrets` in the app, or any mapping (e.g. {} in a notebook).
        environ: the environment, e.g. `os.environ`.
        owner_key_allowed: whether the owner's key may go to the address of this call.
    """
    if visitor_key.strip():
        return KeyChoice(visitor_key.strip(), KeySource.VISITOR)
    if not owner_key_allowed:
        return KeyChoice("", KeySource.NONE)
    if key_env and (value := _lookup(secrets, key_env)):
        return KeyChoice(value, KeySource.SECRETS)
    if key_env and (value := _lookup(environ, key_env)):
        return KeyChoice(value, KeySource.ENVIRONMENT)
    return KeyChoice("", KeySource.NONE)


def _normal(url: str | None) -> str:
    return (url or "").strip().rstrip("/").lower()


def owner_addresses(
    preset_url: str | None, url_settings: Iterable[str], secrets: Mapping[str, Any],
    environ: Mapping[str, str],
) -> set[str]:  # fmt: skip
    """Addresses the owner's key may go to: the provider's own (a host preset's address, or ""
    for the SDK's default) and any set by the owner under the names in `url_settings` (e.g.
    ANTHROPIC_BASE_URL). A host's key never goes to the SDK's default: that is another host."""
    allowed = {_normal(preset_url)} if preset_url else {""}
    for name in url_settings:
        allowed.add(_normal(_lookup(secrets, name) or _lookup(environ, name)))
    return allowed


def owner_key_may_go_to(base_url: str | None, allowed: set[str]) -> bool:
    return _normal(base_url) in allowed


def visitor_key_address(typed_url: str, sdk_default: str, owner_set: bool) -> str:
    """Where a visitor's own key goes on a public deployment: the address they typed, else the
    provider's public address (`sdk_default`) when the owner set an address of their own (a
    proxy for their key, which the SDK would otherwise take from the environment)."""
    return typed_url or (sdk_default if owner_set else "")


@dataclass(frozen=True, slots=True)
class Permission:
    allowed: bool
    reason: str = ""


def redact(text: str, keys: Iterable[str]) -> str:
    """Remove every known key (and its long fragments) from a text about to be shown or stored."""
    for key in keys:
        if key and len(key) >= 8:
            text = text.replace(key, REDACTED)
    return text
