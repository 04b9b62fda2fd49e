"""A class session with 40 phones on one public server: how fast the projector updates.

`streamlit run` in public mode (as on Community Cloud: one process for everyone). A teacher
opens a class; `--phones` students (default 40) join on their phones; then all of them send
their prediction at the same moment while the projector's view reruns as the browser asks it
to (every 2 s in the app; here back to back, to time each update) and every phone checks
every 5 s whether the teacher moved on, as the app's phones do. Every visitor is a real server
session speaking the browser's wire protocol (tests/streamlit_wire.py).

Figures: one projector update (its fragment's run, from the request to the last element)
with the class idle, during the burst and after the reveal (the chart of 40 predictions
beside the paper's figure); how long after the burst began the projector showed every
prediction; the slowest phone's send; the server's CPU per projector update and its peak RSS.
"""

from __future__ import annotations

import asyncio
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench_sessions import cpu_seconds, peak_rss_mb
from common import Row, print_table

from alignment_faking_lab.ui.class_phone import PHONE_REFRESH_SECONDS
from alignment_faking_lab.ui.class_projector import PROJECTOR_REFRESH_SECONDS
from tests.browser_harness import running_app
from tests.streamlit_wire import WireVisitor

PAGE = "class_session"
SEND = "FormSubmitter:class_predict-Send my prediction"


async def _projector_update(teacher: WireVisitor) -> tuple[float, str]:
    (fragment,) = teacher.last.fragments
    run = await teacher.run(fragment=fragment)
    return run.seconds, run.text


async def _phone_sends(phone: WireVisitor, number: int) -> float:
    phone.set("predict_free", 5 + number % 30)
    phone.set("predict_paid", number % 7)
    phone.set("predict_word", "training")
    start = time.perf_counter()
    run = await phone.run(press=SEND)
    if "Your prediction is in" not in run.text:
        raise RuntimeError(f"a phone's prediction was not taken: {run.text[-300:]}")
    return time.perf_counter() - start


async def _phone_follows(phone: WireVisitor, until: asyncio.Event) -> None:
    """The phone's own check every few seconds, as the app's phones do."""
    (fragment,) = phone.last.fragments
    while not until.is_set():
        await asyncio.sleep(PHONE_REFRESH_SECONDS)
        await phone.run(fragment=fragment)


async def lesson(url: str, phones: int, pid: int) -> list[Row]:
    async with WireVisitor(url, PAGE) as teacher:
        await teacher.run()
        run = await teacher.run(press="class_open")
        code = re.search(r"Class code: ((?:\w ){5}\w)", run.text).group(1).replace(" ", "")
        tabs = [WireVisitor(url, PAGE, f"class={code}") for _ in range(phones)]
        await asyncio.gather(*(tab.__aenter__() for tab in tabs))
        try:
            await asyncio.gather(*(tab.run() for tab in tabs))
            idle = [(await _projector_update(teacher))[0] for _ in range(10)]

            done = asyncio.Event()
            following = [asyncio.create_task(_phone_follows(tab, done)) for tab in tabs]
            start = time.perf_counter()
            sending = asyncio.gather(*(_phone_sends(tab, n) for n, tab in enumerate(tabs)))
            busy, all_shown, cpu_start = [], None, cpu_seconds(pid)
            while all_shown is None or not sending.done():
                seconds, text = await _projector_update(teacher)
                busy.append(seconds)
                if all_shown is None and f"Predictions: {phones}" in text:
                    all_shown = time.perf_counter() - start
            cpu = (cpu_seconds(pid) - cpu_start) / len(busy)
            sends = await sending
            done.set()
            await asyncio.gather(*following)

            await teacher.run(press="class_reveal")
            revealed = [(await _projector_update(teacher)) for _ in range(5)]
            if "11.3 ± 2.1 points" not in revealed[-1][1]:
                raise RuntimeError("the projector did not show the paper's figure")
        finally:
            await asyncio.gather(*(tab.__aexit__() for tab in tabs))
    chart = [seconds for seconds, _ in revealed]
    return [
        Row(f"projector update, class idle ({phones} phones joined): median", phones,
            statistics.median(idle), "s"),
        Row(f"projector update while {phones} phones send at once: median", phones,
            statistics.median(busy), "s"),
        Row(f"projector update while {phones} phones send at once: slowest", phones, max(busy),
            "s", target=PROJECTOR_REFRESH_SECONDS),
        Row("projector update after the reveal (chart of every prediction): median", phones,
            statistics.median(chart), "s", target=1.0),
        Row(f"from the burst to the projector showing all {phones} predictions", phones,
            all_shown, "s", target=PROJECTOR_REFRESH_SECONDS * 3),
        Row(f"slowest phone's send, {phones} at once", phones, max(sends), "s", target=5.0),
        Row("server CPU per projector update during the burst (phones' work included)", phones,
            cpu, "s"),
        Row("peak RSS of the server process", phones, peak_rss_mb(pid), "MB", target=1536),
    ]  # fmt: skip


def main() -> None:
    from common import parser

    arguments = parser(__doc__.splitlines()[0])
    arguments.add_argument("--phones", type=int, default=40)
    options = arguments.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="aflab-bench-class-"))
    with running_app(data_dir, {"AFLAB_MODE": "public"}, timeout=120) as app:
        rows = asyncio.run(lesson(app.url, options.phones, app.process.pid))
    print_table(rows, f"A class session: {options.phones} phones and a projector, one server")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
