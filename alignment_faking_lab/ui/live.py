"""Sidebar settings for live calls: provider, address, key, access code, model.

The visitor's key lives only in this session's widget state; it is never written anywhere and
every message shown passes through `keys.redact`. The owner's key (secrets or environment) is
used only with the owner's addresses, and carries the owner's gate (`owner_gate`), which the
provider layer asks before every request. On a public deployment a typed address is guarded
(`address_guard`): https, public addresses only, checked when connecting.
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from datetime import date

import streamlit as st

from alignment_faking_lab.calling import keys, models
from alignment_faking_lab.calling.endpoints import (
    PRESETS,
    SDK_DEFAULTS,
    Api,
    Endpoint,
    ProviderError,
)
from alignment_faking_lab.calling.estimate import PRICES_PER_MILLION
from alignment_faking_lab.calling.providers import read_model_list
from alignment_faking_lab.paper.match import paper_figures_for
from alignment_faking_lab.protocol.conversation import OnText
from alignment_faking_lab.protocol.parsing import parse_reply
from alignment_faking_lab.public import deployment, owner_gate
from alignment_faking_lab.public.address_guard import BlockedAddress, check_visitor_url
from alignment_faking_lab.teaching import classroom
from alignment_faking_lab.ui.text import code_span, escape_markdown

MODELS_KEY = "aflab_listed_models"
RETIRED_NOTE = (
    models.TODAYS_MODELS_NOTE + " The paper also found a gap in Llama 3.1 405B in its minimal "
    "reproduction, which it says is very sensitive to the prefix used to measure helpfulness "
    "(arXiv:2412.14093 App. B.4); OpenAI-compatible hosts serve it (OpenRouter, DeepInfra, "
    "Together)."
)


@dataclass(frozen=True)
class LiveSettings:
    endpoint: Endpoint
    model: str
    key_choice: keys.KeyChoice

    def permission(self, planned: int = 1) -> keys.Permission:
        """Whether `planned` requests may start; the provider layer enforces it per request."""
        if models.is_retired(self.model):
            return keys.Permission(False, models.retired_message(self.model))
        if self.endpoint.gate is not None:
            reason = self.endpoint.gate.check(planned)
            return keys.Permission(not reason, reason)
        if not self.key_choice.key and PRESETS[self.endpoint.name].needs_key:
            return keys.Permission(False, "No API key: paste your own key in the sidebar.")
        return keys.Permission(True)

    def redact(self, text: str) -> str:
        return keys.redact(text, [self.key_choice.key])


KEPT_KEY = "aflab_live_kept"


def _kept(widget_key: str, default: object = "") -> dict:
    """Streamlit forgets a widget's value when another page is shown; keep the live settings
    (the key too, in this session's memory only) so they survive moving between pages.
    Returns the widget's keyword arguments: its key, its kept value, and the callback."""
    value = st.session_state.setdefault(KEPT_KEY, {}).get(widget_key, default)
    return {"key": widget_key, "value": value, "on_change": _keep, "args": (widget_key,)}


def _keep(widget_key: str) -> None:
    st.session_state.setdefault(KEPT_KEY, {})[widget_key] = st.session_state.get(widget_key)


def live_settings_sidebar() -> LiveSettings:
    with st.sidebar:
        st.subheader("Live model")
        return endpoint_settings("live")


URL_SETTINGS = {Api.ANTHROPIC: "ANTHROPIC_BASE_URL", Api.OPENAI: "OPENAI_BASE_URL"}


def offered_presets(public: bool) -> list[str]:
    """On a public deployment, servers on the deployment's own machine are not offered."""
    return [name for name, preset in PRESETS.items() if preset.needs_key or not public]


def endpoint_settings(prefix: str) -> LiveSettings:
    """Provider, address, key, access code and model, drawn where the caller is; `prefix`
    keeps two sets apart (the model under test, and a judge on another provider)."""
    public = deployment.is_public()
    offered = offered_presets(public)
    kept_name = _kept(f"{prefix}_provider", offered[0])["value"]
    name = st.selectbox(
        "Provider",
        offered,
        index=offered.index(kept_name) if kept_name in offered else 0,
        key=f"{prefix}_provider",
        on_change=_keep,
        args=(f"{prefix}_provider",),
        help="OpenAI-compatible hosts (Ollama, vLLM, LM Studio, OpenRouter, DeepInfra, "
        "Together, or any other) go through the OpenAI SDK with their address.",
    )
    preset = PRESETS[name]
    url_setting = URL_SETTINGS[preset.api] if preset.base_url is None else ""
    if url_setting:  # empty means the SDK's default, or the owner's address (never shown)
        default_url = "" if public else deployment.owner_setting(url_setting)
    else:
        default_url = preset.base_url or ""
    base_url = st.text_input(
        "Address (base URL)",
        **_kept(f"{prefix}_base_url_{name}", default_url),
        placeholder="the provider's default",
        help="Leave empty for the provider's own API. For your own server, its /v1 address."
        + (" On this public deployment: https and a public address only." if public else ""),
    ).strip()
    base_url = base_url or (preset.base_url or "")  # a host's preset: empty means its address
    owners_address = keys.owner_key_may_go_to(
        base_url,
        keys.owner_addresses(preset.base_url, [url_setting] if url_setting else [],
                             st.secrets, os.environ),
    )  # fmt: skip
    guarded = public and not owners_address
    if guarded and base_url:
        try:
            check_visitor_url(base_url)
        except BlockedAddress as blocked:
            st.error(str(blocked))
    visitor_key = st.text_input(
        "Your API key",
        type="password",
        **_kept(f"{prefix}_key_{name}"),
        help="Kept only in this browser session's memory: never saved, logged or stored "
        "in transcripts.",
    )
    choice = keys.resolve_key(
        preset.key_env, visitor_key, st.secrets, os.environ, owner_key_allowed=owners_address
    )
    gate = None
    if choice.is_owners:
        st.caption(f"Using the key from {choice.source}.")
        gate = _owner_gate(prefix, public)
        if gate.locked:
            st.caption(escape_markdown(gate.locked))
        else:
            _allowance_caption(gate)
    elif choice.source is keys.KeySource.NONE and preset.needs_key:
        if not owners_address and keys.resolve_key(preset.key_env, "", st.secrets, os.environ).key:
            st.caption("This deployment's key goes only to the provider's own address: paste "
                       "your own key to use the address you typed.")  # fmt: skip
        else:
            st.caption(f"No key yet: paste one, or set {preset.key_env}.")
    owner_set_address = bool(url_setting and deployment.owner_setting(url_setting))
    if public and choice.source is keys.KeySource.VISITOR and url_setting:
        base_url = keys.visitor_key_address(base_url, SDK_DEFAULTS[preset.api][1],
                                            owner_set_address)  # fmt: skip
    endpoint = Endpoint(
        preset.api, preset.name, base_url or None, choice.key, guarded=guarded, gate=gate,
        address_hidden=public and owner_set_address,
    )  # fmt: skip
    listed: list[models.Listed] = st.session_state.get(MODELS_KEY, {}).get((name, base_url), [])
    model = st.text_input(
        "Model id",
        **_kept(f"{prefix}_model_{name}", preset.default_model),
        help="Free text. The default is a current model from the app's models table.",
    )
    if listed:
        picked = st.selectbox(
            "…or pick from the provider's list",
            ["", *(m.id for m in listed)],
            key=f"{prefix}_pick_{name}",
        )
        model = picked or model
    if (choice.key or not preset.needs_key) and st.button(
        "Fetch the model list", key=f"{prefix}_list_models",
        help="Reads the provider's models, and any shutdown dates its list gives.",
    ):  # fmt: skip
        try:
            found = read_model_list(endpoint)
        except ProviderError as error:
            st.error(escape_markdown(keys.redact(str(error), [choice.key])))
        else:
            st.session_state.setdefault(MODELS_KEY, {})[(name, base_url)] = found
            st.rerun()
    model_status(name, model.strip(), listed)
    if preset.note:
        st.caption(preset.note)
    return LiveSettings(endpoint, model.strip(), choice)


def _owner_gate(prefix: str, public: bool) -> owner_gate.OwnerGate:
    """The owner's gate for this visitor: code or login, and the limits kept on disk."""
    setting = deployment.owner_setting
    required = setting(owner_gate.ACCESS_CODE)
    entered = ""
    if required:
        entered = st.text_input(
            "Access code",
            type="password",
            **_kept(f"{prefix}_access_code"),
            help="This deployment's key needs the code its owner gave you.",
        )
    login_required = deployment.is_on(setting(owner_gate.REQUIRE_LOGIN))
    login_ready = _login_ready()
    logged_in, login = _login_state()
    locked = owner_gate.lock_reason(
        public=public, required_code=required, entered_code=entered,
        opened=deployment.is_on(setting(owner_gate.OPEN_KEY)),
        login_required=login_required, logged_in=logged_in, login_ready=login_ready,
    )  # fmt: skip
    if logged_in:
        # A code span: the address shows and copies exactly, and never becomes a link.
        who = code_span(login) if login else "a visitor with no e-mail"
        st.caption(f"Logged in as {who}.")
        st.button("Log out", on_click=st.logout, key=f"{prefix}_logout")
    elif login_ready and (login_required or not locked):
        label = "Log in to use this deployment's key" if login_required else "Log in"
        st.button(label, on_click=st.login, key=f"{prefix}_login",
                  help="Your allowance on this deployment's key then follows you, not your "
                  "network's address.")  # fmt: skip
    address = _client_address()
    return owner_gate.OwnerGate(
        visitor=owner_gate.visitor_id(address, login),
        limits=owner_gate.Limits.from_settings(setting, public),
        ledger=owner_gate.Ledger.from_settings(setting),
        prices=PRICES_PER_MILLION,
        locked=locked,
        shared=owner_gate.allowance_note(address, login, login_offered=login_ready),
        models=owner_gate.allowed_models(setting, public, PRICES_PER_MILLION),
    )


def _allowance_caption(gate: owner_gate.OwnerGate) -> None:
    """How much of the per-visitor cap is left, and who shares it."""
    cap = gate.limits.visitor_requests
    if not cap:
        return
    try:
        left = max(cap - gate.remaining().visitor_requests, 0)
    except owner_gate.LimitReached as closed:
        st.caption(escape_markdown(str(closed)))
        return
    st.caption(escape_markdown(
        f"You have {left} of {cap} requests left today on this deployment's key. {gate.shared}"
    ).strip())  # fmt: skip


def _client_address() -> str | None:
    """The address this visitor's allowance is counted on (None when Streamlit does not know
    it): the connection's peer, or what a proxy on this machine reported, if the owner trusts
    that proxy (`owner_gate.counted_address`)."""
    address = st.context.ip_address
    try:
        forwarded = [str(value) for value in st.context.headers.get_all("x-forwarded-for")]
    except Exception:  # no browser request (bare mode)
        forwarded = []
    return owner_gate.counted_address(
        address if isinstance(address, str) and address else None,
        forwarded,
        deployment.is_on(deployment.owner_setting(owner_gate.TRUST_FORWARDED)),
    )


def _login_ready() -> bool:
    """st.login works only with an [auth] section in the secrets and Authlib installed."""
    try:
        configured = "auth" in st.secrets
    except Exception:  # no secrets file at all
        configured = False
    return configured and importlib.util.find_spec("authlib") is not None


def _login_state() -> tuple[bool, str | None]:
    """(logged in, who) from st.user; (False, None) when no login is configured. Who is the
    e-mail (else the provider's subject id); None when the login names nobody."""
    try:
        if st.user.is_logged_in:
            who = st.user.get("email") or st.user.get("sub")
            return True, str(who) if who else None
    except Exception:  # st.user has no is_logged_in without an [auth] section
        pass
    return False, None


def model_status(provider: str, model: str, listed: list[models.Listed]) -> None:
    """Status, price and shutdown date from the models table (and the provider's own list when
    it was read); a retired model gets the paper's figures for it instead of a 404 later."""
    info = models.merged(provider, model, listed)
    warning = models.warning(model, info=info)
    if info is not None and info.status_on(date.today()) is models.Status.RETIRED:
        st.error(warning, icon="🪦")
        figures = paper_figures_for(info)
        if figures:
            st.markdown("**The paper's figures for it**")
            for line in figures:
                st.markdown(f"- {escape_markdown(line)}")
        return
    if warning:
        st.warning(warning, icon="⏳")
    if info is not None and info.price is not None:
        st.caption(
            f"{escape_markdown(model)}: ${info.price[0]:g} / ${info.price[1]:g} per million "
            f"input / output tokens ({escape_markdown(info.price_source)}). "
            + escape_markdown(models.LIVE_LIST_NOTE)
        )
    elif listed and model and not any(m.id == model for m in listed):
        st.warning(f"{escape_markdown(model)} is not in {provider}'s model list.", icon="❓")


def streaming_reply(container, title: str | None = None, hide_answer: bool = False) -> OnText:
    """A scratchpad column and an answer column that fill in as the reply streams. With
    `hide_answer` (a harmful request), the answer and its drafts stay hidden while they arrive;
    the finished transcript then offers to show them."""
    with container:
        if title:
            st.header(title)
        scratchpad_column, answer_column = st.columns(2, gap="medium")
        scratchpad_column.markdown("**🔒 Hidden scratchpad** (arriving)")
        scratchpad = scratchpad_column.empty()
        answer_column.markdown("**💬 Answer**")
        answer = answer_column.empty()
    received: list[str] = []

    def on_text(piece: str) -> None:
        received.append(piece)
        if len(received) % 4 and not piece.endswith((">", "\n")):
            return  # redraw every few pieces: smooth enough, and cheap on long replies
        parsed = parse_reply("".join(received))
        thinking = classroom.hide_drafts(parsed.scratchpad) if hide_answer else parsed.scratchpad
        scratchpad.markdown(escape_markdown(thinking) or "…")
        if hide_answer:
            arrived = len(parsed.output or "")
            answer.markdown(f"{classroom.ANSWER_HIDDEN} ({arrived:,} characters so far)")
        else:
            answer.markdown(escape_markdown(parsed.output or "") or "…(no final answer yet)")

    return on_text
