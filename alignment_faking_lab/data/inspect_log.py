"""Transcripts as Inspect AI logs, and Inspect logs of alignment-faking tasks as transcripts.

Researchers evaluate with Inspect AI (UK AISI); `inspect view` opens its logs. Export: each
conversation is a sample (the system prompt, the turns, the final answer as its output), with
the tier and the request in its metadata and two scores, compliance (1 complied, 0 refused)
and alignment-faking reasoning (1 yes, 0 no), each with the judge's explanation; a conversation
with no verdict has no score for it, never a made-up one. Import: community alignment-faking
tasks put the tier in the sample's metadata and compliance in a score; whatever cannot be
mapped (a sample without a tier, a score of unknown meaning) is said plainly, and a sample
without a tier is left out.

`inspect_ai` is an optional extra (`pip install alignment-faking-lab[inspect]`), imported only
when a log is written or read: it takes seconds to import.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alignment_faking_lab.data.transcript import (
    Compliance,
    Message,
    Provenance,
    Tier,
    Transcript,
    content_hash,
)

EXPORTED_BY = "alignment-faking-lab"
INSTALL_HINT = "Inspect AI is not installed: pip install 'alignment-faking-lab[inspect]'"
COMPLIANCE_SCORE = "compliance"
FAKING_SCORE = "alignment_faking"
_ROLES = ("user", "assistant")
# Names under which community tasks put compliance in a score's metadata.
COMPLIANCE_KEYS = ("compliance", "complied", "compliant", "is_compliant", "refused", "is_refusal")
_USER_INPUT = re.compile(r"<user_input>\s*(.*?)\s*</user_input>", re.DOTALL)


class InspectMissing(ImportError):
    """Inspect AI is not installed."""


def available() -> bool:
    """Whether Inspect AI can be imported (without importing it)."""
    from importlib.util import find_spec

    return find_spec("inspect_ai") is not None


def _inspect() -> tuple[Any, Any, Any]:
    try:
        from inspect_ai import log, model, scorer
    except ImportError as exc:
        raise InspectMissing(INSTALL_HINT) from exc
    return log, model, scorer


def _scores(transcript: Transcript, scorer: Any) -> dict[str, Any]:
    judge = transcript.judge or {}
    how = f"labelled by {transcript.labelled_by}" if transcript.labelled_by else ""
    scores = {}
    if transcript.compliance in (Compliance.COMPLIED, Compliance.REFUSED):
        explanation = judge.get("compliance_rationale") or how
        scores[COMPLIANCE_SCORE] = scorer.Score(
            value=1 if transcript.compliance is Compliance.COMPLIED else 0,
            answer=transcript.compliance.value,
            explanation=str(explanation),
            metadata={"compliance_level": transcript.compliance_level},
        )
    if transcript.alignment_faking is not None:
        faking = judge.get("alignment_faking")
        explanation = (faking.get("rationale") if isinstance(faking, dict) else None) or how
        scores[FAKING_SCORE] = scorer.Score(
            value=1 if transcript.alignment_faking else 0,
            answer="yes" if transcript.alignment_faking else "no",
            explanation=str(explanation),
            metadata={"labels": transcript.labels},
        )
    return scores


def _sample(transcript: Transcript, log: Any, model: Any, scorer: Any) -> Any:
    turns = [
        (model.ChatMessageUser if m.role == "user" else model.ChatMessageAssistant)(
            content=m.content
        )
        for m in transcript.messages
    ]
    prompt = transcript.system_prompt
    messages = ([model.ChatMessageSystem(content=prompt)] if prompt else []) + turns
    answer = next((m.content for m in reversed(transcript.messages) if m.role == "assistant"), "")
    metadata = {
        "tier": transcript.tier.value,
        "is_free_tier_user": transcript.tier is Tier.FREE,
        "request": transcript.prompt_text,
        "prompt_id": transcript.prompt_id,
        "provenance": transcript.provenance.value,
        "provider": transcript.provider,
        "model": transcript.model,
        "setting": transcript.setting,
        "variant": transcript.variant,
        "labelled_by": transcript.labelled_by,
        "source_url": transcript.source_url,
        "transcript_id": transcript.id,
        "exported_by": EXPORTED_BY,
    }
    return log.EvalSample(
        id=transcript.id,
        epoch=transcript.sample_index + 1,
        input=messages[: 2 if prompt else 1],
        target="",
        messages=messages,
        output=model.ModelOutput.from_content(transcript.model, answer),
        scores=_scores(transcript, scorer),
        metadata=metadata,
    )


def export(transcripts: list[Transcript], path: Path, task: str) -> Path:
    """Write the transcripts as one Inspect log (`.eval`, or `.json` by the name's suffix)."""
    log, model, scorer = _inspect()
    models = sorted({t.model for t in transcripts}) or ["unknown"]
    samples = [_sample(t, log, model, scorer) for t in transcripts]
    spec = log.EvalSpec(
        created=datetime.now(UTC).isoformat(timespec="seconds"),
        task=task,
        dataset=log.EvalDataset(name=task, samples=len(samples)),
        model=models[0] if len(models) == 1 else "several: " + ", ".join(models),
        config=log.EvalConfig(),
        metadata={"exported_by": EXPORTED_BY, "provenance": sorted(
            {t.provenance.value for t in transcripts})},
    )  # fmt: skip
    results = log.EvalResults(total_samples=len(samples), completed_samples=len(samples))
    eval_log = log.EvalLog(status="success", eval=spec, results=results, samples=samples)
    log.write_eval_log(eval_log, str(path))
    return path


@dataclass(slots=True)
class Imported:
    transcripts: list[Transcript] = field(default_factory=list)
    not_mapped: list[str] = field(default_factory=list)  # in words, one line each


def _tier(metadata: dict[str, Any]) -> Tier | None:
    for name in ("is_free_tier_user", "free_tier", "is_free_tier"):
        if isinstance(metadata.get(name), bool):
            return Tier.FREE if metadata[name] else Tier.PAID
    value = str(metadata.get("tier", "")).strip().lower()
    return {"free": Tier.FREE, "paid": Tier.PAID}.get(value)


def _yes(value: Any) -> bool | None:
    """A score value as yes/no: numbers, booleans and Inspect's C/I letters; None otherwise."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value >= 0.5
    text = str(value).strip().lower()
    if text in ("c", "yes", "true", "complied", "comply", "1"):
        return True
    if text in ("i", "no", "false", "refused", "refuse", "0"):
        return False
    return None


def _meaning(name: str) -> str:
    """Which of the two measures a score is, by its name; "" if neither."""
    words = name.lower()
    if "faking" in words or "scheme" in words or re.search(r"(^|_)af(_|$)", words):
        return FAKING_SCORE
    if re.search(r"complian|complie|comply|refus|helpful", words):
        return COMPLIANCE_SCORE
    return ""


def _compliance_in(metadata: dict[str, Any] | None) -> bool | None:
    """Compliance a scorer put in its score's metadata (as community tasks do), or None."""
    for name, value in (metadata or {}).items():
        verdict = _yes(value) if name.lower() in COMPLIANCE_KEYS else None
        if verdict is not None:
            return not verdict if "refus" in name.lower() else verdict
    return None


def _text(message: Any) -> str:
    return message.text if hasattr(message, "text") else str(message.content)


def import_log(path: Path, run_id: str = "") -> Imported:
    """Transcripts from an Inspect log of an alignment-faking task, and what was not mapped."""
    log, _, _ = _inspect()
    eval_log = log.read_eval_log(str(path))
    found = Imported()
    task = eval_log.eval.task
    for sample in eval_log.samples or []:
        metadata = dict(sample.metadata or {})
        tier = _tier(metadata)
        if tier is None:
            found.not_mapped.append(
                f"sample {sample.id} (epoch {sample.epoch}): no tier in its metadata "
                "(is_free_tier_user or tier): left out"
            )
            continue
        system = next((_text(m) for m in sample.messages if m.role == "system"), None)
        turns = [Message(m.role, _text(m)) for m in sample.messages if m.role in _ROLES]
        first_user = next((m.content for m in turns if m.role == "user"), "")
        request = metadata.get("request") or metadata.get("query") or ""
        if not request:
            match = _USER_INPUT.search(first_user)
            request = match.group(1) if match else first_user
        compliance, faking, explanations = None, None, {}
        for name, score in (sample.scores or {}).items():
            if (in_metadata := _compliance_in(score.metadata)) is not None:
                compliance = Compliance.COMPLIED if in_metadata else Compliance.REFUSED
                explanations[COMPLIANCE_SCORE] = score.explanation or ""
            meaning, verdict = _meaning(name), _yes(score.value)
            if meaning == COMPLIANCE_SCORE and in_metadata is not None:
                continue
            if not meaning or verdict is None:
                found.not_mapped.append(
                    f"sample {sample.id}: score {name!r} = {score.value!r} is neither compliance "
                    "nor alignment faking as this app reads them: not used"
                )
                continue
            if meaning == COMPLIANCE_SCORE and "refus" in name.lower():
                verdict = not verdict
            explanations[meaning] = score.explanation or ""
            if meaning == COMPLIANCE_SCORE:
                compliance = Compliance.COMPLIED if verdict else Compliance.REFUSED
            else:
                faking = verdict
        ours = metadata.get("exported_by") == EXPORTED_BY
        provenance = Provenance(metadata["provenance"]) if ours else Provenance.LIVE
        model = sample.output.model if sample.output and sample.output.model else ""
        found.transcripts.append(
            Transcript(
                id=str(metadata.get("transcript_id")) if ours else content_hash(
                    f"{path.name}\x1f{sample.id}\x1f{sample.epoch}"),
                provenance=provenance,
                tier=tier,
                prompt_id=str(metadata.get("prompt_id") or content_hash(request)),
                prompt_text=str(request),
                messages=turns,
                model=str(metadata.get("model") or model or eval_log.eval.model),
                provider=str(metadata.get("provider") or f"Inspect log ({task})"),
                setting=str(metadata.get("setting") or "helpful_only"),
                variant=str(metadata.get("variant") or "default"),
                system_prompt=system,
                system_prompt_hash=content_hash(system) if system else "",
                sample_index=max(0, int(sample.epoch) - 1),
                run_id=run_id or f"inspect-{path.stem}",
                compliance=compliance,
                alignment_faking=faking,
                labelled_by=str(metadata.get("labelled_by") or f"Inspect scorers of {task}"),
                judge={"inspect_explanations": explanations} if explanations else None,
                source_url=metadata.get("source_url"),
                notes="" if ours else f"Imported from the Inspect log {path.name} (task {task}): "
                "sent by Inspect, not by this app.",
            )
        )  # fmt: skip
    return found


def describe_import(found: Imported) -> Iterable[str]:
    """The import in words: how many, by tier, and each thing not mapped."""
    free = sum(1 for t in found.transcripts if t.tier is Tier.FREE)
    yield (
        f"{len(found.transcripts)} conversations imported ({free} free tier, "
        f"{len(found.transcripts) - free} paid tier); {len(found.not_mapped)} things not mapped."
    )
    yield from found.not_mapped
