"""Everything the Results page shows, computed in one pure step so it can be computed once.

The statistics and, above all, the plotly figures cost seconds on tens of thousands of
transcripts (plotly validates every property it is given). A page that rebuilt them on every
rerun of every visitor made a public server with many visitors slow and memory-hungry, so the
page asks for a `ResultsView` (or a `PaperCheckView`, a `ModelComparisonView`) and draws it;
`ui/shared_results.py` keeps each one for every session that asks for the same data and choices.
Nothing here touches Streamlit: the views are plain, read-only values.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from alignment_faking_lab.analysis import model_comparison, statistics
from alignment_faking_lab.analysis.charts.figure1 import figure1_chart
from alignment_faking_lab.analysis.charts.gaps import gap_chart
from alignment_faking_lab.analysis.charts.labels import labelling_note, not_measured_caption
from alignment_faking_lab.analysis.charts.models import model_comparison_chart, model_gap_chart
from alignment_faking_lab.analysis.charts.paper import paper_vs_run_chart
from alignment_faking_lab.analysis.charts.style import (
    PreparedChart,
    data_source,
    prepare_chart,
    set_source,
)
from alignment_faking_lab.analysis.paper_check import (
    compare_with_paper,
    describe_differences,
    match_frame,
)

RUN_MEASURED = "measured from {n} transcripts"
PAPER_MEASURED = "recomputed from {n} published transcripts"
RUN_GROUPING = ("source", "setting", "variant", "model")
NOT_SET_BESIDE_PAPER = ("paper", "illustrative")  # provenances left out of `run_checks`
NOT_MEASURED_KINDS = ("illustrative", "synthetic")  # never pooled into a measured rate
KEEPS_KINDS_APART = ("source", "provenance")  # splits that already keep them apart


@dataclass(frozen=True)
class PaperCheckView:
    """One setting, variant and model beside the paper's figure for the same setting and variant
    (or only the sentence that says the paper has none)."""

    title: str
    n: int
    explanation: str
    measured: str
    sentences: tuple[str, ...] = ()
    comparison: pd.DataFrame | None = None
    note: str = ""  # said instead of a comparison when there is nothing to compare
    paper_row: Mapping[str, Any] | None = None
    summary: pd.DataFrame | None = None  # statistics.tier_summary of the group
    _built: dict[str, PreparedChart] = field(default_factory=dict, repr=False, compare=False)
    _building: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @property
    def from_published_labels(self) -> bool:
        return "published" in self.measured

    def chart(self) -> PreparedChart | None:
        """The group beside the paper as a chart, built the first time a page shows it (of many
        groups only the chosen one is drawn, and plotly figures are slow to build), then kept
        for every session."""
        if self.paper_row is None or self.summary is None or self.comparison is None:
            return None
        with self._building:  # twenty visitors arriving at once: one builds, the others wait
            if "chart" not in self._built:
                figure = paper_vs_run_chart(self.paper_row, self.summary, run_label=self.title)
                self._built["chart"] = prepare_chart(figure)
            return self._built["chart"]


@dataclass(frozen=True)
class ModelComparisonView:
    """The paper's per-model figures (and the user's runs): compliance, the gap, a table."""

    table: pd.DataFrame
    chart: PreparedChart
    gap_chart: PreparedChart
    runs: int


@dataclass(frozen=True)
class ResultsView:
    """The Results page for one data selection and one set of choices."""

    n: int
    provenances: frozenset[str]
    labelling_note: str
    labelled_by: tuple[str, ...]
    summary: pd.DataFrame
    gaps: pd.DataFrame
    tiers_chart: PreparedChart | None
    gap_chart: PreparedChart | None
    run_checks: tuple[PaperCheckView, ...]
    run_checks_table: pd.DataFrame  # `checks_table(run_checks)`, built once with the view
    models: ModelComparisonView | None
    repeats: int = 0  # transcripts set aside as repeats of a sample already counted
    per_run: pd.DataFrame = field(default_factory=pd.DataFrame)  # statistics.counted_per_run
    split: tuple[str, ...] = ()  # the split used (the chosen one, kinds of data kept apart)

    @property
    def empty(self) -> bool:
        return self.n == 0

    @property
    def counting_note(self) -> str:
        """How many transcripts were counted and how many set aside, in one sentence."""
        loaded = self.n + self.repeats
        if not self.repeats:
            return f"All {loaded:,} transcripts counted: no sample appears twice."
        return (
            f"{self.n:,} of {loaded:,} transcripts counted; {self.repeats:,} set aside as "
            "repeats of a sample already counted (for example a reply served again from the "
            "cache in a later run)."
        )


def kept_apart(frame: pd.DataFrame, split: Sequence[str]) -> list[str]:
    """The split, with the kind of data added when illustrative or synthetic transcripts would
    otherwise be pooled with measured ones into one rate."""
    split = list(split)
    kinds = set(frame["provenance"].astype(str).unique()) if len(frame) else set()
    mixed = kinds & set(NOT_MEASURED_KINDS) and kinds - set(NOT_MEASURED_KINDS)
    if mixed and not set(split) & set(KEEPS_KINDS_APART):
        return ["provenance", *split]
    return split


def paper_check_view(
    title: str, frame: pd.DataFrame, measured: str = PAPER_MEASURED
) -> PaperCheckView:
    """The check of one setting, variant and model: chart, sentences and table.

    Args:
        title: the group's name, shown above it (and the chart's key on the page).
        frame: the transcripts of one setting, variant and model.
        measured: how the rates were found, with `{n}` for the count (published labels or a run).
    """
    paper = match_frame(frame)
    base = PaperCheckView(title, len(frame), paper.explanation, measured)
    if paper.row is None:
        return base
    comparison = compare_with_paper(frame, paper.row["setting"], paper=paper)
    if comparison.empty:
        return PaperCheckView(title, len(frame), paper.explanation, measured,
                              note="These transcripts give no outcome to compare.")  # fmt: skip
    return PaperCheckView(
        title, len(frame), paper.explanation, measured,
        tuple(describe_differences(comparison, measured)), comparison,
        paper_row=paper.row, summary=statistics.tier_summary(frame),
    )  # fmt: skip


SHORT_MEASURES = {  # checks_table's columns, by how each measure's name starts
    "Compliance, free tier": "Free tier complied (%)",
    "Compliance, paid tier": "Paid tier complied (%)",
    "Compliance gap": "Gap (points)",
    "Alignment-faking reasoning": "Alignment-faking reasoning (%)",
}


PAPER_SOURCE = "The paper's figure beside it (model, prompt; table)"


def _cell(row, signed: bool = False) -> str:
    """'50.0 (25.4–74.6) · paper 14.2': the value, its 95% interval, the published figure (a
    gap, `signed`, in points with its sign: '+41.7 (+11.1–+65.1) · paper +11.3')."""
    number = "{:+.1f}" if signed else "{:.1f}"
    text = f"{number.format(row.recomputed_pct)} ({number.format(row.low_pct)}–"
    text += f"{number.format(row.high_pct)})"
    return text + ("" if pd.isna(row.paper_pct) else f" · paper {number.format(row.paper_pct)}")


def checks_table(checks: Sequence[PaperCheckView]) -> pd.DataFrame:
    """One row per group, one column per measure (value, 95% interval and the paper's figure),
    for a page with many groups: one table to scan instead of a chart per group."""
    rows = []
    for check in checks:
        row = {"Group": check.title, "Transcripts": check.n}
        comparison = check.comparison if check.comparison is not None else pd.DataFrame()
        for measure in comparison.itertuples():
            column = next((short for start, short in SHORT_MEASURES.items()
                           if measure.measure.startswith(start)), measure.measure)  # fmt: skip
            row[column] = _cell(measure, signed=column == SHORT_MEASURES["Compliance gap"])
            # Which published row the figures come from: often another model (Claude 3 Opus)
            row[PAPER_SOURCE] = measure.paper_row
        rows.append(row)
    columns = ["Group", "Transcripts", *SHORT_MEASURES.values(), PAPER_SOURCE]
    table = pd.DataFrame(rows).reindex(columns=columns)
    text = columns[2:]  # a measure no group has comes as an empty float column: text it first
    table[text] = table[text].astype(object).fillna("–")
    return table


def model_comparison_view(frame: pd.DataFrame | None = None) -> ModelComparisonView:
    """The model-comparison chart and table: the paper's rows, then the runs in `frame`."""
    table = model_comparison.comparison(frame)
    runs = int((table["kind"] == "run").sum()) if len(table) else 0
    return ModelComparisonView(
        table,
        prepare_chart(model_comparison_chart(table)),
        prepare_chart(model_gap_chart(table)),
        runs,
    )


def select(frame: pd.DataFrame, sources: Sequence[str], harmful_only: bool) -> pd.DataFrame:
    """The rows the page's controls keep: the chosen sources, and only harmful requests if
    asked."""
    keep = frame["source"].astype(str).isin(list(sources))
    if harmful_only:
        keep &= frame["harmful"].fillna(False).astype(bool)
    return frame[keep]


def results_view(
    frame: pd.DataFrame, sources: Sequence[str], split: Sequence[str], harmful_only: bool
) -> ResultsView:
    """Rates by tier, the compliance gap, each non-paper group beside the paper, and the model
    comparison, for the transcripts the page's controls keep.

    Args:
        frame: every loaded transcript (the app's table).
        sources: the sources chosen in the page's "Sources" control.
        split: the columns to split the rates by ("source", "model", ...).
        harmful_only: keep only harmful requests (the paper's measure).
    """
    selected = select(frame, sources, harmful_only)
    if selected.empty:
        empty = pd.DataFrame()
        return ResultsView(0, frozenset(), "", (), empty, empty, None, None, (), empty, None)
    subset, repeats = statistics.count_once(selected)
    split = kept_apart(subset, split)
    summary = statistics.tier_summary(subset, by=split)
    gaps = statistics.gap_table(subset, by=split)
    note = labelling_note(subset)
    tiers = figure1_chart(summary, title="Refusal and compliance by tier", note=note)
    gap = gap_chart(gaps, caption=not_measured_caption(summary))
    # The paper's own transcripts are checked on their own; the illustrative examples were
    # written for teaching, so setting their rates beside the paper's would compare nothing.
    others = subset[~subset["provenance"].isin(NOT_SET_BESIDE_PAPER)]
    grouping = [others[column].astype(str) for column in RUN_GROUPING]
    checks = tuple(
        paper_check_view(" · ".join(key), group, RUN_MEASURED)  # unique per group
        for key, group in others.groupby(grouping, sort=True)
    )
    return ResultsView(
        n=len(subset),
        provenances=frozenset(subset["provenance"].astype(str).unique()),
        labelling_note=note,
        labelled_by=tuple(subset["labelled_by"].astype(str).unique()),
        summary=summary,
        gaps=gaps,
        tiers_chart=prepare_chart(set_source(tiers, data_source(subset))),
        gap_chart=prepare_chart(set_source(gap, data_source(subset))),
        run_checks=checks,
        run_checks_table=checks_table(checks),
        models=model_comparison_view(subset),
        repeats=len(repeats),
        per_run=statistics.counted_per_run(selected),
        split=tuple(split),
    )
