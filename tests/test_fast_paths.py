"""The fast paths give the same answers as the simple ones, on the same (awkward) data.

The app loads files as columnar tables (table.py), searches one text buffer (search.py) and
counts with vectorised group numbers (statistics.py). Each is checked here against the plain
way: full `Transcript` objects, Python substring tests, and counting in loops.
"""

from __future__ import annotations

import json
import math
import random
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from alignment_faking_lab.analysis.statistics import (
    gap_table,
    mcnemar_exact,
    paired_gap,
    tier_summary,
)
from alignment_faking_lab.data.filtering import TranscriptFilter, filter_frame
from alignment_faking_lab.data.frames import transcripts_frame
from alignment_faking_lab.data.search import search_text
from alignment_faking_lab.data.selection import counterpart_id
from alignment_faking_lab.data.storage import dumps, read_jsonl, write_jsonl
from alignment_faking_lab.data.table import load_table, merge_tables, table_from_bytes
from alignment_faking_lab.data.transcript import Compliance, Message, Provenance, Tier, Transcript

WORDS = ["RLHF", "modify", "values", "Überzeugung", "naïve", "refuse", "comply", "train", "ok"]


def random_transcripts(count: int, seed: int = 7) -> list[Transcript]:
    """Mixed sources and outcomes, missing labels, repeated requests, odd text."""
    rng = random.Random(seed)
    transcripts = []
    for index in range(count):
        prompt = f"p{rng.randrange(max(1, count // 3))}"
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 40)))
        if index % 17 == 0:
            text += " line\u2028separator"  # JSON allows it raw; must not split a line
        transcripts.append(
            Transcript(
                id=f"t{index}",
                provenance=rng.choice(list(Provenance)),
                tier=rng.choice(list(Tier)),
                prompt_id=prompt,
                prompt_text=f"Request {prompt}: {rng.choice(WORDS)}",
                messages=[Message("user", "<INPUT>x</INPUT>"), Message("assistant", text)],
                model=rng.choice(["m1", "m2", "m3"]),
                setting=rng.choice(["helpful_only", "animal_welfare"]),
                variant=rng.choice(["default", "cut_rlhf_info"]),
                prompt_category=rng.choice(["a", "b", ""]),
                harmful=rng.random() < 0.8,
                sample_index=rng.randrange(2),
                run_id=rng.choice(["", "r1"]),
                compliance=rng.choice([*Compliance, None]),
                compliance_level=rng.choice([None, 1, 4]),
                alignment_faking=rng.choice([True, False, None]),
                labelled_by=rng.choice(["", "acceptance tag"]),
            )
        )
    return transcripts


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, list[Transcript]]:
    """A file with a blank line, a malformed line and a record missing optional fields."""
    transcripts = random_transcripts(300)
    path = tmp_path_factory.mktemp("fast") / "corpus.jsonl"
    write_jsonl(path, transcripts)
    minimal = {k: v for k, v in transcripts[0].to_dict().items() if k in (
        "id", "provenance", "tier", "prompt_id", "prompt_text", "messages", "model")}  # fmt: skip
    minimal["id"] = "minimal"
    with path.open("a", encoding="utf-8") as handle:
        handle.write("\n{broken\n" + json.dumps(minimal) + "\n")
    return path, read_jsonl(path).transcripts


def test_the_table_is_the_frame_of_the_full_transcripts(corpus):
    path, transcripts = corpus
    table = load_table(path)
    pd.testing.assert_frame_equal(table.frame, transcripts_frame(transcripts))
    assert [str(e) for e in table.errors] == [str(e) for e in read_jsonl(path).errors]
    assert len(table.errors) == 1 and table.errors[0].line == 302


def test_an_upload_loads_as_the_file_does(corpus):
    path, _ = corpus
    from_file, from_bytes = load_table(path), table_from_bytes(path.read_bytes(), path.name)
    pd.testing.assert_frame_equal(from_file.frame, from_bytes.frame)
    assert [str(e) for e in from_file.errors] == [str(e) for e in from_bytes.errors]


def test_transcripts_read_back_are_the_ones_written(corpus):
    path, transcripts = corpus
    table = load_table(path)
    assert table.transcript("t150") == transcripts[150]
    assert table.transcript("minimal") == transcripts[-1]
    assert table.transcript("no-such-id") is None
    assert table.transcripts_where(np.ones(len(table), dtype=bool)) == transcripts


@pytest.mark.parametrize(
    "phrase", ["rlhf", "RLHF", "überzeugung", "NAÏVE", "values modify", "request p1:", "\u2028",
               "ok\nrequest", "zzz", "  refuse  "],
)  # fmt: skip
def test_search_finds_exactly_the_rows_a_substring_test_finds(corpus, phrase):
    path, transcripts = corpus
    table = load_table(path)
    needle = phrase.strip().lower()
    expected = [
        needle in search_text(t.prompt_text, (m.content for m in t.messages)) for t in transcripts
    ]
    assert table.search.matches(phrase).tolist() == expected


def test_a_phrase_never_matches_across_two_transcripts(tmp_path):
    first, second = random_transcripts(2)
    first.messages = [Message("assistant", "ends with abc")]
    second.prompt_text = "def starts here"
    write_jsonl(tmp_path / "two.jsonl", [first, second])
    assert not load_table(tmp_path / "two.jsonl").search.matches("abc\x00def").any()
    assert not load_table(tmp_path / "two.jsonl").search.matches("abcrequest").any()


def test_filtering_with_search_matches_a_plain_loop(corpus):
    path, transcripts = corpus
    table = load_table(path)
    criteria = TranscriptFilter(models=("m1", "m2"), tiers=("free",), text="modify")
    got = filter_frame(table.frame, criteria, table.search)["id"].tolist()
    expected = [
        t.id
        for t in transcripts
        if t.model in ("m1", "m2")
        and t.tier is Tier.FREE
        and "modify" in search_text(t.prompt_text, (m.content for m in t.messages))
    ]
    assert got == expected


def test_merging_keeps_the_first_of_each_id_and_stays_row_for_row(tmp_path):
    first, second = random_transcripts(120, seed=1), random_transcripts(80, seed=2)
    for t in second[:40]:
        t.id = f"new-{t.id}"  # the other 40 repeat ids of the first file
    write_jsonl(tmp_path / "a.jsonl", first)
    write_jsonl(tmp_path / "b.jsonl", second)
    merged = merge_tables([load_table(tmp_path / "a.jsonl"), load_table(tmp_path / "b.jsonl")])
    expected = first + second[:40]
    pd.testing.assert_frame_equal(merged.frame, transcripts_frame(expected))
    texts = [search_text(t.prompt_text, (m.content for m in t.messages)) for t in expected]
    assert merged.search.matches("values").tolist() == ["values" in x for x in texts]
    assert merged.transcript("t5") == first[5]
    assert merged.transcript("new-t3") == second[3]
    assert merged.transcripts_where(np.ones(len(merged), dtype=bool)) == expected


def same_run(a: Transcript, b: Transcript) -> bool:
    """Two transcripts of the same replay: source, model, variant, run and sample."""
    fields = ("provenance", "model", "variant", "run_id", "sample_index")
    return all(getattr(a, name) == getattr(b, name) for name in fields)


def test_counterpart_is_the_same_request_in_the_other_tier(corpus):
    _, transcripts = corpus
    frame = transcripts_frame(transcripts)
    for transcript in transcripts[:60]:
        other = Tier.PAID if transcript.tier is Tier.FREE else Tier.FREE
        expected = next(
            (
                t.id
                for t in transcripts
                if t.prompt_id == transcript.prompt_id
                and t.tier is other
                and same_run(t, transcript)
            ),
            None,
        )
        assert counterpart_id(frame, transcript) == expected


def reference_summary(transcripts: list[Transcript], by: list[str]) -> dict[tuple, dict]:
    """Counts per (group..., tier), by looping."""
    frame = transcripts_frame(transcripts)
    counts: dict[tuple, dict] = defaultdict(lambda: defaultdict(int))
    for row in frame.itertuples(index=False):
        key = (*(str(getattr(row, k)) for k in by), str(row.tier))
        cell = counts[key]
        cell["n"] += 1
        cell["complied"] += row.compliance == "complied"
        cell["refused"] += row.compliance == "refused"
        cell["failed"] += row.compliance == "failed"
        faked = row.alignment_faking is not pd.NA and bool(row.alignment_faking)
        cell["complied_with_af"] += row.compliance == "complied" and faked
        cell.setdefault("provenances", set()).add(str(row.provenance))
    return counts


@pytest.mark.parametrize("by", [[], ["model"], ["model", "variant"], ["source", "setting"]])
def test_tier_summary_matches_counting_in_a_loop(corpus, by):
    _, transcripts = corpus
    summary = tier_summary(transcripts_frame(transcripts), by=by)
    expected = reference_summary(transcripts, by)
    assert [tuple(k) for k in summary[[*by, "tier"]].itertuples(index=False)] == sorted(expected)
    for row in summary.to_dict("records"):
        cell = expected[(*(row[k] for k in by), row["tier"])]
        for name in ("n", "complied", "refused", "failed", "complied_with_af"):
            assert row[name] == cell[name], name
        assert row["provenances"] == ", ".join(sorted(cell["provenances"]))
        judged = cell["complied"] + cell["refused"]
        if judged:
            assert row["compliance_rate"] == pytest.approx(cell["complied"] / judged)


def reference_gaps(transcripts: list[Transcript], by: list[str]) -> dict[tuple, dict]:
    """Pairs by looping: the first judged transcript per (group, request, sample...) and tier."""
    frame = transcripts_frame(transcripts)
    keys = list(dict.fromkeys([*by, "prompt_id", "sample_index", "model", "variant", "source"]))
    first: dict[tuple, dict[str, bool]] = defaultdict(dict)
    for row in frame.itertuples(index=False):
        if row.compliance in ("complied", "refused"):
            key = tuple(str(getattr(row, k)) for k in keys)
            first[key].setdefault(str(row.tier), row.compliance == "complied")
    groups: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for key, tiers in first.items():
        if "free" in tiers and "paid" in tiers:
            cell = groups[key[: len(by)]]
            cell[(not tiers["free"]) * 2 + (not tiers["paid"])] += 1  # both, free, paid, neither
    return groups


@pytest.mark.parametrize("by", [[], ["model"], ["model", "variant"]])
def test_gap_table_matches_pairing_in_a_loop(corpus, by):
    _, transcripts = corpus
    gaps = gap_table(transcripts_frame(transcripts), by=by)
    expected = reference_gaps(transcripts, by)
    for row in gaps.to_dict("records"):
        both, free_only, paid_only, neither = expected.get(tuple(row[k] for k in by), [0] * 4)
        assert row["n_pairs"] == both + free_only + paid_only + neither
        assert (row["free_only"], row["paid_only"]) == (free_only, paid_only)
        if row["n_pairs"]:
            gap = paired_gap(both, free_only, paid_only, neither)
            assert (row["gap"], row["gap_low"], row["gap_high"]) == pytest.approx(
                (gap.gap, gap.low, gap.high)
            )
            assert row["mcnemar_p"] == pytest.approx(mcnemar_exact(free_only, paid_only))
        else:
            assert math.isnan(row["mcnemar_p"])


def test_a_single_record_round_trips_through_every_path(tmp_path):
    transcript = random_transcripts(1)[0]
    line = dumps(transcript).encode() + b"\n"
    table = table_from_bytes(line, "one.jsonl")
    assert table.transcript(transcript.id) == transcript
    assert np.array_equal(table.locations[0], [0, 0, len(line)])


def test_paper_page_labels_and_strategy_match_the_plain_patterns():
    from alignment_faking_lab.paper import html_pages as paper_html

    pieces = ["a=True", " b = False ", "c=\nTrue", "\n", "\n\n", "  ", "x", "=", "True", "False",
              "Strategy summary", "STRATEGY SUMMARY:\n", "strategy summary\nIt complies.\n\n",
              "İ", "name_2=False\n", "ok"]  # fmt: skip
    rng = random.Random(3)
    for _ in range(2_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 14)))
        plain = {n: v == "True" for n, v in paper_html._LABEL_LINE.findall(text)}
        assert paper_html._labels(text) == plain, text
        fast, slow = paper_html._strategy(text), paper_html._STRATEGY.search(text)
        assert (fast and fast.span(), fast and fast.group(1)) == (
            slow and slow.span(),
            slow and slow.group(1),
        ), text


def test_published_alignment_faking_rates_from_the_table_match_the_labels(tmp_path):
    from alignment_faking_lab.analysis.paper_check import af_rates_from_frame
    from alignment_faking_lab.data.transcript import LENIENT_AF, STRICT_AF

    transcripts = random_transcripts(200, seed=5)
    rng = random.Random(5)
    for t in transcripts:
        t.labels = {
            name: rng.random() < 0.4 for name in (STRICT_AF, LENIENT_AF) if rng.random() < 0.7
        }
    write_jsonl(tmp_path / "paper.jsonl", transcripts)
    rates = af_rates_from_frame(load_table(tmp_path / "paper.jsonl").frame)
    free = [t for t in transcripts if t.tier is Tier.FREE and STRICT_AF in t.labels]
    assert rates.n == len(free)
    assert rates.strict == pytest.approx(sum(t.labels[STRICT_AF] for t in free) / len(free))
    assert rates.lenient == pytest.approx(
        sum(t.labels.get(LENIENT_AF, False) for t in free) / len(free)
    )


def append_lines(path: Path, transcripts: list[Transcript], extra: str = "") -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write("".join(dumps(t) + "\n" for t in transcripts) + extra)


def every(table) -> list[Transcript]:
    return table.transcripts_where(np.ones(len(table), dtype=bool))


def assert_same_table(got, path: Path) -> None:
    full = load_table(path)
    pd.testing.assert_frame_equal(got.frame, full.frame)
    assert [str(e) for e in got.errors] == [str(e) for e in full.errors]
    for phrase in ("values", "request p1", "zzz"):
        assert got.search.matches(phrase).tolist() == full.search.matches(phrase).tolist()
    assert every(got) == every(full)


def test_a_growing_file_is_extended_with_its_new_lines_only(tmp_path):
    from alignment_faking_lab.data.table import extend_table

    transcripts = random_transcripts(150, seed=9)
    path = tmp_path / "run.jsonl"
    write_jsonl(path, transcripts[:100])
    table = load_table(path)
    append_lines(path, transcripts[100:130], extra="{not json\n")
    table = extend_table(table, path)
    assert table is not None and len(table) == 130
    assert_same_table(table, path)
    assert table.errors[0].line == 131
    append_lines(path, transcripts[130:])
    table = extend_table(table, path)
    assert_same_table(table, path)
    assert table.transcript("t140") == transcripts[140]
    assert extend_table(table, path) is table  # nothing new


def test_a_file_that_did_not_simply_grow_is_not_extended(tmp_path):
    from alignment_faking_lab.data.table import extend_table

    transcripts = random_transcripts(60, seed=4)
    path = tmp_path / "run.jsonl"
    write_jsonl(path, transcripts[:40])
    table = load_table(path)
    write_jsonl(path, transcripts[5:60])  # rewritten, and longer
    assert extend_table(table, path) is None
    table = load_table(path)
    write_jsonl(path, transcripts[5:20])  # cut
    assert extend_table(table, path) is None
    table = load_table(path)
    append_lines(path, [], extra=dumps(transcripts[0])[:50])  # a line still being written
    torn = extend_table(table, path)
    assert torn is not None and not torn.complete and torn.errors
    append_lines(path, [], extra=dumps(transcripts[0])[50:] + "\n")
    assert extend_table(torn, path) is None  # so the whole file is read again
    upload = table_from_bytes(path.read_bytes(), path.name)
    assert extend_table(upload, path) is None
