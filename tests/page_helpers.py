"""The one set of helpers the AppTest page tests share: open a page as a visitor would (app.py
first, then the page, with its query), read everything written on it, load a file."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TIMEOUT = 60


def open_page(page: str | None = None, query: dict[str, str] | None = None) -> AppTest:
    """The app opened on `page` (a path such as "pages/results.py"; the Overview when None)."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    assert not at.exception, at.exception
    return at


def page_text(at: AppTest) -> str:
    """Everything written on the page as text: title, markdown, headers, captions, alerts."""
    elements = [
        *at.title, *at.markdown, *at.header, *at.subheader, *at.caption,
        *at.success, *at.info, *at.warning, *at.error,
    ]  # fmt: skip
    return "\n".join(str(e.value) for e in elements)


def load_file(at: AppTest, path: Path) -> None:
    """Type a path into the sidebar's 'path on the server' field and press 'Load file'."""
    at.text_input(key="load_path").set_value(str(path)).run()
    at.button(key="load_path_button").click().run()
    assert not at.exception, at.exception
