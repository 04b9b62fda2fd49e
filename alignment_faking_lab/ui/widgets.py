"""Small widget helpers shared by pages."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from alignment_faking_lab.ui.text import code_span


def url_choice(
    kind: Callable[..., Any],
    label: str,
    options: Sequence[str],
    param: str,
    format_func: Callable[[str], str] = str,
    **widget_options: Any,
) -> str:
    """A selectbox or segmented control whose choice lives in the URL as its plain id.

    Streamlit's own binding writes the formatted label into the address; links such as
    `?request=harm-violence-01&tier=paid` are easier to read, type and share.
    """
    requested = st.query_params.get(param)
    if param not in st.session_state and requested in options:
        st.session_state[param] = requested
    elif param not in st.session_state and requested is not None:
        # A shared link that names something not loaded here says so, instead of silently
        # showing something else.
        st.warning(
            f"The link asks for {label.lower()} {code_span(requested)}, which is not among the "
            f"{len(options)} loaded here; showing the first one instead.",
            icon="🔗",
        )
    if st.session_state.get(param) not in options:
        st.session_state[param] = options[0]
    choice = kind(label, options, format_func=format_func, key=param, **widget_options)
    st.query_params[param] = choice
    return choice
