"""Where the project's shipped data lives and where user data is written.

Shipped data (requests, illustrative transcripts, the paper's figures) is the top-level
`sample_data/` folder of a checkout; an installed wheel carries the same files as
`alignment_faking_lab/sample_data/` (pyproject.toml maps the folder into the package). User data
(runs, caches, downloads) never goes next to the code: it goes to the platform's user data folder,
or wherever `AFLAB_DATA_DIR` points.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from platformdirs import user_data_path

PROJECT_ROOT = Path(__file__).resolve().parents[2]  # the checkout (not used when installed)
_INSTALLED = Path(str(resources.files("alignment_faking_lab") / "sample_data"))
SAMPLE_DATA = _INSTALLED if _INSTALLED.is_dir() else PROJECT_ROOT / "sample_data"
PAPER_RESULTS_CSV = SAMPLE_DATA / "paper_results.csv"
PROMPTS_CSV = SAMPLE_DATA / "prompts.csv"
ILLUSTRATIVE_TRANSCRIPTS = SAMPLE_DATA / "illustrative_transcripts.jsonl"
ILLUSTRATIVE_SOURCE = SAMPLE_DATA / "illustrative_source.toml"

APP_NAME = "alignment-faking-lab"
_LEGACY_DATA_DIR = PROJECT_ROOT / ".aflab"  # where a checkout kept user data before


def data_dir() -> Path:
    """User data (runs, caches, downloads): `AFLAB_DATA_DIR` when set (tests set it); else the
    platform's user data folder (e.g. ~/.local/share/alignment-faking-lab on Linux). A checkout
    that already has a `.aflab/` folder from earlier versions keeps using it, so no run is lost."""
    if chosen := os.environ.get("AFLAB_DATA_DIR"):
        return Path(chosen)
    if SAMPLE_DATA != _INSTALLED and _LEGACY_DATA_DIR.is_dir():
        return _LEGACY_DATA_DIR
    return user_data_path(APP_NAME, appauthor=False)


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
