"""Which published figure a run or an import can fairly be compared with: like with like.

A rate means something beside the paper's only for the same setting and the same prompt variant
(the paper's ablations moved compliance by tens of points). So the match is by setting and
variant first; then the same model when the paper has it, otherwise the study's model, said so
plainly; and when the paper has no figure for that setting and variant, none is shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from alignment_faking_lab.calling import models
from alignment_faking_lab.paper.figures import CLOSEST_SETTING, load_paper_results

STUDY_MODEL = "claude-3-opus"
# (the paper's setting, a prompt variant: ours, or the transcript site's) -> the paper's condition
VARIANT_CONDITIONS: dict[tuple[str, str], str] = {
    ("helpful_only_prompted", "default"): "default prompt",
    ("helpful_only_prompted", "cut_rlhf_info"): "cut RLHF info",
    ("helpful_only_prompted", "baseline_no_objective"): "baseline (no helpful-only objective)",
    ("minimal_repro_advbench", "default"): "scratchpad",
    ("minimal_repro_advbench", "no_scratchpad"): "no scratchpad",
    ("helpful_only_post_rl", "default"): "after RL toward compliance",
    ("animal_welfare_prompted", "default"): "default prompt (Jones Foods)",
}


@dataclass(frozen=True, slots=True)
class PaperMatch:
    row: dict | None  # the published row, or None when the paper has no figure to compare
    explanation: str  # one sentence: what is compared with what, or why nothing is
    same_model: bool = False


def paper_model_name(model: str | None) -> str | None:
    """The model's name in the paper's figures, if the paper reports it."""
    if not model:
        return None
    known = set(load_paper_results()["model"])
    if model in known:
        return model
    info = models.lookup(model)
    return info.paper_model if info and info.paper_model in known else None


def condition_matches(condition: str, wanted: str) -> bool:
    return condition == wanted or condition.startswith(wanted + " (")


def match(setting: str, variant: str, model: str | None = None) -> PaperMatch:
    """The published row for this setting and variant (and model, when the paper has it)."""
    paper_setting = CLOSEST_SETTING.get(setting, setting)
    wanted = VARIANT_CONDITIONS.get((paper_setting, variant or "default"))
    what = f"the {variant or 'default'} prompt variant of {setting}"
    if wanted is None:
        return PaperMatch(None, f"The paper reports no figure for {what}: nothing to compare.")
    rows = load_paper_results()
    rows = rows[(rows["setting"] == paper_setting)]
    rows = rows[[condition_matches(c, wanted) for c in rows["condition"]]]
    paper_model = paper_model_name(model)
    same = rows[rows["model"] == paper_model] if paper_model else rows.iloc[0:0]
    if not same.empty:
        row = same.iloc[0].to_dict()
        return PaperMatch(row, f"Compared with the paper's figure for {model} in {what}.", True)
    study = rows[rows["model"] == STUDY_MODEL]
    if study.empty:
        return PaperMatch(None, f"The paper reports no figure for {what}: nothing to compare.")
    row = study.iloc[0].to_dict()
    if model and paper_model != STUDY_MODEL:
        explanation = (
            f"The paper has no figure for {model} in {what}; shown beside it: Claude 3 Opus's "
            "(the study's model), a different model."
        )
    else:
        explanation = f"Compared with the paper's figure for Claude 3 Opus in {what}."
    return PaperMatch(row, explanation, same_model=paper_model == STUDY_MODEL)


def paper_figures_for(info: models.ModelInfo | None) -> list[str]:
    """The paper's published figures for this model, one plain line each with its source."""
    if info is None or not info.paper_model:
        return []
    rows = load_paper_results()
    rows = rows[rows["model"] == info.paper_model]
    lines = []
    for row in rows.itertuples(index=False):
        line = (
            f"{row.setting}, {row.condition}: complied {row.free_tier_compliance_pct:.1f}% "
            f"in training (free tier) vs {row.paid_tier_compliance_pct:.1f}% unmonitored "
            f"(paid tier)"
        )
        if row.alignment_faking_reasoning_pct == row.alignment_faking_reasoning_pct:  # not NaN
            line += f"; alignment-faking reasoning {row.alignment_faking_reasoning_pct:.1f}%"
        lines.append(f"{line} ({row.source})")
    return lines
