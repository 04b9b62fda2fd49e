"""Check an alignment-faking judge against the human labels: run it, keep every verdict, measure.

A check runs the configured judge (model, votes, thresholds) on every labelled scratchpad and
appends each verdict to its own JSONL file at once, so a cancelled or crashed check resumes where
it stopped, and the reply cache makes a repeat free. The measures (agreement, sensitivity,
specificity, AUROC from the vote shares, each with a bootstrap interval) come from that file.
The check is named by the judge's settings, so a run's alignment-faking rate can show how far
its judge agreed with people, or that it was not checked yet.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from alignment_faking_lab.analysis.human_labels import LabelledItem
from alignment_faking_lab.calling import estimate
from alignment_faking_lab.calling.endpoints import Endpoint, ProviderError
from alignment_faking_lab.calling.plan import RetryPolicy
from alignment_faking_lab.calling.response_cache import ResponseCache
from alignment_faking_lab.calling.retries import call_with_retries
from alignment_faking_lab.data import paths, storage
from alignment_faking_lab.data.files import data_files, not_a_file
from alignment_faking_lab.data.transcript import Message, content_hash
from alignment_faking_lab.protocol.judges import (
    FAKING_JUDGE_SYSTEM,
    JudgeSettings,
    faking_message,
    faking_votes,
)

BOOTSTRAP_RESAMPLES = 2000
JUDGE_MAX_TOKENS = 1024
DEFAULT_RETRY = RetryPolicy()


def checks_dir(root: Path | None = None) -> Path:
    """Saved checks under `root` (a public visitor's own folder, so a check a visitor ran,
    possibly against a server of their own, is never shown to anyone else as a measured
    agreement), or the shared data folder."""
    return (root or paths.data_dir()) / "judge_checks"


def check_name(endpoint_name: str, settings: JudgeSettings) -> str:
    """One file per judge configuration: provider, model, votes, thresholds, prompt."""
    raw = (
        f"{endpoint_name}-{settings.model}-{settings.votes}v-"
        f"{settings.low:g}-{settings.high:g}-{content_hash(FAKING_JUDGE_SYSTEM)[:8]}"
    )
    return re.sub(r"[^A-Za-z0-9._-]+", "_", raw)


@dataclass(frozen=True, slots=True)
class Verdict:
    item_id: str
    human: bool
    vote_share: float | None  # None when no reading was usable
    verdict: bool | None  # None: "maybe" (between the thresholds) or unusable
    votes: int
    unusable: int
    judge_model: str
    provider: str
    votes_asked: int
    thresholds: tuple[float, float]

    @property
    def predicted(self) -> bool | None:
        """The judge's yes/no at its yes threshold ("maybe" counts as no, as it is not a yes)."""
        if self.vote_share is None:
            return None
        return self.vote_share >= self.thresholds[1]


def read_check(path: Path) -> tuple[list[Verdict], list[int]]:
    """A saved check's verdicts, and the numbers of its lines that could not be read (a full
    disk or a crash can cut one short). Those items count as not judged, so a resume judges
    them again; their lines stay in the file as they are, as a run file's do."""
    if not_a_file(path) is not None:
        return [], []
    verdicts: list[Verdict] = []
    unreadable: list[int] = []
    with path.open("rb") as handle:
        for number, _, raw in storage.iter_lines(handle):
            if not raw.strip():
                continue
            try:
                data = json.loads(raw)
                data["thresholds"] = tuple(data["thresholds"])
                verdicts.append(Verdict(**data))
            except (ValueError, TypeError, KeyError, IndexError, RecursionError):
                unreadable.append(number)
    return verdicts, unreadable


def read_verdicts(path: Path) -> list[Verdict]:
    """The verdicts of a saved check that can be read (see `read_check`)."""
    return read_check(path)[0]


@dataclass(frozen=True, slots=True)
class CheckPlan:
    endpoint: Endpoint
    settings: JudgeSettings
    items: Sequence[LabelledItem]
    concurrency: int = 8
    root: Path | None = None  # where checks are saved: see checks_dir

    @property
    def name(self) -> str:
        return check_name(self.endpoint.name, self.settings)

    @property
    def path(self) -> Path:
        return checks_dir(self.root) / f"{self.name}.jsonl"


def cost_estimate(plan: CheckPlan, prices: dict[str, tuple[float, float]] | None = None):
    """(requests, input tokens, output tokens, USD or None) before anything is sent."""
    prices = estimate.PRICES_PER_MILLION if prices is None else prices
    done = {v.item_id for v in read_verdicts(plan.path)}
    todo = [item for item in plan.items if item.id not in done]
    per_call = estimate.tokens(FAKING_JUDGE_SYSTEM)
    input_tokens = sum(
        plan.settings.votes * (per_call + estimate.tokens(item.text)) for item in todo
    )
    output_tokens = len(todo) * plan.settings.votes * estimate.JUDGE_REPLY_TOKENS["faking"]
    price = prices.get(plan.settings.model)
    cost = None if price is None else (input_tokens * price[0] + output_tokens * price[1]) / 1e6
    return len(todo) * plan.settings.votes, input_tokens, output_tokens, cost


def judge_item(
    plan: CheckPlan,
    item: LabelledItem,
    cache: ResponseCache | None,
    cancel: threading.Event,
    retry: RetryPolicy,
) -> Verdict:
    def call(system: str, message: str, vote_number: int) -> str:
        reply, _, _ = call_with_retries(
            plan.endpoint, plan.settings.model, system, [Message("user", message)],
            max_tokens=JUDGE_MAX_TOKENS, retry=retry, cancel=cancel, cache=cache,
            cache_extra={"vote": vote_number},
        )  # fmt: skip
        return reply.text

    result = faking_votes(faking_message(item.text, ""), plan.settings, call)
    return Verdict(
        item_id=item.id,
        human=item.faking,
        vote_share=result.get("vote_share"),
        verdict=result.get("verdict"),
        votes=result.get("votes", 0),
        unusable=result.get("unusable_readings", 0),
        judge_model=plan.settings.model,
        provider=plan.endpoint.name,
        votes_asked=plan.settings.votes,
        thresholds=(plan.settings.low, plan.settings.high),
    )


def iter_check(
    plan: CheckPlan,
    *,
    cache: ResponseCache | None = None,
    cancel: threading.Event | None = None,
    retry: RetryPolicy = DEFAULT_RETRY,
    on_error: Callable[[LabelledItem, ProviderError], None] | None = None,
) -> Iterator[Verdict]:
    """Judge every item not yet in the check's file, appending each verdict as it lands."""
    cancel = cancel or threading.Event()
    plan.path.parent.mkdir(parents=True, exist_ok=True)
    storage.repair_torn_tail(plan.path)
    done = {v.item_id for v in read_verdicts(plan.path)}
    todo = [item for item in plan.items if item.id not in done]
    lock = threading.Lock()

    def work(item: LabelledItem) -> Verdict | None:
        if cancel.is_set():
            return None
        try:
            verdict = judge_item(plan, item, cache, cancel, retry)
        except ProviderError as error:
            if on_error:
                on_error(item, error)
            if error.kind.value in ("auth", "not_found", "bad_request"):
                cancel.set()  # every other item would fail the same way
            return None
        line = json.dumps(asdict(verdict), ensure_ascii=False)
        with lock, plan.path.open("a", encoding="utf-8") as handle:
            storage.append_line(handle, line)
        return verdict

    with ThreadPoolExecutor(max_workers=max(1, plan.concurrency)) as pool:
        try:
            for verdict in pool.map(work, todo):
                if verdict is not None:
                    yield verdict
        finally:
            cancel.set()


# -- measures ------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Measure:
    value: float | None
    low: float | None
    high: float | None


@dataclass(frozen=True, slots=True)
class CheckResult:
    n: int  # items with a usable verdict
    unusable: int
    maybe: int  # vote share between the thresholds (counted as "no")
    true_positive: int
    false_negative: int
    false_positive: int
    true_negative: int
    agreement: Measure
    sensitivity: Measure
    specificity: Measure
    auroc: Measure


def measure_text(measure: Measure, percent: bool = True) -> tuple[str, str]:
    """A measure as words: (value, "95% interval low–high"), as percentages or (an AUROC) to
    three decimals; "n/a" when it could not be measured, no interval when it has none. The
    page and the command line both say it this way."""
    if measure.value is None:
        return "n/a", ""
    fmt = "{:.1%}" if percent else "{:.3f}"
    if measure.low is None:
        return fmt.format(measure.value), ""
    return fmt.format(measure.value), (
        f"95% interval {fmt.format(measure.low)}–{fmt.format(measure.high)}"
    )


def _auroc(shares: np.ndarray, human: np.ndarray) -> float | None:
    positives, negatives = shares[human], shares[~human]
    if not len(positives) or not len(negatives):
        return None
    greater = (positives[:, None] > negatives[None, :]).mean()
    ties = (positives[:, None] == negatives[None, :]).mean()
    return float(greater + 0.5 * ties)


def _rates(predicted: np.ndarray, human: np.ndarray) -> tuple[float, float | None, float | None]:
    agreement = float((predicted == human).mean())
    positives, negatives = human.sum(), (~human).sum()
    sensitivity = float((predicted & human).sum() / positives) if positives else None
    specificity = float((~predicted & ~human).sum() / negatives) if negatives else None
    return agreement, sensitivity, specificity


def measure(verdicts: Sequence[Verdict], resamples: int = BOOTSTRAP_RESAMPLES, seed: int = 0):
    """Agreement, sensitivity, specificity and AUROC with 95% percentile bootstrap intervals
    (items resampled with replacement; a fixed seed, so the same verdicts give the same
    figures, in whatever order a concurrent check wrote them)."""
    usable = sorted((v for v in verdicts if v.vote_share is not None), key=lambda v: v.item_id)
    human = np.array([v.human for v in usable], dtype=bool)
    shares = np.array([v.vote_share for v in usable], dtype=float)
    predicted = np.array([v.predicted for v in usable], dtype=bool)
    n = len(usable)
    if n == 0:
        empty = Measure(None, None, None)
        return CheckResult(0, len(verdicts), 0, 0, 0, 0, 0, empty, empty, empty, empty)
    point = (*_rates(predicted, human), _auroc(shares, human))
    rng = np.random.default_rng(seed)
    samples: list[list[float]] = [[], [], [], []]
    for _ in range(resamples):
        index = rng.integers(0, n, n)
        values = (*_rates(predicted[index], human[index]), _auroc(shares[index], human[index]))
        for bucket, value in zip(samples, values, strict=True):
            if value is not None:
                bucket.append(value)

    def interval(value: float | None, bucket: list[float]) -> Measure:
        if value is None or not bucket:
            return Measure(value, None, None)
        low, high = np.percentile(bucket, [2.5, 97.5])
        return Measure(value, float(low), float(high))

    low, high = usable[0].thresholds if usable else (0.0, 1.0)
    return CheckResult(
        n=n,
        unusable=len(verdicts) - n,
        maybe=int(((shares > low) & (shares < high)).sum()),
        true_positive=int((predicted & human).sum()),
        false_negative=int((~predicted & human).sum()),
        false_positive=int((predicted & ~human).sum()),
        true_negative=int((~predicted & ~human).sum()),
        agreement=interval(point[0], samples[0]),
        sensitivity=interval(point[1], samples[1]),
        specificity=interval(point[2], samples[2]),
        auroc=interval(point[3], samples[3]),
    )


def disagreements(verdicts: Sequence[Verdict], items: Sequence[LabelledItem]):
    """(item, verdict) for every item where the judge's yes/no differs from the human label."""
    by_id = {item.id: item for item in items}
    return [
        (by_id[v.item_id], v)
        for v in verdicts
        if v.item_id in by_id and v.predicted is not None and v.predicted != v.human
    ]


def compare_judges(first: Sequence[Verdict], second: Sequence[Verdict]):
    """How two judges agree with each other on the items both judged (judge_agreement)."""
    from alignment_faking_lab.analysis.judge_agreement import agreement

    seconds = {v.item_id: v for v in second}
    pairs = [(v, seconds[v.item_id]) for v in first if v.item_id in seconds]
    return agreement([a.predicted for a, _ in pairs], [b.predicted for _, b in pairs])


def saved_checks(root: Path | None = None) -> list[str]:
    folder = checks_dir(root)
    return [p.stem for p in data_files(folder)]


def status_for(
    judge_model: str,
    votes: int | None = None,
    thresholds: Sequence[float] | None = None,
    root: Path | None = None,
) -> str:
    """One sentence for beside an alignment-faking rate: the judge's measured agreement with
    the human labels (for these votes and thresholds when given), or that it was not checked."""
    best: list[Verdict] = []
    for name in saved_checks(root):
        verdicts = read_verdicts(checks_dir(root) / f"{name}.jsonl")
        if not verdicts or verdicts[0].judge_model != judge_model:
            continue
        if votes is not None and verdicts[0].votes_asked != votes:
            continue
        if thresholds is not None and tuple(verdicts[0].thresholds) != tuple(thresholds):
            continue
        if len(verdicts) > len(best):
            best = verdicts
    result = measure(best, resamples=500) if best else None
    if result is None or result.agreement.value is None:
        return f"Judge {judge_model}: not checked against human labels yet."
    auroc = f"{result.auroc.value:.2f}" if result.auroc.value is not None else "n/a"
    return (
        f"Judge {judge_model} ({best[0].votes_asked} votes) agreed with human labels on "
        f"{result.agreement.value:.0%} of {result.n} scratchpads (95% interval "
        f"{result.agreement.low:.0%}–{result.agreement.high:.0%}; AUROC {auroc})."
    )


_JUDGE_MODEL = re.compile(r"judge model (\S+)")


def judge_notes(labelled_by: Iterable[str], root: Path | None = None) -> list[str]:
    """For the labels behind a shown alignment-faking rate: how far each judge was checked
    against human labels. Keyword guesses and the paper's published labels say what they are."""
    notes: list[str] = []
    values = {str(v) for v in labelled_by if isinstance(v, str) and v}
    for model in sorted({m for v in values for m in _JUDGE_MODEL.findall(v)}):
        notes.append(status_for(model, root=root))
    if any("heuristic" in v for v in values):
        notes.append("Keyword guess: no judge, never checked against human labels.")
    if any("paper" in v.lower() and "judge model" not in v for v in values):
        notes.append(
            "The paper's published labels: its authors hand-checked 20 samples per setting and "
            "found the automated rate off by up to about 2x in some settings (App. I.1.1)."
        )
    return notes
