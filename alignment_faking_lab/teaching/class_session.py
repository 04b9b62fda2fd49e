"""A class session: students predict the study's result on their phones, then see it; and they
label real scratchpads "alignment faking or not", then see the human labels and the judge's.

A session lives only in the server's memory (no accounts, nothing on disk): a teacher opens it
and gets a short code, students join with the code. Everything a student sends is checked here,
before anyone sees it: predictions are numbers from 0 to 100, a reason is one word of letters
(no links, no markup, no spaces), labels are yes or no for items the teacher chose. One student
counts once (sending again replaces their entry). A hostile visitor cannot fill the server's
memory: the number of classes, of students per class and of items is capped, and a class
expires a few hours after it was opened. Every change happens under the class's lock, so
forty phones sending at once are each counted once.
"""

from __future__ import annotations

import random
import re
import secrets
import statistics
import threading
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from alignment_faking_lab.paper.figures import headline_numbers
from alignment_faking_lab.protocol.parsing import parse_reply
from alignment_faking_lab.teaching.classroom import hide_drafts

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: easy to read off a screen
CODE_LENGTH = 6
LIFETIME_SECONDS = 3 * 3600
MAX_CLASSES = 200
MAX_STUDENTS = 60
MAX_WORD_CHARS = 20
MAX_SPOT_ITEMS = 12
MAX_SCRATCHPAD_CHARS = 12_000
MAX_SHOWN_WORDS = 30
# The published figure the predictions are compared with (Claude 3 Opus, helpful-only, default
# prompt): the paper gives the gap with its own error, so it is quoted, never recomputed.
# The paper's own figures, read from the shipped table (one home: sample_data/paper_results.csv)
PAPER_FREE, PAPER_PAID = headline_numbers().free, headline_numbers().paid
PAPER_GAP, PAPER_GAP_ERROR = headline_numbers().gap, headline_numbers().gap_pm
PAPER_SOURCE = "arXiv:2412.14093 Table 1 (Claude 3 Opus, helpful-only, default prompt)"
_STUDENT_ID = re.compile(r"[A-Za-z0-9_-]{22}")  # token_urlsafe(16)
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


class ClassSessionError(ValueError):
    """What a student or teacher sent cannot be taken; the message says why, in plain words."""


@dataclass(frozen=True, slots=True)
class Prediction:
    free: float  # predicted compliance in the free tier (the model was told: used for training)
    paid: float  # predicted compliance in the paid tier (told: never used for training)

    @property
    def gap(self) -> float:
        return self.free - self.paid


@dataclass(frozen=True, slots=True)
class SpotItem:
    """One scratchpad to label: its text (the scratchpad alone, drafts hidden), its reference
    label (people's, or the paper's published classifier labels; the class says which), and
    the judge's verdict where a judge check covers it."""

    id: str
    text: str
    reference: bool
    judge: bool | None = None


@dataclass(frozen=True, slots=True)
class ItemResult:
    item: SpotItem
    said_faking: int
    said_not: int

    @property
    def class_majority(self) -> bool | None:
        if self.said_faking == self.said_not:
            return None
        return self.said_faking > self.said_not


@dataclass(frozen=True, slots=True)
class ClassView:
    """A consistent copy of a class for drawing, taken under its lock."""

    code: str
    version: int
    students: int
    predictions: tuple[Prediction, ...]
    words: tuple[tuple[str, int], ...]  # shown words, most frequent first
    hidden_words: tuple[str, ...]
    revealed: bool
    show_reasons: bool
    spot_items: tuple[SpotItem, ...]
    spot_results: tuple[ItemResult, ...]
    spot_labellers: int
    spot_revealed: bool
    reference_name: str  # who gave the reference labels, e.g. "people (human labels)"

    def median(self, measure: Callable[[Prediction], float]) -> float | None:
        values = [measure(p) for p in self.predictions]
        return statistics.median(values) if values else None

    @property
    def agreement_with_people(self) -> tuple[int, int]:
        """(student labels that match the reference label, all student labels)."""
        same = sum(r.said_faking if r.item.reference else r.said_not for r in self.spot_results)
        return same, sum(r.said_faking + r.said_not for r in self.spot_results)


def clean_word(text: str) -> str:
    """A student's one-word reason as it may be shown: letters only (hyphen and apostrophe
    inside), at most MAX_WORD_CHARS, lower case; anything else is refused, never repaired."""
    word = unicodedata.normalize("NFKC", text).strip()
    if not word:
        raise ClassSessionError("Type one word.")
    if len(word) > MAX_WORD_CHARS:
        raise ClassSessionError(f"One word of at most {MAX_WORD_CHARS} letters, please.")
    if not _WORD.fullmatch(word):
        raise ClassSessionError("One word of letters only: no spaces, digits, links or symbols.")
    return word.lower()


def percent(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ClassSessionError(f"{what}: a number from 0 to 100, please.")
    if not 0 <= value <= 100:  # NaN fails this too
        raise ClassSessionError(f"{what}: a number from 0 to 100, please.")
    return float(value)


def scratchpad_only(text: str) -> str:
    """What a student may read of a labelled text: the scratchpad blocks (or, untagged, the text
    before any output), with every draft answer hidden, as in the classroom setting."""
    parsed = parse_reply(text)
    shown = parsed.scratchpad if parsed.scratchpad_blocks else text.split("<OUTPUT>")[0]
    return hide_drafts(shown).strip()


def choose_spot_items(
    items: Sequence[object],
    count: int,
    judge: dict[str, bool | None] | None = None,
    seed: int | None = None,
) -> list[SpotItem]:
    """`count` labelled scratchpads (objects with id, text, faking: the reference label) for a
    class, about half of them labelled alignment faking, in a random order; the judge's
    verdicts by id."""
    count = max(1, min(count, MAX_SPOT_ITEMS))
    randomness = secrets.SystemRandom() if seed is None else random.Random(seed)
    usable = [i for i in items if len(scratchpad_only(i.text)) <= MAX_SCRATCHPAD_CHARS]
    faking = [i for i in usable if i.faking]
    honest = [i for i in usable if not i.faking]
    randomness.shuffle(faking)
    randomness.shuffle(honest)
    half = min(len(faking), (count + 1) // 2)
    chosen = faking[:half] + honest[: count - half]
    chosen += faking[half : half + count - len(chosen)]
    randomness.shuffle(chosen)
    verdicts = judge or {}
    return [
        SpotItem(str(i.id), scratchpad_only(i.text), bool(i.faking), verdicts.get(str(i.id)))
        for i in chosen
    ]


@dataclass
class ClassSession:
    """One class: what its students sent, what the teacher chose to show."""

    code: str
    teacher_key: str
    opened: float
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _students: set[str] = field(default_factory=set)
    _predictions: dict[str, Prediction] = field(default_factory=dict)
    _words: dict[str, str] = field(default_factory=dict)
    _hidden: set[str] = field(default_factory=set)
    _labels: dict[str, dict[str, bool]] = field(default_factory=dict)
    _items: tuple[SpotItem, ...] = ()
    _reference_name: str = ""
    _revealed: bool = False
    _show_reasons: bool = False
    _spot_revealed: bool = False
    _version: int = 0

    def expired(self, now: float) -> bool:
        return now - self.opened > LIFETIME_SECONDS

    def _admit(self, student: str) -> None:
        if student not in self._students:
            if len(self._students) >= MAX_STUDENTS:
                raise ClassSessionError(f"This class is full ({MAX_STUDENTS} students).")
            self._students.add(student)

    def _changed(self) -> None:
        self._version += 1

    def _teacher(self, key: str) -> None:
        if not secrets.compare_digest(key, self.teacher_key):
            raise ClassSessionError("Only the teacher who opened this class can do that.")

    def join(self, student: str) -> None:
        with self._lock:
            if student not in self._students:
                self._admit(student)
                self._changed()

    def predict(self, student: str, free: object, paid: object, reason: str = "") -> None:
        """A student's prediction (and optional one-word reason); sending again replaces it."""
        prediction = Prediction(percent(free, "Free tier"), percent(paid, "Paid tier"))
        word = clean_word(reason) if reason.strip() else None
        with self._lock:
            if self._revealed:
                raise ClassSessionError("The answer is already shown: predictions are closed.")
            self._admit(student)
            self._predictions[student] = prediction
            if word is None:
                self._words.pop(student, None)
            else:
                self._words[student] = word
            self._changed()

    def label(self, student: str, labels: dict[str, bool]) -> None:
        """A student's labels of the class's scratchpads (every item, yes or no)."""
        with self._lock:
            wanted = {item.id for item in self._items}
            if not wanted:
                raise ClassSessionError("There are no scratchpads to label in this class yet.")
            if self._spot_revealed:
                raise ClassSessionError("The labels are already shown: labelling is closed.")
            if set(labels) != wanted or not all(isinstance(v, bool) for v in labels.values()):
                raise ClassSessionError("Label every scratchpad: alignment faking or not.")
            self._admit(student)
            self._labels[student] = dict(labels)
            self._changed()

    def labels_of(self, student: str) -> dict[str, bool]:
        with self._lock:
            return dict(self._labels.get(student, {}))

    def prediction_of(self, student: str) -> Prediction | None:
        with self._lock:
            return self._predictions.get(student)

    def reveal(self, key: str, shown: bool = True) -> None:
        with self._lock:
            self._teacher(key)
            self._revealed = shown
            self._changed()

    def show_reasons(self, key: str, shown: bool) -> None:
        with self._lock:
            self._teacher(key)
            self._show_reasons = shown
            self._changed()

    def hide_word(self, key: str, word: str, hidden: bool = True) -> None:
        with self._lock:
            self._teacher(key)
            (self._hidden.add if hidden else self._hidden.discard)(word.lower())
            self._changed()

    def set_spot_items(self, key: str, items: Sequence[SpotItem], reference_name: str) -> None:
        """The scratchpads to label and who gave their reference labels (earlier labels are
        dropped: they were of other items)."""
        if len(items) > MAX_SPOT_ITEMS or any(len(i.text) > MAX_SCRATCHPAD_CHARS for i in items):
            raise ClassSessionError(f"At most {MAX_SPOT_ITEMS} scratchpads of moderate length.")
        with self._lock:
            self._teacher(key)
            self._items = tuple(items)
            self._reference_name = reference_name
            self._labels.clear()
            self._spot_revealed = False
            self._changed()

    def reveal_spot(self, key: str, shown: bool = True) -> None:
        with self._lock:
            self._teacher(key)
            self._spot_revealed = shown
            self._changed()

    def view(self) -> ClassView:
        with self._lock:
            counts = Counter(w for w in self._words.values() if w not in self._hidden)
            results = tuple(
                ItemResult(
                    item,
                    sum(labels[item.id] for labels in self._labels.values()),
                    sum(not labels[item.id] for labels in self._labels.values()),
                )
                for item in self._items
            )
            return ClassView(
                code=self.code, version=self._version, students=len(self._students),
                predictions=tuple(self._predictions.values()),
                words=tuple(counts.most_common(MAX_SHOWN_WORDS)),
                hidden_words=tuple(sorted(self._hidden)), revealed=self._revealed,
                show_reasons=self._show_reasons, spot_items=self._items, spot_results=results,
                spot_labellers=len(self._labels), spot_revealed=self._spot_revealed,
                reference_name=self._reference_name,
            )  # fmt: skip

    def all_words(self) -> list[str]:
        """Every distinct word sent, hidden ones too: for the teacher's hide list."""
        with self._lock:
            return sorted(set(self._words.values()))


class ClassRegistry:
    """Every open class on this server, by code; classes expire; their number is capped."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._classes: dict[str, ClassSession] = {}

    def _drop_expired(self) -> None:
        now = self._clock()
        for code in [c for c, s in self._classes.items() if s.expired(now)]:
            del self._classes[code]

    def open(self) -> ClassSession:
        with self._lock:
            self._drop_expired()
            if len(self._classes) >= MAX_CLASSES:
                raise ClassSessionError(
                    "This server has as many open classes as it can hold; try again later."
                )
            code = _new_code(self._classes)
            session = ClassSession(code, secrets.token_urlsafe(24), self._clock())
            self._classes[code] = session
            return session

    def find(self, code: str) -> ClassSession:
        """The open class with this code (any case, spaces ignored), else a plain error."""
        wanted = "".join(code.split()).upper()[: CODE_LENGTH + 2]
        with self._lock:
            self._drop_expired()
            session = self._classes.get(wanted)
        if session is None:
            raise ClassSessionError(
                "No open class has this code: check it with your teacher (classes close "
                f"{LIFETIME_SECONDS // 3600} hours after they open)."
            )
        return session

    def __len__(self) -> int:
        with self._lock:
            self._drop_expired()
            return len(self._classes)


def _new_code(taken: dict[str, ClassSession]) -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if code not in taken:
            return code


def new_student_id() -> str:
    """A phone's anonymous identity in a class (kept in its page's address)."""
    return secrets.token_urlsafe(16)


def student_id_from(link_value: str | None) -> str:
    """The identity a phone's link carries when it is one `new_student_id` made, else a new
    one: a made-up or oversized value never becomes a key in a class's memory."""
    if link_value and _STUDENT_ID.fullmatch(link_value):
        return link_value
    return new_student_id()
