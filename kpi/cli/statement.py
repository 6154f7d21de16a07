"""`statement`: a customer's statement « Relevé de compte » at a date, as PDF, XLSX, HTML or JSON; or one for every
overdue customer in a zip."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kpi.cli.common import (
    add_as_of,
    add_files,
    add_lang,
    add_matching,
    emit_json,
    matching_of,
    open_sources,
    write_output,
)
from kpi.cli.terminal import Output
from kpi.metrics.statement import FORMATS
from kpi.text.errors import UsageError
from kpi.text.messages import Message

if TYPE_CHECKING:
    from kpi.exports.header import FileHeader
    from kpi.metrics.settings import CompanySettings
    from kpi.store.ledger import Ledger

NAME = "statement"
HELP = "a customer's statement « Relevé de compte » at a date (PDF, XLSX, HTML or JSON)"
DESCRIPTION = (
    "Every open item of a customer at D (open invoices with their dates, amount, what settled them and days past"
    " due; credit notes not applied; unapplied payments) and its balance, which is the customer's AR at D as the"
    " aged balance shows it in the same matching mode. The file's format is its suffix; the company's name and"
    " contact come from the workspace's settings. --all-overdue writes one statement per customer with an"
    " overdue invoice into a zip."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_files(parser)
    add_customer_choice(parser, "statement")
    add_as_of(parser, "the day at the end of which the account is stated (YYYY-MM-DD)", required=True)
    add_matching(parser)
    parser.add_argument(
        "--format",
        choices=("json", *FORMATS),
        help="json: the figures on standard output (or -o); pdf, xlsx, html: the file (default: -o's suffix;"
        " with --all-overdue, pdf)",
    )
    parser.add_argument(
        "-o", "--output", type=Path, metavar="OUT", help="OUT.pdf, OUT.xlsx, OUT.html; OUT.zip with --all-overdue"
    )
    add_lang(parser, "the statement")


def add_customer_choice(parser: argparse.ArgumentParser, what: str) -> None:
    """--customer ID or --all-overdue, one of them required."""
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--customer", metavar="ID", help=f"the customer's id: one {what}")
    group.add_argument(
        "--all-overdue",
        dest="all_overdue",
        action="store_true",
        help=f"one {what} per customer with an overdue invoice at D, largest overdue first, into a zip (-o OUT.zip)",
    )


def file_format(args: argparse.Namespace, formats: tuple[str, ...], message: str) -> str:
    """The file format asked: --format, else -o's suffix; a zip holds --format's files (PDF by default)."""
    suffix = args.output.suffix.lower().lstrip(".") if args.output is not None else ""
    if args.all_overdue:
        if args.format == "json":
            return "json"
        if suffix != "zip":
            raise UsageError(Message(message, name=str(args.output or "")))
        return args.format or "pdf"
    if args.format == "json":
        return "json"
    if suffix not in formats:
        raise UsageError(Message(message, name=str(args.output or "")))
    return suffix


def run(args: argparse.Namespace, out: Output) -> None:
    from kpi.metrics.statement import overdue_customers, statement

    if args.output is None and args.format != "json":
        raise UsageError(Message("statement.output_needed"))
    chosen = file_format(args, FORMATS, "statement.output_suffix")
    ledger = open_sources(args)
    matching = matching_of(args, ledger)
    customers = (
        [customer for customer, _ in overdue_customers(ledger, args.as_of, matching)]
        if args.all_overdue
        else [args.customer]
    )
    statements = [statement(ledger, customer, args.as_of, matching) for customer in customers]
    if chosen == "json":
        write_figures(args, [one.to_json() for one in statements], out)
        return
    from kpi.exports.letterhead import zip_files
    from kpi.exports.statement import file_name, statement_file

    company, header = letterhead_of(args, ledger)
    files = [(file_name(one, chosen, args.lang), statement_file(one, company, header, chosen)) for one in statements]
    if args.all_overdue:
        if not files:
            say_none_overdue(args, "statement.no_overdue", out)
            return
        write_output(args.output, zip_files(files))
    else:
        write_output(args.output, files[0][1])


def write_figures(args: argparse.Namespace, figures: list[dict[str, Any]], out: Output) -> None:
    """--format json: the one object asked for, or the list of every overdue customer's, on standard output or -o."""
    emit_json(args, figures if args.all_overdue else figures[0], out)


def say_none_overdue(args: argparse.Namespace, key: str, out: Output) -> None:
    """--all-overdue when no customer has an overdue invoice at D: one line, no file."""
    from kpi.text.formatting import format_date

    out.write(Message(key, day=format_date(args.as_of, args.lang)).render(args.lang) + "\n")


def letterhead_of(args: argparse.Namespace, ledger: Ledger) -> tuple[CompanySettings, FileHeader]:
    """The company (the workspace's settings; empty for files) and the header of the files written."""
    from kpi.exports.header import FileHeader
    from kpi.metrics.settings import CompanySettings, DisplaySettings

    settings = ledger.settings()
    header = FileHeader(
        source=", ".join(str(p) for p in args.files),
        lang=args.lang,
        currency=DisplaySettings.from_settings(settings).currency,
    )
    return CompanySettings.from_settings(settings), header
