"""Keep every page inside the app's navigation, even when opened by a shared link.

Streamlit treats a `pages/` folder next to the entry script as a legacy multipage app until the
entry script has called `st.navigation` once in the server's life. So on a freshly started
server (a Community Cloud wake-up), a shared link such as `/transcripts?id=...` would run the
page on its own, without app.py's layout and menu. Each page calls `page_setup()` first: in that
case it switches the legacy mode off and reruns, which runs app.py and opens the same page.
"""

from __future__ import annotations

import streamlit as st
from streamlit import config
from streamlit.runtime.pages_manager import PagesManager


def page_setup() -> None:
    # AppTest resets the legacy flag before every run, so there a rerun would only swallow the
    # widget action under test; browser tests check the real server's behaviour instead.
    if PagesManager.uses_pages_directory and not config.get_option("global.appTest"):
        PagesManager.uses_pages_directory = False
        st.rerun()
