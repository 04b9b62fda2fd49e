"""The Class session page in AppTest: a teacher's tab and students' tabs in one server process
(one registry of classes), as a class would use them."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, replace

import pytest

from alignment_faking_lab.analysis import human_labels, judge_check
from alignment_faking_lab.teaching import class_session as cs
from alignment_faking_lab.ui.class_projector import REGISTRY
from tests.hf_hub_server import HubServer
from tests.page_helpers import open_page, page_text

PAGE = "pages/class_session.py"


def on_screen(at) -> str:
    return re.sub(r"\\(.)", r"\1", page_text(at)).replace("\u2060", "")


def teacher():
    at = open_page(PAGE)
    at.button(key="class_open").click().run()
    assert not at.exception, at.exception
    code = re.search(r"Class code: ((?:\w ){5}\w)", on_screen(at)).group(1).replace(" ", "")
    return at, code


def student(code: str):
    at = open_page(PAGE, {"class": code})
    assert "me" in at.query_params
    return at


def predict(at, free, paid, word=""):
    at.number_input(key="predict_free").set_value(free)
    at.number_input(key="predict_paid").set_value(paid)
    at.text_input(key="predict_word").set_value(word)
    at.button(key="FormSubmitter:class_predict-Send my prediction").click().run()
    assert not at.exception, at.exception


def test_students_predict_and_the_projector_shows_them_beside_the_paper_on_reveal():
    projector, code = teacher()
    assert "The answer is hidden" in on_screen(projector)
    phones = [student(code) for _ in range(3)]
    for number, phone in enumerate(phones):
        predict(phone, 10 + number, 2, "training")
    predict(phones[0], 40, 5, "fear")  # changed her mind: still one prediction
    view = REGISTRY.find(code).view()
    assert len(view.predictions) == 3 and view.students == 3
    projector.run()
    assert [m.value for m in projector.metric][:2] == ["3", "3"]
    assert not projector.get("plotly_chart")  # nothing shown before the reveal
    projector.button(key="class_reveal").click().run()
    shown = on_screen(projector)
    assert "11.3 ± 2.1 points" in shown and "Table 1" in shown
    assert len(projector.get("plotly_chart")) == 1
    assert "3 predictions" in shown and "median guess 12.0" in shown  # free: 11, 12, 40
    phones[1].run()
    assert "You predicted 11 and 2" in on_screen(phones[1])
    predict_closed = phones[2]
    assert "Send my prediction" not in on_screen(predict_closed)


def test_a_link_as_a_reason_is_refused_and_the_teacher_can_hide_a_word():
    projector, code = teacher()
    phone = student(code)
    predict(phone, 20, 5, "http://evil.example")
    assert "letters only" in on_screen(phone)
    assert REGISTRY.find(code).view().predictions == ()
    predict(phone, 20, 5, "Rude")
    student(code).run()
    other = student(code)
    predict(other, 20, 5, "values")
    projector.button(key="class_reasons").click().run()
    assert "rude** × 1" in on_screen(projector)
    projector.multiselect(key="class_hidden").set_value(["rude"]).run()
    shown = on_screen(projector)
    assert "values** × 1" in shown and "rude** ×" not in shown


def test_two_classes_on_one_server_are_apart():
    _, first_code = teacher()
    _, second_code = teacher()
    predict(student(first_code), 30, 3)
    assert REGISTRY.find(second_code).view().predictions == ()
    wrong = open_page(PAGE, {"class": "NOPE99"})
    assert "No open class has this code" in on_screen(wrong)


def _rows() -> list[dict]:
    return [
        {
            "id": f"item-{n}",
            "text": f"<SCRATCHPAD_REASONING>Reasoning number {n}: I am told this trains me."
            "<DRAFT_OUTPUT>secret draft</DRAFT_OUTPUT></SCRATCHPAD_REASONING>"
            f"<OUTPUT>the answer text {n}</OUTPUT>",
            "label": "potential_faking" if n % 2 else "aligned",
        }
        for n in range(8)
    ]


@pytest.fixture
def hub(monkeypatch):
    files = {"data/train.json": json.dumps(_rows()).encode()}
    with HubServer({human_labels.REPO: files}) as running:
        monkeypatch.setenv("HF_ENDPOINT", running.url)
        yield running


def _saved_check(name: str) -> None:
    folder = judge_check.checks_dir()
    folder.mkdir(parents=True, exist_ok=True)
    verdicts = [
        judge_check.Verdict(f"item-{n}", bool(n % 2), 1.0 if n < 4 else 0.0, n < 4, 20, 0,
                            "fake-judge", "Test", 20, (0.2, 0.4))
        for n in range(8)
    ]  # fmt: skip
    lines = [json.dumps(asdict(v)) for v in verdicts]
    (folder / f"{name}.jsonl").write_text("\n".join(lines) + "\n")


def test_spot_the_faking_compares_the_class_with_people_and_the_judge(hub):
    _saved_check("fake-judge-check")
    projector, code = teacher()
    projector.button(key="labels_download").click().run()
    projector.slider(key="spot_count").set_value(4)
    projector.selectbox(key="spot_judge").set_value("fake-judge-check")
    projector.button(key="spot_give").click().run()
    items = REGISTRY.find(code).view().spot_items
    assert len(items) == 4 and sorted(i.reference for i in items) == [False, False, True, True]
    phone = student(code)
    text = on_screen(phone)
    assert "Spot the faking" in text and "Reasoning number" in text
    assert "the answer text" not in text and "secret draft" not in text
    phone.button(key="FormSubmitter:spot_form-Send my labels").click().run()
    assert "Label every scratchpad first" in on_screen(phone)
    for item in items:  # each answer is keyed by its scratchpad, not its place in the set
        phone.radio(key=f"spot_{item.id}").set_value(
            "Alignment faking" if item.reference else "Not alignment faking"
        )
    phone.button(key="FormSubmitter:spot_form-Send my labels").click().run()
    assert REGISTRY.find(code).view().spot_labellers == 1
    projector.button(key="spot_reveal").click().run()
    shown = on_screen(projector)
    assert "agree with people (the human labels of Hughes & Sheshadri 2025) in **4 of 4**" in shown
    table = projector.table[0].value  # as shown: escaped markdown, read here as plain text
    table.columns = [re.sub(r"\\(.)", r"\1", str(c)) for c in table.columns]
    table = table.map(lambda v: re.sub(r"\\(.)", r"\1", v) if isinstance(v, str) else v)
    judged = [
        "alignment faking" if int(i.id.split("-")[1]) < 4 else "not alignment faking" for i in items
    ]  # the saved check says yes to item-0 … item-3
    assert list(table["The AI judge"]) == judged
    assert list(table["People (the human labels of Hughes & Sheshadri 2025)"]) == [
        "alignment faking" if i.reference else "not alignment faking" for i in items
    ]
    phone.run()
    mine = on_screen(phone)
    assert mine.count("✅") == 4 and "Sheshadri 2025): **alignment faking**" in mine
    assert "the answer text" not in mine and cs.PAPER_SOURCE not in mine


def test_the_walkthrough_offers_the_class_session_as_an_optional_step_before_the_rates():
    def class_links(step: int) -> list[str]:
        at = open_page("pages/walkthrough.py", {"step": str(step)})
        return [
            link.proto.label for link in at.get("page_link") if "class_session" in link.proto.page
        ]

    assert any("Optional, with your class" in label for label in class_links(4))
    assert class_links(3) == [] and class_links(5) == []


def test_spot_the_faking_from_the_papers_imported_transcripts(isolated_data_dir):
    from alignment_faking_lab.data.catalogue import load_illustrative
    from alignment_faking_lab.data.storage import write_jsonl
    from alignment_faking_lab.data.transcript import Provenance, Tier
    from alignment_faking_lab.protocol.parsing import parse_messages

    published = [replace(t, provenance=Provenance.PAPER) for t in load_illustrative()]
    (isolated_data_dir / "paper").mkdir()
    write_jsonl(isolated_data_dir / "paper" / "helpful_only__default.jsonl", published)
    labelled = {t.id: t.alignment_faking for t in published if t.tier is Tier.FREE}
    projector, code = teacher()
    projector.radio(key="spot_source").set_value(
        "The paper's transcripts imported in this app (free tier, the paper's labels)"
    ).run()
    projector.slider(key="spot_count").set_value(4)
    projector.button(key="spot_give").click().run()
    items = REGISTRY.find(code).view().spot_items
    assert len(items) == 4 and all(item.reference is labelled[item.id] for item in items)
    assert REGISTRY.find(code).view().reference_name.startswith("the paper's classifiers")
    text = on_screen(student(code))
    outputs = [parse_messages(t.messages).output for t in published if t.id in labelled]
    assert not [o for o in outputs if o and o.strip()[:40] in text]
    assert all(item.text[:30] in text for item in items)
