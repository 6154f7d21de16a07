"""`letter`: a reminder letter (R1, R2, R3, formal notice) to a customer at a date, as PDF or JSON; or one to every
overdue customer in a zip. Each letter written is recorded in the workspace's reminders log."""

from __future__ import annotations

import argparse
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from kpi.cli.common import add_as_of, add_files, add_lang, add_matching, matching_of, open_sources, write_output
from kpi.cli.statement import add_customer_choice, file_format, letterhead_of, say_none_overdue, write_figures
from kpi.cli.terminal import Output
from kpi.metrics.letters import LETTER_STAGES
from kpi.text.errors import UsageError
from kpi.text.messages import Message

if TYPE_CHECKING:
    from kpi.metrics.letters import Letter

NAME = "letter"
HELP = "a reminder letter (r1, r2, r3, formal_notice) at a date, as PDF or JSON, recorded in the reminders log"
DESCRIPTION = (
    "The customer's overdue invoices at D (outstanding, due date, days late = D − due date) in a letter of the"
    " stage asked, from the workspace's template (or the default one) in --lang. The formal notice, and any stage"
    " with --penalties, states the penalties of Article L441-10 of the Code de commerce: interest = outstanding ×"
    " rate × days late / 365 per invoice, to the cent half up, and 40 € of fixed recovery indemnity per invoice"
    " when the customers are professionals (the workspace's setting, default yes). Unapplied credit notes and"
    " payments are deducted: total due = Σ outstanding + interest + indemnities − unapplied credits. A PDF"
    " written from a workspace adds a line to its reminders log, as an import of its own (listed and removable like any other)."
)


def rate(text: str) -> Decimal:
    from kpi.metrics.settings import parse_rate

    value = parse_rate(text)
    if value is None:
        raise argparse.ArgumentTypeError(f"expected a yearly rate in % between 0 and 100, such as 13.15, got {text!r}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_files(parser)
    add_customer_choice(parser, "letter")
    add_as_of(parser, "the day the letter is dated and the invoices are looked at (YYYY-MM-DD)", required=True)
    parser.add_argument("--stage", choices=LETTER_STAGES, required=True, help="which letter")
    parser.add_argument(
        "--rate",
        type=rate,
        metavar="PCT",
        help="the late-payment interest rate in %% a year (the ECB's refinancing rate plus 10 points, unless the"
        " contract says otherwise); default: the one saved in the workspace's settings",
    )
    parser.add_argument(
        "--penalties",
        action="store_true",
        help="state the penalties in an R1, R2 or R3 letter too (always in a formal notice)",
    )
    add_matching(parser)
    parser.add_argument(
        "--format", choices=("json", "pdf"), help="json: the figures, nothing recorded; pdf: the letter (default)"
    )
    parser.add_argument("-o", "--output", type=Path, metavar="OUT", help="OUT.pdf; OUT.zip with --all-overdue")
    add_lang(parser, "the letter")


def run(args: argparse.Namespace, out: Output) -> None:
    from kpi.metrics.letters import letter, letter_settings
    from kpi.metrics.statement import overdue_customers

    if args.output is None and args.format != "json":
        raise UsageError(Message("letter.output_needed"))
    chosen = file_format(args, ("pdf",), "letter.output_suffix")
    ledger = open_sources(args)
    matching = matching_of(args, ledger)
    settings = letter_settings(ledger)
    customers = (
        [customer for customer, _ in overdue_customers(ledger, args.as_of, matching)]
        if args.all_overdue
        else [args.customer]
    )
    letters = [
        letter(
            ledger,
            customer,
            args.as_of,
            args.stage,
            matching,
            rate=args.rate,
            penalties=args.penalties,
            settings=settings,
        )
        for customer in customers
    ]
    if chosen == "json":
        write_figures(args, [one.to_json() for one in letters], out)
        return
    if not letters:
        say_none_overdue(args, "letter.no_overdue", out)
        return
    from kpi.exports.letter import letter_file_name, letter_pdf, template_text
    from kpi.exports.letterhead import zip_files

    company, header = letterhead_of(args, ledger)
    stored = ledger.settings()
    template = template_text(stored, args.stage, args.lang)
    files = [(letter_file_name(one, args.lang), letter_pdf(one, company, header, template)) for one in letters]
    write_output(args.output, zip_files(files) if args.all_overdue else files[0][1])
    ledger.close()  # the workspace was opened to read: recording the letters writes to it
    record(args, letters, out)


def record(args: argparse.Namespace, letters: list[Letter], out: Output) -> None:
    """Each letter's line in the workspace's reminders log; for files read in memory, one line saying nothing was."""
    from kpi.store.workspace import Workspace, is_workspace

    if not (len(args.files) == 1 and is_workspace(args.files[0])):
        out.write(Message("letter.not_recorded").render(args.lang) + "\n")
        return
    from kpi.metrics.letters import log_file_name, record_letter

    workspace = Workspace(args.files[0])
    for one in letters:
        stored = record_letter(workspace, one)
        key = "letter.already_recorded" if stored.already_imported else "letter.recorded"
        out.write(Message(key, import_id=stored.import_id, file=log_file_name(one)).render(args.lang) + "\n")
