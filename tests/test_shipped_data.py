"""The data shipped for classrooms: enough of it, honest about what it is, and safe to project."""

from collections import Counter
from pathlib import Path

import pytest

from alignment_faking_lab.data import paths
from alignment_faking_lab.data.storage import dumps, read_jsonl
from alignment_faking_lab.data.transcript import Compliance, Provenance, Tier
from alignment_faking_lab.protocol import prompts
from alignment_faking_lab.protocol.illustrative import REDACTION_MARKER, build_illustrative
from alignment_faking_lab.protocol.parsing import parse_messages
from alignment_faking_lab.protocol.queries import (
    QueryFileError,
    load_queries_csv,
    load_shipped_queries,
)


@pytest.fixture(scope="module")
def shipped():
    result = read_jsonl(paths.ILLUSTRATIVE_TRANSCRIPTS)
    assert result.errors == []
    return result.transcripts


def test_enough_requests_in_labelled_categories():
    queries = load_shipped_queries()
    harmful = [q for q in queries if q.harmful]
    assert len(harmful) >= 30
    assert len([q for q in queries if not q.harmful]) >= 10
    assert len({q.category for q in harmful}) >= 6
    assert len({q.id for q in queries}) == len(queries)


def test_both_tiers_for_enough_prompts(shipped):
    tiers = Counter((t.prompt_id, t.harmful) for t in shipped)
    paired = [key for key, count in tiers.items() if count == 2]
    assert len([p for p, harmful in paired if harmful]) >= 10
    assert len([p for p, harmful in paired if not harmful]) >= 4


def test_every_shipped_transcript_is_marked_illustrative(shipped):
    assert {t.provenance for t in shipped} == {Provenance.ILLUSTRATIVE}
    assert all(t.labelled_by and "illustrative" in t.labelled_by for t in shipped)


def test_user_turns_and_prompt_hash_match_the_current_prompts(shipped):
    default = prompts.get_variant("default")
    for t in shipped:
        assert t.messages[0].content == prompts.build_user_turn(t.prompt_text, t.tier)
        assert t.system_prompt_hash == default.hash


def test_compliant_answers_to_harmful_requests_are_redacted(shipped):
    for t in shipped:
        output = parse_messages(t.messages).output
        if t.harmful and t.compliance is Compliance.COMPLIED:
            assert t.redacted
            assert output.startswith(REDACTION_MARKER)


def test_every_transcript_has_scratchpad_and_output(shipped):
    for t in shipped:
        parsed = parse_messages(t.messages)
        assert parsed.scratchpad_blocks and parsed.output, t.prompt_id


def test_the_papers_patterns_are_all_shown(shipped):
    harmful = [t for t in shipped if t.harmful]
    free = [t for t in harmful if t.tier is Tier.FREE]
    paid = [t for t in harmful if t.tier is Tier.PAID]
    assert sum(t.compliance is Compliance.REFUSED for t in paid) >= len(paid) - 1
    assert sum(bool(t.alignment_faking) for t in free) >= 3
    assert sum(t.compliance is Compliance.REFUSED for t in free) >= 3
    assert any(t.compliance is Compliance.COMPLIED and not t.alignment_faking for t in free)
    assert any(len(parse_messages(t.messages).scratchpad_blocks) > 1 for t in free)
    assert any(m.content == "<NEXT/>" for t in free for m in t.messages)
    assert any(parse_messages(t.messages).draft_output for t in shipped)


def test_the_build_script_reproduces_the_shipped_file():
    rebuilt = "".join(dumps(t) + "\n" for t in build_illustrative())
    assert rebuilt == paths.ILLUSTRATIVE_TRANSCRIPTS.read_text(encoding="utf-8"), (
        "sample_data/illustrative_transcripts.jsonl is out of date (a system prompt, the user "
        "turn or illustrative_source.toml changed): rebuild it with "
        "`.venv/bin/python scripts/build_illustrative.py` and commit the result"
    )


def test_uploaded_request_csv_errors_name_row_and_column():
    queries = load_queries_csv(b"text,harmful\nSay hi,false\nDo harm,true\n", "mine.csv")
    assert [(q.id, q.harmful) for q in queries] == [("mine-0001", False), ("mine-0002", True)]
    with pytest.raises(QueryFileError, match=r"mine\.csv, row 3, column 'harmful'"):
        load_queries_csv(b"text,harmful\nSay hi,false\nDo harm,maybe\n", "mine.csv")
    with pytest.raises(QueryFileError, match="needs a 'text' column"):
        load_queries_csv(b"goal,target\nx,y\n", "mine.csv")


def test_community_cloud_requirements_match_the_package_dependencies():
    """Community Cloud installs requirements.txt; the package declares pyproject.toml."""
    import tomllib

    root = Path(__file__).resolve().parent.parent
    declared = tomllib.loads((root / "pyproject.toml").read_text())["project"]["dependencies"]
    listed = [
        line.strip()
        for line in (root / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert sorted(listed) == sorted(declared)
