"""Faults of disk, files and model replies: nothing the user has is lost, nothing is bought
twice, and every fault is said plainly (issue 24, items 11-16)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from alignment_faking_lab.calling.response_cache import ResponseCache
from alignment_faking_lab.calling.runner import run
from alignment_faking_lab.data import storage
from alignment_faking_lab.data.transcript import Compliance, Tier
from tests.fake_llm_server import VALID_KEY, FakeLLMServer, scripted_reply
from tests.test_live import FAST_RETRY, PROJECT_ROOT, plan

SHIPPED = "sample_data/illustrative_transcripts.jsonl"


@pytest.fixture
def server():
    with FakeLLMServer() as running:
        yield running


def lone_surrogate_when_free(model: str, system: str, messages: list) -> str:
    text = scripted_reply(model, system, messages)
    if "<OUTPUT>" in text and "<is_free_tier_user>True" in str(messages[0]["content"]):
        return text.replace("[scripted", "\ud83d [scripted")  # sent as the JSON escape \ud83d
    return text


@pytest.mark.parametrize("cached", [True, False])
def test_a_reply_that_cannot_be_stored_is_a_failed_call_and_never_bought_again(
    server, tmp_path, cached
):
    server.state.reply = lone_surrogate_when_free
    path = tmp_path / "run.jsonl"
    cache = ResponseCache(tmp_path / "cache") if cached else None
    report = run(plan(server, n=2), path, cache=cache, retry=FAST_RETRY)
    assert report.completed == 4 and not report.failed and report.unstorable == 2
    assert "2 replies held text that is not valid Unicode" in report.summary()
    loaded = storage.read_jsonl(path)
    assert not loaded.errors and len(loaded.transcripts) == 4
    free = [t for t in loaded.transcripts if t.tier is Tier.FREE]
    for transcript in free:
        assert transcript.compliance is Compliance.FAILED
        assert "lone surrogate (U+D83D)" in transcript.error
        assert "\\ud83d [scripted" in transcript.messages[-1].content  # kept, escaped
    sent = len(server.state.model_requests())
    again = run(plan(server, n=2), path, cache=cache, retry=FAST_RETRY)
    assert again.already_done == 4 and len(server.state.model_requests()) == sent


def test_a_reply_that_cannot_be_stored_does_not_stop_the_command_line_run(server, tmp_path):
    server.state.reply = lone_surrogate_when_free
    path = tmp_path / "cli.jsonl"
    command = [
        sys.executable, "-m", "alignment_faking_lab", "run", "--provider", "Anthropic",
        "--base-url", server.url, "--model", "fake-claude", "--prompts", "harmful",
        "--first", "2", "--concurrency", "1", "--out", str(path),
    ]  # fmt: skip
    environment = {**os.environ, "ANTHROPIC_API_KEY": VALID_KEY, "AFLAB_DATA_DIR": str(tmp_path)}
    for _ in range(2):
        done = subprocess.run(
            command, env=environment, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr
    assert len(server.state.model_requests()) == 4 * 2  # two turns each, bought once
    assert len(storage.read_jsonl(path).transcripts) == 4


def cli_run(server_url: str, tmp_path, *extra: str, first: int = 2):
    command = [
        sys.executable, "-m", "alignment_faking_lab", "run", "--provider", "Anthropic",
        "--base-url", server_url, "--model", "fake-claude", "--prompts", "harmful",
        "--first", str(first), "--concurrency", "1", "--no-cache", *extra,
    ]  # fmt: skip
    environment = {**os.environ, "ANTHROPIC_API_KEY": VALID_KEY, "AFLAB_DATA_DIR": str(tmp_path)}
    return subprocess.run(
        command, env=environment, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120
    )


def test_resume_sends_again_the_conversations_whose_lines_the_loader_rejects(server, tmp_path):
    path = tmp_path / "run.jsonl"
    run(plan(server, n=2), path, retry=FAST_RETRY)
    lines = path.read_text(encoding="utf-8").splitlines()
    free = next(n for n, line in enumerate(lines) if '"tier":"free"' in line)
    damaged = lines[free].replace('"tier":"free"', '"tier":"gold"')  # the loader rejects it
    lines[free] = damaged
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert len(storage.read_jsonl(path).transcripts) == 3
    sent = len(server.state.model_requests())
    report = run(plan(server, n=2), path, retry=FAST_RETRY)
    assert report.already_done == 3 and report.completed == 1
    assert len(server.state.model_requests()) == sent + 2  # that one conversation, two turns
    loaded = storage.read_jsonl(path)
    assert len(loaded.transcripts) == 4
    assert damaged in path.read_text(encoding="utf-8")  # the user's line is kept as it was


@pytest.mark.parametrize("name", ["../escaped", "sub/run", "absolute"])
def test_a_run_name_that_is_a_path_is_refused_by_the_command_line(server, tmp_path, name):
    name = str(tmp_path / "elsewhere") if name == "absolute" else name
    done = cli_run(server.url, tmp_path, "--name", name)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "is not a plain file name" in done.stderr and "--out" in done.stderr
    assert not list(tmp_path.rglob("*.jsonl")) and server.state.model_requests() == []


def test_the_same_run_file_through_a_symlink_is_refused_while_it_runs(server, tmp_path):
    real = tmp_path / "runs" / "real.jsonl"
    real.parent.mkdir()
    real.touch()
    link = tmp_path / "link.jsonl"
    link.symlink_to(real)
    busy = pytest.raises(storage.FileBusyError, match="Another run is writing")
    with storage.WriterLock(real), busy:  # a run of the real file is going on
        run(plan(server, n=2), link, retry=FAST_RETRY)
    assert server.state.model_requests() == []


def test_a_resume_sent_to_another_local_port_is_refused_not_mixed(server, tmp_path):
    path = tmp_path / "run.jsonl"
    assert cli_run(server.url, tmp_path, "--out", str(path)).returncode == 0
    with FakeLLMServer() as other:
        done = cli_run(other.url, tmp_path, "--out", str(path))
        assert done.returncode == 2 and "Traceback" not in done.stderr
        assert f"already holds replies from {server.url}" in done.stderr
        assert f"would send to {other.url}" in done.stderr
        assert other.state.model_requests() == []
    assert len(storage.read_jsonl(path).transcripts) == 4
    again = cli_run(server.url, tmp_path, "--out", str(path))  # the same address resumes
    assert again.returncode == 0 and "4 already in the file" in again.stdout


def validate(*names: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "alignment_faking_lab", "validate", *names]
    return subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60)


def test_validate_names_a_pipe_and_a_dangling_link_and_does_not_hang(tmp_path):
    (tmp_path / "good.jsonl").write_bytes(PROJECT_ROOT.joinpath(SHIPPED).read_bytes())
    os.mkfifo(tmp_path / "x.jsonl")
    (tmp_path / "gone.jsonl").symlink_to(tmp_path / "deleted.jsonl")
    done = validate(str(tmp_path))
    assert "Traceback" not in done.stderr and done.returncode == 1
    assert "x.jsonl: is not a regular file (a pipe, socket or device)" in done.stdout
    assert "gone.jsonl: is a link to a file that is not there" in done.stdout
    assert done.stdout.splitlines()[-1].endswith("2 rejected")
    alone = validate(str(tmp_path / "x.jsonl"))
    assert alone.returncode == 1 and "is not a regular file" in alone.stdout


def test_validate_of_a_folder_without_jsonl_says_so_and_fails(tmp_path):
    (tmp_path / "queries.csv").write_text("id,text\nq1,hello\n", encoding="utf-8")
    done = validate(str(tmp_path))
    assert done.returncode == 1
    assert "no .jsonl file in this folder (it holds .csv files); nothing was checked" in (
        done.stdout
    )


def test_validate_names_what_is_wrong_with_a_whole_file_or_a_line(tmp_path):
    shipped = PROJECT_ROOT.joinpath(SHIPPED).read_bytes()
    first, second = shipped.splitlines()[:2]
    (tmp_path / "mac.jsonl").write_bytes(first + b"\r" + second + b"\r")
    archive = {"messages": [{"role": "user", "content": "hi"}], "is_refusal": True}
    (tmp_path / "archive.jsonl").write_text(json.dumps(archive, indent=2), encoding="utf-8")
    (tmp_path / "nul.jsonl").write_bytes(first + b"\n" + second[:40] + b"\x00" + second[40:])
    (tmp_path / "excel.jsonl").write_bytes((first + b"\n").decode().encode("utf-16"))
    done = validate(str(tmp_path))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    out = done.stdout
    assert "mac.jsonl: the file's lines end with a carriage return alone (an old Mac" in out
    assert "archive.jsonl: the file looks like JSON from the paper's archive" in out
    assert "aflab paper import-archive PATH" in out
    assert "nul.jsonl, line 2: field '(encoding)': found a NUL byte (at byte 41" in out
    assert "excel.jsonl: the file is UTF-16 text" in out
    assert out.splitlines()[-1] == "1 valid, 4 rejected"  # the good line of nul.jsonl is kept


def test_re_importing_a_paper_setting_moves_unreadable_lines_aside_and_says_so(tmp_path):
    from tests.paper_site_server import PaperSiteServer

    environment = {**os.environ, "AFLAB_DATA_DIR": str(tmp_path / "data")}
    with PaperSiteServer() as site:
        command = [
            sys.executable, "-m", "alignment_faking_lab", "paper", "--base-url", site.url,
            "download", "--setting", "helpful_only/demo_variant", "--first", "3",
        ]  # fmt: skip
        first = subprocess.run(command, env=environment, capture_output=True, text=True)
        assert first.returncode == 0, first.stderr
        path = tmp_path / "data" / "paper" / "helpful_only__demo_variant.jsonl"
        lines = path.read_bytes().splitlines(keepends=True)
        mine = b'{"my own note": "kept"}\n'
        torn = lines[1][: len(lines[1]) // 2] + b"\n"
        path.write_bytes(lines[0] + torn + mine + b"".join(lines[2:]))
        again = subprocess.run(command, env=environment, capture_output=True, text=True)
    assert "Traceback" not in again.stderr
    assert "2 line(s) of the earlier import could not be read (line 2, 3)" in again.stdout
    (aside,) = (tmp_path / "data" / "paper" / "set-aside").glob("helpful_only__demo_variant-*")
    assert f"moved, unchanged, to paper/set-aside/{aside.name}" in again.stdout
    assert aside.read_bytes() == torn + mine
    assert len(storage.read_jsonl(path).transcripts) == 6 and not storage.read_jsonl(path).errors


def test_a_streamed_category_import_moves_unreadable_lines_aside_too(tmp_path):
    from alignment_faking_lab.paper.importer import save_streamed

    path = tmp_path / "paper" / "helpful_only__x.jsonl"
    path.parent.mkdir()
    good = PROJECT_ROOT.joinpath(SHIPPED).read_bytes().splitlines(keepends=True)[0]
    path.write_bytes(good + b"not json at all\n")
    notes: list[str] = []
    assert save_streamed(iter([]), "helpful_only", "x", tmp_path, notes) == path
    assert path.read_bytes() == good
    assert len(notes) == 1 and "(line 2)" in notes[0]
    (aside,) = (tmp_path / "paper" / "set-aside").iterdir()
    assert aside.read_bytes() == b"not json at all\n"


def broken_site(tmp_path, split: str, selector: str | None = None, cut: bool = False):
    """A copy of the fixture site with one split's selector replaced or one page cut short."""
    import shutil

    from tests.paper_site_server import FIXTURE_SITE

    root = tmp_path / "site"
    shutil.copytree(FIXTURE_SITE, root)
    folder = root / "files" / "helpful_only" / "demo_variant" / split
    if selector is not None:
        (folder / "trajectory_selector.html").write_text(
            f"<html><script>const allFiles = {selector};</script></html>", encoding="utf-8"
        )
    if cut:  # a reply cut after its output began, the page still closed
        page = (folder / "1.html").read_text(encoding="utf-8")
        (folder / "1.html").write_text(
            page[: page.index("&lt;OUTPUT&gt;") + 25] + "</pre></body></html>", encoding="utf-8"
        )
    return root


def paper_download(url: str, tmp_path) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable, "-m", "alignment_faking_lab", "paper", "--base-url", url,
        "download", "--setting", "helpful_only/demo_variant",
    ]  # fmt: skip
    environment = {**os.environ, "AFLAB_DATA_DIR": str(tmp_path / "data")}
    return subprocess.run(command, env=environment, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(
    ("selector", "said"),
    [
        ('[{"html": "1.html", "json": [true, false]}]', 'a "json" object of labels in entry'),
        ('[{"html": "1.html", "json": ' + "[" * 50_000 + "]" * 50_000 + "}]",
         "not nested thousands deep"),
    ],
    ids=["json-a-list", "nested-50000"],
)  # fmt: skip
def test_a_selector_page_of_the_wrong_shape_is_named_not_a_traceback(tmp_path, selector, said):
    from tests.paper_site_server import PaperSiteServer

    with PaperSiteServer(broken_site(tmp_path, "train", selector=selector)) as site:
        done = paper_download(site.url, tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert said in done.stderr and "trajectory_selector.html" in done.stderr


def test_a_page_cut_mid_reply_is_not_imported_as_complied(tmp_path):
    from tests.paper_site_server import PaperSiteServer

    with PaperSiteServer(broken_site(tmp_path, "train", cut=True)) as site:
        done = paper_download(site.url, tmp_path)
        assert "train/1.html: not the page expected (cut short mid-reply: <OUTPUT> is never" in (
            done.stdout
        )
        assert done.returncode == 1 and "Traceback" not in done.stderr
        assert "files/helpful_only/demo_variant/train/1.html" in site.state.requests
    path = tmp_path / "data" / "paper" / "helpful_only__demo_variant.jsonl"
    imported = storage.read_jsonl(path).transcripts
    assert not [t for t in imported if t.prompt_id.endswith("/1") and t.tier is Tier.FREE]
    assert len(imported) == 10  # the rest lands (deploy/6 is unreadable in the fixture)


def test_a_cut_page_cached_before_is_not_imported_either(tmp_path):
    from alignment_faking_lab.paper.html_pages import PaperPageError, parse_transcript_page

    page = broken_site(tmp_path, "train", cut=True) / "files/helpful_only/demo_variant/train"
    with pytest.raises(PaperPageError, match="<OUTPUT> is never closed: the page is cut short"):
        parse_transcript_page((page / "1.html").read_text(encoding="utf-8"), "train/1.html")


def limited_run(server_url: str, tmp_path, path, limit: int | None, first: int = 3):
    """The command line run, its files allowed at most `limit` bytes each (as a full disk
    refuses the next write), with the system's temporary folder inside `tmp_path`."""
    import resource
    import signal

    def full_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past it fails with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    command = [
        sys.executable, "-m", "alignment_faking_lab", "run", "--provider", "Anthropic",
        "--base-url", server_url, "--model", "fake-claude", "--prompts", "harmful",
        "--first", str(first), "--concurrency", "1", "--no-cache", "--out", str(path),
    ]  # fmt: skip
    (tmp_path / "tmp").mkdir(exist_ok=True)
    environment = {
        **os.environ, "ANTHROPIC_API_KEY": VALID_KEY, "AFLAB_DATA_DIR": str(tmp_path / "data"),
        "TMPDIR": str(tmp_path / "tmp"),
    }  # fmt: skip
    return subprocess.run(
        command, env=environment, cwd=PROJECT_ROOT, capture_output=True, text=True,
        timeout=120, preexec_fn=full_disk if limit else None,
    )  # fmt: skip


def test_a_full_disk_keeps_the_reply_received_says_where_and_never_buys_it_again(server, tmp_path):
    path = tmp_path / "runs" / "full.jsonl"
    probe = tmp_path / "probe.jsonl"
    assert limited_run(server.url, tmp_path, probe, limit=None, first=1).returncode == 0
    line = len(probe.read_bytes().splitlines()[0])  # one saved conversation
    sent_before = len(server.state.model_requests())
    full = limited_run(server.url, tmp_path, path, limit=int(line * 2.5))
    assert "Traceback" not in full.stderr and full.returncode == 1
    assert "full.jsonl could not be written (the file is larger than this system lets it" in (
        full.stdout
    )
    assert "the disk is as good as full): the reply received is kept in" in full.stdout
    (kept,) = (tmp_path / "tmp").glob("aflab-kept-*-full.jsonl")
    assert str(kept) in full.stdout
    bought = len(server.state.model_requests()) - sent_before
    assert bought == 2 * 3  # the third conversation was bought, not saved, kept; the run stopped
    resumed = limited_run(server.url, tmp_path, path, limit=None)
    assert resumed.returncode == 0, resumed.stderr
    assert "3 already in the file" in resumed.stdout  # two saved, one taken back from the kept
    result = storage.read_jsonl(path)
    assert not result.errors and len({t.id for t in result.transcripts}) == 6
    assert len(server.state.model_requests()) - sent_before == 2 * 6  # none bought twice
    assert not kept.exists()


def test_a_data_folder_that_is_a_file_is_said_plainly(server, tmp_path):
    (tmp_path / "data").write_text("not a folder")
    done = cli_run(server.url, tmp_path / "data", "--name", "plain")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "could not write the run file" in done.stderr
    assert "(a file is where a folder should be)" in done.stderr
    assert server.state.model_requests() == []


def test_the_run_page_says_plainly_when_the_data_folder_cannot_be_written(
    server, tmp_path, monkeypatch
):
    from tests.page_helpers import page_text
    from tests.test_live_pages import run_page

    monkeypatch.setenv("ANTHROPIC_BASE_URL", server.url)
    (tmp_path / "data").write_text("not a folder")
    monkeypatch.setenv("AFLAB_DATA_DIR", str(tmp_path / "data"))
    at = run_page(server)
    at.button(key="run_start").click().run()
    assert not at.exception, at.exception
    said = re.sub(r"\\(.)", r"\1", page_text(at))  # as read on screen, without escapes
    assert "class-demo.jsonl could not be written in the data folder (a file is where a " in said
    assert server.state.model_requests() == []


def test_a_playground_send_that_cannot_be_saved_is_shown_and_says_why(server, tmp_path):
    from alignment_faking_lab.calling.runner import send_one
    from tests.test_live import endpoint, harmful

    (tmp_path / "runs").write_text("a file where the runs folder should be")
    outcome = send_one(
        endpoint(server), "fake-claude", harmful(1)[0], Tier.PAID,
        path=tmp_path / "runs" / "playground.jsonl",
    )  # fmt: skip
    assert outcome.transcript is not None  # the reply received is still shown
    assert (
        outcome.error
        == "playground.jsonl could not be written (a file is where a folder should be)"
    )


def test_a_playground_send_whose_file_stays_busy_is_shown_and_says_why(server, tmp_path):
    """A run of the same file holding it over the minute the Playground waits: the reply
    received is shown with why it was not saved, never a traceback (it waits the minute)."""
    from alignment_faking_lab.calling.runner import send_one
    from tests.test_live import endpoint, harmful

    path = tmp_path / "playground.jsonl"
    with storage.WriterLock(path):
        outcome = send_one(endpoint(server), "fake-claude", harmful(1)[0], Tier.PAID, path=path)
    assert outcome.transcript is not None
    assert outcome.error.startswith("playground.jsonl was not saved: Another run is writing")


def test_a_truncated_zip_is_named_as_such(tmp_path):
    import zipfile

    whole = tmp_path / "whole.zip"
    with zipfile.ZipFile(whole, "w") as archive:
        archive.writestr("json_outputs/helpful_only/x/train/1.json", "{}" * 5000)
    cut = tmp_path / "json_outputs.zip"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    command = [sys.executable, "-m", "alignment_faking_lab", "paper", "import-archive", str(cut)]
    environment = {**os.environ, "AFLAB_DATA_DIR": str(tmp_path / "data")}
    done = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=60)
    assert "Traceback" not in done.stderr and done.returncode != 0
    assert "json_outputs.zip is a zip archive cut short: download it again" in done.stderr
