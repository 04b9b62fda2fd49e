"""Plotly figures, one module per chart family, all in one house style.

Pure functions from tables to figures, so they read on a projector, a phone and a greyscale
print: values printed on the bars, axes that contain the data, colours of at least 3:1 and
patterns, text of at least 4.5:1, and a text alternative (`alt_text`, `figure_table`) for each.
Every figure says what its numbers are: a caption names illustrative data as such, and bars of
the paper's figures carry their source (hover, and in the table).

- `style`: the house style (`style_figure`, `set_text_alternative`, `prepare_chart`, colours);
- `labels`: each row's group and tier, and the captions a chart of unmeasured data carries;
- `figure1`: the paper's Figure 1 as bars for any summary; `gaps`: the compliance gap;
- `paper`: the paper's published figures, and a run beside them; `models`: models side by side;
- `static`: a PNG of any chart, for notebooks.

Import the family a page draws (`from alignment_faking_lab.analysis.charts.gaps import
gap_chart`): nothing is re-exported here, so a page loads only the charts it uses. A new chart
ends with `style_figure` and `set_text_alternative`.
"""
