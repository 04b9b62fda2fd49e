"""Command line: `python -m alignment_faking_lab <command>` (also installed as `aflab`)."""

from __future__ import annotations

import argparse
import sys


def build_parser() -> argparse.ArgumentParser:
    from alignment_faking_lab import cli_paper, cli_run, cli_validate

    parser = argparse.ArgumentParser(
        prog="python -m alignment_faking_lab",
        description="Alignment Faking Lab: run the free/paid experiment, import the paper's data.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    cli_run.register(commands)
    cli_paper.register(commands)
    cli_validate.register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.handler(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
