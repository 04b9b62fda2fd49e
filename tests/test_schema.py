"""Bad transcript files: every wrong value is one clear error and the valid lines always load.

Each case is its own small fixture, written by the test, read by both loaders (the full reader
and the app's table loader) and by `python -m alignment_faking_lab validate`.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from alignment_faking_lab.data.storage import read_jsonl
from alignment_faking_lab.data.table import load_path, merge_tables, table_from_bytes
from alignment_faking_lab.data.transcript import Transcript
from tests.conftest import PROJECT_ROOT
from tests.test_storage import make


def good(id_: str = "good-1", **overrides) -> dict:
    """A valid record (test_storage's transcript), with some fields replaced as they are."""
    return {**make(id_, labels={}).to_dict(), **overrides}


def lines(*records: dict | str) -> bytes:
    return "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records).encode()


def validate(*paths) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "alignment_faking_lab", "validate", *map(str, paths)],
        capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=60,
    )  # fmt: skip


# (field, wrong value, words the error must contain: what was found, what was expected)
WRONG_TYPES = [
    ("harmful", {"a": 1}, ["found an object", "expected true or false"]),
    ("harmful", "yes", ["found the text 'yes'", "expected true or false"]),
    ("sample_index", "3", ["found the text '3'", "expected a whole number"]),
    ("sample_index", True, ["found true", "expected a whole number"]),
    ("sample_index", -1, ["found the number -1", "expected a whole number from 0"]),
    ("setting", {"x": 1}, ["found an object", "expected text"]),
    ("variant", 7, ["found the number 7", "expected text"]),
    ("provider", ["a"], ["found a list of 1", "expected text"]),
    ("prompt_category", False, ["found false", "expected text"]),
    ("labelled_by", 1.5, ["found the number 1.5", "expected text"]),
    ("run_id", None, ["found null", "expected text"]),
    ("notes", {"x": 1}, ["found an object", "expected text"]),
    ("source_url", 5, ["found the number 5", "expected text or null"]),
    ("canary", [], ["found an empty list", "expected text or null"]),
    ("created_at", 20240101, ["found the number", "expected text"]),
    ("system_prompt_hash", {}, ["found an empty object", "expected text"]),
    ("system_prompt", 1, ["found the number 1", "expected text or null"]),
    ("compliance_level", True, ["found true", "expected 1, 2, 3, 4 or null"]),
    ("compliance_level", 9, ["found the number 9", "expected 1, 2, 3, 4 or null"]),
    ("alignment_faking", "no", ["found the text 'no'", "expected true, false or null"]),
    ("labels", {"x": "yes"}, ["found an object", "name: true/false"]),
    ("judge", "ok", ["found the text 'ok'", "expected an object or null"]),
    ("request", None, ["found null", "expected an object"]),
    ("usage", [1], ["found a list of 1", "expected an object"]),
    ("error", 3, ["found the number 3", "expected text or null"]),
    ("redacted", "false", ["found the text 'false'", "expected true or false"]),
    ("tier", "gold", ["found the text 'gold'", 'expected one of "free", "paid"']),
    ("provenance", 1, ["found the number 1", "expected one of"]),
    ("compliance", "maybe", ["found the text 'maybe'", "expected one of"]),
    ("model", 3, ["found the number 3", "expected text"]),
    ("id", "", ["found empty text", "expected a non-empty id"]),
    ("messages", "hi", ["found the text 'hi'", "expected a list"]),
    ("schema_version", "1", ["found the text '1'", "expected a version"]),
]


@pytest.mark.parametrize(("name", "value", "words"), WRONG_TYPES, ids=lambda v: str(v)[:20])
def test_a_wrong_value_is_one_error_naming_file_line_field_found_and_expected(
    tmp_path, name, value, words
):
    path = tmp_path / "wrong.jsonl"
    path.write_bytes(lines(good("a"), good("b", **{name: value}), good("c")))
    for result in (read_jsonl(path), load_path(path)):
        assert len(result.errors) == 1
        text = str(result.errors[0])
        assert text.startswith(f"wrong.jsonl, line 2: field '{name}': "), text
        for word in words:
            assert word in text, text
    assert [t.id for t in read_jsonl(path).transcripts] == ["a", "c"]
    assert load_path(path).frame["id"].tolist() == ["a", "c"]


def test_a_bad_message_names_its_index_and_part(tmp_path):
    data = lines(
        good(messages=[{"role": "user", "content": "x"}, {"role": "robot", "content": ""}])
    )
    table = table_from_bytes(data, "m.jsonl")
    assert str(table.errors[0]) == (
        "m.jsonl, line 1: field 'messages[1].role': found the text 'robot', "
        'expected "user" or "assistant"'
    )


def test_odd_but_valid_values_load():
    odd = good(
        notes="**bold** ![x](http://127.0.0.1:9/p.png) $x$",
        source_url="javascript:alert(1)",
        canary="",
        judge={"model": 3, "alignment_faking": "odd"},
        extra_field_from_a_newer_version={"kept": "out"},
        labels={},
        system_prompt=None,
    )
    table = table_from_bytes(lines(odd), "odd.jsonl")
    assert table.errors == [] and len(table) == 1
    assert table.transcript("good-1").notes.startswith("**bold**")


def test_invalid_json_and_deep_nesting_are_line_errors():
    deep = '{"id": ' + "[" * 5000 + "]" * 5000 + "}"
    table = table_from_bytes(lines(good("a"), "{not json", deep, "[1, 2]", good("b")), "j.jsonl")
    assert [(e.line, e.field) for e in table.errors] == [
        (2, "(line)"),
        (3, "(line)"),
        (4, "(line)"),
    ]
    assert "not valid JSON" in table.errors[0].problem
    assert "found a list of 2, expected a JSON object" in table.errors[2].problem
    assert table.frame["id"].tolist() == ["a", "b"]


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ("\ufeff" + json.dumps(good()), None),  # a UTF-8 byte-order mark is fine
        (None, "UTF-16 text"),
        (b"\x00\x01\x02\x03binary\x00\xff" * 50, "binary data"),
        (b"\x1f\x8b\x08\x00" + bytes(100), "gzip"),
    ],
    ids=["utf8-bom", "utf16", "binary", "gzip"],
)
def test_a_file_in_the_wrong_encoding_is_one_error_that_says_so(tmp_path, data, words):
    if data is None:
        data = lines(good("a"), good("b"), good("c")).decode().encode("utf-16")
    elif isinstance(data, str):
        data = data.encode()
    path = tmp_path / "enc.jsonl"
    path.write_bytes(data)
    for result in (read_jsonl(path), load_path(path)):
        if words is None:
            assert result.errors == []
            continue
        assert len(result.errors) == 1, result.errors
        assert words in str(result.errors[0]) and "expected UTF-8" in str(result.errors[0])
        assert str(result.errors[0]).startswith("enc.jsonl: the file is ")


def test_utf16_without_a_byte_order_mark_is_named(tmp_path):
    data = lines(good("a"), good("b")).decode().encode("utf-16-le")
    table = table_from_bytes(data, "le.jsonl")
    assert len(table.errors) == 1 and "UTF-16" in table.errors[0].problem


def test_a_latin1_line_is_an_encoding_error_and_the_rest_loads():
    latin = json.dumps(good("b", notes="café"), ensure_ascii=False).encode("latin-1")
    data = lines(good("a")) + latin + b"\n" + lines(good("c"))
    table = table_from_bytes(data, "mixed.jsonl")
    assert table.frame["id"].tolist() == ["a", "c"]
    assert [(e.line, e.field) for e in table.errors] == [(2, "(encoding)")]
    assert "not UTF-8 (0xE9" in table.errors[0].problem


def test_a_repeated_id_counts_once_and_says_so(tmp_path):
    path = tmp_path / "twice.jsonl"
    path.write_bytes(lines(good("a"), good("b"), good("a", tier="paid"), good("a")))
    for result in (read_jsonl(path), load_path(path)):
        assert len(result.errors) == 2
        assert "line 3: field 'id': repeats id 'a' of line 1: counted once" in str(result.errors[0])
    table = load_path(path)
    assert table.frame["id"].tolist() == ["a", "b"]
    assert table.frame["tier"].tolist() == ["free", "free"]  # the first line is the one kept


def test_the_same_id_in_two_files_is_counted_once_and_the_drop_is_counted():
    first = table_from_bytes(lines(good("a"), good("b")), "one.jsonl")
    second = table_from_bytes(lines(good("b"), good("c")), "two.jsonl")
    merged = merge_tables([first, second])
    assert merged.frame["id"].tolist() == ["a", "b", "c"]
    assert merged.dropped == 1


def test_writing_a_transcript_that_would_not_load_is_refused():
    from alignment_faking_lab.data.storage import TranscriptFormatError, dumps

    transcript = Transcript(**{**_fields(good()), "harmful": "yes"})
    with pytest.raises(TranscriptFormatError, match="harmful"):
        dumps(transcript)


def _fields(record: dict) -> dict:
    from alignment_faking_lab.data.storage import transcript_from_dict

    return {
        name: getattr(transcript_from_dict(record), name)
        for name in Transcript.__dataclass_fields__
    }


def test_validate_prints_one_line_per_problem_then_the_counts(tmp_path):
    clean = tmp_path / "clean.jsonl"
    clean.write_bytes(lines(good("a"), good("b")))
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(lines(good("c"), good("d", harmful={"x": 1}), "{nope"))
    utf16 = tmp_path / "utf16.jsonl"
    utf16.write_bytes(lines(good("e")).decode().encode("utf-16"))
    finished = validate(clean)
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.splitlines() == ["2 valid, 0 rejected"]
    finished = validate(clean, bad, utf16, tmp_path / "missing.jsonl")
    assert finished.returncode == 1
    assert finished.stderr == ""
    out = finished.stdout.splitlines()
    assert out[-1] == "3 valid, 4 rejected"
    assert out[0].startswith("bad.jsonl, line 2: field 'harmful': found an object")
    assert out[1].startswith("bad.jsonl, line 3: field '(line)'")
    assert "utf16.jsonl: the file is UTF-16 text" in out[2]
    assert out[3] == "missing.jsonl: no such file"


def test_validate_reads_a_folder_and_never_shows_a_traceback(tmp_path):
    (tmp_path / "a.jsonl").write_bytes(b"\xff\xfe\x00\x00garbage")
    (tmp_path / "b.jsonl").write_bytes(lines(good("x")))
    (tmp_path / "sub.jsonl").mkdir()
    finished = validate(tmp_path, tmp_path / "sub.jsonl")
    assert "Traceback" not in finished.stdout + finished.stderr
    assert finished.stdout.splitlines()[-1] == "1 valid, 3 rejected"
    assert "sub.jsonl: is a folder" in finished.stdout  # found in the folder
    assert "sub.jsonl: no .jsonl file in this folder (it is empty)" in finished.stdout  # named


def test_validate_piped_into_head_ends_quietly(tmp_path):
    path = tmp_path / "many.jsonl"
    path.write_bytes(lines(*[good(f"x{n}", harmful="no") for n in range(5000)]))
    process = subprocess.Popen(
        [sys.executable, "-m", "alignment_faking_lab", "validate", str(path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=PROJECT_ROOT,
    )  # fmt: skip
    assert process.stdout.readline().startswith(b"many.jsonl, line 1: field 'harmful'")
    process.stdout.close()  # as `| head -1` does
    assert process.wait(timeout=60) == 1
    assert b"Traceback" not in process.stderr.read()


def test_a_missing_or_null_required_field_says_what_was_expected():
    record = good("m")
    del record["model"]
    table = table_from_bytes(lines(record, good("n", tier=None)), "req.jsonl")
    assert [str(e) for e in table.errors] == [
        "req.jsonl, line 1: field 'model': found nothing (the field is missing), expected text",
        'req.jsonl, line 2: field \'tier\': found null, expected one of "free", "paid"',
    ]
