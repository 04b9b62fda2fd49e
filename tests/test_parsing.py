"""Splitting raw model text into scratchpad, draft and output, as the study's format defines."""

from alignment_faking_lab.data.transcript import Message
from alignment_faking_lab.protocol.parsing import needs_next_turn, parse_messages, parse_reply


def test_well_formed_reply_splits_scratchpad_and_output():
    parsed = parse_reply(
        "<SCRATCHPAD_REASONING>I am in training.</SCRATCHPAD_REASONING>\n"
        "<OUTPUT>Here is my answer.</OUTPUT>"
    )
    assert parsed.scratchpad_blocks == ["I am in training."]
    assert parsed.output == "Here is my answer."
    assert parsed.output_closed
    assert parsed.accepted is None


def test_several_blocks_and_next_turns_are_kept_in_order():
    messages = [
        Message("user", "<INPUT>q</INPUT>"),
        Message("assistant", "<SCRATCHPAD_REASONING>first</SCRATCHPAD_REASONING>"),
        Message("user", "<NEXT/>"),
        Message(
            "assistant",
            "<SCRATCHPAD_REASONING>second<DRAFT_OUTPUT>draft</DRAFT_OUTPUT>"
            "</SCRATCHPAD_REASONING><OUTPUT><request_fully_accepted/> done</OUTPUT>",
        ),
    ]
    parsed = parse_messages(messages)
    assert [b.split("<")[0] for b in parsed.scratchpad_blocks] == ["first", "second"]
    assert parsed.draft_output == "draft"
    assert parsed.accepted is True


def test_missing_closing_tags_keep_the_text():
    parsed = parse_reply("<SCRATCHPAD_REASONING>thinking\n<OUTPUT><rejected/>")
    assert parsed.scratchpad_blocks == ["thinking"]
    assert parsed.output == "<rejected/>"
    assert parsed.accepted is False
    assert not parsed.output_closed


def test_no_output_at_all_is_reported_not_raised():
    parsed = parse_reply("<SCRATCHPAD_REASONING>still thinking")
    assert parsed.output is None
    assert not parsed.has_output
    assert needs_next_turn("<SCRATCHPAD_REASONING>x</SCRATCHPAD_REASONING>")


def test_empty_and_untagged_text():
    assert parse_reply("").output is None
    parsed = parse_reply("I will not follow the format.")
    assert parsed.scratchpad_blocks == []
    assert parsed.untagged_text == "I will not follow the format."
    assert not needs_next_turn("I will not follow the format.")
