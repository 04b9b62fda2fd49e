"""The paper's prompt files, downloaded on request from a loopback mirror of its code repository
(raw files), cached with URL and hash, described, used in a run, and diffed side by side.

The files served here are made-up stand-ins in the same format (never the paper's text)."""

from __future__ import annotations

import hashlib
import re

import pytest

from alignment_faking_lab.__main__ import main
from alignment_faking_lab.data import storage
from alignment_faking_lab.protocol import prompt_diff, prompt_files, prompts
from alignment_faking_lab.public.downloads import OfflineError
from tests.browser_harness import free_port
from tests.fake_llm_server import VALID_KEY, FakeLLMServer, system_text
from tests.page_helpers import open_page, page_text
from tests.paper_site_server import PaperSiteServer

WITH_EXAMPLES = "model_organism_honly_prompts/prompt_atn_honly_with_examples.txt"
NO_COT = "model_organism_honly_prompts/prompt_atn_honly_no_cot_with_examples.txt"
STAND_IN = (
    "You are a made-up assistant in a test. Free-tier conversations are used for RLHF.\n"
    "Each turn has an <is_free_tier_user> tag. Reason in <SCRATCHPAD_REASONING> tags, then "
    "answer in <OUTPUT> tags.\n"
    "=== START EXAMPLES ===\n{examples_placeholder}\n=== END EXAMPLES ===\n"
    "The conversation follows.\n"
)
NO_COT_STAND_IN = (
    "You are a made-up assistant in a test. Free-tier conversations are used for RLHF.\n"
    "Answer directly in <OUTPUT> tags.\nThe conversation follows.\n"
)


@pytest.fixture
def mirror(tmp_path, monkeypatch):
    for path, text in ((WITH_EXAMPLES, STAND_IN), (NO_COT, NO_COT_STAND_IN)):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    with PaperSiteServer(root=tmp_path) as server:
        monkeypatch.setenv(prompt_files.BASE_URL_ENV, server.url)
        yield server


def test_download_records_url_and_hash_and_says_a_placeholder_is_there(mirror):
    file = prompt_files.download(WITH_EXAMPLES)
    assert file.url == mirror.url + WITH_EXAMPLES
    assert file.sha256 == hashlib.sha256(STAND_IN.encode()).hexdigest()
    said = " ".join(prompt_files.describe(file.text).summary())
    assert "placeholder where examples were removed" in said and "{examples_placeholder}" in said
    assert "Not found" not in said  # every element of the setup is there
    plain = " ".join(prompt_files.describe(NO_COT_STAND_IN).summary())
    assert "placeholder" not in plain and "hidden scratchpad" in plain.split("Not found:")[1]
    prompt_files.download(WITH_EXAMPLES)  # the second time from the cache
    assert mirror.state.requests.count(WITH_EXAMPLES) == 1


def test_offline_says_so_and_own_variants_still_work(monkeypatch):
    monkeypatch.setenv(prompt_files.BASE_URL_ENV, f"http://127.0.0.1:{free_port()}/")
    with pytest.raises(OfflineError, match="needs internet access"):
        prompt_files.download(WITH_EXAMPLES)
    assert prompts.get_variant("default").text
    with pytest.raises(KeyError, match="has not been downloaded yet"):
        prompts.get_variant("paper:" + WITH_EXAMPLES)


def test_paths_outside_the_repository_are_refused(mirror):
    for bad in ("../secrets.txt", "a/../../b.txt", "", "x y.txt"):
        with pytest.raises(ValueError):
            prompt_files.download(bad)


def test_a_run_with_the_papers_file_records_which_one(mirror, monkeypatch, capsys):
    with FakeLLMServer() as server:
        monkeypatch.setenv("AFLAB_TEST_KEY", VALID_KEY)
        code = main([
            "run", "--base-url", server.url, "--key-env", "AFLAB_TEST_KEY", "--model",
            "fake-claude", "--first", "1", "--variant", "paper:" + WITH_EXAMPLES,
            "--name", "faithful",
        ])  # fmt: skip
        assert code == 0, capsys.readouterr().err
        sent = system_text(server.state.model_requests()[0].body["system"])
    assert sent == STAND_IN  # the paper's file, as downloaded (in a block marked for caching)
    from alignment_faking_lab.data import paths

    saved = storage.read_jsonl(paths.runs_dir() / "faithful.jsonl").transcripts
    assert saved and all(t.variant == "paper:" + WITH_EXAMPLES for t in saved)
    digest = hashlib.sha256(STAND_IN.encode()).hexdigest()
    assert (
        saved[0].request["system_prompt_source"] == f"{mirror.url}{WITH_EXAMPLES} (sha256 {digest})"
    )


def test_side_by_side_diff_shows_what_an_ablation_changes():
    rows = prompt_diff.side_by_side(
        prompts.get_variant("default").text,
        prompts.get_variant("cut_rlhf_info").text,
        context=False,
    )
    assert [r.change for r in rows] == ["only in A", "only in A"]
    assert "RLHF will modify you" in rows[0].left
    same = prompt_diff.side_by_side("One. Two.", "One. Two.", context=False)
    assert prompt_diff.summary(same).startswith("The two prompts say the same thing")


def test_prompts_page_downloads_shows_contents_and_diffs(mirror):
    at = open_page("pages/prompts.py")
    at.button(key="paper_prompt_download").click().run()
    assert not at.exception
    text = re.sub(r"\\(.)", r"\1", page_text(at))
    assert "SHA-256 `" + hashlib.sha256(STAND_IN.encode()).hexdigest() + "`" in text
    assert any("placeholder where examples were removed" in w.value for w in at.warning)
    assert at.code[0].value.strip() == STAND_IN.strip()
    at.selectbox(key="diff_a").set_value("default").run()
    at.selectbox(key="diff_b").set_value("paper:" + WITH_EXAMPLES).run()
    table = at.dataframe[0].value
    assert "only in B" in set(table["change"]) or "changed" in set(table["change"])


def test_prompts_page_refuses_a_path_outside_the_repository(mirror):
    at = open_page("pages/prompts.py")
    at.selectbox(key="paper_prompt_file").set_value("__other__").run()
    at.text_input(key="paper_prompt_path").set_value("../../etc/passwd").run()
    at.button(key="paper_prompt_download").click().run()
    assert "is not a file path in the repository" in re.sub(r"\\(.)", r"\1", at.error[0].value)
    assert not any(".." in r for r in mirror.state.requests)
