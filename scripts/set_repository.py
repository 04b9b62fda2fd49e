"""Point the app's and the notebooks' links at another GitHub repository, in one step.

    python scripts/set_repository.py OWNER/NAME

Rewrites `GITHUB_REPOSITORY` in alignment_faking_lab/data/paths.py (the app's Colab links derive
from it) and the Colab badge and clone address in each notebook's .py source, then regenerates the
.ipynb files. tests/test_notebooks.py checks that the notebooks and the setting agree.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PATHS = ROOT / "alignment_faking_lab" / "paths.py"
SETTING = re.compile(r'^GITHUB_REPOSITORY = "([^"]+)"$', re.MULTILINE)


def main(new: str) -> None:
    if not re.fullmatch(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+", new):
        sys.exit(f"Not an OWNER/NAME repository: {new!r}")
    source = PATHS.read_text()
    match = SETTING.search(source)
    if match is None:
        sys.exit(f"GITHUB_REPOSITORY not found in {PATHS}")
    old = match.group(1)
    PATHS.write_text(SETTING.sub(f'GITHUB_REPOSITORY = "{new}"', source))
    notebooks = sorted((ROOT / "notebooks").glob("*.py"))
    for notebook in notebooks:
        notebook.write_text(notebook.read_text().replace(f"/{old}", f"/{new}"))
    jupytext = Path(sys.executable).with_name("jupytext")
    subprocess.run([str(jupytext), "--to", "ipynb", *map(str, notebooks)], check=True, cwd=ROOT)
    print(f"Links now point at {new} (were {old}).")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
