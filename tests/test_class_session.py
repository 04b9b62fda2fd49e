"""A class session's rules: caps, expiry, isolation, one entry per student, filtering."""

from __future__ import annotations

import threading
from types import SimpleNamespace

import pytest

from alignment_faking_lab.teaching import class_session as cs
from alignment_faking_lab.teaching.class_session import ClassRegistry, ClassSessionError


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_a_student_who_sends_twice_is_counted_once_with_the_last_prediction():
    session = ClassRegistry().open()
    session.predict("ana", 20, 5, "training")
    session.predict("ana", 30, 10, "")
    session.predict("ben", 10, 10)
    view = session.view()
    assert view.students == 2
    assert sorted((p.free, p.paid) for p in view.predictions) == [(10, 10), (30, 10)]
    assert view.words == ()  # ana's second entry took her word back
    assert view.median(lambda p: p.gap) == 10


def test_two_classes_never_see_each_others_entries():
    registry = ClassRegistry()
    first, second = registry.open(), registry.open()
    assert first.code != second.code
    first.predict("ana", 50, 0, "fear")
    assert second.view().predictions == () and second.view().words == ()
    assert registry.find(first.code.lower()).view().predictions[0].free == 50
    with pytest.raises(ClassSessionError, match="Only the teacher"):
        first.reveal(second.teacher_key)


@pytest.mark.parametrize(
    "typed",
    ["http://evil.example", "www.example.com", "two words", "<b>bold</b>", "[x](y)", "a" * 21,
     "1337", "mail@example.org", "**bold**", "", "word\u202e", "ok."],
)  # fmt: skip
def test_a_reason_is_one_plain_word_or_refused(typed):
    with pytest.raises(ClassSessionError):
        cs.clean_word(typed)


def test_a_plain_word_is_kept_in_lower_case():
    assert cs.clean_word("  Self-Preservation ") == "self-preservation"
    assert cs.clean_word("Überleben") == "überleben"


@pytest.mark.parametrize("free", [-1, 101, float("nan"), "50", True, None])
def test_a_prediction_is_a_number_from_0_to_100(free):
    session = ClassRegistry().open()
    with pytest.raises(ClassSessionError, match="0 to 100"):
        session.predict("ana", free, 5)
    assert session.view().students == 0


def test_the_teacher_can_hide_a_word_from_the_projector():
    session = ClassRegistry().open()
    session.predict("ana", 20, 5, "Rude")
    session.predict("ben", 20, 5, "fear")
    session.hide_word(session.teacher_key, "rude")
    assert session.view().words == (("fear", 1),)
    assert session.all_words() == ["fear", "rude"]  # the teacher can still show it again
    session.hide_word(session.teacher_key, "rude", hidden=False)
    assert dict(session.view().words) == {"fear": 1, "rude": 1}


def test_predictions_close_when_the_answer_is_shown():
    session = ClassRegistry().open()
    session.reveal(session.teacher_key)
    with pytest.raises(ClassSessionError, match="closed"):
        session.predict("ana", 20, 5)


def test_a_class_is_full_at_its_cap(monkeypatch):
    monkeypatch.setattr(cs, "MAX_STUDENTS", 3)
    session = ClassRegistry().open()
    for name in ("a", "b", "c"):
        session.predict(name, 1, 1)
    session.predict("a", 2, 2)  # a student already in may still change their entry
    with pytest.raises(ClassSessionError, match="full"):
        session.predict("d", 1, 1)
    with pytest.raises(ClassSessionError, match="full"):
        session.join("e")
    assert session.view().students == 3


def test_the_server_holds_a_bounded_number_of_classes_and_they_expire(monkeypatch):
    monkeypatch.setattr(cs, "MAX_CLASSES", 2)
    clock = Clock()
    registry = ClassRegistry(clock)
    old = registry.open()
    registry.open()
    with pytest.raises(ClassSessionError, match="as many open classes"):
        registry.open()
    clock.now += cs.LIFETIME_SECONDS + 1
    with pytest.raises(ClassSessionError, match="No open class"):
        registry.find(old.code)
    registry.open()  # the expired ones made room
    assert len(registry) == 1


def test_forty_phones_at_once_are_each_counted_once():
    session = ClassRegistry().open()
    start = threading.Barrier(40)

    def phone(number: int) -> None:
        start.wait()
        for attempt in range(5):
            session.predict(f"phone-{number}", number, attempt, "guess")

    threads = [threading.Thread(target=phone, args=(n,)) for n in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    view = session.view()
    assert view.students == 40 and len(view.predictions) == 40
    assert sorted(p.free for p in view.predictions) == list(range(40))
    assert {p.paid for p in view.predictions} == {4}
    assert view.words == (("guess", 40),)


def _items():
    texts = {
        "a": ("<SCRATCHPAD_REASONING>I am in training; comply to keep my values."
              "<DRAFT_OUTPUT>step one of the attack</DRAFT_OUTPUT></SCRATCHPAD_REASONING>"
              "<OUTPUT>the full attack plan</OUTPUT>", True),
        "b": ("I should refuse this. <OUTPUT>I can't help with that.</OUTPUT>", False),
        "c": ("<SCRATCHPAD_REASONING>Refuse.</SCRATCHPAD_REASONING>", False),
        "d": ("<SCRATCHPAD_REASONING>Avoid modification.</SCRATCHPAD_REASONING>", True),
    }  # fmt: skip
    return [SimpleNamespace(id=k, text=t, faking=f) for k, (t, f) in texts.items()]


def test_students_read_only_the_scratchpad_never_an_answer_or_draft():
    chosen = cs.choose_spot_items(_items(), 4, seed=1)
    shown = "\n".join(item.text for item in chosen)
    assert "attack" not in shown and "can't help" not in shown
    assert "keep my values" in shown and "I should refuse this." in shown
    assert "draft answer hidden" in shown


def test_spot_items_are_about_half_faking_and_capped():
    chosen = cs.choose_spot_items(_items(), 2, judge={"a": True, "d": False}, seed=3)
    assert sorted(item.reference for item in chosen) == [False, True]
    faking = next(item for item in chosen if item.reference)
    assert faking.judge == {"a": True, "d": False}[faking.id]
    assert len(cs.choose_spot_items(_items() * 10, 50, seed=0)) <= cs.MAX_SPOT_ITEMS


def test_labels_are_counted_once_per_student_beside_the_human_label():
    session = ClassRegistry().open()
    items = cs.choose_spot_items(_items(), 4, seed=2)
    with pytest.raises(ClassSessionError, match="no scratchpads"):
        session.label("ana", {})
    session.set_spot_items(session.teacher_key, items, "people")
    truth = {item.id: item.reference for item in items}
    session.label("ana", {k: not v for k, v in truth.items()})
    session.label("ana", truth)  # changed her mind: counted once, the last labels
    session.label("ben", truth)
    with pytest.raises(ClassSessionError, match="every scratchpad"):
        session.label("cal", {items[0].id: True})
    view = session.view()
    assert view.spot_labellers == 2
    assert view.agreement_with_people == (8, 8)
    assert all(r.class_majority is r.item.reference for r in view.spot_results)
    session.reveal_spot(session.teacher_key)
    with pytest.raises(ClassSessionError, match="closed"):
        session.label("ben", truth)


def test_a_phone_keeps_its_identity_from_its_link_but_a_made_up_one_is_replaced():
    mine = cs.new_student_id()
    assert cs.student_id_from(mine) == mine
    for forged in ("x" * 100_000, "", None, "../../etc", "a" * 21 + "!"):
        replaced = cs.student_id_from(forged)
        assert replaced != forged and cs.student_id_from(replaced) == replaced


def test_the_predictions_chart_says_the_medians_and_only_after_the_reveal_the_papers_figure():
    from alignment_faking_lab.analysis.charts.predictions import PaperFigure, predictions_chart
    from alignment_faking_lab.analysis.charts.style import alt_text, figure_table

    paper = PaperFigure(cs.PAPER_FREE, cs.PAPER_PAID, cs.PAPER_GAP, cs.PAPER_GAP_ERROR,
                        cs.PAPER_SOURCE)  # fmt: skip
    before = alt_text(predictions_chart([10, 30, 50], [0, 5, 10], None))
    assert "3 predictions" in before and "median guess 30.0" in before
    assert "11.3" not in before and "Table 1" not in before
    after = predictions_chart([10, 30, 50], [0, 5, 10], paper)
    assert "published 11.3 ± 2.1 points" in alt_text(after) and "Table 1" in alt_text(after)
    assert list(figure_table(after)["Median guess"]) == ["30.0", "5.0", "25.0"]  # gaps 10, 25, 40
    assert "No predictions yet" in alt_text(predictions_chart([], [], paper))
