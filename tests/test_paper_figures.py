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
