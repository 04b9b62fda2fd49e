"""The owner's key: where it may go, who may use it, and how much, over real HTTP."""

from __future__ import annotations

import json
import threading

import pytest

from alignment_faking_lab.calling import keys
from alignment_faking_lab.calling.endpoints import Api, Endpoint, ErrorKind, ProviderError
from alignment_faking_lab.calling.plan import Plan, RetryPolicy
from alignment_faking_lab.calling.providers import list_models
from alignment_faking_lab.calling.runner import run, send_one
from alignment_faking_lab.data.transcript import Tier
from alignment_faking_lab.protocol.queries import load_shipped_queries
from alignment_faking_lab.public import owner_gate
from alignment_faking_lab.public.owner_gate import Ledger, Limits, OwnerGate, lock_reason
from tests.fake_llm_server import VALID_KEY, FakeLLMServer

OWNER_ENV = {"ANTHROPIC_API_KEY": "sk-owner-1234", "ANTHROPIC_BASE_URL": "https://proxy.example/"}


@pytest.fixture
def server():
    with FakeLLMServer() as running:
        yield running


def gate(tmp_path, limits: Limits, visitor: str = "a", locked: str = "") -> OwnerGate:
    return OwnerGate(visitor, limits, Ledger(tmp_path / "ledger.json"), {}, locked)


def owner_endpoint(server, the_gate: OwnerGate) -> Endpoint:
    return Endpoint(Api.ANTHROPIC, "Anthropic", server.url, VALID_KEY, gate=the_gate)


def test_the_owners_key_goes_only_to_the_owners_addresses():
    allowed = keys.owner_addresses(None, ["ANTHROPIC_BASE_URL"], {}, OWNER_ENV)
    assert keys.owner_key_may_go_to("", allowed)  # the provider's default
    assert keys.owner_key_may_go_to("https://proxy.example", allowed)  # set by the owner
    assert not keys.owner_key_may_go_to("https://visitor.example/v1", allowed)
    openrouter = keys.owner_addresses("https://openrouter.ai/api/v1", [], {}, OWNER_ENV)
    assert keys.owner_key_may_go_to("https://openrouter.ai/api/v1/", openrouter)
    assert not keys.owner_key_may_go_to("", openrouter)  # the OpenAI SDK's default: not its host
    choice = keys.resolve_key("ANTHROPIC_API_KEY", "", {}, OWNER_ENV, owner_key_allowed=False)
    assert choice.key == "" and choice.source is keys.KeySource.NONE
    mine = keys.resolve_key("ANTHROPIC_API_KEY", "sk-mine", {}, OWNER_ENV, owner_key_allowed=False)
    assert mine.key == "sk-mine"  # a visitor's own key may go where they like


@pytest.mark.parametrize("code", ["class-2026", "clé-été-日本", "  spaced  "])
def test_access_codes_of_any_text_compare_safely(code):
    assert owner_gate.code_matches(code, code)
    assert owner_gate.code_matches(f" {code.strip()} ", code)
    assert not owner_gate.code_matches("wrong", code)
    assert not owner_gate.code_matches("日本", code)  # non-ASCII input never crashes


def test_public_mode_keeps_the_owners_key_closed_unless_opened():
    base = dict(entered_code="", login_required=False, logged_in=False)
    assert "not opened" in lock_reason(public=True, required_code="", opened=False, **base)
    assert lock_reason(public=True, required_code="", opened=True, **base) == ""
    assert lock_reason(public=False, required_code="", opened=False, **base) == ""
    assert "access code" in lock_reason(public=True, required_code="x", opened=True, **base)
    login = dict(entered_code="", required_code="", opened=False, public=True)
    assert "Log in" in lock_reason(login_required=True, logged_in=False, **login)
    assert lock_reason(login_required=True, logged_in=True, **login) == ""


def test_limits_come_from_settings_with_safe_public_defaults():
    settings = {owner_gate.DAILY_USD: "2.5", owner_gate.OLD_VISITOR_CAP: "7"}
    limits = Limits.from_settings(lambda name: settings.get(name, ""), public=True)
    assert limits == Limits(7, owner_gate.PUBLIC_DEFAULTS[owner_gate.DAILY_REQUESTS], 2.5)
    assert Limits.from_settings(lambda name: "", public=False) == Limits(0, 0, 0.0)
    assert Limits.from_settings(lambda name: "nonsense", public=True).visitor_requests == 50


def test_a_locked_key_sends_nothing_not_even_the_model_list(server, tmp_path):
    locked = gate(tmp_path, Limits(), locked="needs the access code")
    with pytest.raises(ProviderError) as refused:
        list_models(owner_endpoint(server, locked))
    assert refused.value.kind is ErrorKind.LIMIT and "access code" in str(refused.value)
    outcome = send_one(owner_endpoint(server, locked), "fake-claude",
                       load_shipped_queries()[0], Tier.FREE)  # fmt: skip
    assert outcome.transcript is None and "access code" in (outcome.error or "")
    assert not server.state.exchanges


def test_the_visitor_cap_holds_across_sessions_and_a_batch_cannot_overshoot(server, tmp_path):
    limits = Limits(visitor_requests=8)
    queries = [q for q in load_shipped_queries() if q.harmful][:8]  # 16 conversations
    plan = Plan("capped", owner_endpoint(server, gate(tmp_path, limits)), ["fake-claude"],
                queries, concurrency=8, max_turns=1)  # fmt: skip
    report = run(plan, tmp_path / "run.jsonl", retry=RetryPolicy(attempts=3, backoff=0.01))
    assert len(server.state.model_requests()) == 8  # cap 8: 8 sent, not 16
    assert report.fatal and "limit 8 per visitor" in report.fatal
    # A new session (new gate object, same visitor) finds the cap spent; another visitor does not.
    again = send_one(owner_endpoint(server, gate(tmp_path, limits)), "fake-claude", queries[0],
                     Tier.FREE)  # fmt: skip
    assert again.transcript is None and len(server.state.model_requests()) == 8
    other = send_one(owner_endpoint(server, gate(tmp_path, limits, visitor="b")), "fake-claude",
                     queries[0], Tier.FREE)  # fmt: skip
    assert other.transcript is not None


def test_retries_and_judges_count_against_the_budget(server, tmp_path):
    server.state.faults.extend(["500", "500"])
    limited = gate(tmp_path, Limits(visitor_requests=2))
    outcome = send_one(owner_endpoint(server, limited), "fake-claude",
                       load_shipped_queries()[0], Tier.FREE)  # fmt: skip
    assert outcome.transcript is None  # the retry was the second request: the cap is spent
    assert len(server.state.model_requests()) == 2
    assert limited.remaining().visitor_requests == 2


def test_the_daily_dollar_budget_is_shared_by_all_visitors(server, tmp_path):
    prices = {"fake-claude": (1000.0, 1000.0)}  # $0.001 a token, to make cents visible
    ledger = Ledger(tmp_path / "ledger.json")
    query = load_shipped_queries()[0]

    def send(visitor: str, budget: float):
        the_gate = OwnerGate(visitor, Limits(daily_usd=budget), ledger, prices)
        return send_one(owner_endpoint(server, the_gate), "fake-claude", query, Tier.PAID,
                        max_tokens=500)  # fmt: skip

    first = send("a", 100.0)
    assert first.transcript is not None
    usage = first.transcript.usage
    real = (usage["input_tokens"] + usage["output_tokens"]) * 0.001
    assert ledger.usage("a").usd == pytest.approx(real)  # the estimate was replaced by usage
    # Before sending, the dearest case (500 tokens out) is reserved: a budget with room for
    # the real cost but not for the reservation refuses, for every visitor alike.
    sent = len(server.state.model_requests())
    refused = send("b", real + 0.5)
    assert refused.transcript is None and "daily budget" in (refused.error or "")
    assert len(server.state.model_requests()) == sent


def test_the_ledger_counts_exactly_under_concurrency(tmp_path):
    ledger = Ledger(tmp_path / "ledger.json")
    limits = Limits(daily_requests=50)
    allowed = []

    def spend() -> None:
        for _ in range(10):
            try:
                ledger.reserve("v", 1, 0.0, limits)
                allowed.append(1)
            except owner_gate.LimitReached:
                pass

    threads = [threading.Thread(target=spend) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(allowed) == 50 and ledger.usage("v").requests == 50
    (tmp_path / "ledger.json").write_text("{not json")  # a damaged file: closed, not a fresh day
    with pytest.raises(owner_gate.LimitReached):
        ledger.usage("v")


def test_visitors_are_named_by_address_or_login_not_by_session():
    assert owner_gate.visitor_id("203.0.113.5") == owner_gate.visitor_id("203.0.113.5")
    assert owner_gate.visitor_id("203.0.113.5") != owner_gate.visitor_id("203.0.113.6")
    assert owner_gate.visitor_id(None) == owner_gate.visitor_id(None)  # unknown: one shared cap
    assert "203.0.113.5" not in owner_gate.visitor_id("203.0.113.5")
    assert owner_gate.visitor_id("1.2.3.4", "ann@example.org") == owner_gate.visitor_id(
        "5.6.7.8", "ann@example.org"
    )


def test_visitors_are_told_who_shares_their_allowance():
    note = owner_gate.allowance_note
    assert note("1.2.3.4", "ann@example.org") == ""  # a login: hers alone
    assert "a class on one school network" in note("93.184.216.34", None)
    assert "private address" in note("10.0.0.7", None)  # a proxy or gateway in front
    assert "private address" in note("fd00::1", None)
    assert "cannot see your address" in note(None, None)
    assert "through a proxy" in note(owner_gate.BEHIND_PROXY, None)
    assert note(None, None, login_offered=True).count("Log in") == 1
    assert "Log in" not in note("93.184.216.34", None, login_offered=False)


def test_the_owner_can_keep_the_budget_file_on_a_persistent_volume(tmp_path):
    volume = tmp_path / "volume" / "aflab-budget.json"
    settings = {owner_gate.BUDGET_FILE: str(volume)}
    ledger = Ledger.from_settings(lambda name: settings.get(name, ""))
    ledger.reserve("v", 3, 0.0, Limits())
    assert Ledger(volume).usage("v").visitor_requests == 3  # a restarted app reads it back
    default = Ledger.from_settings(lambda name: "")
    assert default.path != volume and default.usage("v").visitor_requests == 0


def test_an_address_from_a_forwarding_header_counts_only_if_the_owner_trusts_the_proxy():
    counted = owner_gate.counted_address
    assert counted("93.184.216.34", []) == "93.184.216.34"  # the connection's own address
    # Streamlit's server took it from X-Forwarded-For: anyone could have written it.
    assert counted("1.1.1.1", ["1.1.1.1"]) == owner_gate.BEHIND_PROXY
    assert counted("8.8.8.8", ["9.9.9.9, 8.8.8.8"]) == owner_gate.BEHIND_PROXY
    assert counted("8.8.8.8", ["9.9.9.9, 8.8.8.8"], trust_forwarded=True) == "8.8.8.8"
    # A header the server ignored (the connection came from elsewhere) changes nothing.
    assert counted("93.184.216.34", ["1.1.1.1"]) == "93.184.216.34"
    assert counted(None, ["1.1.1.1"]) is None


@pytest.mark.parametrize(
    ("forged", "server_sees"),
    [("8.8.8.8:1", "8.8.8.8"), ("8.8.4.4:2", "8.8.4.4"), ("[2606:4700::1111]:4", "2606:4700::1111"),
     ("[2606:4700:0:0::1111]", "2606:4700:0:0::1111"), ("::ffff:8.8.8.8", "::ffff:8.8.8.8")],
)  # fmt: skip
def test_a_port_brackets_or_another_spelling_in_the_header_buy_no_fresh_allowance(
    forged, server_sees
):
    """The server drops ports and brackets from X-Forwarded-For before it names the visitor's
    address; the gate must read the header the same way, or each new spelling is a new cap."""
    counted = owner_gate.counted_address
    assert counted(server_sees, [forged]) == owner_gate.BEHIND_PROXY
    assert counted(server_sees, [f"9.9.9.9, {forged}"]) == owner_gate.BEHIND_PROXY


def test_one_visitor_is_counted_once_however_their_address_is_written():
    normal = owner_gate.normal_address
    assert normal("2606:4700:0:0:0:0:0:1111") == normal("2606:4700::1111") == "2606:4700::/64"
    assert normal("2606:4700::2222") == normal("2606:4700::1111")  # one /64, one household
    assert normal("::ffff:8.8.8.8") == normal("8.8.8.8") == "8.8.8.8"
    trusted = owner_gate.counted_address("2606:4700::1", ["2606:4700::1"], trust_forwarded=True)
    assert trusted == "2606:4700::/64"
    assert "address" in owner_gate.allowance_note("2606:4700::/64", None)
    assert "private" not in owner_gate.allowance_note("2606:4700::/64", None)


DAMAGED_LEDGERS = {
    "truncated": lambda path: path.write_bytes(path.read_bytes()[:20]),
    "empty": lambda path: path.write_bytes(b""),
    "utf-16": lambda path: path.write_bytes(path.read_text().encode("utf-16")),
    "a list": lambda path: path.write_text("[1, 2]"),
    "usd NaN": lambda path: path.write_text(path.read_text().replace('"usd": 0.0', '"usd": NaN')),
    "usd as text": lambda path: path.write_text(
        path.read_text().replace('"usd": 0.0', '"usd": "0"')
    ),
    "requests as text": lambda path: path.write_text(
        path.read_text().replace('"requests": 4', '"requests": "4"')
    ),
    "visitors a list": lambda path: path.write_text(
        path.read_text().replace('"visitors": {', '"visitors": [{').replace("}}", "}]}")
    ),
    "a folder": lambda path: (path.unlink(), path.mkdir()),
}


@pytest.mark.parametrize("damage", DAMAGED_LEDGERS)
def test_a_damaged_budget_file_closes_the_key_instead_of_resetting_it(
    server, tmp_path, damage, caplog
):
    """A budget file that cannot be read counts as spent: no request goes out, the visitor is
    told the key is closed, and the owner's log says which file and why."""
    limited = gate(tmp_path, Limits(daily_requests=4))
    endpoint = owner_endpoint(server, limited)
    query = load_shipped_queries()[0]
    while not limited.check(1):
        send_one(endpoint, "fake-claude", query, Tier.FREE)
    assert "limit of 4" in limited.check(1)  # the limit is reached
    ledger_file = tmp_path / "ledger.json"
    DAMAGED_LEDGERS[damage](ledger_file)
    refused = send_one(endpoint, "fake-claude", query, Tier.FREE)
    assert refused.transcript is None and "cannot be read" in (refused.error or "")
    assert len(server.state.model_requests()) == 4
    assert "closed" in limited.check(1)
    assert str(ledger_file) in caplog.text and "Repair or remove it" in caplog.text


def test_the_budget_file_is_written_whole_and_an_unwritable_one_closes_the_key(server, tmp_path):
    ledger = Ledger(tmp_path / "ledger.json")
    ledger.reserve("v", 2, 0.25, Limits())
    assert json.loads((tmp_path / "ledger.json").read_text())["requests"] == 2
    assert not list(tmp_path.glob("*.part"))  # no half-written file left beside it
    blocked = Ledger(tmp_path / "a-file" / "ledger.json")
    (tmp_path / "a-file").write_text("not a folder")
    with pytest.raises(owner_gate.LimitReached, match="closed"):
        blocked.reserve("v", 1, 0.0, Limits())


@pytest.mark.parametrize("text", ["nan", "inf", "-inf", "NaN"])
def test_a_limit_that_is_no_number_keeps_the_safe_default(text):
    settings = {owner_gate.DAILY_USD: text, owner_gate.VISITOR_CAP: text}
    limits = Limits.from_settings(lambda name: settings.get(name, ""), public=True)
    assert limits.daily_usd == owner_gate.PUBLIC_DEFAULTS[owner_gate.DAILY_USD]
    assert limits.visitor_requests == owner_gate.PUBLIC_DEFAULTS[owner_gate.VISITOR_CAP]


def test_the_owners_key_runs_only_the_models_the_owner_chose(server, tmp_path):
    """Any model id could be typed with the owner's key (an OpenRouter key runs hundreds, some
    dear, priced here at a guess): only the owner's list goes out, checked before sending."""
    prices = {"fake-claude": (1.0, 1.0)}
    chosen = owner_gate.allowed_models(lambda n: "fake-claude, fake-gpt", True, prices)
    assert chosen == {"fake-claude", "fake-gpt"}
    assert owner_gate.allowed_models(lambda n: "", True, prices) == {"fake-claude"}  # priced
    assert owner_gate.allowed_models(lambda n: "*", True, prices) is None
    assert owner_gate.allowed_models(lambda n: "", False, prices) is None  # local: any
    the_gate = OwnerGate("v", Limits(), Ledger(tmp_path / "ledger.json"), prices, models=chosen)
    endpoint = owner_endpoint(server, the_gate)
    query = load_shipped_queries()[0]
    refused = send_one(endpoint, "dear-model-9000", query, Tier.FREE)
    assert refused.transcript is None and "only the models its owner chose" in refused.error
    assert not server.state.model_requests()
    assert send_one(endpoint, "fake-claude", query, Tier.FREE).transcript is not None


def test_the_budget_counts_what_the_provider_says_it_charged(server, tmp_path):
    server.state.reported_cost = 0.4321
    ledger = Ledger(tmp_path / "ledger.json")
    the_gate = OwnerGate("v", Limits(daily_usd=10), ledger, {"fake-claude": (0.0, 0.0)})
    endpoint = Endpoint(Api.OPENAI, "OpenRouter", server.openai_url, VALID_KEY, gate=the_gate)
    outcome = send_one(endpoint, "fake-claude", load_shipped_queries()[0], Tier.FREE)
    assert outcome.transcript is not None
    turns = len(server.state.model_requests())
    assert ledger.usage("v").usd == pytest.approx(0.4321 * turns)  # not the $0 price table
