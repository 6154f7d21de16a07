"""`inspect`: how files would be read (layout, columns, dates, amounts), without importing them."""

from __future__ import annotations

import argparse

from kpi.cli.common import add_choice, add_files, add_lang, add_limits, import_options, limited
from kpi.cli.terminal import Output, write_json

NAME = "inspect"
HELP = "show how files would be read, without importing"
DESCRIPTION: str | None = None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_files(parser)
    add_limits(parser)
    add_choice(
        parser, "--format", ("text", "json"), "text", "text: a readable summary (default); json: the same as an object"
    )
    add_lang(parser, "the summary")


def run(args: argparse.Namespace, out: Output) -> None:
    from kpi.importers import inspect_files

    if limited(args):
        from kpi.store.sandbox import run_inspect

        result = run_inspect(
            args.files, import_options(args), memory_mb=args.memory_limit or None, seconds=args.time_limit or None
        )
    else:
        result = inspect_files(args.files, **import_options(args))
    if args.format == "json":
        write_json(result.to_dict(), out)
    else:
        out.write(result.to_text(args.lang) + "\n")
