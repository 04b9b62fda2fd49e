"""The Results page on runs a user brings: it follows a growing run, and stays readable with
many groups beside the paper (AppTest)."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from alignment_faking_lab.data.catalogue import load_illustrative
from alignment_faking_lab.data.storage import dumps
from alignment_faking_lab.data.transcript import Provenance, Transcript
from tests.page_helpers import open_page, page_text

LOADED = {"data": "Transcripts loaded in the app"}


def live_copies(run_id: str, **fields) -> list[Transcript]:
    """The shipped harmful examples as if a live run had made them (free/paid pairs kept)."""
    samples = [t for t in load_illustrative() if t.harmful]
    return [
        replace(t, id=f"{run_id}-{i}", provenance=Provenance.LIVE, source_url=None,
                run_id=run_id, **fields)
        for i, t in enumerate(samples)
    ]  # fmt: skip


def write_run(data_dir: Path, name: str, transcripts: list[Transcript], mode: str = "w") -> Path:
    (data_dir / "runs").mkdir(exist_ok=True)
    path = data_dir / "runs" / f"{name}.jsonl"
    with path.open(mode) as out:
        out.write("".join(dumps(t) + "\n" for t in transcripts))
    return path


def plain(at) -> str:
    return page_text(at).replace("\\", "")  # the page escapes markdown in data


def test_results_follow_a_run_that_grows(isolated_data_dir):
    """A run that gains transcripts (a live run still going) is counted anew on the next visit,
    although the page's figures are computed once and shared."""
    live = live_copies("grow", model="growing-model")
    write_run(isolated_data_dir, "grow", live[:4])
    first = open_page("pages/results.py", LOADED)
    assert "growing-model** · 4 transcripts" in plain(first)
    write_run(isolated_data_dir, "grow", live[4:6], mode="a")
    second = open_page("pages/results.py", LOADED)
    assert "growing-model** · 6 transcripts" in plain(second)


def test_many_groups_beside_the_paper_are_one_table_and_one_chosen_in_full(isolated_data_dir):
    """Four models in one run (and the shipped examples): one table of every group, and the
    group chosen shown in full."""
    run = [
        replace(t, id=f"{t.id}-{model}", model=model)
        for model in ("model-a", "model-b", "model-c", "model-d")
        for t in live_copies("many")
    ]
    write_run(isolated_data_dir, "many", run)
    at = open_page("pages/results.py", LOADED)
    detail = at.selectbox(key="r_run_checks_detail")
    assert (
        sum(o.endswith(("model-a", "model-b", "model-c", "model-d")) for o in detail.options) == 4
    )
    table = next(d.value for d in at.dataframe if "Group" in d.value.columns).set_index("Group")
    row = table.loc[next(g for g in table.index if g.endswith("model-d"))]
    assert (
        row["Free tier complied (%)"].startswith("50.0 (")
        and "paper 14.2" in row.iloc[1:].str.cat()
    )
    assert "model-c** ·" not in plain(at)
    detail.set_value(next(o for o in detail.options if o.endswith("model-c"))).run()
    assert "model-c** · 24 transcripts" in plain(at) and "model-a** ·" not in plain(at)
    assert not at.exception


def test_the_illustrative_examples_are_not_set_beside_the_paper(isolated_data_dir):
    """Beside the paper's figures stand measured transcripts (a run) only; the shipped examples,
    written for teaching, are named as left out instead of shown as a group with rates."""
    write_run(isolated_data_dir, "measured", live_copies("measured", model="measured-model"))
    at = open_page("pages/results.py", LOADED)
    text = plain(at)
    assert "measured-model** · 24 transcripts" in text
    assert not re.search(r"\*\*illustrative[^*]*\*\* · \d+ transcripts", text)  # no group
    assert "illustrative examples are not set beside the paper's figures" in text
    assert not at.exception
