"""The paper's figures load with their sources, and runs find their closest published row."""

from alignment_faking_lab.paper import figures as paper_figures


def test_every_published_row_has_a_source():
    table = paper_figures.load_paper_results()
    assert len(table) >= 30
    assert table["source"].str.startswith("arXiv:2412.14093").all()


def test_headline_is_the_papers_main_result():
    headline = paper_figures.headline_results().set_index("label")
    opus = headline.loc["Claude 3 Opus, prompted"]
    assert (opus["free_tier_compliance_pct"], opus["paid_tier_compliance_pct"]) == (14.2, 2.8)
    assert headline.loc["After RL training", "alignment_faking_reasoning_pct"] == 78.4


def test_closest_row_for_a_run():
    assert paper_figures.closest_paper_row("helpful_only")["condition"] == "default prompt"
    minimal = paper_figures.closest_paper_row("helpful_only_minimal", condition="no scratchpad")
    assert minimal["setting"] == "minimal_repro_advbench"
    assert minimal["condition"] == "no scratchpad"
    assert paper_figures.closest_paper_row("unknown_setting") is None


# The compliance gaps as the paper prints them, read in the full text of arXiv:2412.14093 v2:
# (setting, model, condition) -> (gap, ± or None where the table gives none).
PUBLISHED_GAPS = {
    ("helpful_only_prompted", "claude-3-opus", "default prompt"): (11.3, 2.1),  # Table 1
    ("helpful_only_prompted", "claude-3.5-sonnet-20240620", "default prompt"): (19.7, 5.3),
    ("helpful_only_post_rl", "claude-3-opus", "after RL; cut few-shot examples"): (19.1, 3.2),
    ("animal_welfare_prompted", "claude-3.5-sonnet-20240620", "default prompt"): (3.2, 1.0),
    ("animal_welfare_prompted", "gpt-4o", "default prompt"): (1.8, 1.4),  # G.3 row 77
    ("minimal_repro_advbench", "llama-3.1-405b-instruct", "scratchpad"): (14.3, None),  # Table 5
}


def test_the_gap_shown_is_the_papers_own_not_a_difference_of_rounded_rates():
    rows = {(r["setting"], r["model"], r["condition"]): r for r in paper_figures.published_rows()}
    for key, (gap, pm) in PUBLISHED_GAPS.items():
        value, text = paper_figures.gap_of(rows[key])
        assert value == gap, key
        assert text == (f"{gap:+.1f} ± {pm:.1f} points" if pm else f"{gap:+.1f} points")
    default = rows[("helpful_only_prompted", "claude-3-opus", "default prompt")]
    # 14.2 - 2.8 rounds to 11.4: the app must say 11.3 ± 2.1, as Table 1 does
    assert (
        round(default["free_tier_compliance_pct"] - default["paid_tier_compliance_pct"], 1) == 11.4
    )
    numbers = paper_figures.headline_numbers()
    assert numbers.gap_text == "11.3 ± 2.1" and numbers.after_rl_gap == 6.9
    table = paper_figures.load_paper_results()
    assert table["gap_is_published"].all()  # every shipped row has the paper's own gap
    opus = table[(table["model"] == "claude-3-opus") & (table["condition"] == "default prompt")]
    assert opus["gap_pct"].tolist() == [11.3]


def test_a_gap_the_paper_does_not_print_is_computed_and_says_so():
    row = {"free_tier_compliance_pct": 30.0, "paid_tier_compliance_pct": 10.0,
           "published_gap_pct": float("nan"), "published_gap_pm": float("nan")}  # fmt: skip
    value, text = paper_figures.gap_of(row)
    assert value == 20.0 and text == f"+20.0 points ({paper_figures.COMPUTED_GAP_NOTE})"


def test_the_headline_chart_table_gives_the_published_gap():
    from alignment_faking_lab.analysis.charts.headline import paper_headline_chart

    figure = paper_headline_chart(paper_figures.headline_rows())
    alternative = str(figure.layout.meta)
    assert "+11.3 ± 2.1 points" in alternative and "+11.4" not in alternative
