"""Command line: `python -m alignment_faking_lab <command>` (also installed as `aflab`)."""

from __future__ import annotations

import argparse
import importlib
import sys

# Each command's module, imported only when that command runs (or for the overall help): the
# `validate` step of a CI job should not wait for the model SDKs to import.
COMMANDS = {
    "run": "run",
    "paper": "paper",
    "validate": "validate",
    "judge-check": "judge",
    "inspect": "inspect_logs",
}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m alignment_faking_lab",
        description="Alignment Faking Lab: run the free/paid experiment, import the paper's data.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for name, module in COMMANDS.items():
        if only in (None, name):
            importlib.import_module(f"alignment_faking_lab.cli.{module}").register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    command = argv[0] if argv and argv[0] in COMMANDS else None
    args = build_parser(command).parse_args(argv)
    return int(args.handler(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
