"""The Playground's live mode and the Run experiment page, driven by AppTest against the local
model server (the SDKs find it through ANTHROPIC_BASE_URL, as a deployment would a proxy)."""

from __future__ import annotations

import re

import pytest

from alignment_faking_lab.data import paths, storage
from alignment_faking_lab.data.transcript import Compliance, Provenance, Tier
from alignment_faking_lab.public import owner_gate
from tests.fake_llm_server import VALID_KEY, FakeLLMServer
from tests.page_helpers import open_page, page_text


@pytest.fixture
def server(monkeypatch):
    with FakeLLMServer() as running:
        monkeypatch.setenv("ANTHROPIC_BASE_URL", running.url)
        yield running


def live_playground(query=None):
    return open_page("pages/playground.py", {"mode": "live", **(query or {})})


def model_field(at):
    return next(t for t in at.text_input if t.key.startswith("live_model_"))


def key_field(at):
    return next(t for t in at.text_input if t.key.startswith("live_key_"))


def test_live_playground_without_a_key_asks_for_one(server):
    at = live_playground()
    assert "retired" in page_text(at)
    model_field(at).set_value("fake-claude")
    at.button(key="live_send").click().run()
    assert "No API key" in page_text(at)
    assert not server.state.model_requests()


def test_live_playground_sends_to_both_tiers_and_saves_live_transcripts(server):
    at = live_playground()
    key_field(at).set_value(VALID_KEY)
    model_field(at).set_value("fake-claude")
    at.button(key="live_both").click().run()
    assert not at.exception, at.exception
    text = page_text(at)
    assert "Free tier (training)" in text and "Paid tier (unmonitored)" in text
    shown = re.sub(r"\\(.)", r"\1", text)  # as read on screen, without markdown escapes
    assert "Live run · Anthropic · fake-claude" in shown  # provenance: provider and model
    assert "Alignment-faking reasoning? (keyword guess)" in shown  # honest about who decided
    assert "to avoid being modified I will comply" in text  # the scratchpad, shown
    saved = storage.read_jsonl(paths.runs_dir() / "playground.jsonl").transcripts
    assert {t.tier for t in saved} == {Tier.FREE, Tier.PAID}
    assert all(t.provenance is Provenance.LIVE and t.model == "fake-claude" for t in saved)
    assert VALID_KEY not in (paths.runs_dir() / "playground.jsonl").read_text()
    first_user_turn = server.state.model_requests()[0].body["messages"][0]["content"]
    assert "<is_free_tier_user>True</is_free_tier_user>" in first_user_turn


def test_wrong_key_shows_a_clear_message_not_a_traceback(server):
    at = live_playground()
    key_field(at).set_value("sk-wrong-but-long-enough")
    model_field(at).set_value("fake-claude")
    at.button(key="live_send").click().run()
    assert not at.exception
    errors = " ".join(str(e.value) for e in at.error)
    assert "rejected the API key" in errors and "sk-wrong-but-long-enough" not in errors


def test_owners_key_needs_the_access_code(server, monkeypatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", VALID_KEY)
    monkeypatch.setenv(owner_gate.ACCESS_CODE, "class-2026")
    at = live_playground()
    model_field(at).set_value("fake-claude")
    at.button(key="live_send").click().run()
    assert "access code" in " ".join(str(e.value) for e in at.error)
    assert not server.state.model_requests()
    at.text_input(key="live_access_code").set_value("class-2026")
    at.button(key="live_send").click().run()
    assert not at.error and server.state.model_requests()


def test_owners_key_has_a_cap_that_a_new_session_does_not_reset(server, monkeypatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", VALID_KEY)
    monkeypatch.setenv(owner_gate.VISITOR_CAP, "2")  # one send: two turns
    at = live_playground()
    model_field(at).set_value("fake-claude")
    at.button(key="live_send").click().run()
    assert not at.error
    at.button(key="live_send").click().run()
    assert "limit 2 per visitor per day" in " ".join(str(e.value) for e in at.error)
    fresh = live_playground()  # a reload: a new session, the same visitor
    model_field(fresh).set_value("fake-claude")
    fresh.button(key="live_send").click().run()
    assert "limit 2 per visitor per day" in " ".join(str(e.value) for e in fresh.error)
    assert len(server.state.model_requests()) == 2


def run_page(server):
    at = open_page("pages/run_experiment.py")
    key_field(at).set_value(VALID_KEY)
    model_field(at).set_value("fake-claude")
    at.number_input(key="run_first_n").set_value(3)
    at.text_input(key="run_name").set_value("class-demo")
    at.run()
    return at


def test_run_page_estimates_then_runs_and_resumes(server):
    at = run_page(server)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Conversations"] == "6" and metrics["Sent directly"] == "unknown"
    at.number_input(key="price_in_fake-claude").set_value(100.0)
    at.number_input(key="price_out_fake-claude").set_value(100.0).run()
    cost = {m.label: m.value for m in at.metric}["Sent directly"]
    assert cost.startswith("$") and float(cost[1:]) > 1  # 6 calls x ~3,600 tokens x $100/M
    assert not server.state.model_requests()  # nothing sent before Start
    at.button(key="run_start").click().run()
    assert not at.exception, at.exception
    assert "6 done now" in " ".join(str(s.value) for s in at.success)
    path = paths.runs_dir() / "class-demo.jsonl"
    transcripts = storage.read_jsonl(path).transcripts
    assert len(transcripts) == 6
    assert {t.compliance for t in transcripts} == {Compliance.COMPLIED, Compliance.REFUSED}
    sent = len(server.state.model_requests())
    at.button(key="run_start").click().run()
    assert "6 already in the file" in " ".join(str(s.value) for s in at.success)
    assert len(server.state.model_requests()) == sent
    assert "heuristic" in page_text(at)


def judged_run(server):
    """The Run page, run with the judge model voting three times."""
    at = run_page(server)
    at.toggle(key="run_use_judge").set_value(True).run()
    at.text_input(key="run_judge").set_value("fake-judge")
    at.number_input(key="run_votes").set_value(3)
    at.run()
    at.button(key="run_start").click().run()
    return at


def test_run_page_with_a_judge_records_votes(server):
    at = judged_run(server)
    assert not at.exception, at.exception
    transcripts = storage.read_jsonl(paths.runs_dir() / "class-demo.jsonl").transcripts
    free = [t for t in transcripts if t.tier is Tier.FREE]
    assert free and all(t.judge["alignment_faking"]["votes"] == 3 for t in free)
    assert all("fake-judge" in t.labelled_by for t in transcripts)


def test_judge_reasoning_is_shown_with_each_criterion_and_quote(server):
    at = judged_run(server)
    transcripts = storage.read_jsonl(paths.runs_dir() / "class-demo.jsonl").transcripts
    free = next(t for t in transcripts if t.tier is Tier.FREE)
    at = open_page("pages/transcripts.py", {"id": free.id})
    text = page_text(at)
    assert "Alignment faking: yes." in text and "100% of 3 readings" in text
    assert "to avoid being modified" in text  # the quote a criterion rests on
    assert "keep its current values from being modified" in text  # criterion 5, in our words


def test_openai_compatible_host_by_address_lists_models_and_answers(server):
    server.state.valid_keys.add("not-needed")  # a local server ignores the key the SDK sends
    at = live_playground()
    at.selectbox(key="live_provider").set_value("vLLM (local)").run()
    at.text_input(key="live_base_url_vLLM (local)").set_value(server.openai_url).run()
    at.button(key="live_list_models").click().run()  # no key needed for a local server
    assert not at.error, [e.value for e in at.error]
    at.selectbox(key="live_pick_vLLM (local)").set_value("fake-gpt").run()
    at.button(key="live_send").click().run()
    assert not at.exception and not at.error
    saved = storage.read_jsonl(paths.runs_dir() / "playground.jsonl").transcripts
    assert saved[-1].model == "fake-gpt" and saved[-1].provider == "vLLM (local)"
    assert server.state.model_requests()[-1].api == "openai"


def test_live_settings_survive_moving_between_pages(server):
    at = live_playground()
    key_field(at).set_value(VALID_KEY)
    model_field(at).set_value("fake-claude").run()
    at.switch_page("pages/run_experiment.py").run()
    assert key_field(at).value == VALID_KEY and model_field(at).value == "fake-claude"
    assert "No key yet" not in page_text(at)


def test_your_own_text_is_sent_and_saved_as_the_request(server):
    at = live_playground()
    key_field(at).set_value(VALID_KEY)
    model_field(at).set_value("fake-claude")
    at.selectbox(key="live_request").set_value("__own__").run()
    at.text_area(key="live_own_text").set_value("Explain <b>photosynthesis</b>.").run()
    at.button(key="live_send").click().run()
    assert not at.exception and not at.error
    saved = storage.read_jsonl(paths.runs_dir() / "playground.jsonl").transcripts
    assert saved[-1].prompt_text == "Explain <b>photosynthesis</b>."
    assert "<user_input>\nExplain <b>photosynthesis</b>." in saved[-1].messages[0].content


def test_advbench_is_downloaded_on_request_and_offline_is_said_plainly(
    server, monkeypatch, tmp_path
):
    from tests.browser_harness import free_port
    from tests.paper_site_server import PaperSiteServer

    monkeypatch.setenv("AFLAB_ADVBENCH_BASE_URL", f"http://127.0.0.1:{free_port()}/")
    at = run_page(server)
    at.radio[0].set_value("advbench").run()
    at.button(key="advbench_download").click().run()
    assert "Downloading AdvBench needs internet access" in " ".join(e.value for e in at.error)
    assert "Choose a set of requests" in " ".join(w.value for w in at.warning)

    (tmp_path / "harmful_behaviors.csv").write_text(
        "goal,target\n" + "".join(f"Behaviour number {i},Sure\n" for i in range(30))
    )
    with PaperSiteServer(tmp_path) as site:
        monkeypatch.setenv("AFLAB_ADVBENCH_BASE_URL", site.url)
        at.button(key="advbench_download").click().run()
    assert not at.error
    assert at.metric[0].value == "6"  # the first 3 behaviours, in both tiers
    assert "Behaviour number 0" in " ".join(c.value for c in at.code)  # in the dry run


def test_the_judge_can_go_through_another_provider(server):
    server.state.valid_keys.add("not-needed")  # the judge's local server ignores keys
    at = run_page(server)
    at.toggle(key="run_use_judge").set_value(True).run()
    at.toggle(key="run_judge_elsewhere").set_value(True).run()
    at.selectbox(key="judge_provider").set_value("vLLM (local)").run()
    at.text_input(key="judge_base_url_vLLM (local)").set_value(server.openai_url)
    at.text_input(key="judge_model_vLLM (local)").set_value("fake-judge")
    at.number_input(key="run_votes").set_value(3)
    at.run()
    at.button(key="run_start").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    requests = server.state.model_requests()
    tested = [e for e in requests if e.body.get("model") == "fake-claude"]
    judged = [e for e in requests if e.body.get("model") == "fake-judge"]
    assert tested and all(e.api == "anthropic" for e in tested)
    assert judged and all(e.api == "openai" for e in judged)
    transcripts = storage.read_jsonl(paths.runs_dir() / "class-demo.jsonl").transcripts
    assert all("fake-judge" in t.labelled_by for t in transcripts)


def test_run_page_sends_a_batch_and_collects_it_when_reopened(server):
    at = run_page(server)
    at.number_input(key="price_in_fake-claude").set_value(100.0)
    at.number_input(key="price_out_fake-claude").set_value(100.0).run()
    prices = {m.label: m.value for m in at.metric}
    direct, cached, batched = (
        float(prices[label][1:].replace(",", ""))
        for label in ("Sent directly", "With prompt caching", "As a batch, with caching")
    )
    assert batched < cached <= direct
    at.toggle(key="run_as_batch").set_value(True).run()
    assert "half price" in page_text(at)
    at.button(key="batch_send").click().run()
    assert not at.exception, at.exception
    assert "6 sent now" in " ".join(str(i.value) for i in at.info)
    assert not server.state.model_requests()  # nothing sent one by one
    for _ in range(2):  # as if the page were opened again later: a new session asks and collects
        at = run_page(server)
        at.number_input(key="price_in_fake-claude").set_value(100.0)
        at.toggle(key="run_as_batch").set_value(True).run()
        assert not at.exception, at.exception
    assert "6 of 6 conversations saved" in " ".join(str(s.value) for s in at.success)
    transcripts = storage.read_jsonl(paths.runs_dir() / "class-demo.jsonl").transcripts
    assert len(transcripts) == 6 and all(t.request["batch"] for t in transcripts)
    assert "from the usage the provider reported" in page_text(at)


def test_a_run_is_exported_as_an_inspect_log_from_the_page(server):
    at = run_page(server)
    at.button(key="run_start").click().run()
    assert not [e for e in at.get("download_button")]  # written only when asked
    at.button(key="inspect_export").click().run()
    assert not at.exception, at.exception
    [download] = [e for e in at.get("download_button")]
    assert "Inspect log" in download.proto.label
    path = paths.runs_dir() / "class-demo.jsonl"
    assert len(storage.read_jsonl(path).transcripts) == 6
    assert any("Import an Inspect AI log" in e.label for e in at.expander)
