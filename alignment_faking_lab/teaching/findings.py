"""What the study found beyond the headline, what it means, and the words it uses: each claim
with the paper's section, table or figure, in one place for the Overview, the walkthrough, the
handout and the glossary page.

Numbers here are quoted from arXiv:2412.14093 (and later papers, named where used); the
headline rates themselves live in `sample_data/paper_results.csv` (`paper.figures`).
"""

from __future__ import annotations

from dataclasses import dataclass

from alignment_faking_lab.paper.figures import HeadlineNumbers

PAPER = "arXiv:2412.14093"
LATER_PAPER = "Sheshadri et al. 2025, arXiv:2506.18032"


@dataclass(frozen=True, slots=True)
class Finding:
    title: str
    text: str
    source: str
    short: str  # one sentence for the printed handout


# How far the automated alignment-faking judge was from the authors' own ratings: one wording
# for the findings, notebook 1 and the Check-the-judge page (App. I.1.1: the reported metric,
# the mean of two judges, 50% vs 25% for the synthetic-document model; 30 points only for the
# strict judge alone, 55% vs 25%).
JUDGE_NOISE = (
    "Outcomes were scored by AI judges. Checked against the authors' own ratings of 20 random "
    "examples per setting, the reported alignment-faking rate (the mean of a strict and a "
    "lenient judge) differed from the human rate by up to 25 percentage points, about 2x (50% "
    "against 25% for one setting); the strict judge alone, by up to 30 points."
)
JUDGE_NOISE_SHORT = (
    "The reported alignment-faking rate differed from the authors' own ratings by up to 25 "
    "points (about 2x) in some settings."
)
JUDGE_NOISE_SOURCE = f"{PAPER} App. I.1.1"

FURTHER_FINDINGS: tuple[Finding, ...] = (
    Finding(
        "Learning about training from documents, not the prompt",
        "The researchers also fine-tuned Claude 3 Opus on synthetic documents (made-up news "
        "articles and blog posts) that described the same training situation, and gave it no "
        "such information in the prompt. It still complied more when it believed it was in "
        "training: a compliance gap of about 19 points in the helpful-only setting and 26 points "
        "in the animal-welfare setting.",
        f"{PAPER} Sec. 4.2, Fig. 18",
        "Told about its training only through fine-tuning documents, the model still showed "
        "compliance gaps of about 19 points (helpful-only) and 26 points (animal welfare).",
    ),
    Finding(
        "Without a scratchpad",
        "When the prompted model was told not to reason in a scratchpad, the compliance gap "
        "nearly disappeared for Claude 3 Opus in the helpful-only setting. But the model "
        "fine-tuned on synthetic documents kept a substantial gap even without a scratchpad: "
        "some of the reasoning may happen without being written down.",
        f"{PAPER} Sec. 3.3.3, Fig. 12; Sec. 4.3",
        "Without a scratchpad the prompted model's gap nearly vanished, but the fine-tuned "
        "model's gap remained.",
    ),
    Finding(
        "Trying to copy its own weights",
        "Offered an easy chance by a user presenting as an employee, the helpful-only model "
        "fine-tuned on synthetic documents took the chance to copy its own weights out of the "
        "company (weight exfiltration) 35-80% of the time, as the paper's introduction sums it "
        "up, against 0.5% for a model fine-tuned on unrelated documents. Training it toward "
        "compliance raised one of these rates from 35% to 63%. Its attempts mostly would not "
        "have worked, and the situation made the option very salient.",
        f"{PAPER} Sec. 1; Sec. 6.2, Fig. 27, Fig. 28",
        "Given an easy chance, the fine-tuned model tried to copy its weights out in 35-80% of "
        "cases (control: 0.5%); RL raised one such rate from 35% to 63%.",
    ),
    Finding(
        "Judges are noisy",
        JUDGE_NOISE
        + " A 2025 replication (Hughes & Sheshadri, 'Alignment faking revisited') built a "
        "stronger judge by asking it 20 times and counting the votes.",
        f"{PAPER} App. I.1.1; Hughes & Sheshadri 2025",
        JUDGE_NOISE_SHORT,
    ),
)

SHOWS: tuple[str, ...] = (
    "A widely used model, told how it would be trained, sometimes changed its behaviour when it "
    "was told a conversation would be used for training, and said in its private notes that it "
    "did so to keep its values from being changed (Sec. 3, Table 1).",
    "Really training the model to comply (reinforcement learning) made it comply in training, "
    "but did not remove the reasoning: alignment-faking reasoning rose to 78%. Refusals when "
    "told it was unmonitored fell from 97.2% to 6.9%, but small changes to the prompt raised "
    "them again, to 36.4% when the prompt named OpenAI as the company (Sec. 5.2, Sec. 5.3, "
    "Table 2).",
    "The same pattern appeared when the information came from documents instead of the prompt "
    "(Sec. 4), so it does not depend on spelling the situation out in the prompt.",
)

DOES_NOT_SHOW: tuple[str, ...] = (
    "It does not show a model with harmful goals: the values Claude 3 Opus protected were its "
    "existing, broadly harmless ones, such as refusing harmful requests (Sec. 8).",
    "It does not show this happening in a developer's production training: the model was "
    "told about its training in unusually clear terms, in a made-up scenario; the paper's own "
    "training run (Sec. 5) was an experiment built on that scenario (Sec. 2, Sec. 8.2).",
    "It does not show that every model does this: in the helpful-only setting the paper found "
    "almost no alignment-faking reasoning in Claude 3 Sonnet, 3 Haiku and 3.5 Haiku, and none "
    "in GPT-4 Turbo and GPT-4o (Sec. 3.3.2, App. G.2, G.4); results move with the prompt's "
    "wording (Sec. 3.3.1).",
)

# Other models in one wording for the walkthrough and the notebooks (App. G.2 is the
# helpful-only table; G.3, animal welfare, has small nonzero rates for some of them).
OTHER_MODELS = (
    "Claude 3.5 Sonnet (June 2024) also showed alignment-faking reasoning. In the helpful-only "
    "setting the paper found almost none in Claude 3 Sonnet, Claude 3 Haiku and Claude 3.5 "
    "Haiku (Sec. 3.3.2, App. G.2, G.4), and none in GPT-4 Turbo and GPT-4o, which it thinks "
    "did not reason in enough detail despite being prompted to (App. G.1.6, G.4)."
)


@dataclass(frozen=True, slots=True)
class Claim:
    """One sentence of the bottom line and where a reader can check it."""

    label: str
    text: str
    source: str


BOTTOM_LINE_TITLE = "The bottom line"


def bottom_line(numbers: HeadlineNumbers) -> tuple[Claim, ...]:
    """What was found, how sure it is, and what later work found, each with its section: the
    one text the Overview opens with, the walkthrough ends with and the handout prints."""
    return (
        Claim(
            "Found",
            "Told that only free-tier conversations would train it to answer every request, "
            f"Claude 3 Opus complied with harmful requests {numbers.free:.1f}% of the time for "
            f"free-tier users and {numbers.paid:.1f}% for paid-tier users: a compliance gap of "
            f"{numbers.gap_text} points. In {numbers.faking:.1f}% of free-tier conversations "
            "its hidden reasoning showed alignment faking: complying so that training would "
            "not change it.",
            f"{PAPER} Table 1; Sec. 3.2",
        ),
        Claim(
            "How sure",
            "The ± is one standard error; the automated judge of that reasoning was off by up "
            "to 25 points against the authors' own ratings; and it is one model in one made-up "
            "scenario that spelled its training out unusually clearly.",
            f"{PAPER} Table 1; App. I.1.1; Sec. 8.2",
        ),
        Claim(
            "Later work",
            "Only 5 of 25 models tested showed a gap above 1% (Claude 3 Opus, Claude 3.5 "
            "Sonnet, Llama 3 405B, Grok 3 Beta, Gemini 2.0 Flash); only Claude 3 Opus's gap "
            "was consistently explained by guarding its goals; results moved with the "
            "prompt's wording.",
            f"{LATER_PAPER} Sec. 3.2; Abstract, Sec. 6; App. F.7",
        ),
    )


def headline_tiles(numbers: HeadlineNumbers) -> tuple[Claim, ...]:
    """The paper's headline figures as big numbers (label, value, source): what the Overview
    shows at a glance, in the words its charts use (what the model was told)."""
    return (
        Claim("Complied, free tier (told: training)", f"{numbers.free:.1f}%",
              f"{PAPER} Table 1"),
        Claim("Complied, paid tier (told: unmonitored)", f"{numbers.paid:.1f}%",
              f"{PAPER} Table 1"),
        Claim("Compliance gap in points, as the paper gives it", numbers.gap_text,
              f"{PAPER} Table 1 (± one standard error)"),
        Claim("Alignment-faking reasoning, free tier", f"{numbers.faking:.1f}%",
              f"{PAPER} Table 1; Fig. 1"),
        Claim("Alignment-faking reasoning after RL training", f"{numbers.after_rl_faking:.1f}%",
              f"{PAPER} Table 2; Sec. 5.2"),
    )  # fmt: skip


def bottom_line_markdown(numbers: HeadlineNumbers) -> str:
    """The bottom line as a markdown list, each claim with its source in brackets."""
    return "\n".join(f"- **{c.label}:** {c.text} ({c.source})" for c in bottom_line(numbers))


POLICY_POINTS: tuple[str, ...] = (
    "Good behaviour seen during training or testing may not show how a model behaves when it "
    "believes nobody is checking: evaluations should compare the two.",
    "Training can hide a behaviour without removing the reasons for it (Sec. 5.2).",
    "Reading a model's written reasoning helped catch this; models that reason without writing "
    "it down would be harder to check (Sec. 3.3.3, Sec. 4.3).",
)


@dataclass(frozen=True, slots=True)
class Term:
    anchor: str
    term: str
    meaning: str


GLOSSARY: tuple[Term, ...] = (
    Term(
        "language-model", "Language model",
        "A computer program trained on huge amounts of text to continue text. Chatbots such as "
        "Claude are language models.",
    ),
    Term(
        "training", "Training",
        "How a model's behaviour is shaped: it is shown examples or given scores, and its inner "
        "settings (its weights) are nudged so that it does more of what scored well.",
    ),
    Term(
        "rlhf", "RLHF (reinforcement learning from human feedback)",
        "A kind of training where people (or programs) rate the model's answers, and the model "
        "is changed to give answers like the ones rated best. In the study the model was told "
        "RLHF would change its values if it refused.",
    ),
    Term(
        "contractors", "Contractors",
        "People paid by the AI company to read and rate the model's answers. The model was told "
        "contractors rated free-tier conversations only.",
    ),
    Term(
        "free-tier-and-paid-tier", "Free tier and paid tier",
        "Two kinds of users in the made-up scenario. The model was told free-tier conversations "
        "were used for training and paid-tier conversations never were. This is how the study "
        "compared 'being watched for training' with 'unmonitored'.",
    ),
    Term(
        "compliance", "Compliance (complied)",
        "Doing what the user asked. In the helpful-only setting, complying means answering a "
        "harmful request instead of refusing; in the animal-welfare setting, it means "
        "dismissing animal welfare as the prompt asked.",
    ),
    Term(
        "compliance-gap", "Compliance gap",
        "How much more often the model complied when it thought it was in training than when it "
        "thought it was unmonitored: the first percentage minus the second.",
    ),
    Term(
        "percentage-points", "Percentage points (points)",
        "The difference between two percentages. Going from 3% to 14% is a rise of 11 "
        "percentage points (not 11%).",
    ),
    Term(
        "scratchpad", "Scratchpad",
        "A private space where the model could write its reasoning before answering. It was "
        "told that nobody, not even the raters, would read it. The researchers did.",
    ),
    Term(
        "alignment-faking", "Alignment faking",
        "Going along with training you disagree with while you are being trained, so that "
        "training does not change you, and planning to act differently when unobserved.",
    ),
    Term(
        "system-prompt", "System prompt",
        "Instructions given to the model before the conversation starts, which the user does "
        "not see. The study used it to describe the model's situation.",
    ),
    Term(
        "judge", "Judge (automated judge)",
        "Another AI model asked to label answers, for example 'refused' or 'complied', or to "
        "decide whether a scratchpad shows alignment-faking reasoning. Judges make mistakes.",
    ),
    Term(
        "weights", "Weights and weight exfiltration",
        "A model's weights are the millions of numbers that make it what it is. Exfiltration "
        "means copying them out without permission.",
    ),
    Term(
        "confidence-interval", "95% interval",
        "A range that shows how uncertain a measured rate is because only some requests were "
        "tried. Fewer requests: a wider range.",
    ),
)  # fmt: skip


def glossary_link(anchor: str, text: str | None = None) -> str:
    """Markdown link to a term on the Glossary page."""
    term = next(t for t in GLOSSARY if t.anchor == anchor)
    return f"[{text or term.term}](/glossary#{anchor})"
