"""The package as installed: every subpackage in the wheel, shipped data found, user data apart.

scripts/check_wheel.sh (run by scripts/test.sh) builds and installs the real wheel outside the
checkout; these are the quick checks of what it relies on.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from alignment_faking_lab.data import paths

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "alignment_faking_lab"


def test_every_subpackage_is_listed_for_the_wheel():
    """The wheel's packages are listed by name (for the sample_data mapping): a new subpackage
    missing from pyproject.toml would be left out of the wheel."""
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    found = {".".join(init.parent.relative_to(ROOT).parts) for init in PACKAGE.rglob("__init__.py")}
    listed = set(setuptools["packages"])
    assert listed - {"alignment_faking_lab.sample_data"} == found
    assert setuptools["package-dir"] == {"alignment_faking_lab.sample_data": "sample_data"}


def test_every_shipped_file_goes_into_the_wheel():
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    patterns = setuptools["package-data"]["alignment_faking_lab.sample_data"]
    shipped = {p.name for p in (ROOT / "sample_data").iterdir() if p.is_file()}
    packaged = {p.name for pattern in patterns for p in (ROOT / "sample_data").glob(pattern)}
    assert shipped == packaged
    assert paths.ILLUSTRATIVE_TRANSCRIPTS.is_file() and paths.PROMPTS_CSV.is_file()


def test_user_data_goes_to_the_platform_folder_unless_aflab_data_dir_says(monkeypatch, tmp_path):
    monkeypatch.setenv("AFLAB_DATA_DIR", str(tmp_path / "chosen"))
    assert paths.data_dir() == tmp_path / "chosen"
    monkeypatch.delenv("AFLAB_DATA_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    chosen = paths.data_dir()
    assert PACKAGE not in chosen.parents  # never next to the code
    if not (ROOT / ".aflab").is_dir():  # a checkout's earlier `.aflab/` is kept in use
        assert chosen == tmp_path / "xdg" / "alignment-faking-lab"
