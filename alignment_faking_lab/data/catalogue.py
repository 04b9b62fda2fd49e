"""The transcript files the app can offer: shipped examples, imported paper data, live runs.

Discovery is pure file listing so that pages, notebooks and tests agree on what is available.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alignment_faking_lab.data import paths
from alignment_faking_lab.data.files import data_files, not_a_file
from alignment_faking_lab.data.storage import LoadResult, read_jsonl
from alignment_faking_lab.data.transcript import NOT_MODEL_OUTPUT, Provenance, Transcript

ILLUSTRATIVE_KEY = "illustrative"


@dataclass(frozen=True, slots=True)
class Collection:
    key: str  # stable, used in URLs
    title: str
    path: Path
    kind: str  # "illustrative", "paper", "live" or "file"

    @property
    def version(self) -> tuple[float, int]:
        """Changes whenever the file does, so caches reload a run that is still growing."""
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return (0.0, 0)
        return (stat.st_mtime, stat.st_size)


def shipped_collection() -> Collection:
    return Collection(
        key=ILLUSTRATIVE_KEY,
        title=f"Illustrative examples ({NOT_MODEL_OUTPUT[Provenance.ILLUSTRATIVE]})",
        path=paths.ILLUSTRATIVE_TRANSCRIPTS,
        kind="illustrative",
    )


def discover_collections(
    data_dir: Path | None = None, private_dir: Path | None = None
) -> list[Collection]:
    """Shipped examples first, then imported paper settings, then live runs (newest first).

    Args:
        data_dir: the data folder to look in; `paths.data_dir()` when None.
        private_dir: a visitor's own folder on a public deployment: runs and archive imports
            come from there only (the shared folder's paper settings are listed, its runs are
            not); None on a local server.
    """
    data_dir = data_dir or paths.data_dir()
    found = [shipped_collection()]
    found += _paper(data_dir / "paper", "paper", "Paper transcripts")
    runs_root = (private_dir or data_dir) / "runs"
    if private_dir is not None:
        found += _paper(private_dir / "paper", "my-paper", "Your archive import")
    runs = sorted(data_files(runs_root), key=lambda p: Collection("", "", p, "").version)
    runs.reverse()
    title = "Your live run" if private_dir is not None else "Live run"
    found += [Collection(f"run:{p.stem}", f"{title}: {p.stem}", p, "live") for p in runs]
    return found


def _paper(folder: Path, prefix: str, title: str) -> list[Collection]:
    return [
        Collection(f"{prefix}:{p.stem}", f"{title}: {p.stem.replace('__', ' / ')}", p, "paper")
        for p in data_files(folder)
    ]


def load_collection(collection: Collection) -> LoadResult:
    """Every transcript of one collection, with the lines that could not be read.

    Args:
        collection: one of `discover_collections()` (or `shipped_collection()`).
    """
    if not_a_file(collection.path) is not None:  # gone since listed, or never a file
        return LoadResult([], [], collection.path.name)
    return read_jsonl(collection.path)


def load_run(name: str, data_dir: Path | None = None) -> LoadResult:
    """The transcripts of one live run, read as the app reads them (nothing when it has no file).

    Args:
        name: the run's name (`plan.Plan.run_id`; on the Run page, the run name).
        data_dir: the data folder holding `runs/`; `paths.data_dir()` when None.
    """
    path = (data_dir or paths.data_dir()) / "runs" / f"{name}.jsonl"
    return load_collection(Collection(f"run:{name}", f"Live run: {name}", path, "live"))


def load_illustrative() -> list[Transcript]:
    """The shipped examples; notebooks and tests use this, the app goes through its cache."""
    return load_collection(shipped_collection()).transcripts
