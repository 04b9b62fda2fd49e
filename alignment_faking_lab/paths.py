"""Where the project's shipped data lives and where user data is written."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DATA = PROJECT_ROOT / "sample_data"
PAPER_RESULTS_CSV = SAMPLE_DATA / "paper_results.csv"
PROMPTS_CSV = SAMPLE_DATA / "prompts.csv"
ILLUSTRATIVE_TRANSCRIPTS = SAMPLE_DATA / "illustrative_transcripts.jsonl"


def data_dir() -> Path:
    """User data (runs, caches, downloads); `AFLAB_DATA_DIR` moves it, e.g. for tests."""
    return Path(os.environ.get("AFLAB_DATA_DIR", PROJECT_ROOT / ".aflab"))


def runs_dir() -> Path:
    return data_dir() / "runs"


def cache_dir() -> Path:
    return data_dir() / "cache"


def downloads_dir() -> Path:
    return data_dir() / "downloads"


# The one setting for where the project lives on GitHub: the app's Colab links derive from it,
# and `python scripts/set_repository.py OWNER/NAME` writes it into the notebooks too.
GITHUB_REPOSITORY = "alignment-faking-lab/alignment-faking-lab"
REPOSITORY_URL = f"https://github.com/{GITHUB_REPOSITORY}"
COLAB_NOTEBOOKS = (
    f"https://colab.research.google.com/github/{GITHUB_REPOSITORY}/"
    "blob/main/notebooks/{name}.ipynb"
)


def colab_url(notebook: str) -> str:
    return COLAB_NOTEBOOKS.format(name=notebook)
