"""What several commands share: the argument types, the options for files, filters, period, language and
limits, and opening the command's ledger."""

from __future__ import annotations

import argparse
import codecs
import os
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from kpi.cli.terminal import Output, write_json
from kpi.metrics.aging import parse_edges
from kpi.model.filters import DEFAULT_MATCHING, MATCHING_MODES, MATCHING_SETTING, Filters
from kpi.store.ledger import Ledger
from kpi.text.errors import InvalidValue, OutputNotWritable, UsageError
from kpi.text.messages import Message

FILES_HELP = (
    "a workspace directory (made by `import`), or ledger files: the canonical documents.csv and"
    " settlements.csv pair (CSV or Parquet) or any export the importers recognise. A file whose name starts"
    " with - is read as an option: write ./-name.csv, or put -- before the files, after every option"
)
CURRENCY_HELP = (
    "the files' currency as an ISO code (EUR, USD, CHF…): amounts marked with another are"
    " refused; default: the files' own currency column, else EUR (a workspace keeps its own)"
)
IMPORT_OPTIONS = ("layout", "mapping", "sheet", "terms", "dayfirst", "encoding", "delimiter", "currency")

# -- argument types: a value argparse refuses with the usage line and exit status 2 ------------------------------


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text!r}") from None


def edges(text: str) -> tuple[int, ...]:
    try:
        return parse_edges(text)
    except InvalidValue as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def terms(text: str) -> str:
    from kpi.importers.terms import PaymentTerms

    try:
        PaymentTerms.parse(text)
    except InvalidValue as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return text


def layout(text: str) -> str:
    from kpi.importers.options import LAYOUT_ALIASES, LAYOUTS

    if LAYOUT_ALIASES.get(text.lower(), text.lower()) not in LAYOUTS:
        raise argparse.ArgumentTypeError(f"unknown layout {text!r}; expected one of {', '.join(LAYOUTS)}")
    return text


def encoding(text: str) -> str:
    try:
        codecs.lookup(text)
    except LookupError:
        raise argparse.ArgumentTypeError(
            f"unknown encoding {text!r}; expected e.g. utf-8, cp1252, iso-8859-15"
        ) from None
    return text


def count(text: str, least: int = 0) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < least:
        raise argparse.ArgumentTypeError(f"expected a number ≥ {least}, got {value}")
    return value


def positive_count(text: str) -> int:
    return count(text, least=1)


def currency(text: str) -> str:
    code = text.strip().upper()
    if not (len(code) == 3 and code.isalpha()):
        raise argparse.ArgumentTypeError(f"expected a three-letter currency code such as EUR, USD or CHF, got {text!r}")
    return code


# -- options ------------------------------------------------------------------------------------------------------


def add_files(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", type=Path, metavar="FILES", help=FILES_HELP)
    group = parser.add_argument_group("reading files (ignored for a workspace)")
    group.add_argument("--layout", type=layout, help="force a layout instead of detecting it (see `inspect`)")
    group.add_argument("--mapping", type=Path, help="JSON file mapping the file's columns to canonical columns")
    group.add_argument("--sheet", help="XLSX sheet to read (default: the first)")
    group.add_argument(
        "--terms",
        type=terms,
        help="payment terms when a file has no due date: days (30) or end of month (eom45); default 30",
    )
    order = group.add_mutually_exclusive_group()
    order.add_argument(
        "--dayfirst", dest="dayfirst", action="store_true", default=None, help="read ambiguous dates as DD/MM/YYYY"
    )
    order.add_argument("--monthfirst", dest="dayfirst", action="store_false", help="read ambiguous dates as MM/DD/YYYY")
    group.add_argument("--encoding", type=encoding, help="force the text encoding (utf-8, cp1252, iso-8859-15)")
    group.add_argument("--delimiter", help="force the CSV separator (, ; tab |)")
    group.add_argument("--currency", type=currency, metavar="CODE", help=CURRENCY_HELP)


def add_filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--customer", action="append", default=[], metavar="ID", help="keep this customer id (repeat for several)"
    )
    parser.add_argument(
        "--activity", action="append", default=[], metavar="A", help="keep this activity (repeat for several)"
    )
    add_matching(parser)


def add_matching(parser: argparse.ArgumentParser) -> None:
    """--apply-credits, the matching mode (read with `matching_of`)."""
    parser.add_argument(
        "--apply-credits",
        dest="apply_credits",
        choices=MATCHING_MODES,
        metavar="MODE",
        help="how credits meet invoices (KPI-SPEC §2): matched = as the data matched them, piece by piece as lettered;"
        " oldest = each customer's unapplied credits applied to its oldest invoices (for ledgers that are not"
        " lettered). Default: the workspace's setting, else matched",
    )


def add_period(
    parser: argparse.ArgumentParser,
    first: str = "first day of the period",
    last: str = "last day of the period, included",
) -> None:
    """--from and --to, both required; `first` and `last` say which days they name."""
    for option, dest, metavar, what in (("--from", "start", "S", first), ("--to", "end", "E", last)):
        parser.add_argument(
            option, dest=dest, type=iso_date, required=True, metavar=metavar, help=f"{what} (YYYY-MM-DD)"
        )


def add_as_of(parser: argparse.ArgumentParser, what: str, required: bool = False) -> None:
    """--as-of, the day a balance or a forecast is taken at; `what` is its help."""
    parser.add_argument("--as-of", dest="as_of", type=iso_date, required=required, metavar="D", help=what)


def add_files_at(parser: argparse.ArgumentParser, what: str) -> None:
    """The files to read and the day they are looked at (--as-of, required); `what` is that day's help."""
    add_files(parser)
    add_as_of(parser, what, required=True)


def add_choice(
    parser: argparse.ArgumentParser,
    option: str,
    choices: tuple[str, ...],
    default: str,
    help: str,
    dest: str | None = None,
) -> None:
    """An option taking one of `choices` (--format, --by, --basis…), `default` when it is not given."""
    parser.add_argument(option, dest=dest, choices=choices, default=default, help=help)


def add_table_output(parser: argparse.ArgumentParser, formats: tuple[str, ...], help: str) -> None:
    """--format among `formats` (a table on the terminal by default), -o to write a file, and --lang for its labels."""
    add_choice(parser, "--format", formats, "table", help)
    parser.add_argument(
        "-o", "--output", type=Path, help="write to this file instead of standard output (required for xlsx)"
    )
    add_lang(parser, "labels")


def check_table_output(args: argparse.Namespace) -> None:
    """A workbook is a file: --format xlsx needs -o."""
    if args.format == "xlsx" and args.output is None:
        raise UsageError(Message("cli.xlsx_needs_output"))


def open_table_sources(args: argparse.Namespace) -> tuple[Ledger, Filters]:
    """A table command's start: -o checked (a workbook needs it), then its ledger opened and its filters read."""
    check_table_output(args)
    ledger = open_sources(args)
    return ledger, filters_of(args, ledger)


def default_language(environ: Mapping[str, str] | None = None) -> str:
    """The language of the user's locale, as gettext reads it: LC_ALL, then LC_MESSAGES, then LANG; `en…` gives
    English, anything else French (Encours's first language)."""
    environ = os.environ if environ is None else environ
    setting = next((environ[name] for name in ("LC_ALL", "LC_MESSAGES", "LANG") if environ.get(name)), "")
    return "en" if setting.lower().startswith("en") else "fr"


def add_lang(parser: argparse.ArgumentParser, what: str = "messages") -> None:
    parser.add_argument(
        "--lang",
        choices=("fr", "en"),
        default=default_language(),
        help=f"language of {what} and of every message (default: from LC_ALL, LC_MESSAGES or LANG,"
        " en_* giving en; else fr)",
    )


def add_limits(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(
        "limits (default: none; with either, the files are read in a child process stopped at its limit,"
        " about 1 s slower, as the app does)"
    )
    group.add_argument(
        "--memory-limit",
        dest="memory_limit",
        type=count,
        metavar="MB",
        help="stop, storing nothing, when reading needs more than MB megabytes of address space"
        " (with --time-limit alone: 2048 MB + 4 × the files' size)",
    )
    group.add_argument(
        "--time-limit",
        dest="time_limit",
        type=count,
        metavar="S",
        help="stop, storing nothing, when reading and storing take more than S seconds",
    )


# -- what the options ask for -------------------------------------------------------------------------------------


def limited(args: argparse.Namespace) -> bool:
    """Whether the files are read in a child process stopped at --memory-limit or --time-limit."""
    return bool(args.memory_limit or args.time_limit)


def import_options(args: argparse.Namespace) -> dict[str, Any]:
    """The reading options given (--layout, --terms…), as keywords of the importers."""
    return {name: getattr(args, name) for name in IMPORT_OPTIONS if getattr(args, name, None) is not None}


def open_sources(args: argparse.Namespace) -> Ledger:
    """The command's ledger: its workspace, opened in place, or its files read into memory."""
    from kpi.store.sources import open_sources

    return open_sources(args.files, **import_options(args))


def filters_of(args: argparse.Namespace, ledger: Ledger) -> Filters:
    """--customer, --activity and --apply-credits, the matching mode defaulting to the workspace's setting.

    A setting that names no mode (written by hand, or by a later version) is read as the default, as the app
    reads it, so that `Filters` only ever meets a mode some front end checked.
    """
    return Filters(tuple(args.customer), tuple(args.activity), matching_of(args, ledger))


def matching_of(args: argparse.Namespace, ledger: Ledger) -> str:
    """--apply-credits, else the workspace's setting, else the default (a setting naming no mode reads as it)."""
    setting = ledger.settings().get(MATCHING_SETTING)
    return str(args.apply_credits or (setting if setting in MATCHING_MODES else DEFAULT_MATCHING))


def write_output(path: Path, data: bytes) -> None:
    """Write the file given with -o, a failure being the user's to fix (a folder that does not exist…)."""
    try:
        path.write_bytes(data)
    except OSError as error:
        raise OutputNotWritable(path, error.strerror or type(error).__name__) from None


def emit_text(args: argparse.Namespace, text: str, out: Output) -> None:
    """A command's text on the terminal, or into the file given with -o (UTF-8)."""
    if args.output is None:
        out.write(text)
    else:
        write_output(args.output, text.encode("utf-8"))


def emit_csv(args: argparse.Namespace, data: bytes, out: Output) -> None:
    """A CSV export (UTF-8 with its BOM, for Excel) into the file given with -o, or as text on the terminal."""
    if args.output is None:
        out.write(data.decode("utf-8-sig"))
    else:
        write_output(args.output, data)


def emit_json(args: argparse.Namespace, value: object, out: Output) -> None:
    """A command's JSON on the terminal (control characters escaped), or into the file given with -o."""
    if args.output is None:
        write_json(value, out)
    else:
        import json

        write_output(args.output, (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode())


def detail(error: BaseException) -> Message | str:
    """An error's own words: its Message when the engine raised one, else its text (Python's, in English)."""
    said = error.args[0] if len(error.args) == 1 and isinstance(error.args[0], Message) else None
    return said or str(error)
