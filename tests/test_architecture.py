"""The package's shape: subpackages in layers, imports only going down, no circles, small
modules, and a first page that does not import what it does not draw."""

from __future__ import annotations

import ast
import itertools
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "alignment_faking_lab"

# Lowest first: a subpackage may import only those before it (and itself); `cli` and `ui` are
# both on top and never import each other.
LAYERS = ["data", "public", "protocol", "calling", "paper", "analysis", "teaching", ("cli", "ui")]


def _rank(subpackage: str) -> int:
    for rank, layer in enumerate(LAYERS):
        if subpackage == layer or (isinstance(layer, tuple) and subpackage in layer):
            return rank
    raise AssertionError(f"alignment_faking_lab/{subpackage}/ is in no layer of LAYERS")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every package module this file imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.startswith("alignment_faking_lab"):
                for alias in node.names:
                    candidate = f"{node.module}.{alias.name}"
                    found.add(candidate if _exists(candidate) else node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("alignment_faking_lab")}
    return found


def _exists(module: str) -> bool:
    relative = Path(*module.split("."))
    return (ROOT / relative).with_suffix(".py").exists() or (
        ROOT / relative / "__init__.py"
    ).exists()


MODULES = {_module_name(p): _imports(p) for p in sorted(PACKAGE.rglob("*.py"))}


def _subpackage(module: str) -> str | None:
    parts = module.split(".")
    return (
        parts[1]
        if len(parts) > 2
        or (len(parts) == 2 and _exists(module) and (ROOT / Path(*parts) / "__init__.py").exists())
        else None
    )


def test_every_subpackage_says_what_lives_there_and_what_it_may_import() -> None:
    for init in PACKAGE.glob("*/__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text())) or ""
        assert len(doc) > 80, f"{init.relative_to(ROOT)} needs a docstring saying what lives there"
        _rank(init.parent.name)


def test_no_flat_modules_beside_the_subpackages() -> None:
    flat = {p.name for p in PACKAGE.glob("*.py")}
    assert flat == {"__init__.py", "__main__.py"}, f"modules outside a subpackage: {flat}"


def test_imports_only_go_down() -> None:
    upward = []
    for module, imported in MODULES.items():
        here = _subpackage(module)
        if here is None:
            continue
        for target in imported:
            there = _subpackage(target)
            if there is None or there == here:
                continue
            if _rank(there) >= _rank(here):
                upward.append(f"{module} imports {target}")
    assert not upward, "imports that go up or sideways:\n" + "\n".join(sorted(upward))


def test_no_import_circles() -> None:
    graph = {m: {t for t in imported if t in MODULES and t != m} for m, imported in MODULES.items()}
    state: dict[str, int] = {}
    stack: list[str] = []
    circles: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                circles.append(" -> ".join([*stack[stack.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    # A package's __init__ that re-exports its own modules is not a circle of logic.
    circles = [c for c in circles if not _only_package_reexport(c)]
    assert not circles, "import circles:\n" + "\n".join(circles)


def _only_package_reexport(circle: str) -> bool:
    nodes = circle.split(" -> ")
    return any(b.startswith(a + ".") for a, b in itertools.pairwise(nodes))


@pytest.mark.parametrize(
    ("folder", "limit"), [("alignment_faking_lab", 400), ("pages", 150)], ids=["module", "page"]
)
def test_files_stay_small(folder: str, limit: int) -> None:
    too_long = {
        str(p.relative_to(ROOT)): n
        for p in (ROOT / folder).rglob("*.py")
        if (n := len(p.read_text().splitlines())) > limit
    }
    assert not too_long, f"over {limit} lines: {too_long}"


HEAVY = [
    "anthropic",
    "openai",
    "huggingface_hub",
    "pyarrow",
    "pandas",
    "authlib",
    "plotly.figure_factory",
]
# Loaded by Streamlit for any emoji given as an icon: about 0.4 s of compiling on a cold start.
FIRST_RUN_HEAVY = [*HEAVY, "streamlit.emojis"]


def test_the_first_page_imports_no_heavy_dependency() -> None:
    """What the Overview's first run imports, in a fresh interpreter: the model SDKs and other
    heavy libraries are for the pages that use them, at use (they cost seconds of cold start)."""
    code = (
        "import ast, pathlib, sys\n"
        "for page in ['app.py', 'pages/overview.py']:\n"
        "    tree = ast.parse(pathlib.Path(page).read_text())\n"
        "    for node in tree.body:\n"
        "        if isinstance(node, (ast.Import, ast.ImportFrom)):\n"
        "            exec(compile(ast.Module([node], []), page, 'exec'))\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "", f"the first page imports {result.stdout.strip()}"


def test_the_first_page_run_loads_no_heavy_dependency(tmp_path) -> None:
    """The Overview's whole first run (app.py, its frame and the page, in AppTest, in a fresh
    interpreter) loads none of the heavy libraries, nor Streamlit's emoji catalogue (an emoji
    icon anywhere on the first page brings it in)."""
    code = (
        "import sys\n"
        "from streamlit.testing.v1 import AppTest\n"
        f"app = AppTest.from_file({str(ROOT / 'app.py')!r}, default_timeout=60).run()\n"
        "assert not app.exception, [e.value for e in app.exception]\n"
        "assert app.title[0].value.endswith('Alignment Faking Lab')\n"
        f"print(','.join(m for m in {FIRST_RUN_HEAVY!r} if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, "AFLAB_DATA_DIR": str(tmp_path)},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "", f"the first page's run loads {result.stdout.strip()}"
