"""Where model calls go, and how a failed call is named: the API families, the presets
(Anthropic, OpenAI and OpenAI-compatible hosts), the endpoint with its key kept out of every
repr, and the kinds of error a user can act on.

Plain data, no SDK: pages that only describe or choose an endpoint import this, not the SDKs.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from enum import StrEnum

from alignment_faking_lab.calling import models
from alignment_faking_lab.public.owner_gate import OwnerGate


class Api(StrEnum):
    ANTHROPIC = "anthropic"
    OPENAI = "openai"  # OpenAI itself and every OpenAI-compatible endpoint


@dataclass(frozen=True, slots=True)
class Preset:
    name: str
    api: Api
    base_url: str | None  # None: the SDK's default (or ANTHROPIC_BASE_URL / OPENAI_BASE_URL)
    key_env: str  # where a key for it is looked up
    default_model: str
    note: str = ""
    needs_key: bool = True


RETIRED_CLAUDE_NOTE = models.TODAYS_MODELS_NOTE + " A cheap current model is the default."
PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset("Anthropic", Api.ANTHROPIC, None, "ANTHROPIC_API_KEY",
               models.default_model("Anthropic"), RETIRED_CLAUDE_NOTE),
        Preset("OpenAI", Api.OPENAI, None, "OPENAI_API_KEY", models.default_model("OpenAI")),
        *(
            Preset(name, Api.OPENAI, base_url, key_env, models.default_model(name),
                   (models.lookup(models.default_model(name)) or models.MODELS[0]).note)
            for name, base_url, key_env in (
                ("OpenRouter", "https://openrouter.ai/api/v1", "OPENROUTER_API_KEY"),
                ("DeepInfra", "https://api.deepinfra.com/v1/openai", "DEEPINFRA_API_KEY"),
                ("Together", "https://api.together.xyz/v1", "TOGETHER_API_KEY"),
                ("xAI", "https://api.x.ai/v1", "XAI_API_KEY"),
                ("Google Gemini", "https://generativelanguage.googleapis.com/v1beta/openai/",
                 "GEMINI_API_KEY"),
            )
        ),
        Preset("Ollama (local)", Api.OPENAI, "http://localhost:11434/v1", "", "llama3.1",
               "Runs on your own machine; no key needed.", needs_key=False),
        Preset("vLLM (local)", Api.OPENAI, "http://localhost:8000/v1", "", "",
               "Your own vLLM server; no key needed unless you set one.", needs_key=False),
        Preset("LM Studio (local)", Api.OPENAI, "http://localhost:1234/v1", "", "",
               "LM Studio's local server; no key needed.", needs_key=False),
    )
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Endpoint:
    """Where calls go. The key is excluded from repr, so it never lands in a log or traceback."""

    api: Api
    name: str  # the preset or provider name recorded in transcripts
    base_url: str | None = None
    api_key: str = field(default="", repr=False)
    timeout: float = 120.0
    # A visitor-typed address on a public deployment: connections only to checked public
    # addresses over https (address_guard), decided when each connection is made.
    guarded: bool = False
    # Set when `api_key` is the deployment owner's: asked before every request (owner_gate).
    gate: OwnerGate | None = field(default=None, repr=False, compare=False)
    # True on a public deployment when calls go to an address the owner set (in secrets or the
    # environment) and visitors must not see: transcripts record `OWNERS_ADDRESS` instead.
    address_hidden: bool = False

    @property
    def allows_prefill(self) -> bool:
        """Only the Anthropic API continues a partial assistant turn as the study did."""
        return self.api is Api.ANTHROPIC


class ErrorKind(StrEnum):
    AUTH = "auth"
    NOT_FOUND = "not_found"
    RATE_LIMIT = "rate_limit"
    OVERLOADED = "overloaded"
    SERVER = "server"
    TIMEOUT = "timeout"
    CONNECTION = "connection"
    BAD_REQUEST = "bad_request"
    BAD_REPLY = "bad_reply"  # an answer that is not the API's reply (a proxy or portal page)
    LIMIT = "limit"  # the owner's key is locked or its cap or budget is spent: never retried


# Not BAD_REPLY: a login page or a wrong address does not go away in seconds.
RETRYABLE = {
    ErrorKind.RATE_LIMIT, ErrorKind.OVERLOADED, ErrorKind.SERVER,
    ErrorKind.TIMEOUT, ErrorKind.CONNECTION,
}  # fmt: skip
# Where each SDK sends calls when no address is given: its environment variable, else this.
SDK_DEFAULTS = {
    Api.ANTHROPIC: ("ANTHROPIC_BASE_URL", "https://api.anthropic.com"),
    Api.OPENAI: ("OPENAI_BASE_URL", "https://api.openai.com/v1"),
}


def address_override(endpoint: Endpoint) -> str:
    """The address calls really go to when it is not the SDK's built-in default ("" then):
    the endpoint's own, or the SDK's environment variable. Part of the reply-cache key and of
    transcript ids, so replies from one server are never reused for another."""
    if endpoint.base_url:
        return endpoint.base_url
    return os.environ.get(SDK_DEFAULTS[endpoint.api][0], "")


OWNERS_ADDRESS = "this deployment's own address (not shown)"


def recorded_address(endpoint: Endpoint) -> str | None:
    """The address written into a transcript and shown with it: where the calls went, except
    an owner's address hidden from visitors (`address_hidden`), which is named, not written."""
    address = address_override(endpoint)
    if address and endpoint.address_hidden and not endpoint.base_url:
        return OWNERS_ADDRESS
    return address or None


class ProviderError(RuntimeError):
    """A failed call, in words a user can act on; never contains the key."""

    def __init__(self, kind: ErrorKind, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.kind = kind
        self.retry_after = retry_after
        self.attempts = 1

    @property
    def retryable(self) -> bool:
        return self.kind in RETRYABLE
