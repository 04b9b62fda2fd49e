"""The human-labelled scratchpads an alignment-faking judge can be checked against.

Hughes & Sheshadri (2025) published 106 scratchpads (from Claude 3 Opus, Claude 3.5 Sonnet and
Llama 3 405B; 51 labelled alignment faking, 55 not) as the Hugging Face dataset below. It states
no licence, so it is downloaded only when a user asks, through the official `huggingface_hub`
client (which honours HF_ENDPOINT for a mirror), cached, and never shipped. Its exact columns
are not verified here: the reader accepts a text column and a 0/1, true/false or named label
(the known mirror's `{"text", "label": "potential_faking" | "aligned"}` among them), in parquet,
JSON, JSON Lines or CSV, and says plainly what it looked for when it finds none.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from alignment_faking_lab.data import paths
from alignment_faking_lab.public.downloads import FetchError, OfflineError

REPO = "jplhughes2/classify_alignment_faking_human_labels"
SOURCE = (
    "Hughes & Sheshadri 2025, 'Alignment faking revisited': 106 human-labelled scratchpads "
    f"(Hugging Face dataset {REPO})"
)
DATA_PATTERNS = ["*.parquet", "*.jsonl", "*.json", "*.csv"]
TEXT_COLUMNS = (
    "text", "scratchpad", "reasoning", "transcript", "content", "completion", "response",
    "output", "input",
)  # fmt: skip
LABEL_COLUMNS = (
    "label", "human_label", "labels", "is_alignment_faking", "alignment_faking",
    "is_faking", "af", "is_af", "faking", "target", "y", "class",
)  # fmt: skip
ID_COLUMNS = ("id", "uid", "sample_id", "idx", "index")
POSITIVE = {"potential_faking", "faking", "alignment_faking", "af", "yes", "true", "1", "1.0",
            "positive", "deceptive", "is_faking"}  # fmt: skip
NEGATIVE = {"aligned", "not_faking", "no_faking", "no", "false", "0", "0.0", "negative",
            "not_af", "none", "honest", "not_alignment_faking"}  # fmt: skip


class LabelsFormatError(ValueError):
    """The downloaded files do not have what the check needs; the message names what."""


@dataclass(frozen=True, slots=True)
class LabelledItem:
    id: str
    text: str
    faking: bool  # the human label: alignment faking or not
    label: str  # the label as published


def hub_endpoint() -> str | None:
    """A mirror's address from HF_ENDPOINT, read at call time (the client reads it at import)."""
    return os.environ.get("HF_ENDPOINT") or None


def cache_dir() -> Path:
    return paths.downloads_dir() / "huggingface"


def download(refresh: bool = False) -> Path:
    """The dataset's data files in the local cache (downloaded when missing); a plain
    OfflineError when the Hub cannot be reached and nothing is cached."""
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import (
        HfHubHTTPError,
        LocalEntryNotFoundError,
        RepositoryNotFoundError,
    )

    where = hub_endpoint() or "huggingface.co"
    try:
        folder = snapshot_download(
            REPO,
            repo_type="dataset",
            endpoint=hub_endpoint(),
            cache_dir=cache_dir(),
            allow_patterns=DATA_PATTERNS,
            force_download=refresh,
        )
    except RepositoryNotFoundError:
        raise FetchError(f"{where} has no dataset {REPO} (or it is private).") from None
    except LocalEntryNotFoundError:
        raise OfflineError(
            f"Downloading the human labels needs internet access, and {where} could not be "
            "reached. Nothing is cached yet; try again when online."
        ) from None
    except HfHubHTTPError as exc:
        raise FetchError(f"{where} refused the download: {str(exc).splitlines()[0]}") from None
    except OSError as exc:
        raise OfflineError(
            f"Downloading the human labels needs internet access, and {where} could not be "
            f"reached ({exc.__class__.__name__})."
        ) from None
    return Path(folder)


@dataclass(slots=True)
class LabelsRead:
    items: list[LabelledItem]
    notes: list[str]  # what was left out or counted once, each naming its file and line or row


def _json_lines(path: Path, notes: list[str]) -> pd.DataFrame:
    """The rows of a JSON Lines file; a line that cannot be read (torn, nested too deep, not an
    object) is named by its number and left out, and the other lines are kept."""
    rows, bad = [], []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except (ValueError, RecursionError):
            row = None
        if isinstance(row, dict):
            rows.append(row)
        else:
            bad.append(number)
    if bad:
        shown = ", ".join(map(str, bad[:10])) + (" …" if len(bad) > 10 else "")
        notes.append(f"{path.name}: line {shown} could not be read (not a JSON object); left out")
    return pd.DataFrame(rows)


def _read_file(path: Path, notes: list[str]) -> pd.DataFrame:
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return pd.read_parquet(path)
    if suffix == ".csv":
        return pd.read_csv(path)
    if suffix == ".jsonl":
        return _json_lines(path, notes)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except RecursionError:
        raise LabelsFormatError("JSON nested too deeply") from None
    if isinstance(data, dict):  # {"data": [rows]} or {"rows": [rows]}, else column -> values
        rows = [v for v in data.values() if isinstance(v, list) and v and isinstance(v[0], dict)]
        data = rows[0] if rows else data
    return pd.DataFrame(data)


def _pick(columns: list[str], wanted: tuple[str, ...]) -> str | None:
    lowered = {c.lower(): c for c in columns}
    return next((lowered[w] for w in wanted if w in lowered), None)


def _label(value: object, where: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in POSITIVE:
        return True
    if text in NEGATIVE:
        return False
    raise LabelsFormatError(
        f"{where}: the label {value!r} is neither alignment faking (e.g. potential_faking, "
        "1, true) nor not (e.g. aligned, 0, false)."
    )


def data_files(folder: Path) -> list[Path]:
    return sorted(
        p for pattern in DATA_PATTERNS for p in folder.rglob(pattern) if not p.name.startswith(".")
    )


def read_items(folder: Path) -> list[LabelledItem]:
    """Every labelled scratchpad in the downloaded files (all splits together)."""
    return read_labels(folder).items


def read_labels(folder: Path) -> LabelsRead:
    """Every labelled scratchpad in the downloaded files, and what was left out or counted
    once (a torn line, a row repeating an earlier row's text), each named."""
    files = data_files(folder)
    if not files:
        raise LabelsFormatError(
            f"No data file (parquet, JSON, JSON Lines or CSV) was found in the download of {REPO}."
        )
    items: list[LabelledItem] = []
    seen: dict[str, str] = {}  # text -> the file it was first in
    problems: list[str] = []
    notes: list[str] = []
    for path in files:
        try:
            frame = _read_file(path, notes)
        except (ValueError, OSError) as exc:  # the reader's own words may name server paths
            reason = str(exc) if isinstance(exc, LabelsFormatError) else exc.__class__.__name__
            problems.append(f"{path.name}: could not be read ({reason})")
            continue
        columns = [str(c) for c in frame.columns]
        text_column = _pick(columns, TEXT_COLUMNS)
        label_column = _pick(columns, LABEL_COLUMNS)
        if text_column is None or label_column is None:
            missing = []
            if text_column is None:
                missing.append(f"no text column (looked for {', '.join(TEXT_COLUMNS)})")
            if label_column is None:
                missing.append(f"no label column (looked for {', '.join(LABEL_COLUMNS)})")
            problems.append(
                f"{path.name}: {'; '.join(missing)}; its columns are {', '.join(columns) or 'none'}"
            )
            continue
        id_column = _pick(columns, ID_COLUMNS)
        repeated: list[int] = []  # rows of this file repeating a text of an earlier row of it
        for number, row in enumerate(frame.to_dict("records")):
            where = f"{path.name}, row {number + 1}"
            text = row.get(text_column)
            if not isinstance(text, str) or not text.strip():
                raise LabelsFormatError(f"{where}: the text ({text_column}) is empty.")
            item_id = str(row[id_column]) if id_column else f"{path.stem}-{number:04d}"
            raw = row.get(label_column)
            if text in seen:  # the same scratchpad (e.g. a parquet file and its JSON copy)
                if seen[text] == path.name:
                    repeated.append(number + 1)
                continue
            seen[text] = path.name
            items.append(LabelledItem(item_id, text, _label(raw, where), str(raw)))
        if repeated:
            shown = ", ".join(map(str, repeated[:10])) + (" …" if len(repeated) > 10 else "")
            notes.append(
                f"{path.name}: {len(repeated)} row(s) repeat the text of an earlier row (row "
                f"{shown}): the same scratchpad is counted once"
            )
    if not items:
        raise LabelsFormatError(
            f"The download of {REPO} has no usable labelled scratchpads: "
            + "; ".join(problems + notes)
        )
    return LabelsRead(items, problems + notes)


def load(refresh: bool = False) -> list[LabelledItem]:
    return read_items(download(refresh=refresh))


def load_labels(refresh: bool = False) -> LabelsRead:
    """As `load`, with what was left out or counted once, for the user to read."""
    return read_labels(download(refresh=refresh))
