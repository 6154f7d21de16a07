"""`match`: accept matching suggestions into a workspace, stored as a manual-matching import of their own."""

from __future__ import annotations

import argparse
from pathlib import Path

from kpi.cli.common import add_as_of, add_lang
from kpi.cli.terminal import Output
from kpi.text.messages import message_text

NAME = "match"
HELP = "accept matching suggestions (see `suggest`) into a workspace"
DESCRIPTION = (
    "Store the suggestions named by their ids (as `suggest` prints them) in the workspace as one import of their"
    " own, « lettrage manuel »: listed by the imports and removable like any other. A credit note is applied"
    " to its invoice (a credit settlement); an unapplied payment is read as settling its invoice. An id already"
    " accepted is skipped; an unknown or stale one refuses the whole command."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("workspace", type=Path, metavar="WORKSPACE", help="workspace directory (made by `import`)")
    parser.add_argument(
        "--accept", nargs="+", required=True, metavar="ID", help="ids of the suggestions to accept (source:invoice)"
    )
    add_as_of(
        parser,
        "the day the suggestions are looked at, as given to `suggest` (YYYY-MM-DD; default: the last day of the"
        " workspace's data)",
    )
    add_lang(parser)


def run(args: argparse.Namespace, out: Output) -> None:
    from kpi.metrics.suggestions import accept
    from kpi.store.workspace import Workspace

    done = accept(Workspace(args.workspace), args.accept, args.as_of, args.lang)
    if done.import_id is not None:
        ids = ", ".join(row.id for row in done.accepted)
        out.write(
            message_text("suggestions.accepted", args.lang, count=len(done.accepted), import_id=done.import_id, ids=ids)
            + "\n"
        )
    if done.already_accepted:
        out.write(
            message_text(
                "suggestions.already", args.lang, count=len(done.already_accepted), ids=", ".join(done.already_accepted)
            )
            + "\n"
        )
