"""The app's few style rules, in one place: contrast fixes for both themes and presentation mode.

Everything else comes from the light and dark themes in `.streamlit/config.toml`. These rules
only touch what the theme cannot set; axe-core checks the result in the browser tests.
"""

from __future__ import annotations

import streamlit as st

# A selected pill or segment shows its choice by a tinted background, a border and bold text;
# its text keeps the body colour (the theme's accent on its own tint falls under 4.5:1).
# A page link's or a big number's label wraps instead of being cut off (on a phone, and in the
# Overview's row of five); a full multiselect keeps a typing target of 24 px (WCAG 2.2).
APP_CSS = """<style>
button[data-selected="true"], button[data-selected="true"] * {
  color: unset !important; font-weight: 700;
}
[data-testid="stPageLink"] p { white-space: normal !important; }
[data-testid="stMetricLabel"] * { white-space: normal !important; overflow: visible !important; }
[data-testid="stMultiSelect"] input[role="combobox"] { min-width: 24px !important; }
</style>"""

# Presentation mode: the page alone, full width, every text at 24 px or more from 1280x720 up
# (grey captions too, at full strength), with tight spacing so each step's key part fits 720p.
PRESENTATION_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"] {
  display: none !important;
}
[data-testid="stMainBlockContainer"] {
  max-width: 100% !important; padding: 0.75rem 3vw 3rem 3vw !important;
}
[data-testid="stMain"] [data-testid="stVerticalBlock"] { gap: 0.55rem !important; }
[data-testid="stMain"] :is(h1, h2, h3) {
  padding-top: 0.2rem !important; padding-bottom: 0.2rem !important; }
[data-testid="stMain"] [data-testid="stCaptionContainer"] { color: inherit !important; }
[data-testid="stMain"] :is(p, li, span, label, code, summary, td, th, button, input) {
  font-size: max(24px, 1.5vw) !important; line-height: 1.4 !important;
}
[data-testid="stMain"] :is(h1, h2, h3, h4, h5, h6) span { font-size: inherit !important; }
[data-testid="stMain"] h1 { font-size: max(36px, 2.4vw) !important; }
[data-testid="stMain"] h2 { font-size: max(32px, 2.1vw) !important; }
[data-testid="stMain"] :is(h3, h4, h5, h6) { font-size: max(28px, 1.8vw) !important; }
[data-testid="stMain"] [data-testid="stMetricValue"] * { font-size: max(56px, 3.6vw) !important; }
[data-testid="stMain"] [data-testid="stMetricLabel"] * {
  font-size: max(24px, 1.5vw) !important; white-space: normal !important;
  overflow: visible !important;
}
</style>"""


def apply_app_style() -> None:
    st.html(APP_CSS)


def apply_presentation_style() -> None:
    st.html(PRESENTATION_CSS)


def open_at_top(marker: str, focus_key: str | None = None) -> None:
    """Scroll to the top when `marker` changes (e.g. each walkthrough step), focus the widget
    with key `focus_key` so Enter or Space presses it, and let a presenter's clicker (Page
    Down / Page Up) scroll the page, then at its end press the buttons with keys `next` and
    `back`. Our own constant script: no data goes into it."""
    focus = f"'.st-key-{focus_key} button'" if focus_key else "null"
    st.html(
        f"""<script>
/* {marker} */
(() => {{
  const doc = window.parent?.document ?? document;
  const top = () => {{
    window.scrollTo(0, 0);
    doc.querySelectorAll('[data-testid="stMain"], [data-testid="stAppViewContainer"]')
      .forEach(e => {{ e.scrollTop = 0; }});
  }};
  top();
  requestAnimationFrame(top);
  setTimeout(top, 120);
  const focusTarget = {focus};
  if (focusTarget) {{
    // The page may still be drawing: try a few times, never taking focus from another control.
    [60, 200, 500, 1000, 2000].forEach((wait, attempt) => setTimeout(() => {{
      const active = doc.activeElement;
      const free = !active || active === doc.body || attempt === 0
        || active.closest('.st-key-next, .st-key-back');
      const b = doc.querySelector(focusTarget);
      if (free && b && !b.disabled && active !== b) b.focus({{ preventScroll: true }});
    }}, wait));
  }}
  if (!window.__aflabClicker) {{
    window.__aflabClicker = true;
    // Page Down scrolls the page a screen at a time, and only at its bottom presses Next;
    // Page Up scrolls back up, and only at the top presses Back.
    const scroller = () => [...doc.querySelectorAll(
        '[data-testid="stMain"], [data-testid="stAppViewContainer"]')]
      .find(e => e.scrollHeight > e.clientHeight + 2
        && !['hidden', 'visible'].includes(getComputedStyle(e).overflowY))
      || doc.scrollingElement;
    doc.addEventListener('keydown', (event) => {{
      const key = {{ PageDown: 'next', PageUp: 'back' }}[event.key];
      const tag = (event.target?.tagName || '').toLowerCase();
      if (!key || ['input', 'textarea', 'select'].includes(tag)) return;
      const button = doc.querySelector('.st-key-' + key + ' button');
      if (!button) return;
      event.preventDefault();
      const s = scroller();
      const room = key === 'next' ? s.scrollHeight - s.clientHeight - s.scrollTop : s.scrollTop;
      if (room > 4) {{
        const step = Math.round(s.clientHeight * 0.85);
        s.scrollBy({{ top: key === 'next' ? step : -step, behavior: 'instant' }});
      }} else if (!button.disabled) {{
        button.click();
      }}
    }});
  }}
}})();
</script>""",
        unsafe_allow_javascript=True,
    )
