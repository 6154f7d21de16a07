"""`import`: read files and store them into a workspace, all or nothing, then say what was stored."""

from __future__ import annotations

import argparse
from pathlib import Path

from kpi.cli.common import add_files, add_lang, add_limits, import_options, limited
from kpi.cli.terminal import Output
from kpi.text.messages import message_text

NAME = "import"
HELP = "store files into a workspace"
DESCRIPTION = "Read files and store them into a workspace directory (created if absent), all or nothing."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("workspace", type=Path, metavar="WORKSPACE", help="workspace directory (created if absent)")
    add_files(parser)
    add_limits(parser)
    add_lang(parser, "the import report")


def run(args: argparse.Namespace, out: Output) -> None:
    from kpi.store.workspace import Workspace

    if limited(args):
        from kpi.store.sandbox import run_import

        stored = run_import(
            args.workspace,
            args.files,
            import_options(args),
            memory_mb=args.memory_limit or None,
            seconds=args.time_limit or None,
        )
    else:
        stored = Workspace(args.workspace).import_files(args.files, **import_options(args))
    out.write(stored.report.to_text(args.lang) + "\n")
    if stored.already_imported:
        out.write(message_text("cli.already_imported", args.lang, import_id=stored.import_id) + "\n")
    else:
        out.write(
            message_text(
                "cli.imported",
                args.lang,
                import_id=stored.import_id,
                workspace=str(args.workspace),
                count=stored.documents,
                settlements=stored.settlements,
                identical=stored.skipped_identical,
            )
            + "\n"
        )
