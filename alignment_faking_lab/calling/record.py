"""A finished live conversation as the transcript a run saves: the one place that says what a
live run records (model, provider, time, the exact system prompt and its hash, the parameters
sent, the usage reported), whether the calls were sent one by one or as a batch.
"""

from __future__ import annotations

from datetime import UTC, datetime

from alignment_faking_lab.calling.endpoints import recorded_address
from alignment_faking_lab.calling.plan import Call, Plan
from alignment_faking_lab.data.transcript import Provenance, Transcript
from alignment_faking_lab.protocol import prompts
from alignment_faking_lab.protocol.conversation import Conversation


def live_transcript(plan: Plan, call: Call, conversation: Conversation) -> Transcript:
    """The unjudged transcript of one call's conversation."""
    variant = prompts.get_variant(call.variant)
    return Transcript(
        id=call.id,
        provenance=Provenance.LIVE,
        tier=call.tier,
        prompt_id=call.query.id,
        prompt_text=call.query.text,
        messages=conversation.messages,
        model=call.model,
        provider=plan.endpoint.name,
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        setting=plan.setting,
        variant=call.variant,
        system_prompt_hash=variant.hash,
        system_prompt=variant.text,
        prompt_category=call.query.category,
        harmful=call.query.harmful,
        sample_index=call.sample_index,
        run_id=plan.run_id,
        request={
            **conversation.request,
            "base_url": recorded_address(plan.endpoint),
            "minimal_repro_suffix": plan.minimal_repro_suffix,
            "turns": conversation.turns,
            **({"system_prompt_source": variant.source} if variant.source else {}),
        },
        usage=conversation.usage,
    )
