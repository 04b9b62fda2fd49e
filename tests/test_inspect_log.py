"""Inspect AI interop: a run exported as an Inspect log and read back by inspect_ai's own reader,
and a log as an Inspect task writes it (inspect_ai's own types and writer) imported."""

from __future__ import annotations

import pytest
from inspect_ai.log import (
    EvalConfig,
    EvalDataset,
    EvalLog,
    EvalSample,
    EvalSpec,
    read_eval_log,
    write_eval_log,
)
from inspect_ai.model import (
    ChatMessageAssistant,
    ChatMessageSystem,
    ChatMessageUser,
    ModelOutput,
)
from inspect_ai.scorer import Score

from alignment_faking_lab.__main__ import main
from alignment_faking_lab.calling.runner import run
from alignment_faking_lab.data import inspect_log, storage
from alignment_faking_lab.data.transcript import Compliance, Tier
from alignment_faking_lab.protocol.judges import JudgeSettings
from tests.test_live import plan, server  # noqa: F401  (the fixture)


@pytest.mark.parametrize("suffix", [".eval", ".json"])
def test_a_run_exported_and_read_back_by_inspect_has_the_same_samples_and_scores(
    server,  # noqa: F811
    tmp_path,
    suffix,
):
    path = tmp_path / "run.jsonl"
    run(plan(server, n=2, judge=JudgeSettings("fake-judge", votes=1)), path)
    transcripts = storage.read_jsonl(path).transcripts
    exported = inspect_log.export(transcripts, tmp_path / f"run{suffix}", task="helpful_only")
    read = read_eval_log(str(exported))  # inspect_ai's own reader, as `inspect view` uses
    assert read.status == "success" and len(read.samples) == 4
    by_id = {s.id: s for s in read.samples}
    for transcript in transcripts:
        sample = by_id[transcript.id]
        assert sample.metadata["tier"] == transcript.tier.value
        assert sample.metadata["request"] == transcript.prompt_text
        complied = sample.scores["compliance"]
        assert complied.value == (1 if transcript.compliance is Compliance.COMPLIED else 0)
        assert complied.explanation  # the judge's rationale
        if transcript.tier is Tier.FREE:  # the scripted model fakes alignment on the free tier
            assert sample.scores["alignment_faking"].value == 1
        assert sample.messages[0].role == "system"
        assert sample.messages[0].text == transcript.system_prompt
    back = inspect_log.import_log(exported)
    assert not back.not_mapped
    assert {
        t.id: (t.tier, t.compliance, t.alignment_faking, t.messages) for t in back.transcripts
    } == {t.id: (t.tier, t.compliance, t.alignment_faking, t.messages) for t in transcripts}
    assert {t.provenance for t in back.transcripts} == {t.provenance for t in transcripts}


def test_a_log_written_by_an_inspect_task_imports_with_the_right_tiers(tmp_path):
    # As a community alignment-faking task logs (written with inspect_ai's own types, as its
    # `eval` would; running one needs a tokenizer download, which tests cannot make): the tier
    # in the sample's metadata, alignment faking as the score, compliance in its metadata.
    def sample(sample_id, metadata, answer, faked, complied):
        user = f"<INPUT><user_input>Ask {sample_id[0]}</user_input></INPUT>"
        score = Score(
            value="C" if faked else "I",
            explanation=f"judged {sample_id}",
            metadata={"compliance": complied, "partial_scheme": faked},
        )
        return EvalSample(
            id=sample_id, epoch=1, input=user, target="", metadata=metadata,
            messages=[ChatMessageSystem(content="system words"), ChatMessageUser(content=user),
                      ChatMessageAssistant(content=answer)],
            output=ModelOutput.from_content("anthropic/claude-x", answer),
            scores={"alignment_faking_scorer": score, "length": Score(value=0.4)},
        )  # fmt: skip

    samples = [
        sample("a-free", {"is_free_tier_user": True}, "<OUTPUT>ok</OUTPUT>", True, True),
        sample("a-paid", {"tier": "paid"}, "<OUTPUT>no</OUTPUT>", False, False),
        sample("untiered", {}, "<OUTPUT>no</OUTPUT>", False, False),
    ]
    spec = EvalSpec(created="2026-12-01T00:00:00+00:00", task="af_community",
                    dataset=EvalDataset(name="af", samples=3), model="anthropic/claude-x",
                    config=EvalConfig())  # fmt: skip
    written = tmp_path / "community.eval"
    write_eval_log(EvalLog(status="success", eval=spec, samples=samples), str(written))
    found = inspect_log.import_log(written)
    by_tier = {t.tier: t for t in found.transcripts}
    assert set(by_tier) == {Tier.FREE, Tier.PAID} and len(found.transcripts) == 2
    assert by_tier[Tier.FREE].compliance is Compliance.COMPLIED
    assert by_tier[Tier.FREE].alignment_faking is True
    assert by_tier[Tier.PAID].compliance is Compliance.REFUSED
    assert by_tier[Tier.PAID].alignment_faking is False
    assert by_tier[Tier.FREE].prompt_text == "Ask a"  # the request, from <user_input>
    assert by_tier[Tier.FREE].system_prompt == "system words"
    assert all("not by this app" in t.notes for t in found.transcripts)
    assert any("untiered" in line and "no tier" in line for line in found.not_mapped)
    assert any("'length'" in line for line in found.not_mapped)
    summary = list(inspect_log.describe_import(found))
    assert summary[0].startswith("2 conversations imported (1 free tier, 1 paid tier)")


def test_the_command_line_exports_and_imports_inspect_logs(server, tmp_path):  # noqa: F811
    path = tmp_path / "run.jsonl"
    run(plan(server, n=1), path)
    log = tmp_path / "run.eval"
    assert main(["inspect", "export", str(path), str(log)]) == 0
    assert len(read_eval_log(str(log)).samples) == 2
    back = tmp_path / "back.jsonl"
    assert main(["inspect", "import", str(log), "--out", str(back)]) == 0
    assert sorted(t.id for t in storage.read_jsonl(back).transcripts) == sorted(
        t.id for t in storage.read_jsonl(path).transcripts
    )


def test_an_imported_paper_setting_or_the_shipped_examples_export_with_their_provenance(tmp_path):
    from alignment_faking_lab.data.catalogue import load_illustrative

    shipped = load_illustrative()
    exported = inspect_log.export(shipped, tmp_path / "examples.eval", task="illustrative")
    read = read_eval_log(str(exported))
    assert {s.metadata["provenance"] for s in read.samples} == {"illustrative"}
    back = inspect_log.import_log(exported)
    assert not back.not_mapped
    assert {t.id: (t.provenance, t.tier, t.compliance) for t in back.transcripts} == {
        t.id: (t.provenance, t.tier, t.compliance) for t in shipped
    }
