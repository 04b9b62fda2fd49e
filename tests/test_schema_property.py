"""Random corruptions of valid transcript lines, through the loaders and the validate command.

Whatever happens to some lines of a file, nothing may escape as an exception, every untouched
line must still load, and each corrupted line must either still be a valid transcript or be
rejected with exactly one error naming its line.
"""

from __future__ import annotations

import contextlib
import io
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alignment_faking_lab.__main__ import main
from alignment_faking_lab.data.storage import parse_jsonl
from alignment_faking_lab.data.table import table_from_bytes
from alignment_faking_lab.data.transcript import (
    TRANSCRIPT_FIELDS,
    Message,
    Provenance,
    Tier,
    Transcript,
)

FIELD_NAMES = [*sorted(TRANSCRIPT_FIELDS), "schema_version"]
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**40), 2**40) | st.floats(allow_nan=False)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)  # fmt: skip


def valid_record(number: int) -> dict:
    return Transcript(
        id=f"tx-{number:06d}",
        provenance=Provenance.LIVE,
        tier=Tier.PAID if number % 2 else Tier.FREE,
        prompt_id=f"p{number}",
        prompt_text="A request ✓",
        messages=[Message("user", "<INPUT>x</INPUT>"), Message("assistant", "<OUTPUT>y</OUTPUT>")],
        model="m",
        judge={"model": "j"},
        labels={"a": True},
    ).to_dict()


@st.composite
def corrupted_line(draw, number: int) -> bytes:
    """One valid line, damaged one way: a field's value or type, a field gone, bytes cut,
    replaced or inserted (never a newline, which would make two lines of one)."""
    record = valid_record(number)
    kind = draw(st.sampled_from(["value", "drop", "cut", "bytes", "insert"]))
    if kind == "value":
        record[draw(st.sampled_from(FIELD_NAMES))] = draw(JSON_VALUES)
    elif kind == "drop":
        record.pop(draw(st.sampled_from(FIELD_NAMES)), None)
    raw = json.dumps(record, ensure_ascii=draw(st.booleans())).encode()
    no_newline = st.binary(min_size=1, max_size=8).map(lambda b: b.replace(b"\n", b" "))
    if kind == "cut":
        raw = raw[: draw(st.integers(0, len(raw) - 1))]
    elif kind in ("bytes", "insert"):
        at = draw(st.integers(0, len(raw) - 1))
        chunk = draw(no_newline)
        raw = raw[:at] + chunk + raw[at + (len(chunk) if kind == "bytes" else 0) :]
    return raw


@st.composite
def damaged_file(draw) -> tuple[bytes, set[int]]:
    """A file of valid lines, some corrupted; returns the bytes and the damaged line numbers."""
    count = draw(st.integers(1, 12))
    damaged = draw(st.sets(st.integers(1, count), max_size=count))
    lines = [
        draw(corrupted_line(n)) if n in damaged else json.dumps(valid_record(n)).encode()
        for n in range(1, count + 1)
    ]
    return b"\n".join(lines) + b"\n", damaged


def _check(data: bytes, damaged: set[int], ids: list[str], errors: list) -> None:
    count = data.count(b"\n")
    kept = {int(i.split("-")[1]) for i in ids if i.startswith("tx-") and i[3:].isdigit()}
    for number in range(1, count + 1):
        if number not in damaged:
            assert number in kept, f"valid line {number} was not loaded"
    if [e.line for e in errors] == [0]:  # one error for the whole file: nothing was readable
        assert not ids and damaged == set(range(1, count + 1))
        return
    per_line: dict[int, int] = {}
    for error in errors:
        per_line[error.line] = per_line.get(error.line, 0) + 1
    assert set(per_line) <= damaged, "an undamaged line got an error"
    assert all(n == 1 for n in per_line.values()), "a line got more than one error"


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(damaged_file())
def test_the_loaders_keep_valid_lines_and_give_each_bad_line_one_error(case):
    data, damaged = case
    table = table_from_bytes(data, "random.jsonl")
    _check(data, damaged, table.frame["id"].tolist(), table.errors)
    result = parse_jsonl(data, "random.jsonl")
    _check(data, damaged, [t.id for t in result.transcripts], result.errors)
    assert [t.id for t in result.transcripts] == table.frame["id"].tolist()
    assert [str(e) for e in result.errors] == [str(e) for e in table.errors]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(damaged_file())
def test_the_validate_command_reports_the_same_and_never_raises(tmp_path, case):
    data, damaged = case
    path = tmp_path / "random.jsonl"
    path.write_bytes(data)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = main(["validate", str(path)])
    printed = out.getvalue().splitlines()
    table = table_from_bytes(data, "random.jsonl")
    assert printed[-1] == f"{len(table)} valid, {len(table.errors)} rejected"
    assert printed[:-1] == [str(e) for e in table.errors]
    assert status == (1 if table.errors else 0)
    assert len(table) >= data.count(b"\n") - len(damaged)
