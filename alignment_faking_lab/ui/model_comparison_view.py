"""Which models fake alignment: the published figures of many models beside the user's runs."""

from __future__ import annotations

import streamlit as st

from alignment_faking_lab.analysis import model_comparison
from alignment_faking_lab.analysis.results_view import ModelComparisonView
from alignment_faking_lab.ui.chart_view import show_chart


def show_model_comparison(view: ModelComparisonView, key: str = "models") -> None:
    """The paper's per-model figures beside the user's runs (`results_view.model_comparison_view`,
    maybe shared), then the later work's table."""
    st.header("Which models fake alignment")
    runs = view.runs
    st.markdown(
        "The paper's per-model figures (helpful-only, default prompt; and its minimal "
        "reproduction on AdvBench), each with its table"
        + (f", and **{runs} model(s) from your runs** with 95% intervals." if runs else ".")
        + " Hover a bar for its source."
    )
    show_chart(view.chart, key=f"{key}_chart", table=False)
    show_chart(view.gap_chart, key=f"{key}_gap_chart", table=False)
    with st.expander("The same as a table"):
        st.dataframe(view.table, hide_index=True, width="stretch")
    st.markdown(f"**Later work: {model_comparison.SHESHADRI}.** {model_comparison.SHESHADRI_SETUP}")
    later = model_comparison.later_work().rename(
        columns={
            "compliance_gap_above_1pct": "compliance gap above 1%",
            "hypotheses_consistent_with_the_gap": "what the gap is consistent with (Table 1)",
        }
    )
    st.dataframe(later, hide_index=True, width="stretch", key=f"{key}_later")
