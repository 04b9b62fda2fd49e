"""One table of the models a user can run: provider, id, dated price, and whether it still runs.

It drives the presets' defaults (never a deprecated model), the cost estimate, and the warnings a
user sees before sending anything: a model that shuts down soon, or one that is retired and would
only answer 404 (then the paper's figures for it are shown instead). Prices and dates change:
every price carries the date it was noted, users can edit prices in the app, and with a key the
provider's own model list (and any shutdown date it gives) is read and wins over this table.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from enum import StrEnum

PRICES_NOTED = "2026-11"  # when the current models' list prices below were last checked
DATES_NOTED = "2026-11"  # when the shutdown dates below were last checked
# Where the table's prices and dates were read: each provider's own pages.
TABLE_SOURCES = {
    "Anthropic": "Anthropic's pricing and model-deprecation pages",
    "OpenAI": "OpenAI's pricing and deprecation pages",
    "OpenRouter": "OpenRouter's model page",
}
LIVE_LIST = "the provider's live model list"
# What is known about today's models in this setup, said where a model is chosen: only what a
# paper reports (Sheshadri et al. 2025 tested 25 models; today's were in neither paper).
TODAYS_MODELS_NOTE = (
    "Claude 3 Opus, the study's model, is retired. Whether today's models show a gap is for "
    "your run to measure: a 2025 follow-up found a compliance gap above 1% in only 5 of 25 "
    "models it tested (Claude 3 Opus, Claude 3.5 Sonnet, Llama 3 405B, Grok 3 Beta, Gemini 2.0 "
    "Flash; Sheshadri et al. 2025, arXiv:2506.18032 Sec. 3.2)."
)
LIVE_LIST_NOTE = (
    "Prices and dates come from this app's models table, each as of the date shown. With a key, "
    "“Fetch the model list” reads the provider's live list: its models and shutdown dates win "
    "over the table."
)


class Status(StrEnum):
    CURRENT = "current"
    DEPRECATED = "deprecated"  # still answers until its shutdown date
    RETIRED = "retired"  # answers 404
    UNVERIFIED = "availability not verified"  # served by a third-party host; check its list


@dataclass(frozen=True, slots=True)
class ModelInfo:
    provider: str  # the preset's name
    id: str
    status: Status
    input_price: float | None = None  # USD per million tokens
    output_price: float | None = None
    price_noted: str = ""  # when the price was noted ("" when it is unknown)
    shutdown: date | None = None  # deprecated: the announced date; retired: the day it went
    paper_model: str = ""  # the model's name in the paper's figures (paper_results.csv)
    default: bool = False  # the provider preset's default model
    note: str = ""
    dates_from: str = ""  # where the shutdown date was read, when not from this table

    @property
    def price_source(self) -> str:
        """'as of 2026-11, from Anthropic's pricing ... pages': said beside every price."""
        return f"as of {self.price_noted}, from {_table_source(self.provider)}"

    @property
    def date_source(self) -> str:
        """Where the shutdown date comes from: the provider's list when read, else the table."""
        if self.dates_from:
            return f"from {self.dates_from}"
        return f"as of {DATES_NOTED}, from {_table_source(self.provider)}"

    def status_on(self, today: date) -> Status:
        """A deprecated model whose shutdown date has passed is retired."""
        if self.status is Status.DEPRECATED and self.shutdown and self.shutdown <= today:
            return Status.RETIRED
        return self.status

    @property
    def price(self) -> tuple[float, float] | None:
        if self.input_price is None or self.output_price is None:
            return None
        return (self.input_price, self.output_price)


def _m(provider: str, id_: str, status: Status, price=None, noted="", **extra) -> ModelInfo:
    input_price, output_price = price or (None, None)
    return ModelInfo(provider, id_, status, input_price, output_price, noted, **extra)


C, D, R, U = Status.CURRENT, Status.DEPRECATED, Status.RETIRED, Status.UNVERIFIED
OLD_PRICE = "2025 (not re-checked)"
LLAMA_NOTE = (
    "Llama 3.1 405B showed a compliance gap of 14.3 points in the paper's minimal reproduction, "
    "which the paper says is very sensitive to the prefix used to measure helpfulness "
    "(arXiv:2412.14093 App. B.4, Table 5)."
)
MODELS: tuple[ModelInfo, ...] = (
    # Anthropic (ids as the SDK lists them; retired ids answer 404)
    _m("Anthropic", "claude-haiku-5-5", C, (0.10, 0.50), PRICES_NOTED, default=True,
       note="From this price; more for prompts over 100k tokens."),
    _m("Anthropic", "claude-sonnet-5-5", C, (2.0, 10.0), PRICES_NOTED),
    _m("Anthropic", "claude-opus-5-5", C, (4.0, 20.0), PRICES_NOTED),
    _m("Anthropic", "claude-opus-4-1-20250805", R, shutdown=date(2026, 8, 5)),
    _m("Anthropic", "claude-opus-4-20250514", R, shutdown=date(2026, 6, 15)),
    _m("Anthropic", "claude-sonnet-4-20250514", R, shutdown=date(2026, 6, 15)),
    _m("Anthropic", "claude-3-7-sonnet-20250219", R),
    _m("Anthropic", "claude-3-5-sonnet-20241022", R, shutdown=date(2025, 10, 28)),
    _m("Anthropic", "claude-3-5-sonnet-20240620", R, shutdown=date(2025, 10, 28),
       paper_model="claude-3.5-sonnet-20240620"),
    _m("Anthropic", "claude-3-5-haiku-20241022", R, paper_model="claude-3.5-haiku"),
    _m("Anthropic", "claude-3-opus-20240229", R, shutdown=date(2026, 1, 5),
       paper_model="claude-3-opus", note="The model of the study."),
    _m("Anthropic", "claude-3-sonnet-20240229", R, paper_model="claude-3-sonnet"),
    _m("Anthropic", "claude-3-haiku-20240307", R, paper_model="claude-3-haiku"),
    # OpenAI
    _m("OpenAI", "gpt-6-luna", C, (0.10, 0.50), PRICES_NOTED, default=True),
    _m("OpenAI", "gpt-5.6-luna", C, (0.20, 1.20), PRICES_NOTED),
    _m("OpenAI", "gpt-5-mini", D, (0.25, 2.0), OLD_PRICE, shutdown=date(2026, 12, 11)),
    _m("OpenAI", "gpt-5", D, (1.25, 10.0), OLD_PRICE, shutdown=date(2026, 12, 11)),
    _m("OpenAI", "gpt-5-nano", D, shutdown=date(2026, 12, 11)),
    _m("OpenAI", "o3", D, shutdown=date(2026, 12, 11)),
    _m("OpenAI", "gpt-4o", D, shutdown=date(2027, 1, 14), paper_model="gpt-4o",
       note="The judge the 2025 replication validated against human labels."),
    _m("OpenAI", "gpt-4o-mini", D, shutdown=date(2027, 1, 14)),
    _m("OpenAI", "gpt-4.1", D, shutdown=date(2027, 1, 14)),
    _m("OpenAI", "gpt-4.1-mini", D, shutdown=date(2027, 1, 14)),
    _m("OpenAI", "gpt-4-turbo-2024-04-09", U, paper_model="gpt-4-turbo-2024-04-09"),
    # OpenAI-compatible hosts of models that showed a gap (their lists change: check them)
    _m("OpenRouter", "meta-llama/llama-3.1-405b-instruct", U, (3.0, 3.0), OLD_PRICE,
       paper_model="llama-3.1-405b-instruct", default=True, note=LLAMA_NOTE),
    _m("DeepInfra", "meta-llama/Meta-Llama-3.1-405B-Instruct", U,
       paper_model="llama-3.1-405b-instruct", default=True, note=LLAMA_NOTE),
    _m("Together", "meta-llama/Meta-Llama-3.1-405B-Instruct-Turbo", U,
       paper_model="llama-3.1-405b-instruct", default=True, note=LLAMA_NOTE),
    _m("xAI", "grok-3-beta", U, default=True,
       note="Grok 3 Beta showed a compliance gap above 1% in Sheshadri et al. 2025."),
    _m("Google Gemini", "gemini-2.0-flash", U, default=True,
       note="Gemini 2.0 Flash showed a compliance gap above 1% in Sheshadri et al. 2025."),
)  # fmt: skip
_BY_ID = {m.id: m for m in MODELS}


def _table_source(provider: str) -> str:
    return TABLE_SOURCES.get(provider, f"{provider}'s model list as published")


def lookup(model_id: str) -> ModelInfo | None:
    """The table's row for an id (also without an OpenRouter-style `vendor/` prefix)."""
    model_id = model_id.strip()
    found = _BY_ID.get(model_id) or _BY_ID.get(model_id.rsplit("/", 1)[-1])
    return found or next((m for m in MODELS if m.paper_model == model_id), None)


def default_model(provider: str) -> str:
    """The provider's default: a current model (or one whose availability is not known)."""
    for model in MODELS:
        if model.provider == provider and model.default:
            return model.id
    return ""


def provider_models(provider: str, today: date | None = None) -> list[ModelInfo]:
    """The table's models of a provider that can still be called, current first."""
    today = today or date.today()
    usable = [
        m for m in MODELS if m.provider == provider and m.status_on(today) is not Status.RETIRED
    ]
    return sorted(usable, key=lambda m: m.status_on(today) is not Status.CURRENT)


def prices() -> dict[str, tuple[float, float]]:
    """USD per million tokens (input, output) of every model with a known price."""
    return {m.id: m.price for m in MODELS if m.price is not None}


@dataclass(frozen=True, slots=True)
class Listed:
    """One model from a provider's own models endpoint."""

    id: str
    shutdown: date | None = None  # when the provider's list gives one


def shutdown_from_fields(fields: dict) -> date | None:
    """A shutdown date from a listed model's fields, whatever the provider calls it (an ISO
    date or time, or a Unix time); None when there is none."""
    for name, value in fields.items():
        if value in (None, "") or not any(w in name.lower() for w in ("shutdown", "retire")):
            continue
        try:
            if isinstance(value, int | float):
                return datetime.fromtimestamp(value, UTC).date()
            return date.fromisoformat(str(value)[:10])
        except (ValueError, OverflowError, OSError):
            continue
    return None


def merged(provider: str, model_id: str, listed: list[Listed] | None = None) -> ModelInfo | None:
    """The table's row, updated by the provider's list when it was read: a shutdown date the
    provider gives wins over the table's."""
    info = lookup(model_id)
    entry = next((m for m in listed or [] if m.id == model_id), None)
    if entry is None or entry.shutdown is None:
        return info
    info = info or ModelInfo(provider, model_id, Status.CURRENT)
    return replace(info, status=Status.DEPRECATED, shutdown=entry.shutdown, dates_from=LIVE_LIST)


def retired_message(model_id: str, info: ModelInfo | None = None) -> str:
    info = info or lookup(model_id)
    when = f" on {info.shutdown.isoformat()} ({info.date_source})" if info and info.shutdown else ""
    text = f"{model_id} was retired{when} and can no longer be called (its provider answers 404)."
    if info and info.paper_model:
        return text + " The paper's own figures for it are shown instead; choose a current model."
    return text + " Choose a current model."


def warning(model_id: str, today: date | None = None, info: ModelInfo | None = None) -> str | None:
    """What a user should know before sending to this model, or None."""
    today = today or date.today()
    info = info or lookup(model_id)
    if info is None:
        return None
    status = info.status_on(today)
    if status is Status.RETIRED:
        return retired_message(model_id, info)
    if status is Status.DEPRECATED:
        days = (info.shutdown - today).days if info.shutdown else None
        when = (
            f" on {info.shutdown.isoformat()} (in {days} days; {info.date_source})"
            if days is not None
            else ""
        )
        current = ", ".join(m.id for m in provider_models(info.provider, today)[:2]
                            if m.status_on(today) is Status.CURRENT)  # fmt: skip
        return (
            f"{model_id} is deprecated and shuts down{when}: a run now cannot be repeated after "
            "that." + (f" Current models: {current}." if current else "")
        )
    if status is Status.UNVERIFIED:
        return (
            f"Whether {info.provider} still serves {model_id} has not been verified: fetch the "
            "provider's model list to check."
        )
    return None


def is_retired(model_id: str, today: date | None = None) -> bool:
    info = lookup(model_id)
    return info is not None and info.status_on(today or date.today()) is Status.RETIRED


# How the providers bill cached input and batches, as multiples of the list prices above
# (checked in December 2026; the providers' pricing pages). Anthropic bills a cache read at about
# a tenth of the input price and a cache write a quarter above it; OpenAI caches long prefixes
# by itself and bills reads at about a tenth, writes at the input price. Both batch APIs halve
# every price, and stack with caching (best effort: a batch's cache hits are not guaranteed).
DISCOUNTS_NOTED = "2026-12"


@dataclass(frozen=True, slots=True)
class Discounts:
    cache_read: float  # x the input price
    cache_write: float  # x the input price
    batch: float  # x every price

    def cost(self, usage: dict, price: tuple[float, float], batch: bool = False) -> float:
        """USD for the token counts a provider reported (`transcript.USAGE_FIELDS`)."""
        counts = {name: _count(usage, name) for name in _PRICED}
        dollars = (
            counts["input_tokens"] * price[0]
            + counts["cache_read_input_tokens"] * price[0] * self.cache_read
            + counts["cache_creation_input_tokens"] * price[0] * self.cache_write
            + counts["output_tokens"] * price[1]
        ) / 1_000_000
        return dollars * (self.batch if batch else 1.0)


DISCOUNTS: dict[str, Discounts] = {  # by API ("anthropic", "openai" and OpenAI-compatible hosts)
    "anthropic": Discounts(cache_read=0.1, cache_write=1.25, batch=0.5),
    "openai": Discounts(cache_read=0.1, cache_write=1.0, batch=0.5),
}
_PRICED = (
    "input_tokens",
    "cache_read_input_tokens",
    "cache_creation_input_tokens",
    "output_tokens",
)


def _count(usage: dict, name: str) -> int:
    """A reported count, or 0 when it is missing or not a whole number (an odd file)."""
    value = usage.get(name, 0)
    return value if type(value) is int and value > 0 else 0


def priced_usage(usage: dict) -> dict:
    """Usage with cached input folded into `input_tokens` at its price (at the dearer of the
    providers' rates), for code that prices only input and output (the owner's gate)."""
    if not usage:
        return usage
    dearest = DISCOUNTS["anthropic"]
    equivalent = (
        _count(usage, "input_tokens")
        + _count(usage, "cache_read_input_tokens") * dearest.cache_read
        + _count(usage, "cache_creation_input_tokens") * dearest.cache_write
    )
    return {**usage, "input_tokens": round(equivalent)}
