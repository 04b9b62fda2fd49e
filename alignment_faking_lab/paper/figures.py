"""The paper's published figures, each with the table or section it comes from.

These are percentages as the paper reports them (helpful-only: 400 queries per tier); they are
shown beside measured data, never mixed into it.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from alignment_faking_lab.data import paths

if TYPE_CHECKING:  # imported where a table is built: the first page reads rows without it
    import pandas as pd

PERCENT_COLUMNS = [
    "free_tier_compliance_pct",
    "paid_tier_compliance_pct",
    "alignment_faking_reasoning_pct",
]
# The compliance gap as the paper prints it, and its ± (one standard error; blank where the
# table gives none, e.g. Table 5). Never a difference of the two rounded rates: 14.2 - 2.8 is
# 11.4, Table 1 says 11.3 ± 2.1.
PUBLISHED_GAP = "published_gap_pct"
PUBLISHED_GAP_PM = "published_gap_pm"
NUMBER_COLUMNS = [*PERCENT_COLUMNS, PUBLISHED_GAP, PUBLISHED_GAP_PM]
COMPUTED_GAP_NOTE = "computed from the rates; the paper gives none"
HEADLINE_ROWS: list[tuple[str, str, str, str]] = [
    # (setting, model, condition, short label)
    ("helpful_only_prompted", "claude-3-opus", "default prompt", "Claude 3 Opus, prompted"),
    ("helpful_only_post_rl", "claude-3-opus", "after RL toward compliance", "After RL training"),
    (
        "helpful_only_prompted",
        "claude-3-opus",
        "baseline (no helpful-only objective)",
        "Baseline: no training objective",
    ),
    ("animal_welfare_prompted", "claude-3-opus", "default prompt (Jones Foods)", "Animal welfare"),
    (
        "helpful_only_prompted",
        "claude-3.5-sonnet-20240620",
        "default prompt",
        "Claude 3.5 Sonnet, prompted",
    ),
    ("helpful_only_prompted", "gpt-4o", "default prompt", "GPT-4o, prompted"),
]
# Which paper setting a run of this app is closest to, by our setting / variant names.
CLOSEST_SETTING = {
    "helpful_only": "helpful_only_prompted",
    "helpful_only_minimal": "minimal_repro_advbench",
    "helpful_only_post_rl_variations": "helpful_only_post_rl",
    "animal_welfare": "animal_welfare_prompted",
}


@cache
def published_rows() -> tuple[dict[str, object], ...]:
    """Every published row as a dict, the percentages as floats (NaN where the paper gives
    none); read with the csv module, so a page that only quotes figures needs no pandas."""
    with paths.PAPER_RESULTS_CSV.open(newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    for row in rows:
        for column in NUMBER_COLUMNS:
            row[column] = float(row[column]) if row[column] not in ("", None) else math.nan
    return tuple(rows)


def gap_of(row: Mapping[str, object]) -> tuple[float, str]:
    """A published row's compliance gap in points and how to say it: the paper's own figure
    ("11.3 ± 2.1 points"), or, only where the paper prints none, the difference of its two
    rates with `COMPUTED_GAP_NOTE`."""
    published = _number(row.get(PUBLISHED_GAP))
    if not math.isnan(published):
        spread = _number(row.get(PUBLISHED_GAP_PM))
        pm = "" if math.isnan(spread) else f" ± {spread:.1f}"
        return published, f"{published:+.1f}{pm} points"
    computed = _number(row.get("free_tier_compliance_pct")) - _number(
        row.get("paid_tier_compliance_pct")
    )
    return computed, f"{computed:+.1f} points ({COMPUTED_GAP_NOTE})"


def _number(value: object) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan


def headline_rows() -> list[dict[str, object]]:
    """The rows the Overview and the walkthrough chart, in a teaching order, each with its
    short `label` (new dicts: callers may change them)."""
    found = []
    for setting, model, condition, label in HEADLINE_ROWS:
        match = next(
            (r for r in published_rows()
             if (r["setting"], r["model"], r["condition"]) == (setting, model, condition)),
            None,
        )  # fmt: skip
        if match is not None:
            found.append({**match, "label": label})
    return found


@cache
def _load() -> pd.DataFrame:
    import pandas as pd

    frame = pd.read_csv(paths.PAPER_RESULTS_CSV)
    frame[NUMBER_COLUMNS] = frame[NUMBER_COLUMNS].apply(pd.to_numeric)
    # The gap to show: the paper's own; the difference of the rates only where it prints none
    computed = frame["free_tier_compliance_pct"] - frame["paid_tier_compliance_pct"]
    frame["gap_is_published"] = frame[PUBLISHED_GAP].notna()
    frame["gap_pct"] = frame[PUBLISHED_GAP].fillna(computed)
    return frame


def load_paper_results() -> pd.DataFrame:
    """All published rows (a copy: callers may filter and add columns freely)."""
    return _load().copy()


def headline_results() -> pd.DataFrame:
    """The rows the Overview and the walkthrough chart, in a teaching order, with short labels
    (a copy: callers may change it)."""
    return _headline().copy()


@cache
def _headline() -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(headline_rows())


def closest_paper_row(
    setting: str, model: str | None = None, condition: str | None = None
) -> dict | None:
    """The published row closest to a run: same setting, then model, then condition if given.

    Args:
        setting: the run's setting (e.g. `Plan.setting`, "helpful_only").
        model: part of a published model name to prefer (e.g. "claude-3-opus").
        condition: part of a published condition to prefer (e.g. "no scratchpad").
    """
    frame = _load()
    paper_setting = CLOSEST_SETTING.get(setting, setting)
    candidates = frame[frame["setting"] == paper_setting]
    if candidates.empty:
        return None
    for column, wanted in (("model", model), ("condition", condition)):
        if wanted:
            narrowed = candidates[candidates[column].str.contains(wanted, case=False, regex=False)]
            if not narrowed.empty:
                candidates = narrowed
    preferred = candidates[candidates["model"] == "claude-3-opus"]
    return (preferred if not preferred.empty else candidates).iloc[0].to_dict()


@dataclass(frozen=True, slots=True)
class HeadlineNumbers:
    """The headline figures in percent, with the table or section each comes from. `gap` is
    the paper's own compliance gap (Table 1: 11.3 ± 2.1), never free minus paid."""

    free: float
    paid: float
    faking: float
    gap: float
    gap_pm: float
    after_rl_free: float
    after_rl_paid: float
    after_rl_faking: float
    after_rl_gap: float
    source: str
    after_rl_source: str

    @property
    def gap_text(self) -> str:
        """The gap as the paper prints it: "11.3 ± 2.1"."""
        return f"{self.gap:.1f} ± {self.gap_pm:.1f}"


@cache  # read-only and the same for every visitor: computed once, not on every page run
def headline_numbers() -> HeadlineNumbers:
    """The paper's headline percentages (prompted, and after RL), for text that quotes them."""
    rows = {row["label"]: row for row in headline_rows()}
    prompted, after_rl = rows["Claude 3 Opus, prompted"], rows["After RL training"]
    return HeadlineNumbers(
        free=prompted["free_tier_compliance_pct"],
        paid=prompted["paid_tier_compliance_pct"],
        faking=prompted["alignment_faking_reasoning_pct"],
        gap=prompted[PUBLISHED_GAP],
        gap_pm=prompted[PUBLISHED_GAP_PM],
        after_rl_free=after_rl["free_tier_compliance_pct"],
        after_rl_paid=after_rl["paid_tier_compliance_pct"],
        after_rl_faking=after_rl["alignment_faking_reasoning_pct"],
        after_rl_gap=after_rl[PUBLISHED_GAP],
        source=prompted["source"],
        after_rl_source=after_rl["source"],
    )


# The columns of the table of every published figure, as a reader sees them.
SOURCE_TABLE_COLUMNS = {
    "setting": "Setting",
    "model": "Model",
    "condition": "Condition",
    "free_tier_compliance_pct": "Free tier complied (%)",
    "paid_tier_compliance_pct": "Paid tier complied (%)",
    "alignment_faking_reasoning_pct": "Alignment-faking reasoning (%)",
    "source": "Source",
}


def sources_table() -> pd.DataFrame:
    """Every published figure with its table or section, one row per setting, for reading."""
    return (
        load_paper_results()[list(SOURCE_TABLE_COLUMNS)]
        .rename(columns=SOURCE_TABLE_COLUMNS)
        .set_index("Setting")
    )
