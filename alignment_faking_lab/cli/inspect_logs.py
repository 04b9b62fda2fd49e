"""`python -m alignment_faking_lab inspect export|import`: Inspect AI logs.

`export RUN.jsonl OUT.eval` writes a run (or an imported paper setting) as an Inspect log that
`inspect view` opens; `import LOG` reads an Inspect log of an alignment-faking task into the
app's runs, saying what it could not map. Needs: pip install 'alignment-faking-lab[inspect]'.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from alignment_faking_lab.cli.common import fail
from alignment_faking_lab.data import inspect_log, paths
from alignment_faking_lab.data.storage import read_jsonl, write_jsonl


def register(commands: argparse._SubParsersAction) -> None:
    command = commands.add_parser("inspect", help="export to / import from Inspect AI logs")
    actions = command.add_subparsers(dest="action", required=True)
    out = actions.add_parser("export", help="a transcript file as an Inspect log")
    out.add_argument("file", help="a run or paper setting (JSONL)")
    out.add_argument("log", help="the log to write (.eval or .json)")
    out.add_argument("--task", default=None, help="the task's name (default: the file's name)")
    into = actions.add_parser("import", help="an Inspect log as a run of the app")
    into.add_argument("log", help="an Inspect log (.eval or .json)")
    into.add_argument("--out", default=None, help="default: <data dir>/runs/inspect-<log>.jsonl")
    command.set_defaults(handler=inspect_command)


def inspect_command(args: argparse.Namespace) -> int:
    try:
        if args.action == "export":
            loaded = read_jsonl(args.file)
            for problem in loaded.errors:
                print(f"skipped: {problem}")
            task = args.task or Path(args.file).stem
            inspect_log.export(loaded.transcripts, Path(args.log), task)
            print(f"{len(loaded.transcripts)} conversations written to {args.log}")
            return 0
        found = inspect_log.import_log(Path(args.log))
        out = (
            Path(args.out)
            if args.out
            else paths.runs_dir() / f"inspect-{Path(args.log).stem}.jsonl"
        )
        out.parent.mkdir(parents=True, exist_ok=True)
        write_jsonl(out, found.transcripts)
        for line in inspect_log.describe_import(found):
            print(line)
        print(f"Transcripts in {out}")
        return 0
    except inspect_log.InspectMissing as exc:
        return fail(str(exc))
    except (OSError, ValueError) as exc:
        return fail(f"{args.log}: {exc}")
