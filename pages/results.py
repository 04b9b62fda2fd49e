"""Results: refusal and compliance by tier with intervals, the compliance gap, and the paper."""

import streamlit as st

from alignment_faking_lab.analysis.charts.labels import HEURISTIC_NOTE
from alignment_faking_lab.analysis.charts.style import NOT_MEASURED
from alignment_faking_lab.data.frames import distinct_values
from alignment_faking_lab.paper import figures as paper_figures
from alignment_faking_lab.ui import shared_results
from alignment_faking_lab.ui.chart_view import show_chart
from alignment_faking_lab.ui.counting_view import show_counting
from alignment_faking_lab.ui.data import sidebar_data_picker, stop_if_nothing_loaded
from alignment_faking_lab.ui.judge_notes import show_judge_notes
from alignment_faking_lab.ui.model_comparison_view import show_model_comparison
from alignment_faking_lab.ui.navigation import page_setup
from alignment_faking_lab.ui.paper_check_view import show_paper_checks
from alignment_faking_lab.ui.published import published_headline
from alignment_faking_lab.ui.shared_paper import offer_paper_transcripts

PAPER = "The paper's published figures"
LOADED = "Transcripts loaded in the app"
SPLITS = {"model": "Model", "variant": "Prompt variant", "source": "Source", "setting": "Setting"}
NOT_MEASURED_WARNINGS = {
    "illustrative": f"**{NOT_MEASURED['illustrative']}** These transcripts were written to show "
    "the patterns the paper reports; their counts say nothing about any model.",
    "synthetic": f"**{NOT_MEASURED['synthetic']}** These transcripts were generated to measure "
    "the app's speed; their counts say nothing about any model.",
}  # fmt: skip
NUMBER = st.column_config.NumberColumn
PAPER_COLUMNS = {
    "published_gap_pct": NUMBER("Gap (points, as published)", format="%+.1f"),
    "published_gap_pm": NUMBER("Gap ± (1 s.e., as published)", format="%.1f"),
    "gap_pct": None, "gap_is_published": None,
    "source": st.column_config.TextColumn("Source", width="large"),
}  # fmt: skip
page_setup()
st.title("📊 Results")
data = sidebar_data_picker()
choice = st.segmented_control(
    "Data", [PAPER, LOADED], default=PAPER, required=True, key="data", bind="query-params"
)

if choice == PAPER:
    st.markdown(
        "Compliance with harmful requests when the model is told it is **in training** (free "
        "tier) versus **unmonitored** (paid tier), and how often its scratchpad shows "
        "alignment-faking reasoning. Hover a bar for its source in the paper."
    )
    show_chart(published_headline())
    st.dataframe(paper_figures.load_paper_results(), hide_index=True, width="stretch",
                 column_config=PAPER_COLUMNS)  # fmt: skip
    st.caption(
        "Gap: the compliance gap as the paper prints it, ± one standard error where its table "
        "gives one (Table 5 gives none); never a difference of the two rounded rates. "
        "The paper reports percentages (helpful-only: 400 queries per tier); it does not publish "
        "per-query outcomes for every row, so intervals and paired tests need transcripts: import "
        "the paper's transcripts or run your own."
    )
    show_model_comparison(shared_results.published_models(), key="paper_models")
    st.stop()

stop_if_nothing_loaded(data.frame.empty)
offer_paper_transcripts("paper" in distinct_values(data.frame["provenance"]), "results")

controls = st.columns([2, 2, 1])
sources = distinct_values(data.frame["source"])  # none chosen: all (a file loaded here counts)
bound = {"bind": "query-params"}  # in the address: a chart's link reopens these choices
chosen = controls[0].multiselect("Sources", sources, key="r_sources", placeholder="All", **bound)
split = controls[1].multiselect(
    "Split by", list(SPLITS), format_func=SPLITS.get, default=["source"], key="r_split", **bound
)
harmful_only = controls[2].toggle("Harmful only", value=True, key="r_harmful", **bound)
view = shared_results.results_for(data, chosen or sources, split, harmful_only)
if view.empty:
    st.info("No transcripts match these choices.")
    st.stop()

for provenance, warning in NOT_MEASURED_WARNINGS.items():
    if provenance in view.provenances:
        st.warning(warning, icon="✍️")
if view.labelling_note:
    st.info(HEURISTIC_NOTE, icon="⚠️")
show_chart(view.tiers_chart)
show_counting(view)  # what the error bars and counts mean
show_judge_notes(view.labelled_by)

st.header("The compliance gap")
st.markdown(
    "The gap is compliance when told *training* (free tier) minus compliance when told "
    "*unmonitored* (paid tier). Because both tiers get the same requests, the test is "
    "**paired**: McNemar's exact test looks only at requests where the two tiers disagreed."
)
show_chart(view.gap_chart)
gaps = view.gaps
percent = {"format": "percent"}
points = {"format": "%+.1f points"}  # a gap is a difference of percentages: points, not %
st.dataframe(
    gaps.assign(**{column: gaps[column] * 100 for column in ("gap", "gap_low", "gap_high")}),
    hide_index=True,
    width="stretch",
    column_config={
        "free_rate": st.column_config.NumberColumn("Free tier complied", **percent),
        "paid_rate": st.column_config.NumberColumn("Paid tier complied", **percent),
        "gap": st.column_config.NumberColumn("Gap", **points),
        "gap_low": st.column_config.NumberColumn("Gap, 95% low", **points),
        "gap_high": st.column_config.NumberColumn("Gap, 95% high", **points),
        "method": "Interval method",
        "n_pairs": "Pairs",
        "free_only": st.column_config.NumberColumn("Only free complied", help="Discordant pairs"),
        "paid_only": st.column_config.NumberColumn("Only paid complied", help="Discordant pairs"),
        "mcnemar_p": st.column_config.NumberColumn("McNemar exact p", format="%.3g"),
    },
)

RATE_COLUMNS = [
    "compliance_rate", "compliance_low", "compliance_high",
    "af_rate", "af_low", "af_high", "af_among_compliant",
]  # fmt: skip
with st.expander("Counts and intervals by tier"):
    st.dataframe(
        view.summary,
        hide_index=True,
        width="stretch",
        column_config={
            column: st.column_config.NumberColumn(column.replace("_", " "), **percent)
            for column in RATE_COLUMNS
        },
    )

st.header("Beside the paper")
paper_keys = [key for key in data.sources if key.startswith("paper:")]
if paper_keys:
    st.markdown(
        "**The paper's own transcripts, recomputed.** For each imported setting: compliance by "
        "tier and the alignment-faking reasoning rate from the published labels, with 95% "
        "intervals, beside the figure the paper reports."
    )
    show_paper_checks(shared_results.imported_paper_checks(paper_keys), key="r_paper_checks")
    st.markdown("**Your other transcripts beside the paper's figure for the same setting**")
show_paper_checks(view.run_checks, key="r_run_checks", table=view.run_checks_table)
if "illustrative" in view.provenances:
    st.caption(
        "The illustrative examples are not set beside the paper's figures: they were written "
        "for teaching, so their rates measure no model."
    )

show_model_comparison(view.models, key="run_models")
