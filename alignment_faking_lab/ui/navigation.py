"""The app's pages and menu, and keeping every page inside them, even when opened by a link.

Streamlit still supports its legacy multipage mode: with a `pages/` folder next to the entry
script (this project's specified layout), a server runs a requested page on its own, without
app.py's page settings and menu, until some session has called `st.navigation` ("As soon as any
session of your app executes the st.navigation command, your app will ignore the pages/
directory (across all sessions)", st.navigation's documentation). So on a freshly started server
(a Community Cloud wake-up), a shared link such as `/transcripts?id=...` would open the bare page.

Streamlit offers no setting to turn the legacy mode off, and `client.showSidebarNavigation` only
hides its menu. So each page calls `page_setup()` first: when the page was not started by
`run_app()` (app.py), it does what app.py does (the frame, then the page `st.navigation` opens,
which is this same page with the same query) and stops its own bare run; that `st.navigation`
call also ends the legacy mode for the whole server, as documented. Only public Streamlit
commands are used; nothing reruns, so no click is lost. The browser test
`test_a_shared_transcript_link_reopens_it_on_a_fresh_server` checks this on a real fresh
server, and `test_the_legacy_mode_this_works_around_still_exists` fails when a Streamlit upgrade
drops the legacy mode (then this workaround can go).
"""

from __future__ import annotations

import logging
import threading

import streamlit as st

from alignment_faking_lab.public import deployment
from alignment_faking_lab.ui.mode import show_mode
from alignment_faking_lab.ui.server_metrics import hide_server_metrics
from alignment_faking_lab.ui.style import apply_app_style

_run_by_app = threading.local()  # set while app.py runs a page (script runs are per thread)


# The app's pages in menu order: (path relative to app.py, title, icon). Material icons, not
# emoji: they look the same on every system, and an emoji icon makes Streamlit load its emoji
# catalogue (about 0.4 s of a cold start) before the first page can draw.
PAGES = [
    ("pages/overview.py", "Overview", ":material/home:"),
    ("pages/walkthrough.py", "Guided walkthrough", ":material/school:"),
    ("pages/playground.py", "Playground", ":material/science:"),
    ("pages/transcripts.py", "Transcripts", ":material/description:"),
    ("pages/results.py", "Results", ":material/bar_chart:"),
    ("pages/run_experiment.py", "Run experiment", ":material/rocket_launch:"),
    ("pages/judge_check.py", "Check the judge", ":material/balance:"),
    ("pages/class_session.py", "Class session", ":material/pan_tool:"),
    ("pages/prompts.py", "Prompts", ":material/edit_note:"),
    ("pages/paper_transcripts.py", "Paper transcripts", ":material/library_books:"),
    ("pages/glossary.py", "Glossary", ":material/menu_book:"),
]
APP_ICON = ":material/theater_comedy:"
WARNING_ICON = ":material/warning:"


def page_icon(path: str) -> str:
    """The menu's icon for the page at `path`, for links to it."""
    return next(icon for page, _, icon in PAGES if page == path)


def app_pages() -> list[st.Page]:
    """The app's pages, in menu order (the first is the default)."""
    return [
        st.Page(path, title=title, icon=icon, default=index == 0)
        for index, (path, title, icon) in enumerate(PAGES)
    ]


def app_frame() -> st.Page:
    """What app.py draws around every page: page settings, the menu at the top and the server's
    mode in the sidebar; returns the chosen page."""
    st.set_page_config(page_title="Alignment Faking Lab", page_icon=APP_ICON, layout="wide")
    page = st.navigation(app_pages(), position="top")
    apply_app_style()
    show_mode()
    if deployment.is_public():
        hide_server_metrics()
    return page


def run_app() -> None:
    """app.py's body: the frame, then the chosen page."""
    _run_page(app_frame())


PAGE_FAILED = (
    "Something went wrong on this page, and it stopped here. What you loaded or ran before is "
    "kept: go back a step, change what you entered, or reload the page. (The details are in "
    "the server's log for its owner.)"
)


def _run_page(page) -> None:
    """Runs the page. On a public server a visitor sees a plain message instead of a traceback
    (which would show the server's paths and code); the traceback goes to the server's log."""
    _run_by_app.active = True
    try:
        page.run()
    except Exception:
        if not deployment.is_public():
            raise
        logging.getLogger(__name__).exception("A page failed for a visitor")
        st.error(PAGE_FAILED, icon=WARNING_ICON)
    finally:
        _run_by_app.active = False


def opened_outside_app() -> bool:
    """True when Streamlit's legacy mode ran this page on its own (not through app.py)."""
    return not getattr(_run_by_app, "active", False)


def page_setup() -> None:
    """Called first by every page. When the legacy mode skipped app.py, do what app.py does
    (its `st.navigation` call also ends the legacy mode, for every session): draw the frame and
    run the page it opens, this same page, then stop this bare run of it. The page then runs
    exactly as under app.py (same widget identities, so no click or typed value is lost)."""
    if opened_outside_app():
        _run_page(app_frame())
        st.stop()
