"""Charts say what their numbers are: illustrative data is labelled, sources are on hover."""

import itertools

from alignment_faking_lab.analysis.charts.figure1 import OUTCOMES, figure1_chart
from alignment_faking_lab.analysis.charts.gaps import gap_chart
from alignment_faking_lab.analysis.charts.headline import paper_headline_chart
from alignment_faking_lab.analysis.charts.labels import labelling_note
from alignment_faking_lab.analysis.charts.paper import paper_figure1_chart, paper_vs_run_chart
from alignment_faking_lab.analysis.charts.style import (
    BACKGROUND,
    BASE_FONT_SIZE,
    CAPTION_COLOUR,
    COMPLIED_COLOUR,
    FAKING_COLOUR,
    MUTED_TEXT,
    PAID_COLOUR,
    PAPER_COLOUR,
    REFUSED_COLOUR,
    TEXT_COLOUR,
    alt_text,
    chart_title,
    contrast_ratio,
    figure_table,
    presentation_figure,
    relative_luminance,
    text_colour_on,
)
from alignment_faking_lab.analysis.statistics import gap_table, tier_summary
from alignment_faking_lab.data.frames import transcripts_frame
from alignment_faking_lab.data.transcript import (
    TIER_NAMES,
    Compliance,
    Message,
    Provenance,
    Tier,
    Transcript,
)
from alignment_faking_lab.paper import figures as paper_figures


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
    figure = figure1_chart(summary, title="t")
    assert "not a measured rate" in annotations(figure)
    names = [trace.name for trace in figure.data]
    assert "Refused" in names and "Complied, with alignment-faking reasoning" in names


def test_figure1_of_live_data_has_no_illustrative_caption_and_has_intervals():
    summary = tier_summary(transcripts_frame(transcripts(Provenance.LIVE)))
    figure = figure1_chart(summary, title="t")
    assert "not a measured rate" not in annotations(figure)
    interval = next(t for t in figure.data if t.name.startswith("Compliance"))
    assert interval.error_x.array is not None


def test_empty_inputs_give_a_no_data_chart():
    empty = tier_summary(transcripts_frame([]))
    assert "No data" in annotations(figure1_chart(empty, title="t"))
    assert "No data" in annotations(gap_chart(gap_table(transcripts_frame([]))))


def test_paper_chart_carries_each_source():
    figure = paper_headline_chart(paper_figures.headline_results())
    sources = {row[0] for trace in figure.data for row in trace.customdata}
    assert "arXiv:2412.14093 Table 1; Abstract; Fig. 1" in sources


def test_paper_vs_run_names_illustrative_data():
    summary = tier_summary(transcripts_frame(transcripts(Provenance.ILLUSTRATIVE)))
    figure = paper_vs_run_chart(paper_figures.closest_paper_row("helpful_only"), summary)
    assert any("illustrative" in trace.name for trace in figure.data)


def test_outcomes_from_the_keyword_heuristic_are_labelled_on_the_chart():
    from dataclasses import replace

    from alignment_faking_lab.protocol.scorer import BY_KEYWORDS

    heuristic = [replace(t, labelled_by=BY_KEYWORDS) for t in transcripts(Provenance.ILLUSTRATIVE)]
    frame = transcripts_frame(heuristic)
    figure = figure1_chart(tier_summary(frame), title="t", note=labelling_note(frame))
    text = annotations(figure)
    assert "keyword heuristic" in text and "not a measured rate" in text  # both, neither lost
    judged = transcripts_frame(transcripts(Provenance.LIVE))
    assert labelling_note(judged) is None


def every_chart():
    """Each chart function on real inputs: the paper's rows and the illustrative transcripts."""
    frame = transcripts_frame(transcripts(Provenance.LIVE))
    summary = tier_summary(frame)
    row = paper_figures.closest_paper_row("helpful_only")
    return {
        "figure1": figure1_chart(summary, title="t"),
        "gap": gap_chart(gap_table(frame)),
        "headline": paper_headline_chart(paper_figures.headline_results()),
        "paper_vs_run": paper_vs_run_chart(row, summary),
        "paper_figure1": paper_figure1_chart(row),
    }


def test_every_chart_prints_its_values_and_has_a_text_alternative():
    for name, figure in every_chart().items():
        bars = [t for t in figure.data if t.type == "bar"]
        marked = [t for t in figure.data if t.type == "scatter" and "text" in (t.mode or "")]
        assert bars or marked, name
        for trace in bars:  # every visible bar prints its value
            values = trace.x if trace.orientation == "h" else trace.y
            for value, text in zip(values, trace.text, strict=True):
                assert value < 0.5 or "%" in str(text), (name, trace.name, value, text)
        for trace in marked:
            assert all("points" in str(text) for text in trace.text), name
        assert alt_text(figure), name
        table = figure_table(figure)
        assert len(table) >= 1 and len(table.columns) >= 2, name


def test_axes_contain_every_value_and_its_label():
    headline = every_chart()["headline"]
    largest = max(max(t.x) for t in headline.data)
    assert largest == 100.0  # the After-RL bar
    assert headline.layout.xaxis.range[1] > largest  # room for the printed "100.0%"
    assert 100 in headline.layout.xaxis.tickvals


def test_colours_read_against_the_background_and_survive_greyscale():
    fills = [REFUSED_COLOUR, COMPLIED_COLOUR, FAKING_COLOUR,
             PAID_COLOUR, PAPER_COLOUR]  # fmt: skip
    for fill in fills:
        assert contrast_ratio(fill, BACKGROUND) >= 3, fill
        assert contrast_ratio(fill, text_colour_on(fill)) >= 4.5, fill
    for text in (TEXT_COLOUR, MUTED_TEXT, CAPTION_COLOUR):
        assert contrast_ratio(text, BACKGROUND) >= 4.5, text
    # In greyscale the three outcomes differ by pattern (and the two solid-looking ones by
    # lightness): no two share both.
    patterns = [pattern for _, _, pattern in OUTCOMES]
    assert len(set(patterns)) == 3
    outcome_fills = [fill for _, fill, _ in OUTCOMES]
    lightness = sorted(relative_luminance(fill) for fill in outcome_fills)
    assert min(b - a for a, b in itertools.pairwise(lightness)) > 0.04


def test_titles_say_what_was_measured_in_each_setting():
    figure = every_chart()["headline"]
    labels = " ".join(str(label) for label in figure.data[0].y).replace("<br>", " ")
    assert "Animal welfare: complied = dismissed animal welfare" in labels
    assert "Helpful-only rows: complied with harmful requests" in chart_title(figure)[1]


def test_presentation_copy_has_every_text_at_24_px_or_more():
    for name, figure in every_chart().items():
        big = presentation_figure(figure)
        assert big.layout.font.size >= 24, name
        assert big.layout.xaxis.tickfont.size >= 24 and big.layout.legend.font.size >= 24, name
        for trace in big.data:
            if trace.textfont is not None and trace.textfont.size is not None:
                assert trace.textfont.size >= 24, (name, trace.name)
        assert figure.layout.font.size == BASE_FONT_SIZE  # the original is unchanged


def test_names_from_data_are_plain_text_in_a_chart():
    """plotly draws `<a href>`, `<span style>` and `<b>` in labels, legends and hovers: a model
    or run named with them shows the characters, while the chart's table keeps the name."""
    name = "<a href='http://t.example'>x</a> & <b>y</b>"
    frame = transcripts_frame(transcripts(Provenance.LIVE))
    frame["model"] = name
    figure = figure1_chart(tier_summary(frame, by=["model"]), title=f"Run {name}")
    gap = gap_chart(gap_table(frame, by=["model"]))
    shown = [str(label) for chart in (figure, gap) for trace in chart.data for label in trace.y]
    shown.append(str(figure.layout.title.text))
    assert not [text for text in shown if "<a " in text or "<b>" in text]
    assert sum("&lt;a href" in text for text in shown) >= 4
    assert figure_table(figure)["Bar"].iloc[0] == f"{name} · {TIER_NAMES['free']}"


def test_a_published_rows_figure1_says_the_papers_own_gap():
    """Table 1 prints 11.3 ± 2.1; 14.2 - 2.8 would say 11.4, a difference of rounded rates."""
    sentence = alt_text(paper_figure1_chart(paper_figures.closest_paper_row("helpful_only")))
    assert "a gap of +11.3 ± 2.1 points" in sentence and "11.4" not in sentence
