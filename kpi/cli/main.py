"""`python -m kpi report|aging|series|import|inspect|demo|whatif|forecast|audit|d441|worklist|statement|letter|suggest|match`: the parser built from the
command modules, and `main()`, which runs one command and turns what a user can cause into one message."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import TextIO

import duckdb

from kpi.cli.common import default_language
from kpi.cli.terminal import Output, TerminalStream, say
from kpi.text.errors import EncoursError, UsageError
from kpi.text.messages import Message, message_text

# Each command's name and the module of kpi/cli/ that holds it, in the order `--help` lists them. A command's
# module is imported when it runs (and its parser built alone), so that `report` on a workspace loads neither
# the importers nor the renderers nor the other commands (issue 12); `--help` imports them all.
COMMAND_MODULES = {
    "report": "report",
    "aging": "aging",
    "series": "series",
    "import": "imports",
    "inspect": "inspect",
    "demo": "demo",
    "whatif": "whatif",
    "forecast": "forecast",
    "audit": "audit",
    "d441": "d441",
    "worklist": "worklist",
    "statement": "statement",
    "letter": "letter",
    "suggest": "suggest",
    "match": "match",
}


def _command(name: str) -> ModuleType:
    return importlib.import_module(f"kpi.cli.{COMMAND_MODULES[name]}")


def _runner(name: str) -> Callable[[argparse.Namespace, Output], None]:
    def run(args: argparse.Namespace, out: Output) -> None:
        _command(name).run(args, out)

    return run


COMMANDS: dict[str, Callable[[argparse.Namespace, Output], None]] = {name: _runner(name) for name in COMMAND_MODULES}
DASHED_NAMES = (
    "A file whose name starts with a dash (-rf.csv) looks like an option: write it ./-rf.csv, or end the options"
    " with -- and give the files after it (python -m kpi import WORKSPACE -- -rf.csv)."
)
SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".xls", ".parquet", ".pq", ".json")
BUG = Message("cli.bug")  # in French; main() says it in --lang


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser: every command's, or the one named `only` alone (what running it needs)."""
    parser = argparse.ArgumentParser(
        prog="python -m kpi",
        description="Encours: receivables KPIs (DSO, CEI, aged balance…) from ledger exports, as defined in KPI-SPEC.md.",
        epilog=DASHED_NAMES + " A problem with a file or a workspace is said in one message, exit status 2.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES if only is None else (only,):
        module = _command(name)
        module.add_arguments(commands.add_parser(module.NAME, help=module.HELP, description=module.DESCRIPTION))
    return parser


def _dashed_names(argv: list[str]) -> list[str]:
    """Arguments that argparse took for options but that look like files: -rf.csv."""
    if "--" in argv:
        argv = argv[: argv.index("--")]
    return [
        a
        for a in argv
        if a.startswith("-") and not a.startswith("--") and (Path(a).exists() or a.lower().endswith(SUFFIXES))
    ]


def _workspaces_of(args: argparse.Namespace) -> list[Path]:
    from kpi.store.workspace import is_workspace

    given = [getattr(args, "workspace", None), *getattr(args, "files", ())]
    return [Path(p) for p in given if p is not None and is_workspace(p)]


def _storage_error(args: argparse.Namespace, error: BaseException) -> EncoursError | None:
    """A DuckDB or system error met while a command read a workspace (a damaged block found by a query)."""
    from kpi.store.workspace import Workspace

    for path in _workspaces_of(args):
        explained = Workspace(path).explain(error)
        if explained is not None:
            return explained
    return None


def _named_files(args: argparse.Namespace) -> Message | str:
    names = [Path(p).name for p in getattr(args, "files", ())]
    return ", ".join(names) or Message("cli.the_files")


def main(argv: list[str] | None = None, out: TextIO | None = None) -> int:
    """Run one command; what a user can cause (an `EncoursError`) is one message on stderr and exit status 2.

    Anything else is a bug: a line saying it is one, the exception in one line and the file where its
    traceback was written (no traceback on the terminal: ENCOURS_DEBUG=1 lets it through), exit status 1.
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        args = build_parser(argv[0] if argv and argv[0] in COMMAND_MODULES else None).parse_args(argv)
    except SystemExit as stop:
        if stop.code and _dashed_names(argv):
            say(DASHED_NAMES)
        raise
    stream = TerminalStream(out or sys.stdout)
    lang = getattr(args, "lang", None) or default_language()

    def error_line(message: Message | str) -> str:
        return message_text("cli.error", lang, message=message)

    try:
        if getattr(args, "start", None) and getattr(args, "end", None) and args.end < args.start:
            raise UsageError(Message("cli.period_reversed", end=args.end.isoformat(), start=args.start.isoformat()))
        COMMANDS[args.command](args, stream)
    except EncoursError as error:
        say(error.render(lang) if error.headed else error_line(error.render(lang)))
        return 2
    except (MemoryError, duckdb.OutOfMemoryException):
        say(error_line(Message("cli.out_of_memory", files=_named_files(args))))
        return 2
    except KeyboardInterrupt:
        say(message_text("cli.interrupted", lang))
        return 130
    except BrokenPipeError:
        # The reader of our output went away (`| head`): nothing more to say, and nowhere to say it.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 — silences the flush at exit
        return 1
    except (duckdb.Error, OSError) as error:
        explained = _storage_error(args, error)
        if explained is not None:
            say(error_line(explained.render(lang)))
            return 2
        if isinstance(error, OSError) and error.filename:
            say(error_line(Message("cli.os_error", file=str(error.filename), detail=str(error.strerror or error))))
            return 2
        return _bug(lang, argv)
    except Exception:
        return _bug(lang, argv)
    return 0


def _bug(lang: str, argv: list[str]) -> int:
    """Say that the exception being handled is a defect of the program, where its traceback went; status 1."""
    if os.environ.get("ENCOURS_DEBUG") == "1":
        raise  # called from an except block: the developer asked for the traceback
    error = sys.exc_info()[1]
    say(message_text("cli.bug", lang))
    say(message_text("cli.bug_detail", lang, error=f"{type(error).__name__}: {error}"))
    try:
        handle, name = tempfile.mkstemp(prefix="encours-error-", suffix=".txt")
        with os.fdopen(handle, "w", encoding="utf-8") as report:
            report.write(" ".join(["python -m kpi", *argv]) + "\n\n" + traceback.format_exc())
        say(message_text("cli.bug_report", lang, file=name))
    except OSError:
        pass  # nowhere to write it: the line above is all there is
    return 1
