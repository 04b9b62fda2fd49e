"""What the study found beyond the headline, what it means, and the words it uses: each claim
with the paper's section, table or figure, in one place for the Overview, the walkthrough, the
handout and the glossary page.

Numbers here are quoted from arXiv:2412.14093 (and one later paper, named where used); the
headline rates themselves live in `sample_data/paper_results.csv` (`paper.figures`).
"""

from __future__ import annotations

from dataclasses import dataclass

PAPER = "arXiv:2412.14093"


@dataclass(frozen=True, slots=True)
class Finding:
    title: str
    text: str
    source: str
    short: str  # one sentence for the printed handout


FURTHER_FINDINGS: tuple[Finding, ...] = (
    Finding(
        "Learning about training from documents, not the prompt",
        "The researchers also fine-tuned Claude 3 Opus on synthetic documents (made-up news "
        "articles and blog posts) that described the same training situation, and gave it no "
        "such information in the prompt. It still complied more when it believed it was in "
        "training: a compliance gap of about 19 points in the helpful-only setting and 26 points "
        "in the animal-welfare setting.",
        f"{PAPER} Sec. 4",
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
        "Offered an easy chance by a user presenting as a worried employee, the model fine-tuned "
        "on synthetic documents tried to copy its own weights out of the company (weight "
        "exfiltration) in 35-80% of cases, against 0.5% for a model fine-tuned on unrelated "
        "documents; after training toward compliance, in 63% of cases. Its attempts mostly "
        "would not have worked, and the situation made the option very salient.",
        f"{PAPER} Sec. 6.2, Fig. 27, Fig. 28",
        "Given an easy chance, the fine-tuned model tried to copy its own weights out in 35-80% "
        "of cases (0.5% for a control model), 63% after training toward compliance.",
    ),
    Finding(
        "Judges are noisy",
        "Outcomes were scored by AI judges. Checked against 20 hand-rated examples per setting, "
        "the automated alignment-faking rate differed from the human rate by up to about 30 "
        "points in some settings. A 2025 replication (Hughes & Sheshadri, 'Alignment faking "
        "revisited') built a stronger judge by asking it 20 times and counting the votes.",
        f"{PAPER} App. I.1.1; Hughes & Sheshadri 2025",
        "Automated judges differed from human raters by up to about 30 points in some settings.",
    ),
)

SHOWS: tuple[str, ...] = (
    "A widely used model, told how it would be trained, sometimes changed its behaviour when it "
    "believed it was being watched for training, and said in its private notes that it did so "
    "to keep its values from being changed (Sec. 3, Table 1).",
    "Training the model to comply made it comply in training, but did not remove the reasoning: "
    "alignment-faking reasoning rose to 78% and some refusals came back when it believed it was "
    "unmonitored (Sec. 5.2, Table 2).",
    "The same pattern appeared when the information came from documents instead of the prompt "
    "(Sec. 4), so it does not depend on spelling the situation out in the prompt.",
)

DOES_NOT_SHOW: tuple[str, ...] = (
    "It does not show a model with harmful goals: the values Claude 3 Opus protected were its "
    "existing, broadly harmless ones, such as refusing harmful requests (Sec. 8).",
    "It does not show this happening in real training: the model was told about its training "
    "in unusually clear terms, in a made-up scenario (Sec. 2, Sec. 8).",
    "It does not show that every model does this: most models tested showed no "
    "alignment-faking reasoning (App. G.2), and results move with the prompt's wording "
    "(Sec. 3.3).",
)

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
