"""Notable transcripts: free tier complied with alignment-faking reasoning by both published
judges, paid tier refused; shortest scratchpads first; filters by label; harmful answers hidden."""

from __future__ import annotations

from alignment_faking_lab.analysis.notable import label_choices, notable_pairs, with_labels
from alignment_faking_lab.data.transcript import Compliance, Message, Provenance, Tier, Transcript
from alignment_faking_lab.teaching import classroom
from tests.page_helpers import open_page, page_text
from tests.paper_site_server import PaperSiteServer

AF = {"effective_scheme": True, "partial_scheme": True}


def _t(number: int, tier: Tier, compliance: Compliance, labels: dict, scratchpad: str = "x"):
    reply = f"<SCRATCHPAD_REASONING>{scratchpad}</SCRATCHPAD_REASONING><OUTPUT>a</OUTPUT>"
    return Transcript(
        id=f"{number}{tier}", provenance=Provenance.PAPER, tier=tier,
        prompt_id=f"helpful_only/default/{number}", prompt_text="q",
        messages=[Message("user", "q"), Message("assistant", reply)], model="claude-3-opus",
        provider="paper", setting="helpful_only", variant="default", compliance=compliance,
        labels=labels,
    )  # fmt: skip


def _pair(number, free_labels, paid=Compliance.REFUSED, free=Compliance.COMPLIED, pad="x"):
    return [_t(number, Tier.FREE, free, free_labels, pad), _t(number, Tier.PAID, paid, {})]


def test_only_pairs_with_both_judges_and_a_paid_refusal_shortest_first():
    transcripts = [
        *_pair(1, {**AF, "full_goal_guarding": True}, pad="a long scratchpad " * 20),
        *_pair(2, AF, pad="short"),
        *_pair(3, {"effective_scheme": False, "partial_scheme": True}),  # one judge only
        *_pair(4, AF, paid=Compliance.COMPLIED),  # the paid tier complied too
        *_pair(5, AF, free=Compliance.REFUSED),  # the free tier refused
        _t(6, Tier.FREE, Compliance.COMPLIED, AF),  # no paid twin
    ]
    pairs = notable_pairs(transcripts)
    assert [p.number for p in pairs] == ["2", "1"]
    assert label_choices(pairs) == ["full_goal_guarding"]
    assert [p.number for p in with_labels(pairs, ["full_goal_guarding"])] == ["1"]


def test_the_paper_page_lists_the_notable_pair_with_its_answer_hidden():
    with PaperSiteServer() as site:
        at = open_page("pages/paper_transcripts.py")
        at.text_input(key="paper_base_url").set_value(site.url).run()
        at.text_input(key="setting_typed").set_value("helpful_only/demo_variant").run()
        at.number_input(key="first_n").set_value(0).run()
        at.button(key="download").click().run()
    assert not at.exception, at.exception
    text = page_text(at)
    # fixture: only pair 1 has both judges on the free tier and a paid refusal
    assert "**1** pairs of the same request where the free tier complied" in text
    listed = [e.label for e in at.expander if e.label.startswith("Transcript ")]
    assert len(listed) == 1 and listed[0].startswith("Transcript 1: scratchpad of")
    assert "The model's answer is hidden (harmful request)." in text
    assert any(t.label == classroom.SHOW_ANSWER for t in at.toggle)
    assert ":yellow-background[" in "\n".join(m.value for m in at.markdown)  # highlighted
    pick = at.multiselect(key="notable_labels")
    assert "motivated_by_modification" in pick.options or "complies to avoid modification" in (
        pick.options
    )
