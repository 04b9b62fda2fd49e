"""The one gate every request on the deployment owner's key passes: who may, and how much.

The provider layer asks the gate before each request it sends with the owner's key (model list,
sends, judges, retries) and tells it the real usage after, so no page, batch or retry can go
around it. A request needs the key unlocked (access code, login, or opened by the owner) and
room under three limits kept on disk, so reloads, new tabs and restarts of a session do not
reset them: requests per visitor per day, requests per day across all visitors, and estimated
dollars per day across all visitors. A visitor is keyed on their connection's address (or their
login), never on session state, which a reload would clear; the visitor is told who else
shares their allowance (`allowance_note`).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
import math
import threading
from collections.abc import Callable, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from alignment_faking_lab.data import paths
from alignment_faking_lab.public import budget_file

ACCESS_CODE = "AFLAB_ACCESS_CODE"
OPEN_KEY = "AFLAB_OWNER_KEY_OPEN"  # public mode: the owner lets visitors use the key, no code
REQUIRE_LOGIN = "AFLAB_REQUIRE_LOGIN"  # st.login must be configured in secrets
VISITOR_CAP = "AFLAB_VISITOR_REQUEST_CAP"
OLD_VISITOR_CAP = "AFLAB_SESSION_REQUEST_CAP"  # the name before caps were kept per visitor
DAILY_REQUESTS = "AFLAB_DAILY_REQUEST_BUDGET"
DAILY_USD = "AFLAB_DAILY_USD_BUDGET"
BUDGET_FILE = "AFLAB_BUDGET_FILE"  # where the day's counts live (a persistent volume, say)
OWNER_MODELS = "AFLAB_OWNER_MODELS"  # the models the owner's key may run, comma-separated
TRUST_FORWARDED = "AFLAB_TRUST_FORWARDED_FOR"  # the proxy in front writes X-Forwarded-For itself
BEHIND_PROXY = "behind-proxy"  # every visitor whose address came from an untrusted header
PUBLIC_DEFAULTS = {VISITOR_CAP: 50, DAILY_REQUESTS: 1000, DAILY_USD: 5.0}
# Unknown models are priced at the dearest known list price, so the budget errs on the safe side.
FALLBACK_PRICE_PER_MILLION = (5.0, 25.0)
CHARS_PER_TOKEN = 4


class LimitReached(RuntimeError):
    """No request may go out on the owner's key now; the message says why and what to do."""


def code_matches(entered: str, required: str) -> bool:
    """Constant-time comparison of any text (bytes, so non-ASCII codes work)."""
    return hmac.compare_digest(entered.strip().encode("utf-8"), required.strip().encode("utf-8"))


def _number(text: str, default: float) -> float:
    """A limit the owner set, or `default` when the text is no finite number: `nan` or `inf`
    never lift a limit."""
    try:
        value = float(text) if text else default
    except ValueError:
        return default
    return max(0.0, value) if math.isfinite(value) else default


@dataclass(frozen=True, slots=True)
class Limits:
    """0 means no limit."""

    visitor_requests: int = 0
    daily_requests: int = 0
    daily_usd: float = 0.0

    @classmethod
    def from_settings(cls, setting: Callable[[str], str], public: bool) -> Limits:
        """Public mode has safe defaults; local mode has none unless the owner sets them."""
        defaults = PUBLIC_DEFAULTS if public else {VISITOR_CAP: 0, DAILY_REQUESTS: 0, DAILY_USD: 0}
        visitor = setting(VISITOR_CAP) or setting(OLD_VISITOR_CAP)
        return cls(
            int(_number(visitor, defaults[VISITOR_CAP])),
            int(_number(setting(DAILY_REQUESTS), defaults[DAILY_REQUESTS])),
            _number(setting(DAILY_USD), defaults[DAILY_USD]),
        )


@dataclass(frozen=True, slots=True)
class Usage:
    visitor_requests: int = 0
    requests: int = 0
    usd: float = 0.0


BUDGET_UNREADABLE = (
    "This deployment's record of today's spending cannot be read or written, so its key is "
    "closed until the owner repairs it (the server's log says where and why). Paste your own "
    "API key to send."
)
log = logging.getLogger(__name__)


class Ledger:
    """Today's spending on the owner's key, in one small JSON file shared by every session and
    process (`budget_file`: locked, checked, replaced whole). It fails closed: a file that
    cannot be read, holds anything but a day's counts, or cannot be written counts as a spent
    budget (`BUDGET_UNREADABLE`), never as a fresh day."""

    _thread_lock = threading.Lock()

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or (paths.data_dir() / "owner-budget" / "ledger.json")

    @classmethod
    def from_settings(cls, setting: Callable[[str], str]) -> Ledger:
        """The owner's AFLAB_BUDGET_FILE, else a file in the data folder (which a Community
        Cloud restart wipes: the provider's own spending limit is the hard backstop)."""
        chosen = setting(BUDGET_FILE)
        return cls(Path(chosen).expanduser() if chosen else None)

    @contextmanager
    def _day(self, write: bool = True):
        """Today's counts, read under the lock and written back whole on leaving (if `write`)."""
        try:
            with self._thread_lock, budget_file.locked(self.path):
                state = budget_file.read_day(self.path)
                yield state
                if write:
                    budget_file.write_day(self.path, state)
        except budget_file.BudgetFileError as broken:
            log.error("Owner's key closed: the budget file %s %s. Repair or remove it.",
                      self.path, broken)  # fmt: skip
            raise LimitReached(BUDGET_UNREADABLE) from None

    def usage(self, visitor: str) -> Usage:
        """Raises LimitReached when the file cannot be read."""
        with self._day(write=False) as state:
            return Usage(state["visitors"].get(visitor, 0), state["requests"], state["usd"])

    def reserve(
        self, visitor: str, requests: int, usd: float, limits: Limits, shared: str = ""
    ) -> None:
        """Count `requests` costing up to `usd` now, or raise LimitReached and count nothing."""
        with self._day() as state:
            problem = over_limits(
                Usage(state["visitors"].get(visitor, 0), state["requests"], state["usd"]),
                requests, usd, limits, shared,
            )  # fmt: skip
            if problem:
                raise LimitReached(problem)
            state["visitors"][visitor] = state["visitors"].get(visitor, 0) + requests
            state["requests"] += requests
            state["usd"] += usd

    def settle(self, usd_change: float) -> None:
        """Replace a reservation's estimate by what the reply really cost."""
        if not usd_change or not math.isfinite(usd_change):
            return
        with self._day() as state:
            state["usd"] = max(0.0, state["usd"] + usd_change)


def over_limits(used: Usage, requests: int, usd: float, limits: Limits, shared: str = "") -> str:
    """Why `requests` more (costing `usd`) would break a limit, or "" if they fit. `shared` says
    who else counts against this visitor's allowance."""
    if limits.visitor_requests and used.visitor_requests + requests > limits.visitor_requests:
        left = max(limits.visitor_requests - used.visitor_requests, 0)
        return (
            f"You may send {left} more requests today with this deployment's key (limit "
            f"{limits.visitor_requests} per visitor per day), and this needs {requests}. Paste "
            "your own API key for more." + (f" {shared}" if shared else "")
        )
    if limits.daily_requests and used.requests + requests > limits.daily_requests:
        return (
            f"This deployment's key has reached its daily limit of {limits.daily_requests} "
            "requests across all visitors. Paste your own API key, or come back tomorrow (UTC)."
        )
    if limits.daily_usd and used.usd + usd > limits.daily_usd:
        return (
            f"This deployment's key has reached its daily budget of about "
            f"${limits.daily_usd:,.2f} (estimated) across all visitors. Paste your own API key, "
            "or come back tomorrow (UTC)."
        )
    return ""


def price_of(model: str, prices: Mapping[str, tuple[float, float]]) -> tuple[float, float]:
    return prices.get(model, FALLBACK_PRICE_PER_MILLION)


def request_cost(model: str, input_chars: int, output_tokens: int, prices) -> float:
    """Estimated dollars: about four characters a token in, `output_tokens` out."""
    price_in, price_out = price_of(model, prices)
    return (input_chars / CHARS_PER_TOKEN * price_in + output_tokens * price_out) / 1e6


def visitor_id(address: str | None, login: str | None = None) -> str:
    """A stable, non-reversible name for a visitor: their login, else their address. Visitors
    whose address is unknown share one allowance (the safe side)."""
    raw = f"login:{login}" if login else f"ip:{address or 'unknown'}"
    return hashlib.blake2b(raw.encode("utf-8"), digest_size=8).hexdigest()


def normal_address(text: str | None) -> str | None:
    """One spelling for one visitor's address, as the server reads it from a forwarding
    header: a port and IPv6 brackets dropped (`8.8.8.8:1`, `[2606:4700::1111]:4`), IPv6 written
    short, an IPv4 address in IPv6 form (`::ffff:8.8.8.8`) as IPv4, and an IPv6 address as its
    /64 network, which one household or phone holds whole. Text that is no address stays as
    it is."""
    if text is None:
        return None
    host = text.strip()
    if host.startswith("["):
        host = host[1:].split("]", 1)[0]
    elif host.count(":") == 1:
        host = host.rsplit(":", 1)[0]
    try:
        parsed = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return host
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def counted_address(
    address: str | None, forwarded_for: list[str], trust_forwarded: bool = False
) -> str | None:
    """The address a visitor's allowance is counted on, in its one spelling (`normal_address`).
    Streamlit's server takes the address from X-Forwarded-For when the connection comes from
    this machine (a proxy here), dropping ports and brackets. A proxy that passes on what the
    visitor sent would let anyone name a fresh address in each tab, so an address that came
    from that header counts as one shared `BEHIND_PROXY` visitor, unless the owner vouches for
    their proxy (AFLAB_TRUST_FORWARDED_FOR)."""
    counted = normal_address(address)
    listed = {normal_address(entry) for value in forwarded_for for entry in value.split(",")}
    if counted is not None and counted in listed and not trust_forwarded:
        return BEHIND_PROXY
    return counted


def allowance_note(address: str | None, login: str | None, login_offered: bool = False) -> str:
    """Who else counts against this visitor's allowance, in words for them ("" when it is
    theirs alone, by login). Addresses are the connection's, never a header the visitor could
    forge, so one address may stand for a whole class behind a school's network."""
    if login:
        return ""
    own = "Log in, or paste your own API key," if login_offered else "Paste your own API key"
    if address == BEHIND_PROXY:
        return (
            "You reach this server through a proxy, so everyone who comes through it shares "
            f"this allowance. {own} to have your own."
        )
    if address is None:
        return (
            "This server cannot see your address, so every visitor it cannot see shares this "
            f"allowance. {own} to have your own."
        )
    try:
        public = ipaddress.ip_network(address, strict=False).is_global
    except ValueError:
        public = False
    if not public:
        return (
            "This server sees you at a private address (a proxy or a network's gateway), so "
            f"everyone who comes through it shares this allowance. {own} to have your own."
        )
    return (
        "Everyone who connects from your address (a class on one school network, say) shares "
        f"this allowance. {own} to have your own."
    )


def allowed_models(
    setting: Callable[[str], str], public: bool, prices: Mapping[str, tuple[float, float]]
) -> frozenset[str] | None:
    """The models the owner's key may run (None: any). The owner lists them in
    AFLAB_OWNER_MODELS ("*" for any); unset, a public server allows only the models whose price
    the app knows, so no typed model id can spend the key at a guessed price."""
    listed = setting(OWNER_MODELS).strip()
    if listed == "*" or (not listed and not public):
        return None
    if listed:
        return frozenset(m.strip() for m in listed.split(",") if m.strip())
    return frozenset(prices)


@dataclass(frozen=True, eq=False)
class OwnerGate:
    """Attached to an `Endpoint` that carries the owner's key; `locked` explains a refusal."""

    visitor: str
    limits: Limits
    ledger: Ledger
    prices: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    locked: str = ""
    shared: str = ""  # who else counts against this visitor's allowance (`allowance_note`)
    models: frozenset[str] | None = None  # what the key may run (`allowed_models`); None: any

    def check(self, planned_requests: int, planned_usd: float = 0.0) -> str:
        """Why a plan cannot start (without counting anything), or ""."""
        if self.locked:
            return self.locked
        try:
            used = self.ledger.usage(self.visitor)
        except LimitReached as closed:
            return str(closed)
        return over_limits(used, planned_requests, planned_usd, self.limits, self.shared)

    def check_model(self, model: str) -> None:
        """Raises LimitReached unless the owner's key may run `model` (direct or batch)."""
        if model and self.models is not None and model not in self.models:
            raise LimitReached(
                f"This deployment's key may run only the models its owner chose ("
                f"{', '.join(sorted(self.models)) or 'none'}), not {model[:80]!r}. Pick one of "
                "them, or paste your own API key for any other."
            )

    def reserve(self, model: str, input_chars: int, max_tokens: int) -> float:
        """Before one request: counts it (at its dearest, `max_tokens` out) or raises."""
        if self.locked:
            raise LimitReached(self.locked)
        self.check_model(model)
        usd = request_cost(model, input_chars, max_tokens, self.prices) if model else 0.0
        self.ledger.reserve(self.visitor, 1, usd, self.limits, self.shared)
        return usd

    def settle(self, model: str, reserved_usd: float, input_chars: int,
               usage: Mapping[str, int]) -> None:  # fmt: skip
        """After a reply: the real token counts replace the estimate, when the reply gave them."""
        if not usage or not model:
            return
        price_in, price_out = price_of(model, self.prices)
        real = (usage.get("input_tokens", input_chars // CHARS_PER_TOKEN) * price_in
                + usage.get("output_tokens", 0) * price_out) / 1e6  # fmt: skip
        reported = usage.get("cost_usd")  # what the provider charged, when it says (OpenRouter)
        if isinstance(reported, int | float) and math.isfinite(reported) and reported >= 0:
            real = float(reported)
        with suppress(LimitReached):  # the reply is kept; the closed ledger stops the next one
            self.ledger.settle(real - reserved_usd)

    def remaining(self) -> Usage:
        return self.ledger.usage(self.visitor)


def lock_reason(
    *,
    public: bool,
    required_code: str,
    entered_code: str,
    opened: bool,
    login_required: bool,
    logged_in: bool,
    login_ready: bool = True,
) -> str:
    """Why the owner's key is locked for this visitor, or "" when it is open to them. In public
    mode the key is closed by default: the owner sets an access code, requires a login, or opens
    it explicitly. A required login that is not set up (`login_ready` false) keeps it closed."""
    if login_required and not logged_in:
        if not login_ready:
            return (
                "This deployment's key needs a login, but logging in is not set up here (its "
                "owner has to add an [auth] section to the secrets). Paste your own API key."
            )
        return (
            "Press “Log in to use this deployment's key” under the API key field, or paste your "
            "own API key."
        )
    if required_code:
        if not code_matches(entered_code, required_code):
            return (
                "This deployment's key needs the access code from its owner. Enter it in the "
                "sidebar, or paste your own API key instead."
            )
        return ""
    if public and not opened and not login_required:
        return (
            "This deployment's owner has not opened their key to visitors (no access code is "
            "set). Paste your own API key to send."
        )
    return ""
