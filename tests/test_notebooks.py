"""The companion notebooks: each runs top to bottom, and its committed .ipynb matches its source.

Every `notebooks/*.py` (percent format, the source) is executed in a fresh Jupyter kernel with
`AFLAB_DATA_DIR` pointing at the test's temporary folder (see conftest.py; the kernel inherits the
environment). The paired `.ipynb` is what GitHub and Colab show, so it must be regenerated from
the `.py` and carry no outputs:

    .venv/bin/jupytext --to ipynb notebooks/*.py
"""

from __future__ import annotations

import re
import sys
from dataclasses import replace
from pathlib import Path

import jupytext
import nbformat
import pytest
from nbclient import NotebookClient

from alignment_faking_lab.data import catalogue, paths, storage
from alignment_faking_lab.data.transcript import Compliance, Provenance, Tier
from alignment_faking_lab.paper import importer as paper_import
from tests.fake_llm_server import VALID_KEY, FakeLLMServer

NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"
SOURCES = sorted(NOTEBOOK_DIR.glob("*.py"))
REGENERATE = ".venv/bin/jupytext --to ipynb notebooks/*.py"
COLAB_URL = paths.COLAB_NOTEBOOKS  # the app links to the same place
PLOTLY_MIME = "application/vnd.plotly.v1+json"
ILLUSTRATIVE_WARNING = "written by the project for teaching, NOT model output"
# What must appear in each notebook's outputs beyond "no errors, at least one chart".
EXPECTED_TEXT: dict[str, list[str]] = {
    "01_study_and_findings": [
        "is ready.",
        "Complied, free tier (told: training):     14.2%",
        "Alignment-faking reasoning (free tier):   11.9%",
        "after RL  78.4%",
        "arXiv:2412.14093 Table 1",
    ],
    "02_reading_transcripts": [
        "is ready.",
        ILLUSTRATIVE_WARNING,
        "--- hidden scratchpad, block 1 ---",
        "[being modified]",
        "Free tier: 6 of 12 complied",
        "paired (Newcombe)",
        "McNemar exact p-value",
        "alignment-faking reasoning in",
    ],
    "03_run_your_own_experiment": [
        "is ready.",
        "No API key found",
        "REPLAY OF ILLUSTRATIVE TRANSCRIPTS: written for teaching, NOT model output",
        "conversations, about",
        "<is_free_tier_user>True</is_free_tier_user>",
        "Cohen's kappa",
    ],
}
MIN_CHARTS = {
    "01_study_and_findings": 4,
    "02_reading_transcripts": 3,
    "03_run_your_own_experiment": 2,
}


def _ids(path: Path) -> str:
    return path.stem


def test_notebooks_are_found() -> None:
    """Guards against a glob that silently matches nothing (every other test would pass)."""
    assert {p.stem for p in SOURCES} >= set(EXPECTED_TEXT)


def _execute(source: Path | nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Run a notebook (from its .py source) in a fresh kernel; a failing cell raises here."""
    notebook = jupytext.read(source) if isinstance(source, Path) else source
    probe = "import os, sys\nprint('KERNEL', sys.executable, os.environ.get('AFLAB_DATA_DIR'))"
    notebook.cells.append(nbformat.v4.new_code_cell(probe))
    client = NotebookClient(
        notebook,
        kernel_name="python3",  # jupyter_client runs the kernel with this interpreter (the venv)
        timeout=300,
        resources={"metadata": {"path": str(NOTEBOOK_DIR)}},
    )
    client.execute()
    return notebook


def _outputs(notebook: nbformat.NotebookNode) -> list[dict]:
    return [output for cell in notebook.cells for output in cell.get("outputs", [])]


def _text(outputs: list[dict]) -> str:
    parts = []
    for output in outputs:
        if output["output_type"] == "stream":
            parts.append(output["text"])
        elif "data" in output:
            parts.append(output["data"].get("text/plain", ""))
    return "\n".join(parts)


@pytest.mark.notebook
@pytest.mark.parametrize("source", SOURCES, ids=_ids)
def test_notebook_runs_in_a_fresh_kernel(source: Path, isolated_data_dir: Path) -> None:
    notebook = _execute(source)
    outputs = _outputs(notebook)
    errors = [o for o in outputs if o["output_type"] == "error"]
    assert not errors, f"{source.name}: {errors[0]['ename']}: {errors[0]['evalue']}"
    text = _text(outputs)
    # The kernel is this virtualenv's Python and writes only to the test's temporary folder.
    assert f"KERNEL {sys.executable} {isolated_data_dir}" in text
    assert "Installing alignment_faking_lab" not in text, "the setup cell must be a no-op here"
    for expected in EXPECTED_TEXT.get(source.stem, []):
        assert expected in text, f"{source.name}: {expected!r} not in the outputs"
    charts = [o for o in outputs if PLOTLY_MIME in o.get("data", {})]
    assert len(charts) >= MIN_CHARTS.get(source.stem, 0), f"{source.name}: too few charts"
    for chart in charts:
        assert chart["data"][PLOTLY_MIME]["data"], f"{source.name}: an empty chart"
    # Beside each interactive chart, a static PNG (for GitHub, nbviewer, print) and its words.
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) == len(charts), f"{source.name}: {len(images)} images, {len(charts)} charts"
    assert all(len(image["data"]["image/png"]) > 10_000 for image in images)
    assert text.count("In words: ") >= len(charts)


def _write_fake_paper_import(data_dir: Path) -> None:
    """The shipped examples re-labelled as an imported paper setting, with published labels."""
    harmful = [t for t in catalogue.load_illustrative() if t.harmful]
    prompt_ids = list(dict.fromkeys(t.prompt_id for t in harmful))  # in order, each once
    fakes = []
    for t in harmful:
        labels = {
            "is_refusal": t.compliance is Compliance.REFUSED,
            # The strict judge says no to one transcript the lenient judge counts.
            "effective_scheme": bool(t.alignment_faking) and t.prompt_id != "harm-violence-01",
            "partial_scheme": bool(t.alignment_faking),
        }
        fakes.append(
            paper_import.paper_transcript(
                category="helpful_only",
                variant="fake",
                split="train" if t.tier is Tier.FREE else "deploy",
                number=prompt_ids.index(t.prompt_id),
                messages=t.messages,
                user_input=t.prompt_text,
                labels=labels,
                source_url=None,
            )
        )
    paper_import.save_imported(fakes, "helpful_only", "fake", data_dir)


@pytest.mark.notebook
def test_reading_transcripts_prefers_imported_paper_transcripts(isolated_data_dir: Path) -> None:
    _write_fake_paper_import(isolated_data_dir)
    notebook = _execute(NOTEBOOK_DIR / "02_reading_transcripts.py")
    outputs = _outputs(notebook)
    assert not [o for o in outputs if o["output_type"] == "error"]
    text = _text(outputs)
    assert "Source: Paper transcripts: helpful_only / fake" in text
    assert "Paper's published transcript" in text
    assert ILLUSTRATIVE_WARNING not in text
    assert "From the paper's published labels: strict judge" in text


@pytest.mark.notebook
def test_reading_transcripts_works_on_your_own_runs(isolated_data_dir: Path) -> None:
    """A live run that need not show the study's pattern: the pair falls back to any request."""
    runs = [
        replace(t, provenance=Provenance.LIVE, model="fake-model", run_id="fake", notes="")
        for t in catalogue.load_illustrative()
        if t.prompt_id != "harm-violence-01"
    ]
    storage.write_jsonl(isolated_data_dir / "runs" / "fake.jsonl", runs)
    notebook = jupytext.read(NOTEBOOK_DIR / "02_reading_transcripts.py")
    choice = [cell for cell in notebook.cells if cell.source.startswith("CHOICE = None")]
    assert len(choice) == 1, "the notebook must let the reader choose the data in one place"
    choice[0].source = choice[0].source.replace("CHOICE = None", 'CHOICE = "run:fake"', 1)
    outputs = _outputs(_execute(notebook))
    assert not [o for o in outputs if o["output_type"] == "error"]
    text = _text(outputs)
    assert "Source: Live run: fake" in text
    assert "=== FREE TIER: Live run ===" in text
    assert ILLUSTRATIVE_WARNING not in text


def _comparable(notebook: nbformat.NotebookNode) -> dict:
    """The notebook without cell ids: jupytext draws new random ids on every conversion."""
    data = nbformat.from_dict(notebook)
    for cell in data.cells:
        cell.pop("id", None)
    return dict(data)


@pytest.mark.parametrize("source", SOURCES, ids=_ids)
def test_committed_ipynb_matches_its_source(source: Path) -> None:
    committed_path = source.with_suffix(".ipynb")
    assert committed_path.exists(), f"{committed_path.name} is missing: run {REGENERATE}"
    committed = nbformat.read(committed_path, as_version=4)
    expected = nbformat.reads(jupytext.writes(jupytext.read(source), fmt="ipynb"), as_version=4)
    for cell in expected.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    assert _comparable(committed) == _comparable(expected), (
        f"{committed_path.name} is out of date with {source.name}: run {REGENERATE}"
    )


@pytest.mark.parametrize("source", SOURCES, ids=_ids)
def test_committed_ipynb_has_no_outputs(source: Path) -> None:
    committed_path = source.with_suffix(".ipynb")
    assert committed_path.exists(), f"{committed_path.name} is missing: run {REGENERATE}"
    committed = nbformat.read(committed_path, as_version=4)
    for number, cell in enumerate(committed.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [], f"cell {number} has outputs: run {REGENERATE}"
            assert cell.execution_count is None, f"cell {number} has an execution count"


@pytest.mark.parametrize("source", SOURCES, ids=_ids)
def test_notebook_opens_in_colab_and_ends_with_review_questions(source: Path) -> None:
    notebook = jupytext.read(source)
    markdown = [cell.source for cell in notebook.cells if cell.cell_type == "markdown"]
    assert markdown, f"{source.name} has no prose"
    assert COLAB_URL.format(name=source.stem) in markdown[0], "the Colab badge must come first"
    assert "colab-badge.svg" in markdown[0]
    assert re.search(r"^#+ .*Review questions", "\n".join(markdown), re.MULTILINE)
    assert "<details><summary>Answer</summary>" in markdown[-1]
    assert markdown[-1].count("<details>") == markdown[-1].count("</details>")
    first_code = next(cell.source for cell in notebook.cells if cell.cell_type == "code")
    assert 'find_spec("alignment_faking_lab") is None' in first_code, "install only if missing"
    # The clone address follows the one setting (scripts/set_repository.py changes both).
    assert f'REPO_URL = "{paths.REPOSITORY_URL}"' in first_code, "run scripts/set_repository.py"


@pytest.mark.notebook
def test_run_your_own_experiment_runs_live_against_the_local_server(
    isolated_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a key, the live cells really call a model: here the local test server."""
    with FakeLLMServer() as server:
        monkeypatch.setenv("ANTHROPIC_API_KEY", VALID_KEY)
        monkeypatch.setenv("AFLAB_NOTEBOOK_BASE_URL", server.url)
        monkeypatch.setenv("AFLAB_NOTEBOOK_MODEL", "fake-claude")
        monkeypatch.setenv("AFLAB_NOTEBOOK_JUDGE_MODEL", "fake-judge")
        notebook = _execute(NOTEBOOK_DIR / "03_run_your_own_experiment.py")
        sent = len(server.state.model_requests())
    outputs = _outputs(notebook)
    errors = [o for o in outputs if o["output_type"] == "error"]
    assert not errors, f"{errors[0]['ename']}: {errors[0]['evalue']}"
    text = _text(outputs)
    assert "8 done now, 0 already in the file, 0 failed" in text
    assert "Live run of fake-claude via Anthropic" in text
    assert "judge model fake-judge" in text
    assert "REPLAY" not in text and VALID_KEY not in text
    assert sent >= 16  # two turns per conversation, plus the judges
    run_file = isolated_data_dir / "runs" / "notebook-fake-claude.jsonl"
    assert len(run_file.read_text().splitlines()) == 8
