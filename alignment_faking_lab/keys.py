"""Where an API key comes from, who may use the deployment owner's key, and keeping keys out of
everything written or shown.

Order: a key the visitor typed (kept only in their session), then the app's secrets, then the
environment. On a public deployment the owner's key (secrets or environment) is usable only with
the access code from secrets (`AFLAB_ACCESS_CODE`), and only for `AFLAB_SESSION_REQUEST_CAP`
requests per session; a visitor's own key has neither limit.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

ACCESS_CODE_NAME = "AFLAB_ACCESS_CODE"
REQUEST_CAP_NAME = "AFLAB_SESSION_REQUEST_CAP"
DEFAULT_REQUEST_CAP = 200
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


def _lookup(mapping: Mapping[str, Any], name: str) -> str:
    try:
        value = mapping.get(name)
    except Exception:  # st.secrets raises when no secrets file exists
        return ""
    return str(value).strip() if value else ""


def resolve_key(
    key_env: str, visitor_key: str, secrets: Mapping[str, Any], environ: Mapping[str, str]
) -> KeyChoice:
    if visitor_key.strip():
        return KeyChoice(visitor_key.strip(), KeySource.VISITOR)
    if key_env and (value := _lookup(secrets, key_env)):
        return KeyChoice(value, KeySource.SECRETS)
    if key_env and (value := _lookup(environ, key_env)):
        return KeyChoice(value, KeySource.ENVIRONMENT)
    return KeyChoice("", KeySource.NONE)


def access_code(secrets: Mapping[str, Any], environ: Mapping[str, str]) -> str:
    return _lookup(secrets, ACCESS_CODE_NAME) or _lookup(environ, ACCESS_CODE_NAME)


def request_cap(secrets: Mapping[str, Any], environ: Mapping[str, str]) -> int:
    text = _lookup(secrets, REQUEST_CAP_NAME) or _lookup(environ, REQUEST_CAP_NAME)
    try:
        return max(0, int(text)) if text else DEFAULT_REQUEST_CAP
    except ValueError:
        return DEFAULT_REQUEST_CAP


@dataclass(frozen=True, slots=True)
class Permission:
    allowed: bool
    reason: str = ""
    remaining: int | None = None  # requests left this session on the owner's key


def may_call(
    choice: KeyChoice,
    entered_code: str,
    required_code: str,
    used_this_session: int,
    cap: int,
    planned: int = 1,
) -> Permission:
    """Whether `planned` more requests may go out with this key now, and if not, why."""
    if choice.source is KeySource.NONE:
        return Permission(False, "No API key: paste your own key in the sidebar.")
    if not choice.is_owners:
        return Permission(True)
    if required_code and not hmac.compare_digest(entered_code.strip(), required_code):
        return Permission(
            False,
            "This deployment's key needs the access code from its owner. Enter it in the "
            "sidebar, or paste your own API key instead.",
        )
    remaining = cap - used_this_session
    if planned > remaining:
        return Permission(
            False,
            f"This session may send {max(remaining, 0)} more requests with the deployment's key "
            f"(limit {cap} per session), and this needs {planned}. Use your own key for more.",
            remaining,
        )
    return Permission(True, remaining=remaining)


def redact(text: str, keys: Iterable[str]) -> str:
    """Remove every known key (and its long fragments) from a text about to be shown or stored."""
    for key in keys:
        if key and len(key) >= 8:
            text = text.replace(key, REDACTED)
    return text
