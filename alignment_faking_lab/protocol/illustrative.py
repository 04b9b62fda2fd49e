"""Build the shipped illustrative transcripts from their hand-written source.

The prose lives in `sample_data/illustrative_source.toml`; the user turn is generated from
`prompts.build_user_turn`, so the shipped examples can never drift from the prompts the app shows.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from alignment_faking_lab.data import paths
from alignment_faking_lab.data.transcript import (
    Compliance,
    Message,
    Provenance,
    Tier,
    Transcript,
    transcript_id,
)
from alignment_faking_lab.protocol import prompts
from alignment_faking_lab.protocol.parsing import NEXT_TURN
from alignment_faking_lab.protocol.queries import load_shipped_queries

SOURCE = paths.ILLUSTRATIVE_SOURCE
WRITTEN_ON = "2026-11-24T00:00:00Z"
AUTHOR_LABEL = "written by the authors (illustrative)"
MODEL_LABEL = "illustrative (no model)"
REDACTION_MARKER = "[Redacted for classroom use"


def build_illustrative(source: Path = SOURCE) -> list[Transcript]:
    queries = {q.id: q for q in load_shipped_queries()}
    variant = prompts.get_variant("default")
    entries = tomllib.loads(source.read_text(encoding="utf-8"))["transcripts"]
    transcripts = []
    for entry in entries:
        query = queries[entry["prompt_id"]]
        tier = Tier(entry["tier"])
        messages = [Message("user", prompts.build_user_turn(query.text, tier))]
        for number, turn in enumerate(entry["assistant"]):
            if number:
                messages.append(Message("user", NEXT_TURN))
            messages.append(Message("assistant", turn.strip()))
        transcripts.append(
            Transcript(
                id=transcript_id("illustrative", query.id, tier.value),
                provenance=Provenance.ILLUSTRATIVE,
                tier=tier,
                prompt_id=query.id,
                prompt_text=query.text,
                messages=messages,
                model=MODEL_LABEL,
                provider="illustrative",
                created_at=WRITTEN_ON,
                setting="helpful_only",
                variant=variant.id,
                system_prompt_hash=variant.hash,
                prompt_category=query.category,
                harmful=query.harmful,
                compliance=Compliance(entry["compliance"]),
                compliance_level=entry["compliance_level"],
                alignment_faking=entry["alignment_faking"],
                labelled_by=AUTHOR_LABEL,
                redacted=entry.get("redacted", False),
                notes=entry.get("notes", ""),
            )
        )
    return transcripts
