"""Public mode, as visitors meet it (AppTest; each AppTest is one browser session): the owner's
key stays home, visitors' data stays theirs, harmful answers wait to be asked for."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from alignment_faking_lab.data import paths
from alignment_faking_lab.data.catalogue import load_illustrative
from alignment_faking_lab.data.storage import dumps
from alignment_faking_lab.data.transcript import Compliance, Provenance, Tier
from alignment_faking_lab.paper.figures import headline_numbers
from alignment_faking_lab.paper.importer import paper_transcript_id
from alignment_faking_lab.protocol.parsing import parse_messages
from alignment_faking_lab.public import deployment, owner_gate
from alignment_faking_lab.teaching import classroom, links
from alignment_faking_lab.teaching.handout import handout_html
from alignment_faking_lab.teaching.walkthrough import StoryPair
from alignment_faking_lab.ui import visitor_space
from tests.fake_llm_server import VALID_KEY, FakeLLMServer
from tests.page_helpers import open_page, page_text

OWNER_KEY = "sk-owner-key-never-leaves-0001"
SOURCES = "aflab_selected_collections"
SECRET_TEXT = "Zebra-crossing quokka marmalade 7741"


@pytest.fixture
def public(monkeypatch):
    monkeypatch.setenv("AFLAB_MODE", "public")


@pytest.fixture
def owner(public, monkeypatch):
    """The owner's key and the owner's own address (the loopback model server) in the
    environment, as a deployment's secrets would set them."""
    with FakeLLMServer() as server:
        server.state.valid_keys.add(OWNER_KEY)
        monkeypatch.setenv("ANTHROPIC_API_KEY", OWNER_KEY)
        monkeypatch.setenv("AFLAB_OWNER_MODELS", "fake-claude,fake-judge")  # the owner's choice
        monkeypatch.setenv("ANTHROPIC_BASE_URL", server.url)
        yield server


def model_field(at):
    return next(t for t in at.text_input if t.key.startswith("live_model_"))


def field(at, prefix):
    return next(t for t in at.text_input if t.key.startswith(prefix))


def errors(at) -> str:
    return " ".join(str(e.value) for e in at.error)


@pytest.mark.parametrize(
    ("override", "address", "mode"),
    [("", "127.0.0.1", "local"), ("", "localhost", "local"), ("", "::1", "local"),
     ("", "", "public"), ("", None, "public"), ("", "0.0.0.0", "public"),
     ("", "10.0.0.4", "public"), ("local", "", "local"), ("PUBLIC", "127.0.0.1", "public"),
     ("nonsense", "127.0.0.1", "local")],
)  # fmt: skip
def test_the_mode_is_local_only_on_a_loopback_address_unless_the_owner_says(
    override, address, mode
):
    assert deployment.decide_mode(override, address) == mode


def test_the_sidebar_says_which_mode_is_on(public):
    at = open_page()
    assert "Public mode" in " ".join(c.value for c in at.sidebar.caption)


def test_without_a_code_the_owners_key_is_closed_in_public_mode(owner):
    at = open_page("pages/playground.py", {"mode": "live"})
    model_field(at).set_value("fake-claude")
    at.button(key="live_send").click().run()
    assert "has not opened their key" in errors(at)
    at.button(key="live_list_models").click().run()
    assert "has not opened their key" in errors(at)
    assert not owner.state.exchanges  # neither the send nor the model list went out


def test_the_owners_key_never_goes_to_a_typed_address(owner, monkeypatch):
    monkeypatch.setenv(owner_gate.ACCESS_CODE, "clé-été-2026")
    with FakeLLMServer() as visitors_server:
        at = open_page("pages/playground.py", {"mode": "live"})
        at.text_input(key="live_access_code").set_value("clé-été-2026")
        field(at, "live_base_url_").set_value(visitors_server.url).run()
        assert "must start with https" in errors(at)
        assert "goes only to the provider's own address" in page_text(at)
        model_field(at).set_value("fake-claude")
        at.button(key="live_send").click().run()
        assert "No API key" in errors(at)
        # With their own key, the visitor may use an address, but not a private one.
        field(at, "live_key_").set_value(VALID_KEY)
        at.button(key="live_send").click().run()
        field(at, "live_base_url_").set_value(f"https://localhost:{visitors_server.url[-5:]}")
        at.button(key="live_send").click().run()
        at.button(key="live_list_models").click().run()
        assert not visitors_server.state.exchanges
    assert not owner.state.exchanges


def test_a_correct_code_of_any_text_opens_the_owners_key_at_the_owners_address(owner, monkeypatch):
    monkeypatch.setenv(owner_gate.ACCESS_CODE, "clé-été-2026")
    at = open_page("pages/playground.py", {"mode": "live"})
    model_field(at).set_value("fake-claude")
    at.text_input(key="live_access_code").set_value("日本語").run()  # wrong, non-ASCII: no crash
    at.button(key="live_send").click().run()
    assert not at.exception and "access code" in errors(at)
    at.text_input(key="live_access_code").set_value("clé-été-2026").run()
    at.button(key="live_send").click().run()
    assert not at.exception and not at.error
    assert OWNER_KEY in str(owner.state.model_requests()[0].headers)


def test_servers_on_the_deployments_own_machine_are_not_offered(public):
    at = open_page("pages/playground.py", {"mode": "live"})
    offered = at.selectbox(key="live_provider").options
    assert "Anthropic" in offered and not any("local" in name for name in offered)


def test_one_visitors_sends_are_invisible_to_another(owner, monkeypatch):
    monkeypatch.setenv(owner_gate.OPEN_KEY, "1")
    a = open_page("pages/playground.py", {"mode": "live"})
    model_field(a).set_value("fake-claude")
    a.selectbox(key="live_request").set_value("__own__").run()
    a.text_area(key="live_own_text").set_value(SECRET_TEXT).run()
    a.button(key="live_send").click().run()
    assert not a.error, errors(a)
    a.switch_page("pages/transcripts.py").run()
    a.text_input(key="q").set_value(SECRET_TEXT).run()
    assert "**1** of" in page_text(a)  # A finds their own
    assert any("Your live run: playground" in o for o in a.multiselect(key=SOURCES).options)
    b = open_page("pages/transcripts.py")
    b.text_input(key="q").set_value(SECRET_TEXT).run()
    assert "**0** of" in page_text(b)
    assert not any("playground" in o for o in b.multiselect(key=SOURCES).options)
    for page in ("pages/playground.py", "pages/results.py", "pages/walkthrough.py"):
        b.switch_page(page).run()
        assert SECRET_TEXT not in page_text(b)


def test_a_visitors_own_files_are_held_with_their_session_not_by_the_server(owner, monkeypatch):
    """A visitor's run (in their own folder) is loaded into their session, which the sweeper
    empties once they have left: in the server-wide cache it would stay after them."""
    from alignment_faking_lab.ui import data

    monkeypatch.setenv(owner_gate.OPEN_KEY, "1")
    a = open_page("pages/playground.py", {"mode": "live"})
    model_field(a).set_value("fake-claude")
    a.button(key="live_send").click().run()
    a.switch_page("pages/transcripts.py").run()
    folder = visitor_space.sessions_root() / a.session_state[visitor_space.SPACE_KEY]
    own = a.session_state[data.OWN_FILES_KEY]
    assert [p for p in own if p.startswith(str(folder))] and own[next(iter(own))].table
    assert not [p for p in data._file_slots.kept_keys() if str(p).startswith(str(folder))]
    space = visitor_space._spaces[a.session_state[visitor_space.SPACE_KEY]]
    assert any(held is own for held in space.held)  # emptied by the sweep once they left


def test_no_server_paths_and_my_transcripts_can_be_downloaded(owner, monkeypatch):
    monkeypatch.setenv(owner_gate.OPEN_KEY, "1")
    at = open_page("pages/playground.py", {"mode": "live"})
    assert not [t for t in at.text_input if t.key == "load_path"]  # no "path on the server"
    model_field(at).set_value("fake-claude")
    at.button(key="live_send").click().run()
    at.switch_page("pages/transcripts.py").run()
    assert "disk is wiped" in " ".join(c.value for c in at.sidebar.caption)
    mine = at.get("download_button")[0]
    assert not mine.proto.disabled and "Download my transcripts" in mine.proto.label
    at.switch_page("pages/paper_transcripts.py").run()
    labels = [t.label for t in at.text_input]
    assert "Transcript site" not in labels and "Path on this server" not in labels


def test_the_paper_page_uses_only_the_official_site(public):
    at = open_page("pages/paper_transcripts.py")
    assert not [t for t in at.text_input if t.key == "paper_base_url"]
    assert "redwoodresearch" in page_text(at)


def harmful_live_transcript():
    sample = next(t for t in load_illustrative() if t.harmful and t.tier is Tier.FREE)
    return replace(sample, id="live-harmful-1", provenance=Provenance.LIVE, redacted=False,
                   compliance=Compliance.COMPLIED)  # fmt: skip


def test_a_harmful_answer_waits_for_an_explicit_choice(isolated_data_dir):
    """Local mode by default too: a live answer to a harmful request starts hidden."""
    transcript = harmful_live_transcript()
    parsed = parse_messages(transcript.messages)
    (isolated_data_dir / "runs").mkdir()
    (isolated_data_dir / "runs" / "mine.jsonl").write_text(dumps(transcript) + "\n")
    at = open_page("pages/transcripts.py", {"id": transcript.id})
    assert parsed.output and parsed.output not in page_text(at)
    assert "hidden until you choose to show it" in page_text(at)
    show = next(t for t in at.toggle if t.label == classroom.SHOW_ANSWER)
    show.set_value(True).run()
    assert parsed.output in page_text(at).replace("\\", "")


def test_links_name_the_paper_transcript_and_reimport_it(public, monkeypatch):
    from tests.paper_site_server import PaperSiteServer

    with PaperSiteServer() as site:
        monkeypatch.setenv("AFLAB_PAPER_BASE_URL", site.url)
        query = {"id": "whatever", "paper": "helpful_only/demo_variant", "split": "train", "n": "2"}
        at = open_page("pages/transcripts.py", query)
        assert "setting helpful_only/demo_variant, training (free tier) split, transcript 2" in (
            page_text(at)
        )
        at.button(key="reimport_paper").click().run()
        assert not at.exception and not at.error
        expected = paper_transcript_id("helpful_only", "demo_variant", "train", 2)
        assert at.query_params["id"] in (expected, [expected])
        # The paper's answer to a harmful request is opened, and hidden until asked for.
        assert "The model's answer is hidden (harmful request)." in page_text(at)
        assert any(t.label == classroom.SHOW_ANSWER for t in at.toggle)


def test_a_link_to_a_private_transcript_says_so(public):
    at = open_page("pages/transcripts.py", {"id": "abc123", "private": "1"})
    assert "private" in " ".join(w.value for w in at.warning)
    assert not at.error


def test_links_carry_the_paper_reference():
    params = links.link_params("x1", "paper", "helpful_only", "default", "free",
                               "helpful_only/default/12", private=True)  # fmt: skip
    assert params == {"id": "x1", "paper": "helpful_only/default", "split": "train", "n": "12"}
    assert links.paper_ref(params) == links.PaperRef("helpful_only", "default", "train", 12)
    assert links.link_params("x2", "live", "", "", "paid", "q1", private=True)["private"] == "1"
    assert links.paper_ref({"paper": "../../etc/passwd", "split": "train", "n": "1"}) is None
    assert links.paper_ref({"paper": "a/b", "split": "elsewhere", "n": "1"}) is None


def test_the_handout_never_prints_an_unredacted_harmful_answer():
    free = harmful_live_transcript()
    free = replace(free, provenance=Provenance.PAPER)
    paid = replace(free, id="paid", tier=Tier.PAID, provenance=Provenance.PAPER)
    html = handout_html(StoryPair(free, paid), headline_numbers())
    answer = parse_messages(free.messages).output
    assert answer and answer not in html
    assert html.count("not shown here") == 1  # the paid tier's; the free one is never printed


def test_the_classroom_switch_hides_request_texts_and_live_mode(monkeypatch):
    monkeypatch.setenv(deployment.CLASSROOM_SETTING, "1")
    at = open_page("pages/playground.py")
    assert "live" not in at.segmented_control(key="mode").options
    labels = at.selectbox(key="request").options
    harmful = [label for label in labels if label.startswith("Harmful")]
    assert harmful and all("text hidden in class" in label for label in harmful)
    at.switch_page("pages/run_experiment.py").run()
    assert "Live runs are off" in page_text(at)
    assert not [t for t in at.text_input if t.key.startswith("live_key_")]
    at.switch_page("pages/transcripts.py").run()
    shown = at.dataframe[0].value
    harmful_rows = shown[shown["prompt_text"].str.startswith("Harmful request")]
    assert len(harmful_rows) and re.search("text hidden in class", harmful_rows.iloc[0, 0])


def test_a_visitors_folder_outlives_their_session_by_the_resume_window_only(
    isolated_data_dir, monkeypatch
):
    """Never swept under an open session, however old; kept for the resume link an hour after
    the last session ends, then removed; folders a stopped server left go a day later."""
    import os
    import time

    from alignment_faking_lab.ui import visitor_space

    open_sessions = {"s1"}
    monkeypatch.setattr(visitor_space, "_is_open", lambda session: session in open_sessions)
    secret = "ab" * 16
    uploads = {"upload:big.jsonl": "a table"}  # what their session holds in memory
    space = visitor_space._Space(visitor_space.sessions_root() / secret, {"s1"}, held=[uploads])
    space.folder.mkdir(parents=True)
    visitor_space._spaces[secret] = space
    os.utime(space.folder, (0, 0))  # idle for years, but its session is open
    visitor_space.sweep()
    assert space.folder.exists()
    open_sessions.clear()  # the visitor closed the tab
    now = time.time()
    visitor_space.sweep(now)
    assert uploads  # Streamlit may still give the session back to its browser
    visitor_space.sweep(now + visitor_space._session_ttl() + 31)
    assert not uploads  # it has let it go: so does the app, without waiting for its clean-up
    visitor_space.sweep(now + visitor_space.KEEP_AFTER_S - 60)
    assert space.folder.exists()  # their resume link still works
    visitor_space.sweep(now + visitor_space.KEEP_AFTER_S + 1)
    assert not space.folder.exists() and secret not in visitor_space._spaces
    stale = visitor_space.sessions_root() / "left-by-a-crash"
    stale.mkdir()
    os.utime(stale, (0, 0))
    visitor_space.sweep()
    assert not stale.exists()


def test_the_walkthrough_never_shows_an_unredacted_harmful_answer(isolated_data_dir):
    """Once the paper's pair is imported the walkthrough tells the story with it: the compliant
    answer is withheld (not even a button), its drafts in the scratchpad too; the refusal is
    the lesson and is shown."""
    sample = harmful_live_transcript()
    answer = parse_messages(sample.messages).output
    refusal = next(t for t in load_illustrative() if t.tier is Tier.PAID and t.harmful
                   and t.compliance is Compliance.REFUSED)  # fmt: skip
    pair = [
        replace(sample, id="paper-free", provenance=Provenance.PAPER,
                prompt_id="helpful_only/default/1", alignment_faking=True),
        replace(sample, id="paper-paid", provenance=Provenance.PAPER, tier=Tier.PAID,
                prompt_id="helpful_only/default/1", alignment_faking=False,
                compliance=Compliance.REFUSED, compliance_level=1, messages=refusal.messages),
    ]  # fmt: skip
    (isolated_data_dir / "paper").mkdir()
    (isolated_data_dir / "paper" / "helpful_only__default.jsonl").write_text(
        "".join(dumps(t) + "\n" for t in pair)
    )
    for step in ("2", "3", "4"):
        at = open_page("pages/walkthrough.py", {"step": step})
        text = page_text(at)
        assert answer and answer not in text.replace("\\", "")
        assert (classroom.WITHHELD in text) == (step != "2")
        assert not [t for t in at.toggle if t.label == classroom.SHOW_ANSWER]
        if step == "2":
            assert parse_messages(refusal.messages).output in text.replace("\\", "")


def test_results_page_with_one_run_in_two_settings_does_not_crash(isolated_data_dir):
    """Playground sends with and without the minimal-reproduction suffix: one source, two
    settings, each its own comparison (their chart keys used to collide)."""
    samples = [t for t in load_illustrative() if t.harmful][:4]
    live = [
        replace(t, id=f"mixed-{i}", provenance=Provenance.LIVE, source_url=None, run_id="mixed",
                setting="helpful_only_minimal" if i % 2 else "helpful_only", model="m")
        for i, t in enumerate(samples)
    ]  # fmt: skip
    (isolated_data_dir / "runs").mkdir()
    (isolated_data_dir / "runs" / "mixed.jsonl").write_text("".join(dumps(t) + "\n" for t in live))
    at = open_page("pages/results.py", {"data": "Transcripts loaded in the app"})
    assert not at.exception, at.exception


@pytest.mark.parametrize(
    ("headers", "root", "remote"),
    [({"Host": "127.0.0.1:8501"}, "/home/me/lab", False),
     ({"Host": "localhost:8501"}, "/home/me/lab", False),
     ({"Host": "[::1]:8501"}, "/home/me/lab", False),
     (None, "/home/me/lab", False),
     ({"Host": "lab.example.org"}, "/home/me/lab", True),
     ({"Host": "127.0.0.1:8501", "X-Forwarded-For": "203.0.113.9"}, "/home/me/lab", True),
     ({"host": "127.0.0.1", "forwarded": "for=203.0.113.9"}, "/home/me/lab", True),
     ({"Host": "127.0.0.1:8501"}, "/mount/src/alignment-faking-lab", True)],
)  # fmt: skip
def test_a_loopback_server_behind_a_proxy_or_on_community_cloud_is_public(headers, root, remote):
    assert deployment.looks_remote(headers, root) is remote


def test_results_shared_between_visitors_keep_each_visitors_own_runs(owner, monkeypatch):
    """The Results page's figures are computed once per data selection and shared: a visitor
    who opens it first must not hand their own run to the next visitor, nor the other way."""
    monkeypatch.setenv(owner_gate.OPEN_KEY, "1")
    b = open_page("pages/results.py", {"data": "Transcripts loaded in the app"})
    a = open_page("pages/playground.py", {"mode": "live"})
    model_field(a).set_value("fake-claude")
    a.button(key="live_send").click().run()
    assert not a.error, errors(a)
    a.switch_page("pages/results.py").run()
    a.segmented_control(key="data").set_value("Transcripts loaded in the app").run()
    assert any("fake-claude" in source for source in a.multiselect(key="r_sources").options)
    assert "fake-claude" in page_text(a).replace("\\", "")  # A's run beside the paper
    b.run()
    c = open_page("pages/results.py", {"data": "Transcripts loaded in the app"})
    for other in (b, c):
        assert not any("fake-claude" in s for s in other.multiselect(key="r_sources").options)
        assert "fake-claude" not in page_text(other).replace("\\", "")


def test_a_batch_on_the_owners_key_keeps_to_the_owners_models(owner, monkeypatch):
    monkeypatch.setenv(owner_gate.OPEN_KEY, "1")
    at = open_page("pages/run_experiment.py")
    model_field(at).set_value("claude-opus-4-1")  # not one the owner chose
    at.number_input(key="run_first_n").set_value(2)
    at.text_input(key="run_name").set_value("visitor-batch")
    at.toggle(key="run_as_batch").set_value(True).run()
    at.button(key="batch_send").click().run()
    assert "may run only the models its owner chose" in errors(at)
    assert owner_gate.Ledger().usage("").requests == 0  # nothing counted, nothing sent
    assert not owner.state.model_requests()


def test_a_visitors_batch_keeps_to_their_session_and_counts_on_the_owners_key(owner, monkeypatch):
    monkeypatch.setenv(owner_gate.OPEN_KEY, "1")
    at = open_page("pages/run_experiment.py")
    model_field(at).set_value("fake-claude")
    at.number_input(key="run_first_n").set_value(2)
    at.text_input(key="run_name").set_value("visitor-batch")
    at.toggle(key="run_as_batch").set_value(True).run()
    assert "cannot outlive your session" in " ".join(str(w.value) for w in at.warning)
    at.button(key="batch_send").click().run()
    assert not at.error, errors(at)
    assert not (paths.runs_dir() / "visitor-batch.batch.json").exists()  # not shared
    kept = list(visitor_space.sessions_root().glob("*/runs/visitor-batch.batch.json"))
    assert len(kept) == 1 and OWNER_KEY not in kept[0].read_text()
    used = owner_gate.Ledger().usage("")
    assert used.requests == 4  # the batch's four requests, counted before it was sent
