"""`python -m alignment_faking_lab paper ...`: list, download and import the paper's transcripts."""

from __future__ import annotations

import argparse
import sys

from alignment_faking_lab.cli.common import fail
from alignment_faking_lab.paper.archive import import_and_save
from alignment_faking_lab.paper.html_pages import PaperPageError
from alignment_faking_lab.paper.settings import UNKNOWN_NOTE, named_settings
from alignment_faking_lab.paper.site import DEFAULT_BASE_URL, FetchError, OfflineError, PaperSite


def register(commands: argparse._SubParsersAction) -> None:
    paper = commands.add_parser("paper", help="the paper's published transcripts")
    paper.add_argument("--base-url", default=DEFAULT_BASE_URL, help="the transcript site")
    actions = paper.add_subparsers(dest="paper_command", required=True)
    actions.add_parser("list", help="list the published settings, by name").set_defaults(
        handler=list_settings
    )
    download = actions.add_parser("download", help="download and import one setting")
    download.add_argument("--setting", required=True, help="category/variant, e.g. helpful_only/x")
    download.add_argument("--first", type=int, default=None, help="only the first N pairs")
    download.add_argument("--concurrency", type=int, default=8)
    download.set_defaults(handler=download_setting)
    archive = actions.add_parser("import-archive", help="import json_outputs (zip or folder)")
    archive.add_argument("path")
    archive.add_argument("--setting", default=None, help="only this setting")
    archive.set_defaults(handler=import_archive_command)


def list_settings(args: argparse.Namespace) -> int:
    try:
        settings = PaperSite(args.base_url).list_settings()
    except (OfflineError, FetchError, PaperPageError) as exc:
        return fail(str(exc))
    for named in named_settings(settings):
        if named.info is None:
            print(f"{named.key}\n    {UNKNOWN_NOTE}")
            continue
        print(f"{named.key}\n    {named.info.name}: {named.info.sentence} ({named.info.section})")
        print(f"    {named.figure}")
    return 0


def download_setting(args: argparse.Namespace) -> int:
    if "/" not in args.setting:
        return fail("--setting must be category/variant (see `paper list`)")
    site = PaperSite(args.base_url)

    def progress(done: int, total: int) -> None:
        print(f"\r{done}/{total} pages", end="", file=sys.stderr, flush=True)

    try:
        setting = site.listed_setting(args.setting)
        report = site.download(setting, args.first, args.concurrency, progress)
        errors, path = site.save_setting(setting, args.first)
    except (OfflineError, FetchError, PaperPageError) as exc:
        return fail(str(exc))
    print(file=sys.stderr)
    print(report.summary())
    for file, reason in report.failed:
        print(f"  failed: {file}: {reason}")
    for error in errors:
        print(f"  not imported: {error}")
    if path:
        print(f"Imported transcripts saved to {path}")
    return 0 if not report.failed and not errors else 1


def import_archive_command(args: argparse.Namespace) -> int:
    try:
        result, saved = import_and_save(args.path, args.setting)
    except (OSError, ValueError) as exc:
        return fail(str(exc))
    print(f"Imported {result.count} transcripts from {args.path}")
    for path in saved:
        print(f"  saved {path}")
    for error in result.errors:
        print(f"  not imported: {error}")
    return 0 if not result.errors else 1
