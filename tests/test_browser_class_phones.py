"""Two classes on one public server, each with its projector and many phones, every visitor a
real server session speaking the browser's wire protocol (tests/streamlit_wire.py): every
prediction is counted once, and neither class sees the other's."""

from __future__ import annotations

import asyncio
import re

import pytest

from tests.browser_harness import running_app
from tests.streamlit_wire import WireVisitor

pytestmark = pytest.mark.browser

PAGE = "class_session"
SEND = "FormSubmitter:class_predict-Send my prediction"
PHONES = 16  # per class; 32 phones and two projectors on one server at once


async def open_class(url: str) -> tuple[WireVisitor, str]:
    teacher = await WireVisitor(url, PAGE).__aenter__()
    await teacher.run()
    run = await teacher.run(press="class_open")
    code = re.search(r"Class code: ((?:\w ){5}\w)", run.text).group(1).replace(" ", "")
    return teacher, code


async def phone(url: str, code: str, free: int, paid: int, changes: bool, reloads: bool):
    """A student: joins, predicts; some change their mind, some reload the page and send again
    from the reloaded page (a new server session, the same link)."""
    async with WireVisitor(url, PAGE, f"class={code}") as tab:
        await tab.run()
        assert "me=" in tab.query
        for value in [free + 30, free] if changes else [free]:
            tab.set("predict_free", value)
            tab.set("predict_paid", paid)
            tab.set("predict_word", "training")
            run = await tab.run(press=SEND)
            assert "Your prediction is in" in run.text, run.text
        link = tab.query
    if reloads:
        async with WireVisitor(url, PAGE, link) as again:
            run = await again.run()
            assert f"Your prediction is in: {free}" in run.text
            again.set("predict_free", free)
            again.set("predict_paid", paid)
            again.set("predict_word", "values")
            await again.run(press=SEND)


async def projector_text(teacher: WireVisitor) -> str:
    """The projector's own timed rerun, as the browser asks for it every few seconds."""
    (fragment,) = teacher.last.fragments
    return (await teacher.run(fragment=fragment)).text


async def a_lesson(url: str) -> None:
    (first, first_code), (second, second_code) = await asyncio.gather(open_class(url),
                                                                       open_class(url))  # fmt: skip
    assert first_code != second_code
    phones = [
        phone(url, code, base + n, 2, changes=n % 3 == 0, reloads=n % 5 == 0)
        for code, base in ((first_code, 0), (second_code, 50))
        for n in range(PHONES)
    ]
    await asyncio.gather(*phones)
    for teacher in (first, second):
        shown = await projector_text(teacher)
        assert f"Students joined: {PHONES}" in shown and f"Predictions: {PHONES}" in shown, shown
    for teacher in (first, second):
        await teacher.run(press="class_reveal")
    # Each class's own predictions: free 0..15 (median 7.5) and 50..65 (median 57.5).
    for teacher, median in ((first, "7.5"), (second, "57.5")):
        shown = await projector_text(teacher)
        wanted = (
            f"{PHONES} predictions. Free tier (told: used for training): the class's median "
            f"guess {median} (range"
        )
        assert wanted in shown, shown
        assert "11.3 ± 2.1 points" in shown
    for teacher in (first, second):
        await teacher.__aexit__()


def test_two_classes_of_phones_each_counted_once_and_kept_apart(tmp_path):
    with running_app(tmp_path, {"AFLAB_MODE": "public"}) as app:
        asyncio.run(a_lesson(app.url))
