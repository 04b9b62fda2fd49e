"""Which models fake alignment: the published figures of many models beside the user's runs."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from alignment_faking_lab import charts, model_comparison
from alignment_faking_lab.ui.chart_view import show_chart


def show_model_comparison(frame: pd.DataFrame | None = None, key: str = "models") -> None:
    st.header("Which models fake alignment")
    table = model_comparison.comparison(frame)
    runs = int((table["kind"] == "run").sum()) if len(table) else 0
    st.markdown(
        "The paper's per-model figures (helpful-only, default prompt; and its minimal "
        "reproduction on AdvBench), each with its table"
        + (f", and **{runs} model(s) from your runs** with 95% intervals." if runs else ".")
        + " Hover a bar for its source."
    )
    show_chart(charts.model_comparison_chart(table), key=f"{key}_chart", table=False)
    with st.expander("The same as a table"):
        st.dataframe(table, hide_index=True, width="stretch")
    st.markdown(f"**Later work: {model_comparison.SHESHADRI}.** {model_comparison.SHESHADRI_SETUP}")
    later = model_comparison.later_work().rename(
        columns={
            "compliance_gap_above_1pct": "compliance gap above 1%",
            "what_drives_the_gap": "what drives the gap (Table 1)",
        }
    )
    st.dataframe(later, hide_index=True, width="stretch", key=f"{key}_later")
