"""A Streamlit visitor that speaks the browser's own wire protocol, for many-visitor tests and
benchmarks: a WebSocket to `/_stcore/stream` carrying Streamlit's protobuf messages, as
`benchmarks/bench_sessions.py` speaks it, plus what a visitor does on a page: widgets set and
buttons pressed (sent as the browser sends them, every widget's state with the run), the page's
address as the server changes it, and a fragment's timed reruns.

One `WireVisitor` is one browser tab: its own server session for as long as it is connected.
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass, field

from streamlit.proto import BackMsg_pb2, ForwardMsg_pb2

FINISHED = {
    ForwardMsg_pb2.ForwardMsg.FINISHED_SUCCESSFULLY,
    ForwardMsg_pb2.ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
}
VALUE_FIELDS = {  # how the browser sends each kind of widget's value
    "number_input": "int_value", "text_input": "string_value", "button": "trigger_value",
    "radio": "string_value", "checkbox": "bool_value", "slider": "double_array_value",
}  # fmt: skip


@dataclass
class PageRun:
    """What one run drew: the text of its elements and its widgets by their keys."""

    texts: list[str] = field(default_factory=list)
    widgets: dict[str, tuple[str, str]] = field(default_factory=dict)  # key: (id, kind)
    fragments: set[str] = field(default_factory=set)  # fragments that rerun by themselves
    seconds: float = 0.0

    @property
    def text(self) -> str:
        """The text as read on screen: markdown escapes and invisible joiners taken out."""
        return re.sub(r"\\(.)", r"\1", "\n".join(self.texts)).replace("\u2060", "")


def _element_text(element) -> str:
    kind = element.WhichOneof("type")
    if kind == "markdown":
        return element.markdown.body
    if kind == "metric":
        return f"{element.metric.label}: {element.metric.body}"
    if kind == "alert":
        return element.alert.body
    if kind == "heading":
        return element.heading.body
    if kind == "exception":
        return f"{element.exception.type}: {element.exception.message}"
    return ""


def _widget_key(widget_id: str) -> str | None:
    """The key a page gave a widget: Streamlit ends a keyed widget's id with it."""
    parts = widget_id.split("-", 2)
    return parts[2] if len(parts) == 3 and parts[0] == "$$ID" else None


class WireVisitor:
    """One tab on `url`'s app, at `page` with `query`."""

    def __init__(self, url: str, page: str, query: str = "") -> None:
        self.stream = url.replace("http://", "ws://") + "/_stcore/stream"
        self.page = page
        self.query = query
        self.socket = None
        self.values: dict[str, tuple[str, object]] = {}  # widget id: (field, value)
        self.last = PageRun()

    async def __aenter__(self) -> WireVisitor:
        import websockets

        self.socket = await websockets.connect(
            self.stream, subprotocols=["streamlit"], max_size=None, open_timeout=120
        )
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.socket.close()

    async def run(self, press: str | None = None, fragment: str | None = None) -> PageRun:
        """One run of the page (or of one fragment) with the widget values set so far, pressing
        the button with key `press`; returns what it drew once the server says it finished."""
        ask = BackMsg_pb2.BackMsg()
        state = ask.rerun_script
        state.page_name = self.page
        state.query_string = self.query
        if fragment:
            state.fragment_id = fragment
            state.is_auto_rerun = True
        for widget_id, (kind, value) in self.values.items():
            widget = state.widget_states.widgets.add()
            widget.id = widget_id
            if kind == "double_array_value":
                widget.double_array_value.data.extend(value)
            else:
                setattr(widget, kind, value)
        if press is not None:
            widget = state.widget_states.widgets.add()
            widget.id = self.last.widgets[press][0]
            widget.trigger_value = True
        start = time.perf_counter()
        await self.socket.send(ask.SerializeToString())
        run = PageRun()
        while True:
            message = ForwardMsg_pb2.ForwardMsg()
            message.ParseFromString(await asyncio.wait_for(self.socket.recv(), 120))
            kind = message.WhichOneof("type")
            if kind == "new_session" and fragment is None:
                run = PageRun()  # the page ran again (st.rerun): what counts is its last run
            if kind == "page_not_found":
                raise RuntimeError(f"the server has no page {self.page!r}")
            if kind == "page_info_changed":
                self.query = message.page_info_changed.query_string
            if kind == "auto_rerun":
                run.fragments.add(message.auto_rerun.fragment_id)
            if kind == "delta" and message.delta.WhichOneof("type") == "new_element":
                element = message.delta.new_element
                if text := _element_text(element):
                    run.texts.append(text)
                inner = getattr(element, element.WhichOneof("type"))
                widget_id = getattr(inner, "id", "")
                if (key := _widget_key(widget_id)) is not None:
                    run.widgets[key] = (widget_id, element.WhichOneof("type"))
            if kind == "script_finished" and message.script_finished in FINISHED:
                break
        run.seconds = time.perf_counter() - start
        if fragment is None:
            self.last = run
        return run

    def set(self, key: str, value: object) -> None:
        """Set the widget with `key` (drawn by the last run), as a visitor would."""
        widget_id, kind = self.last.widgets[key]
        self.values[widget_id] = (VALUE_FIELDS[kind], value)
