"""`python -m alignment_faking_lab validate FILE…`: check transcript files as the app reads them.

Each file is read by the same loader as the app's pages (`table.load_path`), so what this
command rejects is exactly what the app would refuse to load, with the same words. Usable in CI:
the exit status is 0 when nothing is rejected, 1 otherwise (a folder without a JSONL file
counts as rejected: it was named to be checked).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from alignment_faking_lab.data.table import load_path, summary_line


def register(commands: argparse._SubParsersAction) -> None:
    validate = commands.add_parser(
        "validate", help="check transcript JSONL files; one line per problem"
    )
    validate.add_argument("files", nargs="+", help="JSONL files, or folders of them")
    validate.set_defaults(handler=validate_command)


def _expand(names: list[str]) -> tuple[list[Path], list[str]]:
    """The files to check, and a problem for each folder holding no JSONL file at all."""
    paths: list[Path] = []
    empty: list[str] = []
    for name in names:
        path = Path(name)
        if not path.is_dir():
            paths.append(path)
        elif found := sorted(path.glob("*.jsonl")):
            paths += found
        else:
            others = sorted({p.suffix or p.name for p in path.iterdir() if p.name[0] != "."})
            held = f" (it holds {', '.join(others[:5])} files)" if others else " (it is empty)"
            empty.append(f"{name}: no .jsonl file in this folder{held}; nothing was checked")
    return paths, empty


def validate_command(args: argparse.Namespace) -> int:
    valid = rejected = 0
    try:
        paths, empty = _expand(args.files)
        for problem in empty:
            print(problem)
            rejected += 1
        for path in paths:
            table = load_path(path)
            for error in table.errors:
                print(error)
            valid += len(table)
            rejected += len(table.errors)
        print(summary_line(valid, rejected))
        sys.stdout.flush()
    except BrokenPipeError:  # `validate … | head`: the reader has seen enough
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return 1 if rejected else 0
