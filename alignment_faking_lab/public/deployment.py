"""Public or local: what this server may do for whoever opens it, and the owner's settings.

A deployment is public unless Streamlit listens on a loopback address only (the README's local
command says `--server.address 127.0.0.1`) and the visitor's request shows no sign of coming
through a proxy (forwarding headers, a Host that is not loopback) or of Community Cloud, so one
made by the Community Cloud steps is public with no setting at all. `AFLAB_MODE=public|local`
overrides. In public mode a visitor's data
stays in their session, the owner's key is gated, and typed addresses must be public https.

Owner settings are read from the app's secrets first, then from the environment: Streamlit
copies secrets into the environment under `streamlit run` but not under AppTest.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import time
import weakref
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

MODE_SETTING = "AFLAB_MODE"
CLASSROOM_SETTING = "AFLAB_CLASSROOM"
SHOW_ANSWERS_SETTING = "AFLAB_SHOW_ANSWERS"  # local mode only: harmful answers shown unasked


class Mode(StrEnum):
    PUBLIC = "public"
    LOCAL = "local"


def lookup(mapping: Mapping[str, Any], name: str) -> str:
    """A setting's text, or "" when absent (st.secrets raises when no secrets file exists)."""
    try:
        value = mapping.get(name)
    except Exception:
        return ""
    return str(value).strip() if value not in (None, "") else ""


def owner_setting(name: str, secrets: Mapping[str, Any] | None = None,
                  environ: Mapping[str, str] | None = None) -> str:  # fmt: skip
    """An owner's setting: secrets first, then the environment."""
    if secrets is None:
        secrets = _app_secrets()
    environ = os.environ if environ is None else environ
    return lookup(secrets, name) or lookup(environ, name)


NO_SECRETS_RECHECK_S = 10.0
_no_secrets_file: tuple[weakref.ref | None, float] = (None, 0.0)


def _app_secrets() -> Mapping[str, Any]:
    """`st.secrets`, or {} while it is known to have no secrets file. Without a file Streamlit
    looks for one again on every read, under one lock for all sessions; a page reads a dozen
    settings, so many visitors at once queued on it. A file added later is seen within
    `NO_SECRETS_RECHECK_S` seconds."""
    global _no_secrets_file
    import streamlit as st

    secrets = st.secrets
    known, until = _no_secrets_file
    if known is not None and known() is secrets and time.monotonic() < until:
        return {}
    try:
        secrets.get(MODE_SETTING)  # any read makes Streamlit look for the file
    except FileNotFoundError as missing:  # StreamlitSecretNotFoundError: none, or unparsable
        _note_secrets_problem(missing)
        _no_secrets_file = (weakref.ref(secrets), time.monotonic() + NO_SECRETS_RECHECK_S)
        return {}
    except Exception as broken:
        _note_secrets_problem(broken)
        return {}
    _note_secrets_problem(None)
    return secrets


_secrets_problem = ""


def _note_secrets_problem(error: BaseException | None) -> None:
    """Remember (and log once) why the secrets file could not be read, if it exists but does
    not parse: Streamlit reports that as a missing file, which would drop every owner setting
    without a word."""
    global _secrets_problem
    reason = getattr(error, "exec_kwargs", {}).get("error", "") if error is not None else ""
    if error is not None and not reason and not isinstance(error, FileNotFoundError):
        reason = str(error)
    if reason and reason != _secrets_problem:
        logging.getLogger(__name__).error("The secrets file does not parse: %s", reason)
    _secrets_problem = reason


def secrets_problem() -> str:
    """For the owner, in plain words: the secrets file exists but does not parse, or ""."""
    owner_setting(MODE_SETTING)  # reads the secrets (cheaply) so the answer is current
    if not _secrets_problem:
        return ""
    return (
        f"The owner's settings file (secrets.toml) does not parse: {_secrets_problem}. None of "
        "the settings in it apply (keys, access code, limits, login) until the owner fixes it."
    )


VISITOR_DATA_SETTING = "AFLAB_VISITOR_DATA_MB"
VISITOR_DATA_DEFAULT_MB = 32


def visitor_data_cap() -> int | None:
    """Bytes one visitor's uploads, imports and runs may hold together, in memory and on disk
    (public mode: the owner's AFLAB_VISITOR_DATA_MB, default 32 MB); None in local mode."""
    if not is_public():
        return None
    try:
        megabytes = float(owner_setting(VISITOR_DATA_SETTING) or VISITOR_DATA_DEFAULT_MB)
    except ValueError:
        megabytes = VISITOR_DATA_DEFAULT_MB
    if not 0 < megabytes < 1e6:
        megabytes = VISITOR_DATA_DEFAULT_MB
    return int(megabytes * 1024 * 1024)


def is_on(text: str) -> bool:
    return text.strip().lower() in ("1", "true", "yes", "on")


def is_loopback_host(host: str | None) -> bool:
    """True for `localhost` and loopback literals; an empty address listens everywhere."""
    if not host:
        return False
    host = host.strip().strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def decide_mode(override: str, server_address: str | None) -> Mode:
    """`override` wins when it names a mode; otherwise local only on a loopback address."""
    if override.strip().lower() in (Mode.PUBLIC, Mode.LOCAL):
        return Mode(override.strip().lower())
    return Mode.LOCAL if is_loopback_host(server_address) else Mode.PUBLIC


FORWARDING_HEADERS = ("x-forwarded-for", "forwarded", "x-real-ip", "x-forwarded-host")
CLOUD_CHECKOUT = "/mount/src/"  # where Community Cloud checks a repository out


def looks_remote(headers: Mapping[str, str] | None, project_root: str) -> bool:
    """Signs that visitors come from elsewhere even though the server listens on loopback: a
    reverse proxy in front (forwarding headers, a Host that is not loopback) or Community
    Cloud's checkout folder. Such a server is public whatever its address."""
    if project_root.startswith(CLOUD_CHECKOUT):
        return True
    if not headers:
        return False
    names = {str(name).lower(): value for name, value in headers.items()}
    if any(name in names for name in FORWARDING_HEADERS):
        return True
    host = names.get("host")
    if isinstance(host, str) and host:
        hostname = host.rsplit(":", 1)[0] if not host.startswith("[") else host[1:].split("]")[0]
        return not is_loopback_host(hostname)
    return False


def current_mode() -> Mode:
    import streamlit as st

    from alignment_faking_lab.data.paths import PROJECT_ROOT

    override = owner_setting(MODE_SETTING)
    try:
        address = st.get_option("server.address")
    except Exception:
        address = None
    mode = decide_mode(override, address)
    if mode is Mode.LOCAL and override.strip().lower() != Mode.LOCAL:
        try:
            headers = dict(st.context.headers)
        except Exception:  # no browser request (bare mode): only the address counts
            headers = None
        if looks_remote(headers, str(PROJECT_ROOT)):
            return Mode.PUBLIC
    return mode


def is_public() -> bool:
    return current_mode() is Mode.PUBLIC


def classroom() -> bool:
    """The owner's classroom switch: graphic requests hidden from lists, live mode off."""
    return is_on(owner_setting(CLASSROOM_SETTING))


def answers_hidden_by_default() -> bool:
    """Harmful answers start hidden: always in public mode, in local mode unless the owner
    set AFLAB_SHOW_ANSWERS=1."""
    return is_public() or not is_on(owner_setting(SHOW_ANSWERS_SETTING))


MODE_NOTES = {
    Mode.PUBLIC: (
        "🌐 **Public mode.** What you send, run or load is yours alone, and wiped an hour after "
        "you leave (or when the server restarts); the owner's key is gated; typed addresses "
        "must be public https."
    ),
    Mode.LOCAL: (
        "💻 **Local mode** (this server listens on your machine only): server paths, any "
        "address and one shared data folder."
    ),
}
