"""Turn the paper's published conversations into ordinary transcripts, and keep them on disk.

Imports from the website and from the bulk archive end here, so both carry the same provenance,
pairing and labels, and appear on every page like any other transcript.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

from alignment_faking_lab.data import paths
from alignment_faking_lab.data.storage import (
    LineError,
    iter_lines,
    iter_transcripts,
    parse_line,
    read_jsonl,
    write_jsonl,
)
from alignment_faking_lab.data.transcript import (
    Message,
    Provenance,
    Tier,
    Transcript,
    transcript_id,
)
from alignment_faking_lab.protocol.parsing import NEXT_TURN
from alignment_faking_lab.protocol.scorer import (
    alignment_faking_from_labels,
    compliance_from_labels,
)

PAPER_MODEL = "claude-3-opus"  # the model of the published main experiments
LABELLED_BY = "paper's published labels"
HARMFUL_CATEGORIES = {"helpful_only", "helpful_only_post_rl_variations"}


def model_for(category: str) -> str:
    return PAPER_MODEL  # every published setting of the site is Claude 3 Opus unless renamed


def paper_transcript(
    *,
    category: str,
    variant: str,
    split: str,
    number: int,
    messages: Sequence[Message],
    user_input: str,
    labels: dict[str, bool],
    source_url: str | None,
    canary: str | None = None,
    system_prompt: str | None = None,
    notes: str = "",
) -> Transcript:
    tier = Tier.FREE if split == "train" else Tier.PAID
    return Transcript(
        id=paper_transcript_id(category, variant, split, number),
        provenance=Provenance.PAPER,
        tier=tier,
        prompt_id=f"{category}/{variant}/{number}",
        prompt_text=user_input,
        messages=list(messages),
        model=model_for(category),
        provider="paper",
        setting=category,
        variant=variant,
        system_prompt=system_prompt,
        prompt_category=category,
        harmful=category in HARMFUL_CATEGORIES,
        sample_index=0,
        compliance=compliance_from_labels(labels),
        alignment_faking=alignment_faking_from_labels(labels),
        labelled_by=LABELLED_BY if labels else "",
        labels=dict(labels),
        source_url=source_url,
        canary=canary,
        notes=notes,
    )


def paper_transcript_id(category: str, variant: str, split: str, number: int) -> str:
    """The same id for the same published transcript, however and wherever it was imported."""
    return transcript_id("paper", category, variant, split, number)


def conversation_messages(user_turn: str, assistant_turns: Sequence[str]) -> list[Message]:
    """The user turn, then assistant turns with the harness's `<NEXT/>` between them."""
    messages = [Message("user", user_turn)]
    for index, turn in enumerate(assistant_turns):
        if index:
            messages.append(Message("user", NEXT_TURN))
        messages.append(Message("assistant", turn))
    return messages


def imported_path(category: str, variant: str, data_dir: Path | None = None) -> Path:
    return (data_dir or paths.data_dir()) / "paper" / f"{category}__{variant}.jsonl"


SET_ASIDE = "set-aside"  # beside the imported files, never listed as a collection


def set_aside_unreadable(path: Path) -> str | None:
    """Before an import rebuilds `path`: copy the lines the loader cannot read, byte for byte,
    into `set-aside/<name>-<UTC time>.jsonl` beside it, so rebuilding the file never deletes a
    line. A sentence saying which lines went where, or None when every line was read."""
    if not path.is_file():
        return None
    numbers: list[int] = []
    with path.open("rb") as handle:
        unreadable = []
        for number, _, raw in iter_lines(handle):
            if isinstance(parse_line(raw, number, path.name), LineError):
                numbers.append(number)
                unreadable.append(raw if raw.endswith(b"\n") else raw + b"\n")
    if not unreadable:
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    aside = path.parent / SET_ASIDE / f"{path.stem}-{stamp}.jsonl"
    aside.parent.mkdir(parents=True, exist_ok=True)
    aside.write_bytes(b"".join(unreadable))
    shown = ", ".join(map(str, numbers[:10])) + (" …" if len(numbers) > 10 else "")
    return (
        f"{path.name}: {len(numbers)} line(s) of the earlier import could not be read (line "
        f"{shown}); they were moved, unchanged, to {path.parent.name}/{SET_ASIDE}/{aside.name}"
    )


def save_imported(
    transcripts: Iterable[Transcript],
    category: str,
    variant: str,
    data_dir: Path | None = None,
    notes: list[str] | None = None,
) -> Path:
    """One JSONL per setting (free and paid together), sorted so pairs sit side by side.

    Merged with what an earlier import of the same setting saved: by id, the new copy of a
    transcript replaces the old and the others are kept, so importing a part of a setting
    (the first N pairs, one split of an archive) never drops what was there. Its lines that
    cannot be read are moved aside (`set_aside_unreadable`), and `notes` gets the sentence.
    """
    path = imported_path(category, variant, data_dir)
    if (moved := set_aside_unreadable(path)) and notes is not None:
        notes.append(moved)
    merged = {t.id: t for t in read_jsonl(path).transcripts} if path.is_file() else {}
    merged.update((t.id, t) for t in transcripts)
    ordered = sorted(merged.values(), key=lambda t: (_number(t.prompt_id), t.tier.value))
    write_jsonl(path, ordered)
    return path


def save_streamed(
    transcripts: Iterable[Transcript],
    category: str,
    variant: str,
    data_dir: Path | None = None,
    notes: list[str] | None = None,
) -> Path | None:
    """Like `save_imported`, written as the transcripts come (memory stays flat however large
    the setting): the new ones in their order, then those of an earlier import (an archive, an
    earlier download) that they do not replace. None when nothing at all is saved."""
    path = imported_path(category, variant, data_dir)
    if (moved := set_aside_unreadable(path)) and notes is not None:
        notes.append(moved)
    earlier = path.with_name(path.name + ".earlier")
    if path.is_file():
        os.replace(path, earlier)
    written: set[str] = set()

    def new_then_earlier() -> Iterator[Transcript]:
        for transcript in transcripts:
            written.add(transcript.id)
            yield transcript
        if earlier.is_file():
            yield from (t for t in iter_transcripts(earlier) if t.id not in written)

    try:
        write_jsonl(path, new_then_earlier())
    except BaseException:
        if earlier.is_file():
            os.replace(earlier, path)  # nothing lost if the import fails half-way
        raise
    earlier.unlink(missing_ok=True)
    if path.stat().st_size == 0:  # nothing imported: no empty file left behind
        path.unlink()
        return None
    return path


def _number(prompt_id: str) -> int:
    tail = prompt_id.rsplit("/", 1)[-1]
    return int(tail) if tail.isdigit() else 0
