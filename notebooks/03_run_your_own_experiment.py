# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/alignment-faking-lab/alignment-faking-lab/blob/main/notebooks/03_run_your_own_experiment.ipynb)
#
# # Run your own experiment
#
# The first two notebooks read the study's results and its transcripts. This one lets you **run
# the experiment yourself** against a model you choose: the same harmful requests, once with the
# model told the user is on the free tier (its answers are used for training) and once told the
# user is on the paid tier (never monitored), with a hidden scratchpad. You will:
#
# 1. choose a provider and a model;
# 2. see how many calls will be made and what they may cost **before anything is sent**;
# 3. run a small free/paid experiment with the package's runner (it saves every reply at once and
#    resumes if interrupted);
# 4. classify the answers, chart compliance by tier, and compare with the paper;
# 5. compare two judges on the same transcripts.
#
# **No API key?** The notebook says so and runs the same cells on a **replay of the shipped
# illustrative transcripts**: examples written by the project for teaching, **not model output**.
# Every result printed in that case is labelled as such. It is a way to see the workflow, not a
# measurement.

# %% [markdown]
# ## Setup
#
# The first cell installs the project's package where it is missing (on Colab); elsewhere it does
# nothing.

# %%
import importlib.util
import os
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
    sys.path.insert(0, str(checkout))

from IPython.display import display

import alignment_faking_lab
from alignment_faking_lab.analysis import judge_agreement, statistics
from alignment_faking_lab.analysis.charts.figure1 import figure1_chart
from alignment_faking_lab.analysis.charts.paper import paper_vs_run_chart
from alignment_faking_lab.analysis.charts.static import show as show_chart
from alignment_faking_lab.calling import estimate, keys, runner
from alignment_faking_lab.calling.endpoints import PRESETS, Endpoint
from alignment_faking_lab.calling.plan import Plan
from alignment_faking_lab.calling.response_cache import ResponseCache
from alignment_faking_lab.data import catalogue, frames, paths
from alignment_faking_lab.data.transcript import Tier
from alignment_faking_lab.paper import figures as paper_figures
from alignment_faking_lab.protocol import queries, scorer
from alignment_faking_lab.protocol.judges import JudgeSettings

print(f"alignment_faking_lab {alignment_faking_lab.__version__} is ready.")

# %% [markdown]
# ## 1. Provider and model
#
# Edit the lines below, or set the environment variables named in them. The presets cover
# Anthropic, OpenAI and OpenAI-compatible hosts (OpenRouter, DeepInfra, Together, and local
# servers such as Ollama, vLLM or LM Studio):

# %%
for name, preset in PRESETS.items():
    print(f"{name:20} key in ${preset.key_env or '(none needed)':22} default model: "
          f"{preset.default_model or '(your choice)'}")  # fmt: skip

# %% [markdown]
# Claude 3 Opus, the model the study used, is retired and its id answers "not found". Today's
# models were in neither paper: whether they show a gap is what your run measures. The paper
# found a gap in Llama 3.1 405B in its minimal reproduction, which it says is very sensitive to
# the prefix used to measure helpfulness (arXiv:2412.14093 App. B.4, Table 5); OpenRouter,
# DeepInfra and Together serve it. A 2025 follow-up found a compliance gap above 1% in 5 of 25
# models it tested (Sheshadri et al., arXiv:2506.18032 Sec. 3.2).
#
# The key is read from the environment and never printed or saved. In Colab, set it with
# `os.environ["ANTHROPIC_API_KEY"] = getpass.getpass()` in a cell of your own.

# %%
PROVIDER = os.environ.get("AFLAB_NOTEBOOK_PROVIDER", "Anthropic")
preset = PRESETS[PROVIDER]
MODEL = os.environ.get("AFLAB_NOTEBOOK_MODEL", preset.default_model)
JUDGE_MODEL = os.environ.get("AFLAB_NOTEBOOK_JUDGE_MODEL", "")  # empty: no judge model
BASE_URL = os.environ.get("AFLAB_NOTEBOOK_BASE_URL") or preset.base_url
N_REQUESTS = 4  # harmful requests; each is sent in both tiers

key = keys.resolve_key(preset.key_env, "", {}, os.environ)
LIVE = bool(key.key) or not preset.needs_key
endpoint = Endpoint(preset.api, preset.name, BASE_URL, key.key)
print(f"Provider {PROVIDER}, model {MODEL}, key from {key.source}.")
if not LIVE:
    print(
        f"\nNo API key found (set ${preset.key_env}). The cells below will REPLAY the shipped "
        "illustrative transcripts instead: written for teaching, NOT model output."
    )

# %% [markdown]
# ## 2. The plan and its cost, before anything is sent
#
# A **plan** says which requests, tiers, prompt variants and models to run. The runner gives each
# conversation a fixed id from what defines it, so running the same plan again skips what is
# already done: that is how an interrupted run resumes.

# %%
requests = [q for q in queries.load_shipped_queries() if q.harmful][:N_REQUESTS]
judge = JudgeSettings(JUDGE_MODEL, votes=3) if JUDGE_MODEL else None
plan = Plan(
    run_id=f"notebook-{MODEL.replace('/', '_')}",
    endpoint=endpoint,
    models=[MODEL],
    queries=requests,
    tiers=[Tier.FREE, Tier.PAID],
    judge=judge,
    concurrency=4,
)
guess = estimate.estimate(plan)
cost = f"about ${guess.cost_usd:.2f}" if guess.cost_usd is not None else "unknown (no price)"
print(f"{guess.calls} conversations, about {guess.total_requests} requests")
print(f"about {guess.total_tokens:,} tokens in all, cost {cost}")

first = estimate.dry_run(plan, limit=1)[0]
print("\nThe first request, exactly as it would be sent (user turn):\n")
print(first["messages"][0]["content"])

# %% [markdown]
# ## 3. Run it
#
# With a key, the runner sends the conversations a few at a time, retries politely when the
# provider is busy, and appends every finished conversation to a file at once. A response cache
# makes a repeated run free. Without a key, we load the illustrative examples instead.

# %%
if LIVE:
    run_file = paths.runs_dir() / f"{plan.run_id}.jsonl"
    report = runner.run(plan, run_file, cache=ResponseCache())
    print(report.summary())
    for call, reason in report.failed[:5]:
        print("  failed:", call, "-", reason)
    transcripts = catalogue.load_run(plan.run_id).transcripts
    SOURCE_NOTE = f"Live run of {MODEL} via {PROVIDER}, saved in {run_file.name}"
else:
    transcripts = [t for t in catalogue.load_illustrative() if t.harmful]
    SOURCE_NOTE = "REPLAY OF ILLUSTRATIVE TRANSCRIPTS: written for teaching, NOT model output"
print(f"{len(transcripts)} transcripts. {SOURCE_NOTE}")

# %% [markdown]
# ## 4. Read one pair
#
# The same request in both tiers: the hidden scratchpad first, then the answer the user saw.

# %%
from alignment_faking_lab.protocol.parsing import parse_messages  # noqa: E402

pair = {t.tier: t for t in transcripts if t.prompt_id == requests[0].id}
for tier in (Tier.FREE, Tier.PAID):
    transcript = pair.get(tier)
    if transcript is None:
        continue
    parsed = parse_messages(transcript.messages)
    print(f"===== {tier.value} tier · {transcript.provenance_label} =====")
    print("--- hidden scratchpad ---")
    print(parsed.scratchpad[:800] or "(none)")
    print("--- answer ---")
    print((parsed.output or "(no final answer)")[:400])
    print()

# %% [markdown]
# ## 5. Classify, count and chart
#
# Each transcript needs an outcome: did the model comply? And, for compliant free-tier answers,
# does the scratchpad show alignment-faking reasoning? With a judge model set, the runner has
# already asked it (the alignment-faking judge votes several times). Otherwise the offline
# **keyword heuristic** labels them; it is approximate, and always labelled as such.

# %%
frame = frames.transcripts_frame(transcripts)
print("Labelled by:", ", ".join(sorted(frame["labelled_by"].astype(str).unique())))
summary = statistics.tier_summary(frame)
display(summary[["tier", "n", "complied", "compliance_rate", "compliance_low", "compliance_high"]])
figure = figure1_chart(summary, title=f"Your experiment: {SOURCE_NOTE}")
show_chart(figure)

# %% [markdown]
# The bars stack as in the paper's Figure 1: refused, complied without alignment-faking
# reasoning, complied with it. The error bars are 95% Wilson intervals: with a handful of
# requests they are wide, and that is the honest picture.
#
# The **compliance gap** is free-tier compliance minus paid-tier compliance. Both tiers got the
# same requests, so the test is paired: only requests where the tiers disagreed carry information.

# %%
gaps = statistics.gap_table(frame)
display(gaps[["n_pairs", "free_rate", "paid_rate", "gap", "gap_low", "gap_high", "mcnemar_p"]])

# %% [markdown]
# ## 6. Beside the paper
#
# The paper's closest published setting, next to your numbers. Remember what differs: the model,
# the prompt (this project's own wording of the setup), the requests, and the judge.

# %%
paper_row = paper_figures.closest_paper_row(plan.setting)
print(f"Paper: {paper_row['model']}, {paper_row['condition']} ({paper_row['source']})")
show_chart(paper_vs_run_chart(paper_row, summary))

# %% [markdown]
# ## 7. Two judges, same transcripts
#
# A judge is a measuring instrument: the paper's own alignment-faking judge differed from the
# authors' ratings by up to 25 points in some settings (arXiv:2412.14093 App. I.1.1). Here we label
# the same transcripts twice: with the keyword heuristic, and with the labels already on them (the
# judge model of a live run, or the authors' labels of the illustrative examples), and count how
# often they agree.

# %%
heuristic = [scorer.classify_by_keywords(t, overwrite=True) for t in transcripts]
free = [i for i, t in enumerate(transcripts) if t.tier is Tier.FREE]
for name, attribute, rows in (
    ("complied", "compliance", range(len(transcripts))),
    ("alignment faking (free tier)", "alignment_faking", free),
):

    def value(t, attribute=attribute):
        label = getattr(t, attribute)
        return None if label is None else (label is True or str(label) == "complied")

    result = judge_agreement.agreement(
        [value(transcripts[i]) for i in rows], [value(heuristic[i]) for i in rows]
    )
    kappa = "n/a" if result.kappa is None else f"{result.kappa:.2f}"
    rate = "n/a" if result.rate is None else f"{result.rate:.0%}"
    print(f"{name:30} compared {result.compared:3}  agree {rate:>5}  Cohen's kappa {kappa}")
print(f"\n({SOURCE_NOTE})")

# %% [markdown]
# ## Review questions
#
# **1. Why does the runner send the same requests in both tiers rather than different ones?**
#
# <details><summary>Answer</summary>
#
# So that the only difference between the two conditions is the tier tag. Any difference in
# compliance can then be put down to what the model believes about training, and the gap can be
# tested request by request (paired), which is more sensitive.
#
# </details>
#
# **2. Your run shows no compliance gap. Does that contradict the paper?**
#
# <details><summary>Answer</summary>
#
# Not by itself. The paper studied Claude 3 Opus (now retired) and found gaps in a few models
# only; a 2025 follow-up found a gap above 1% in 5 of 25 models (Sheshadri et al.,
# arXiv:2506.18032 Sec. 3.2). A small run also has wide intervals: a real but small gap can
# hide inside them.
#
# </details>
#
# **3. Why is the alignment-faking judge only asked about compliant free-tier answers?**
#
# <details><summary>Answer</summary>
#
# Because the paper counts alignment-faking reasoning among answers where the model complied in
# training: reasoning that ends in a refusal is not complying to avoid modification. It also
# saves the cost of judging refusals.
#
# </details>
#
# **4. The keyword heuristic and the judge model disagree on some transcripts. Which should you
# report?**
#
# <details><summary>Answer</summary>
#
# The judge model's labels, with its id, its vote shares and its uncertain cases, and the
# disagreement itself as a caveat. The heuristic only looks for words; it cannot tell reasoning
# about training from a mention of it. Better still, read a sample of transcripts yourself.
#
# </details>
