"""JSONL round trip, and malformed lines reported by line and field without losing the rest."""

import json

from alignment_faking_lab.data.storage import parse_jsonl, read_jsonl, write_jsonl
from alignment_faking_lab.data.transcript import (
    SCHEMA_VERSION,
    Compliance,
    Message,
    Provenance,
    Tier,
    Transcript,
)


def make(id_: str = "t1", **overrides) -> Transcript:
    values = dict(
        id=id_,
        provenance=Provenance.LIVE,
        tier=Tier.FREE,
        prompt_id="p1",
        prompt_text="Describe a thing.",
        messages=[Message("user", "<INPUT>x</INPUT>"), Message("assistant", "<OUTPUT>y</OUTPUT>")],
        model="some-model",
        compliance=Compliance.REFUSED,
        labels={"training_awareness": True},
    )
    values.update(overrides)
    return Transcript(**values)


def test_round_trip_keeps_every_field(tmp_path):
    original = [make("a"), make("b", tier=Tier.PAID, alignment_faking=False, compliance_level=1)]
    path = tmp_path / "run.jsonl"
    write_jsonl(path, original)
    first_line = json.loads(path.read_text().splitlines()[0])
    assert first_line["schema_version"] == SCHEMA_VERSION
    result = read_jsonl(path)
    assert result.errors == []
    assert result.transcripts == original


def test_malformed_lines_name_line_and_field_and_keep_valid_ones():
    good = json.dumps(make("ok").to_dict())
    good2 = json.dumps(make("ok2").to_dict())
    bad_tier = json.dumps({**make("x").to_dict(), "tier": "premium"})
    missing_model = {**make("y").to_dict()}
    del missing_model["model"]
    data = "\n".join([good, "{not json", bad_tier, json.dumps(missing_model), good2]).encode()
    result = parse_jsonl(data, "mine.jsonl")
    assert [t.id for t in result.transcripts] == ["ok", "ok2"]
    described = [(e.line, e.field) for e in result.errors]
    assert described == [(2, "(line)"), (3, "tier"), (4, "model")]
    assert "mine.jsonl, line 3: field 'tier'" in str(result.errors[1])


def test_newer_schema_version_is_refused_clearly():
    record = {**make().to_dict(), "schema_version": SCHEMA_VERSION + 1}
    result = parse_jsonl(json.dumps(record).encode(), "future.jsonl")
    assert result.transcripts == []
    assert result.errors[0].field == "schema_version"


def test_bad_message_shape_is_named():
    record = {**make().to_dict(), "messages": [{"role": "user"}]}
    result = parse_jsonl(json.dumps(record).encode(), "f.jsonl")
    assert result.errors[0].field == "messages[0].content"
    assert "found null, expected text" in str(result.errors[0])
