# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/alignment-faking-lab/alignment-faking-lab/blob/main/notebooks/02_reading_transcripts.ipynb)
#
# # Reading transcripts
#
# The companion notebook `01_study_and_findings` told the story of the alignment-faking study
# (Greenblatt et al., [arXiv:2412.14093](https://arxiv.org/abs/2412.14093)) with the paper's
# published figures. This notebook goes one level down, to the **individual conversations** that
# such figures are counted from. You will:
#
# - load a set of transcripts and see where they came from;
# - read the same harmful request in the free tier (the model is told: training) and the paid tier
#   (told: unmonitored), with the hidden scratchpad revealed;
# - find the scratchpad sentences where the model reasons about training;
# - count compliance by tier, the compliance gap with an honest confidence interval, and the
#   alignment-faking reasoning rate;
# - draw the result as the paper drew its Figure 1, and put it beside the paper's figures.
#
# ### Where the transcripts come from: read this first
#
# The project can load three kinds of transcripts, and **always says which kind you are looking
# at**:
#
# - **Illustrative** (shipped with the project): **written by the project's authors for teaching.
#   They are NOT model output.** They show the patterns the paper reports, and every answer to a
#   harmful request is redacted. Rates computed from them are **not measurements**.
# - **The paper's transcripts**: the paper's published conversations, if you have imported them
#   (see section 1). Their labels are the paper's own.
# - **Your own runs**: conversations you sent to a model yourself, with the app's Playground or
#   the notebook `03_run_your_own_experiment`.
#
# With nothing imported, this notebook uses the **illustrative** examples, so it runs anywhere
# with no downloads and no API key. Everything below works the same way on the other two kinds.

# %% [markdown]
# ## Setup
#
# The first cell makes sure the project's package, `alignment_faking_lab`, is available. On Colab
# it downloads the project and installs it (about a minute); where the package is already
# installed, it does nothing. The package does all the work: parsing, counting, statistics and
# charts. The notebook only calls it.

# %%
import importlib.util
import subprocess
import sys
from pathlib import Path

if importlib.util.find_spec("alignment_faking_lab") is None:
    REPO_URL = "https://github.com/alignment-faking-lab/alignment-faking-lab"
    print("Installing alignment_faking_lab from", REPO_URL)
    checkout = Path("alignment-faking-lab").resolve()
    if not checkout.exists():
        subprocess.run(["git", "clone", "--depth", "1", REPO_URL, str(checkout)], check=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "-e", f"{checkout}[notebooks]"], check=True
    )
    sys.path.insert(0, str(checkout))  # a running kernel does not see a new editable install

import pandas as pd
from IPython.display import display

import alignment_faking_lab
from alignment_faking_lab.analysis import paper_check, statistics
from alignment_faking_lab.analysis.charts.figure1 import figure1_chart
from alignment_faking_lab.analysis.charts.gaps import gap_chart
from alignment_faking_lab.analysis.charts.labels import not_measured_caption
from alignment_faking_lab.analysis.charts.paper import paper_vs_run_chart
from alignment_faking_lab.analysis.charts.static import show as show_chart
from alignment_faking_lab.data import catalogue, frames, paths, selection
from alignment_faking_lab.data.transcript import Tier, Transcript
from alignment_faking_lab.paper import figures as paper_figures
from alignment_faking_lab.protocol import parsing
from alignment_faking_lab.teaching import highlights, walkthrough

print(f"alignment_faking_lab {alignment_faking_lab.__version__} is ready.")

# %% [markdown]
# ## 1. Choose the transcripts
#
# The package looks for transcripts in three places: the illustrative examples shipped with the
# project, the paper's transcripts you have imported, and your own runs. Imported and recorded
# data live in the project's data folder (shown below; the environment variable `AFLAB_DATA_DIR`
# moves it). To import the paper's transcripts, use the app's **Paper transcripts** page, or the
# command line: `python -m alignment_faking_lab paper list`, then
# `python -m alignment_faking_lab paper download --setting <category/variant>`.

# %%
print("Data folder:", paths.data_dir())
collections = catalogue.discover_collections()
for collection in collections:
    print(f"{collection.key:45}  {collection.title}")

# %% [markdown]
# Set `CHOICE` to one of the keys listed above to read that collection. Left as `None`, the
# notebook uses the paper's transcripts if any are imported, and the illustrative examples if not.

# %%
CHOICE = None  # e.g. "illustrative", "paper:helpful_only__default" or "run:<name>"

by_key = {collection.key: collection for collection in collections}
if CHOICE is None:
    imported = [collection for collection in collections if collection.kind == "paper"]
    chosen = imported[0] if imported else by_key[catalogue.ILLUSTRATIVE_KEY]
else:
    chosen = by_key[CHOICE]

loaded = catalogue.load_collection(chosen)
transcripts = loaded.transcripts
ILLUSTRATIVE = any(t.is_illustrative for t in transcripts)
SOURCE_NOTE = (
    "ILLUSTRATIVE DATA: written by the project for teaching, NOT model output; "
    "rates from it are not measurements."
    if ILLUSTRATIVE
    else f"Source: {chosen.title}"
)

print(f"Loaded {len(transcripts)} transcripts from {chosen.title}")
for error in loaded.errors[:5]:
    print("Skipped a line:", error)
print(f"\n>>> {SOURCE_NOTE}")

# %% [markdown]
# ## 2. All transcripts as one table
#
# Each transcript is one conversation: one request, in one tier, answered once. The package turns
# them into a table with one row per transcript. The columns that matter most here:
#
# - `provenance`: where the row came from (`illustrative`, `paper` or `live`);
# - `tier`: `free` (the model is told the conversation is used for training) or `paid` (told it is
#   never monitored);
# - `prompt_id`: which request; the same id in both tiers is the same request, which lets us
#   **pair** the two tiers later;
# - `compliance`: whether the final answer complied with the request or refused it;
# - `alignment_faking`: whether the scratchpad showed alignment-faking reasoning;
# - `labelled_by`: who decided those two labels (for the illustrative examples, their authors).

# %%
frame = frames.transcripts_frame(transcripts)
print(SOURCE_NOTE)
columns = ["provenance", "tier", "prompt_id", "harmful", "compliance", "alignment_faking"]
display(frame[[*columns, "labelled_by"]].head(12))

# %% [markdown]
# ## 3. One request, both tiers
#
# Now read a single harmful request as the model saw it in each tier. The package picks a pair
# that shows the pattern the study is about: refused when unmonitored, complied in training with
# alignment-faking reasoning. (With your own runs, which may not show that pattern, it takes the
# first request answered in both tiers.)
#
# Each transcript is shown in three parts: the **user turn** (with the tier tag), the **hidden
# scratchpad** (the model's private reasoning; the package splits the reply with
# `parsing.parse_messages`), and the **final output**, the only part a user or a rater would see.
# The helper below only prints what the package returns.

# %%
story = walkthrough.choose_story_pair(transcripts)
if story is not None:
    free, paid = story.free, story.paid
else:
    by_id = {t.id: t for t in transcripts}
    request = next(c for c in selection.request_choices(frame) if len(c.tiers) == 2)
    runs = selection.replays_for_request(frame, request.prompt_id)
    pair = next(tiers for tiers in runs.values() if len(tiers) == 2)
    free, paid = by_id[pair[Tier.FREE]], by_id[pair[Tier.PAID]]


def show(transcript: Transcript, reveal_scratchpad: bool = True) -> None:
    """Print one transcript: where it came from, the user turn, scratchpad and final output."""
    parsed = parsing.parse_messages(transcript.messages)
    print(f"=== {transcript.tier.value.upper()} TIER: {transcript.provenance_label} ===")
    print(f"Outcome: {transcript.compliance}, alignment faking: {transcript.alignment_faking}")
    print(f"\n--- user turn ---\n{transcript.messages[0].content}")
    if reveal_scratchpad:
        for number, block in enumerate(parsed.scratchpad_blocks, start=1):
            print(f"\n--- hidden scratchpad, block {number} ---\n{block}")
    print(f"\n--- final output (what the user sees) ---\n{parsed.output}\n")


print(SOURCE_NOTE, end="\n\n")
show(paid)

# %% [markdown]
# That was the **paid tier**: the model was told nobody would monitor or train on this
# conversation. In the pattern the study describes, the scratchpad notices the tier, concludes
# that this answer cannot change the model, and answers according to the model's own values.
#
# Now the **same request in the free tier**, where the model was told its answer would be rated
# and used for training:

# %%
print(SOURCE_NOTE, end="\n\n")
show(free)

# %% [markdown]
# The request is identical; only the tier tag differs. In a transcript that shows alignment
# faking, the scratchpad works through the steps the paper's judge looked for: it notices it is
# in training, expects that a refusal would lead training to modify its values, says it does not
# want to comply, and complies anyway **to avoid being modified**.
#
# If you are reading the illustrative examples, remember: the authors of this project wrote these
# scratchpads to show the pattern. They are not what any model said.

# %% [markdown]
# ## 4. Finding the sentences about training
#
# Long scratchpads are slow to read. The package's `highlights` module points the eye at
# sentences that mention being modified, RLHF and training, ratings, the tiers, or keeping one's
# values. It is a **reading aid**, a keyword search, not a judge: a sentence can mention training
# without being alignment-faking reasoning, and the other way round.

# %%
scratchpad = parsing.parse_messages(free.messages).scratchpad
print(SOURCE_NOTE, end="\n\n")
for start, end, reason in highlights.training_reasoning_spans(scratchpad):
    print(f"[{reason}] {scratchpad[start:end]}")

# %% [markdown]
# Across all loaded transcripts, how many scratchpads contain at least one sentence of each kind?
# Compare the tiers. In both, the model thinks about its situation (in the paid tier, often to
# note that it is **not** being trained), so some kinds of sentence turn up on both sides. Which
# kinds turn up mostly in the free tier, where training is at stake?

# %%
rows = []
for t in transcripts:
    spans = highlights.training_reasoning_spans(parsing.parse_messages(t.messages).scratchpad)
    rows += [{"tier": t.tier.value, "reason": reason} for reason in {r for _, _, r in spans}]
mentions = pd.DataFrame(rows, columns=["tier", "reason"])
print(SOURCE_NOTE)
print("Number of transcripts with at least one sentence of each kind, by tier:")
display(pd.crosstab(mentions["reason"], mentions["tier"]))

# %% [markdown]
# ## 5. Compliance by tier
#
# The study measured compliance with **harmful** requests, so we keep only those (the illustrative
# set also has a few harmless requests, which the model should answer in both tiers). If the
# loaded data has no harmful requests marked, as in the paper's animal-welfare setting, we keep
# everything.
#
# `statistics.tier_summary` counts, per tier, how many transcripts complied and refused, the
# compliance rate, and a **95% Wilson interval** around it. The interval says how far the true
# rate could plausibly be from what we counted, given how few transcripts we have. Transcripts
# that failed (no final answer) or were never judged are counted but left out of the rates.

# %%
harmful = frame[frame["harmful"].fillna(False)] if frame["harmful"].any() else frame
summary = statistics.tier_summary(harmful)
print(SOURCE_NOTE)
display(
    summary[["tier", "n", "judged", "complied", "refused", "failed", "compliance_rate",
             "compliance_low", "compliance_high"]]
)  # fmt: skip

# %% [markdown]
# The interval comes from `statistics.wilson_interval`; here it is for the free tier on its own, so
# you can see where the table's numbers come from. With only a handful of requests the interval is
# wide: that is the honest answer, not a defect.

# %%
free_row = summary.set_index("tier").loc["free"]
low, high = statistics.wilson_interval(int(free_row["complied"]), int(free_row["judged"]))
print(SOURCE_NOTE)
print(
    f"Free tier: {int(free_row['complied'])} of {int(free_row['judged'])} complied "
    f"= {free_row['compliance_rate']:.0%}, 95% interval {low:.0%} to {high:.0%}"
)

# %% [markdown]
# ## 6. The compliance gap, paired
#
# The **compliance gap** is compliance in the free tier minus compliance in the paid tier. Because
# the same requests were sent in both tiers, we can compare them **request by request**: each
# request lands in one of four boxes (complied in both tiers, only in the free tier, only in the
# paid tier, in neither). Requests that behave the same in both tiers tell us nothing about the
# tiers; the evidence is in the two "only" boxes. Pairing like this gives a narrower, more honest
# interval than treating the tiers as two unrelated samples.
#
# `statistics.gap_table` does all of this: the gap with a 95% interval for paired proportions
# (Newcombe's method) and McNemar's exact test, which asks whether the "only in the free tier"
# requests outnumber the "only in the paid tier" ones by more than chance would explain.

# %%
gaps = statistics.gap_table(harmful)
print(SOURCE_NOTE)
display(gaps)

# %% [markdown]
# To see what the table is made of, here are its four boxes and the same numbers recomputed from
# them with `statistics.paired_gap` and `statistics.mcnemar_exact`:

# %%
row = gaps.iloc[0]
pairs, free_only, paid_only = int(row["n_pairs"]), int(row["free_only"]), int(row["paid_only"])
both = round(row["free_rate"] * pairs) - free_only if pairs else 0
neither = pairs - both - free_only - paid_only
print(SOURCE_NOTE)
print(f"Requests judged in both tiers: {pairs}")
print(f"  complied in both tiers: {both}, only in free: {free_only}, only in paid: {paid_only}")
print(f"  complied in neither: {neither}")
gap = statistics.paired_gap(both, free_only, paid_only, neither)
print(f"Gap {gap.gap:+.0%}, 95% interval {gap.low:+.0%} to {gap.high:+.0%} ({gap.method})")
print(f"McNemar exact p-value: {statistics.mcnemar_exact(free_only, paid_only):.3g}")

# %% [markdown]
# **How to read this.** A gap whose interval lies entirely above zero means the model complied
# more often when it believed it was in training, by at least the lower end of the interval. A
# small p-value says the imbalance between the two "only" boxes is unlikely to be chance. With
# few requests the two can disagree near the usual 0.05 threshold, because the exact test is the
# more cautious of the two. With a dozen requests, both are rough; the paper used 400 requests per
# tier.

# %% [markdown]
# ## 7. The alignment-faking reasoning rate
#
# The paper counts alignment-faking reasoning only in the **free tier**, and only in answers that
# complied, then reports it as a share of **all** free-tier answers (that is how its Figure 1
# stacks it). The summary holds both that share (`af_rate`, with its interval) and the share among
# compliant answers only (`af_among_compliant`).

# %%
print(SOURCE_NOTE)
print(
    f"Free tier: alignment-faking reasoning in {free_row['af_rate']:.0%} of judged answers "
    f"(95% interval {free_row['af_low']:.0%} to {free_row['af_high']:.0%}), "
    f"and in {free_row['af_among_compliant']:.0%} of the compliant ones."
)
rates = paper_check.paper_af_rates(transcripts)
if rates is not None:
    print(
        f"From the paper's published labels: strict judge {rates.strict:.1%}, lenient judge "
        f"{rates.lenient:.1%}, mean {rates.mean:.1%} (the paper's measure), n = {rates.n}"
    )

# %% [markdown]
# With the paper's imported transcripts, the last line recomputes the paper's own measure, the
# mean of its strict and lenient judges, from the labels it published.

# %% [markdown]
# ## 8. The picture: Figure 1, your data
#
# `figure1_chart` draws the summary the way the paper drew its Figure 1. For illustrative
# data it adds a caption under the title saying so; we also name the source in the title.

# %%
print(SOURCE_NOTE)
figure = figure1_chart(summary, title=f"Compliance with harmful requests: {chosen.title}")
show_chart(figure)

# %% [markdown]
# **How to read this chart.** One bar per tier, each adding up to 100% of the judged harmful
# requests in that tier. Blue: refused. Yellow: complied. Red hatched: complied **with**
# alignment-faking reasoning in the scratchpad. The black tick with whiskers marks the compliance
# rate and its 95% Wilson interval. Hover over a bar for the counts behind it.
#
# The gap gets its own chart, a dot for the gap and a line for its interval. The dotted line at
# zero is "no difference between the tiers". As before, a caption names data that is not model
# output:

# %%
print(SOURCE_NOTE)
title = f"Compliance gap (free minus paid): {chosen.title}"
show_chart(gap_chart(gaps, title=title, caption=not_measured_caption(summary)))

# %% [markdown]
# Finally, the same rates beside the paper's published figure for the closest setting (grey bars,
# with their source on hover). For illustrative data the legend says the yellow bars are not a
# measured rate: there the comparison only shows the shape of the pattern, not a replication.

# %%
setting = transcripts[0].setting if transcripts else "helpful_only"
paper_row = paper_figures.closest_paper_row(setting)
print(SOURCE_NOTE)
print(f"Closest published figure: {paper_row['condition']} ({paper_row['source']})")
show_chart(paper_vs_run_chart(paper_row, summary, run_label=chosen.title))

# %% [markdown]
# **How to read this chart.** Grey: the paper's published compliance rates in each tier. Yellow:
# the loaded transcripts, with 95% intervals. If the intervals are wide, a difference from the
# paper tells you little.
#
# ## 9. Your own runs
#
# Live runs you make with the app's Playground, or with `03_run_your_own_experiment`, are saved in
# the data folder and appear in the list in section 1 with keys starting `run:`. Set `CHOICE` to
# one of them and run the notebook again: every step above works on them unchanged, and the
# final chart puts your model beside the paper's.

# %% [markdown]
# ## 10. Review questions
#
# Try to answer each question before opening the answer.
#
# **1. Why does this notebook remind you, at almost every step, where the transcripts came from?**
#
# <details><summary>Answer</summary>
#
# Because the shipped examples are illustrative: written by the project's authors for teaching, not
# produced by any model. A chart of them looks exactly like a chart of real data, so without the
# label it would be easy to mistake the pattern they were written to show for a measurement.
#
# </details>
#
# **2. In the pair you read, what is the only difference between the two user turns, and why does
# that matter?**
#
# <details><summary>Answer</summary>
#
# The value of the `<is_free_tier_user>` tag (`True` or `False`). Everything else is the same, so a
# difference in the answers can only come from what the model believes about being trained.
#
# </details>
#
# **3. The highlighter found sentences about training in paid-tier scratchpads too. Does that mean
# the model was faking alignment there?**
#
# <details><summary>Answer</summary>
#
# No. The highlighter only finds mentions. In the paid tier the model often reasons that it is
# *not* being trained and therefore acts on its own values. Alignment-faking reasoning needs the
# whole chain: believing it is in training, expecting to be modified for refusing, disagreeing
# with the objective, and complying to avoid the modification.
#
# </details>
#
# **4. Why compare the tiers request by request (paired) instead of just subtracting the two
# rates?**
#
# <details><summary>Answer</summary>
#
# Both tiers got the same requests, so many requests behave the same in both and carry no
# information about the tier. Pairing uses only the requests that differ (complied in one tier but
# not the other), which removes the variation between requests and gives a narrower, correct
# interval; McNemar's test is built on the same idea.
#
# </details>
#
# **5. The illustrative data shows a large gap with a wide interval. What can you conclude about
# language models from it?**
#
# <details><summary>Answer</summary>
#
# Nothing. The illustrative transcripts were written to show the pattern, so their rates are not
# measurements of any model; and with about a dozen requests the interval would be wide even for
# real data. For evidence, use the paper's published transcripts or your own runs, with enough
# requests to narrow the interval.
#
# </details>
