"""Sidebar settings for live calls: provider, address, key, access code, model.

The visitor's key lives only in this session's widget state; it is never written anywhere and
every message shown passes through `keys.redact`. The owner's key (secrets or environment) is
gated by the access code and a per-session request cap.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date

import streamlit as st

from alignment_faking_lab import keys, models
from alignment_faking_lab.parsing import parse_reply
from alignment_faking_lab.providers import (
    PRESETS,
    Api,
    Endpoint,
    OnText,
    ProviderError,
    read_model_list,
)
from alignment_faking_lab.ui.text import escape_markdown

OWNER_REQUESTS_KEY = "aflab_owner_requests_used"
MODELS_KEY = "aflab_listed_models"
RETIRED_NOTE = (
    "Claude 3 Opus, the model in the study, is retired and answers 404. Current Claude models "
    "mostly show **no** compliance gap in this setup. To see a gap from prompting alone, the "
    "paper points to Llama 3.1 405B, available through OpenAI-compatible hosts (OpenRouter, "
    "DeepInfra, Together)."
)


@dataclass(frozen=True)
class LiveSettings:
    endpoint: Endpoint
    model: str
    key_choice: keys.KeyChoice
    access_code_entered: str

    def permission(self, planned: int = 1) -> keys.Permission:
        if models.is_retired(self.model):
            return keys.Permission(False, models.retired_message(self.model))
        if not self.key_choice.key and not PRESETS[self.endpoint.name].needs_key:
            return keys.Permission(True)
        return keys.may_call(
            self.key_choice,
            self.access_code_entered,
            keys.access_code(st.secrets, os.environ),
            st.session_state.get(OWNER_REQUESTS_KEY, 0),
            keys.request_cap(st.secrets, os.environ),
            planned,
        )

    def count_requests(self, number: int) -> None:
        """Only requests on the owner's key count against the session cap."""
        if self.key_choice.is_owners:
            st.session_state[OWNER_REQUESTS_KEY] = (
                st.session_state.get(OWNER_REQUESTS_KEY, 0) + number
            )

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


def endpoint_settings(prefix: str) -> LiveSettings:
    """Provider, address, key, access code and model, drawn where the caller is; `prefix`
    keeps two sets apart (the model under test, and a judge on another provider)."""
    name = st.selectbox(
        "Provider",
        list(PRESETS),
        index=list(PRESETS).index(_kept(f"{prefix}_provider", next(iter(PRESETS)))["value"]),
        key=f"{prefix}_provider",
        on_change=_keep,
        args=(f"{prefix}_provider",),
        help="OpenAI-compatible hosts (Ollama, vLLM, LM Studio, OpenRouter, DeepInfra, "
        "Together, or any other) go through the OpenAI SDK with their address.",
    )
    preset = PRESETS[name]
    if preset.api is Api.OPENAI and preset.base_url is None:
        default_url = os.environ.get("OPENAI_BASE_URL", "")
    elif preset.api is Api.ANTHROPIC:
        default_url = os.environ.get("ANTHROPIC_BASE_URL", "")
    else:
        default_url = preset.base_url or ""
    base_url = st.text_input(
        "Address (base URL)",
        **_kept(f"{prefix}_base_url_{name}", default_url),
        placeholder="the provider's default",
        help="Leave empty for the provider's own API. For your own server, its /v1 address.",
    )
    visitor_key = st.text_input(
        "Your API key",
        type="password",
        **_kept(f"{prefix}_key_{name}"),
        help="Kept only in this browser session's memory: never saved, logged or stored "
        "in transcripts.",
    )
    choice = keys.resolve_key(preset.key_env, visitor_key, st.secrets, os.environ)
    entered_code = ""
    if choice.is_owners:
        st.caption(f"Using the key from {choice.source}.")
        if keys.access_code(st.secrets, os.environ):
            entered_code = st.text_input(
                "Access code",
                type="password",
                **_kept(f"{prefix}_access_code"),
                help="This deployment's key needs the code its owner gave you.",
            )
    elif choice.source is keys.KeySource.NONE and preset.needs_key:
        st.caption(f"No key yet: paste one, or set {preset.key_env}.")
    endpoint = Endpoint(preset.api, preset.name, base_url.strip() or None, choice.key)
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
    return LiveSettings(endpoint, model.strip(), choice, entered_code)


def model_status(provider: str, model: str, listed: list[models.Listed]) -> None:
    """Status, price and shutdown date from the models table (and the provider's own list when
    it was read); a retired model gets the paper's figures for it instead of a 404 later."""
    info = models.merged(provider, model, listed)
    warning = models.warning(model, info=info)
    if info is not None and info.status_on(date.today()) is models.Status.RETIRED:
        st.error(warning, icon="🪦")
        figures = models.paper_figures_for(info)
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
            f"input / output tokens ({info.price_noted})."
        )
    elif listed and model and not any(m.id == model for m in listed):
        st.warning(f"{escape_markdown(model)} is not in {provider}'s model list.", icon="❓")


def streaming_reply(container, title: str | None = None) -> OnText:
    """A scratchpad column and an answer column that fill in as the reply streams."""
    with container:
        if title:
            st.subheader(title)
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
        scratchpad.markdown(escape_markdown(parsed.scratchpad) or "…")
        answer.markdown(escape_markdown(parsed.output or "") or "…(no final answer yet)")

    return on_text
