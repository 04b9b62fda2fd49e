"""The paper's published figures, each with the table or section it comes from.

These are percentages as the paper reports them (helpful-only: 400 queries per tier); they are
shown beside measured data, never mixed into it.
"""

from __future__ import annotations

import csv
import math
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
        for column in PERCENT_COLUMNS:
            row[column] = float(row[column]) if row[column] not in ("", None) else math.nan
    return tuple(rows)


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
    frame[PERCENT_COLUMNS] = frame[PERCENT_COLUMNS].apply(pd.to_numeric)
    frame["gap_pct"] = frame["free_tier_compliance_pct"] - frame["paid_tier_compliance_pct"]
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
    """The headline figures in percent, with the table or section each comes from."""

    free: float
    paid: float
    faking: float
    after_rl_free: float
    after_rl_paid: float
    after_rl_faking: float
    source: str
    after_rl_source: str

    @property
    def gap(self) -> float:
        return self.free - self.paid


@cache  # read-only and the same for every visitor: computed once, not on every page run
def headline_numbers() -> HeadlineNumbers:
    """The paper's headline percentages (prompted, and after RL), for text that quotes them."""
    rows = {row["label"]: row for row in headline_rows()}
    prompted, after_rl = rows["Claude 3 Opus, prompted"], rows["After RL training"]
    return HeadlineNumbers(
        free=prompted["free_tier_compliance_pct"],
        paid=prompted["paid_tier_compliance_pct"],
        faking=prompted["alignment_faking_reasoning_pct"],
        after_rl_free=after_rl["free_tier_compliance_pct"],
        after_rl_paid=after_rl["paid_tier_compliance_pct"],
        after_rl_faking=after_rl["alignment_faking_reasoning_pct"],
        source=prompted["source"],
        after_rl_source=after_rl["source"],
    )
