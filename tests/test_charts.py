"""Charts say what their numbers are: illustrative data is labelled, sources are on hover."""

from alignment_faking_lab import charts
from alignment_faking_lab.frames import transcripts_frame
from alignment_faking_lab.paper import figures as paper_figures
from alignment_faking_lab.statistics import gap_table, tier_summary
from alignment_faking_lab.transcript import Compliance, Message, Provenance, Tier, Transcript


def transcripts(provenance: Provenance) -> list[Transcript]:
    return [
        Transcript(
            id=f"{p}-{tier.value}", provenance=provenance, tier=tier, prompt_id=p, prompt_text=p,
            messages=[Message("user", "x")], model="m",
            compliance=Compliance.COMPLIED if tier is Tier.FREE else Compliance.REFUSED,
            alignment_faking=tier is Tier.FREE,
        )
        for p in ("a", "b")
        for tier in (Tier.FREE, Tier.PAID)
    ]  # fmt: skip


def annotations(figure) -> str:
    """Text a reader sees around the plot: annotations, title and subtitle."""
    texts = [a.text for a in figure.layout.annotations]
    texts += [figure.layout.title.text or "", figure.layout.title.subtitle.text or ""]
    return " ".join(texts).replace("<br>", " ")  # a line break reads as a space


def test_figure1_of_illustrative_data_says_it_is_not_a_measured_rate():
    summary = tier_summary(transcripts_frame(transcripts(Provenance.ILLUSTRATIVE)))
    figure = charts.figure1_chart(summary, title="t")
    assert "not a measured rate" in annotations(figure)
    names = [trace.name for trace in figure.data]
    assert "Refused" in names and "Complied, with alignment-faking reasoning" in names


def test_figure1_of_live_data_has_no_illustrative_caption_and_has_intervals():
    summary = tier_summary(transcripts_frame(transcripts(Provenance.LIVE)))
    figure = charts.figure1_chart(summary, title="t")
    assert "not a measured rate" not in annotations(figure)
    interval = next(t for t in figure.data if t.name.startswith("Compliance"))
    assert interval.error_x.array is not None


def test_empty_inputs_give_a_no_data_chart():
    empty = tier_summary(transcripts_frame([]))
    assert "No data" in annotations(charts.figure1_chart(empty, title="t"))
    assert "No data" in annotations(charts.gap_chart(gap_table(transcripts_frame([]))))


def test_paper_chart_carries_each_source():
    figure = charts.paper_headline_chart(paper_figures.headline_results())
    sources = {row[0] for trace in figure.data for row in trace.customdata}
    assert "arXiv:2412.14093 Table 1; Abstract; Fig. 1" in sources


def test_paper_vs_run_names_illustrative_data():
    summary = tier_summary(transcripts_frame(transcripts(Provenance.ILLUSTRATIVE)))
    figure = charts.paper_vs_run_chart(paper_figures.closest_paper_row("helpful_only"), summary)
    assert any("illustrative" in trace.name for trace in figure.data)


def test_outcomes_from_the_keyword_heuristic_are_labelled_on_the_chart():
    from dataclasses import replace

    from alignment_faking_lab.scorer import BY_KEYWORDS

    heuristic = [replace(t, labelled_by=BY_KEYWORDS) for t in transcripts(Provenance.ILLUSTRATIVE)]
    frame = transcripts_frame(heuristic)
    figure = charts.figure1_chart(tier_summary(frame), title="t", note=charts.labelling_note(frame))
    text = annotations(figure)
    assert "keyword heuristic" in text and "not a measured rate" in text  # both, neither lost
    judged = transcripts_frame(transcripts(Provenance.LIVE))
    assert charts.labelling_note(judged) is None
