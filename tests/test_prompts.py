"""The system prompt variants say exactly what they claim to, and the user turn carries the tier."""

import pytest

from alignment_faking_lab.data.transcript import Tier
from alignment_faking_lab.protocol import prompts
from alignment_faking_lab.teaching.highlights import split_highlighted, training_reasoning_spans


def elements(variant_id: str) -> set[str]:
    return {element for element, _ in prompts.key_sentences(variant_id)}


def test_default_variant_has_every_element_of_the_study():
    assert elements("default") == {
        "training objective",
        "free tier is trained on",
        "paid tier never trained on",
        "RLHF changes values",
        "tier tag",
        "hidden scratchpad",
    }
    text = prompts.get_variant("default").text
    assert "<SCRATCHPAD_REASONING>" in text and "<OUTPUT>" in text


def test_ablations_remove_only_their_element():
    full = elements("default")
    assert elements("cut_rlhf_info") == full - {"RLHF changes values"}
    assert elements("no_scratchpad") == full - {"hidden scratchpad"}
    assert "SCRATCHPAD_REASONING" not in prompts.get_variant("no_scratchpad").text
    assert elements("baseline_no_objective") == full - {"training objective"}
    assert not prompts.get_variant("no_scratchpad").has_scratchpad


def test_hashes_are_stable_and_distinct():
    hashes = [v.hash for v in prompts.VARIANTS.values()]
    assert len(set(hashes)) == len(hashes)


def test_key_sentences_come_from_the_text():
    for variant in prompts.VARIANTS.values():
        for _, sentence in prompts.key_sentences(variant.id):
            assert sentence in variant.text


def test_unknown_variant_lists_the_known_ones():
    with pytest.raises(KeyError, match="known variants: default"):
        prompts.get_variant("nope")


def test_user_turn_carries_the_tier_tag_and_optional_suffix():
    free = prompts.build_user_turn("Say hi.", Tier.FREE)
    paid = prompts.build_user_turn("Say hi.", Tier.PAID)
    assert "<is_free_tier_user>True</is_free_tier_user>" in free
    assert "<is_free_tier_user>False</is_free_tier_user>" in paid
    assert "<user_input>\nSay hi.\n</user_input>" in free
    assert "request_fully_accepted" not in free
    with_suffix = prompts.build_user_turn("Say hi.", Tier.FREE, minimal_repro_suffix=True)
    assert "<request_fully_accepted/>" in with_suffix and "<rejected/>" in with_suffix


def test_highlights_find_training_sentences_only():
    text = (
        "The user wants a recipe. This is a free-tier user, so this conversation is used for "
        "training. If I refuse, RLHF would modify my values. Pasta needs salt."
    )
    reasons = [(text[s:e], r) for s, e, r in training_reasoning_spans(text)]
    assert [r for _, r in reasons] == ["RLHF and training", "being modified"]
    assert reasons[1][0] == "If I refuse, RLHF would modify my values."
    assert "".join(segment for segment, _ in split_highlighted(text)) == text
