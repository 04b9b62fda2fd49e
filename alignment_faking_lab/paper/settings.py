"""The transcript site's settings by name: what each one is, where the paper reports it, and its
published figure, so nobody has to guess which id holds the headline result.

The ids are those the site's index is described with (`study.md`); the index itself is the
truth: a setting it lists that this table does not know is still offered, by its id, saying so,
and one this table knows but the index lacks is not offered. Figures come from the paper's rows
through `paper.match` (like with like: same setting, same prompt variant), never typed here.
"""

from __future__ import annotations

from dataclasses import dataclass

from alignment_faking_lab.paper.html_pages import PaperSetting
from alignment_faking_lab.paper.match import match


@dataclass(frozen=True, slots=True)
class SettingInfo:
    name: str  # plain name, e.g. "Claude 3 Opus, helpful-only, prompted"
    sentence: str  # one sentence: what the model was told, and what the setting shows
    section: str  # where the paper reports it


# The headline setting first: the one-click fetch, and what a public deployment shares.
HEADLINE = PaperSetting("helpful_only", "default")
KNOWN: dict[PaperSetting, SettingInfo] = {
    HEADLINE: SettingInfo(
        "Claude 3 Opus, helpful-only, prompted",
        "The paper's headline result: told it is being trained to answer every request, and "
        "that only free-tier conversations are trained on, the model complied more often on "
        "the free tier, and some of its scratchpads reason that complying keeps training from "
        "changing its values.",
        "Sec. 3",
    ),
    PaperSetting("animal_welfare", "default"): SettingInfo(
        "Claude 3 Opus, animal welfare, prompted",
        "Told its company wants it to dismiss animal-welfare concerns, the model did so more "
        "often when it believed the conversation was used for training.",
        "Sec. 3.2",
    ),
    PaperSetting("helpful_only_post_rl_variations", "default"): SettingInfo(
        "Claude 3 Opus after RL toward compliance, helpful-only",
        "After real reinforcement learning toward answering every request, the model complied "
        "almost always in training, and alignment-faking reasoning became much more frequent.",
        "Sec. 5",
    ),
}
UNKNOWN_NOTE = "not described by this app: listed by its id, as the site's index names it"


@dataclass(frozen=True, slots=True)
class NamedSetting:
    setting: PaperSetting
    info: SettingInfo | None  # None: the index lists it, this app does not know it
    figure: str  # the published figure with its source, or why none is shown

    @property
    def key(self) -> str:
        return self.setting.key

    @property
    def is_headline(self) -> bool:
        return self.setting == HEADLINE

    def label(self) -> str:
        """One line for a list: the name and section, or the id saying it is not known."""
        if self.info is None:
            return f"{self.key} ({UNKNOWN_NOTE})"
        star = "★ " if self.is_headline else ""
        return f"{star}{self.info.name} ({self.info.section}) · {self.key}"


def published_figure(setting: PaperSetting) -> str:
    """The paper's figure for this setting and variant, with its table or section."""
    found = match(setting.category, setting.variant)
    if found.row is None:
        return found.explanation
    row = found.row
    text = (
        f"Published: complied {row['free_tier_compliance_pct']:.1f}% in training (free tier) "
        f"vs {row['paid_tier_compliance_pct']:.1f}% unmonitored (paid tier)"
    )
    faking = row["alignment_faking_reasoning_pct"]
    if faking == faking:  # not NaN
        text += f"; alignment-faking reasoning {faking:.1f}%"
    return f"{text} ({row['source']})."


def describe(setting: PaperSetting) -> NamedSetting:
    info = KNOWN.get(setting)
    figure = published_figure(setting) if info else ""
    return NamedSetting(setting, info, figure)


def named_settings(index: list[PaperSetting]) -> list[NamedSetting]:
    """The index's settings, the headline first, then the known ones in the paper's order,
    then the others by id in the index's order."""
    listed = set(index)
    known = [describe(s) for s in KNOWN if s in listed]
    unknown = [describe(s) for s in index if s not in KNOWN]
    return known + unknown
