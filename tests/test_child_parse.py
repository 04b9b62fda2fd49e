"""Uploads on a public server are parsed in a child process (`data/child_parse.py`): the
visitor must get exactly what an in-process parse gives, bad lines and all, whether the child
works or not, and the child must not be handed the owner's keys."""

from __future__ import annotations

from dataclasses import replace

from alignment_faking_lab.data.catalogue import load_illustrative
from alignment_faking_lab.data.child_parse import (
    child_environment,
    load_path_in_child,
    table_from_bytes_in_child,
)
from alignment_faking_lab.data.storage import dumps
from alignment_faking_lab.data.table import load_path, table_from_bytes


def upload_bytes() -> bytes:
    """Valid transcripts, a torn line, a repeated id and a line that is not JSON."""
    transcripts = [replace(t, id=f"child-{n}") for n, t in enumerate(load_illustrative())]
    lines = [dumps(t) for t in transcripts]
    lines[3] = lines[3][:40]
    lines.insert(5, lines[1])
    lines.append("not json at all ✓")
    return ("\n".join(lines) + "\n").encode("utf-8")


def assert_same(child, here) -> None:
    assert child.frame.equals(here.frame)
    assert [str(e) for e in child.errors] == [str(e) for e in here.errors]
    assert len(child.errors) == 3
    for phrase in ("scratchpad", "free tier", "nothing like this"):
        assert (child.search.matches(phrase) == here.search.matches(phrase)).all()
    some = here.frame["id"].iloc[-1]
    assert child.transcript(some) == here.transcript(some)


def test_a_table_parsed_in_a_child_is_the_one_parsed_here():
    data = upload_bytes()
    assert_same(
        table_from_bytes_in_child(data, "mine ✓.jsonl"), table_from_bytes(data, "mine ✓.jsonl")
    )


def test_a_visitors_file_loaded_in_a_child_is_the_one_loaded_here(tmp_path):
    path = tmp_path / "run ✓.jsonl"
    path.write_bytes(upload_bytes())
    assert_same(load_path_in_child(path), load_path(path))
    missing = load_path_in_child(tmp_path / "gone.jsonl")
    assert [str(e) for e in missing.errors] == [
        str(e) for e in load_path(tmp_path / "gone.jsonl").errors
    ]


def test_when_the_child_cannot_run_the_file_is_parsed_here():
    data = upload_bytes()
    here = table_from_bytes(data, "mine.jsonl")
    assert_same(table_from_bytes_in_child(data, "mine.jsonl", python="/no/such/python"), here)
    assert_same(table_from_bytes_in_child(data, "mine.jsonl", deadline_s=0.001), here)


def test_the_child_is_not_given_keys_or_secrets():
    given = child_environment(
        {
            "PATH": "/usr/bin",
            "ANTHROPIC_API_KEY": "sk-owner",
            "OPENAI_API_KEY": "sk-o",
            "AFLAB_CLASS_CODE": "teacher",
            "LANG": "C.UTF-8",
        }
    )
    assert given["PATH"] == "/usr/bin" and given["LANG"] == "C.UTF-8"
    assert not {"ANTHROPIC_API_KEY", "OPENAI_API_KEY", "AFLAB_CLASS_CODE"} & set(given)
