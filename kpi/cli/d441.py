"""`d441`: the payment-delay table of Article D441-6 of the Code de commerce, as JSON, a table, XLSX or PDF."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from kpi.cli.common import add_files, add_filters, add_lang, filters_of, iso_date, open_sources, write_output
from kpi.cli.tables import AMOUNT, LABEL, table_lines
from kpi.cli.terminal import Output, write_json
from kpi.metrics.d441 import COLUMNS, DEFAULT_REFERENCE_TERMS, REFERENCE_TERMS, d441_table
from kpi.text.errors import UsageError

if TYPE_CHECKING:
    from kpi.metrics.d441 import D441Table

OUTPUT_SUFFIXES = (".xlsx", ".pdf")
NAME = "d441"
HELP = "the payment-delay table of Article D441-6 of the Code de commerce"
DESCRIPTION = "Invoices received and issued, unpaid at the closing date, by delay bracket (« Factures reçues / émises non réglées à la date de clôture de l'exercice dont le terme est échu »), as the management report publishes them: number, amount TTC and share of the fiscal year's purchases / turnover TTC; disputed customer invoices apart. The received side is read from a FEC's supplier accounts 401 (null without them)."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_files(parser)
    parser.add_argument(
        "--closing", type=iso_date, required=True, metavar="D", help="the closing date of the fiscal year (YYYY-MM-DD)"
    )
    parser.add_argument(
        "--fiscal-start",
        dest="fiscal_start",
        type=iso_date,
        required=True,
        metavar="S",
        help="the first day of the fiscal year (YYYY-MM-DD): the turnover the amounts are shares of is issued"
        " from S to D, credit notes deducted",
    )
    parser.add_argument(
        "--terms-reference",
        dest="terms_reference",
        choices=REFERENCE_TERMS,
        default=DEFAULT_REFERENCE_TERMS,
        help="the payment terms the delays are counted from, as (C) declares them: contractual (default) or legal",
    )
    add_filters(parser)
    parser.add_argument(
        "--format",
        choices=("json", "table"),
        default="table",
        help="table: the official layout (default); json: the figures",
    )
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="OUT.xlsx|OUT.pdf",
        help="write the table in the official layout to this file, as XLSX or PDF by its extension",
    )
    add_lang(parser, "the table, the XLSX and the PDF")


def run(args: argparse.Namespace, out: Output) -> None:
    from kpi.text.i18n import translate

    if args.fiscal_start > args.closing:
        raise UsageError(
            translate(
                "d441.fiscal_start_after_closing",
                args.lang,
                start=args.fiscal_start.isoformat(),
                closing=args.closing.isoformat(),
            )
        )
    if args.output is not None and args.output.suffix.lower() not in OUTPUT_SUFFIXES:
        raise UsageError(translate("d441.output_suffix", args.lang, name=str(args.output)))
    ledger = open_sources(args)
    filters = filters_of(args, ledger)
    table = d441_table(ledger, args.closing, args.fiscal_start, filters, args.terms_reference)
    if args.format == "json" and args.output is None:
        write_json(table.to_json(), out)
        return
    from kpi.exports.aged_balance import describe_filters

    # A table of some customers or activities only is no statutory table: it says so above the figures.
    filtered = describe_filters(filters.customers, filters.activities, args.lang)
    if args.output is not None:
        from kpi.exports.d441 import d441_xlsx
        from kpi.exports.d441_pdf import d441_pdf
        from kpi.exports.header import FileHeader

        header = FileHeader(source=", ".join(str(p) for p in args.files), filters=filtered, lang=args.lang)
        write = d441_pdf if args.output.suffix.lower() == ".pdf" else d441_xlsx
        write_output(args.output, write(table, header))
        return
    out.write(d441_text(table, args.lang, filtered) + "\n")


def d441_text(table: D441Table, lang: str, filtered: tuple[str, ...] = ()) -> str:
    """The official layout as aligned text, one side under the other (received, when known, then issued): the (A)
    rows under the six columns, then (B) and (C); the filters first when some are set."""
    from kpi.exports.d441 import SECTION, column_titles, received_note, side_rows, side_titles
    from kpi.text.formatting import format_date, format_value, label_colon
    from kpi.text.i18n import translate

    said = label_colon(lang)
    lines = [
        translate("d441.title_sides" if table.received is not None else "d441.title", lang),
        f"{translate('d441.closing', lang)}{said}{format_date(table.closing, lang)}"
        f" · {translate('d441.fiscal_start', lang)}{said}{format_date(table.fiscal_start, lang)}",
    ]
    if table.received is not None:
        lines.append(f"{translate('d441.purchases', lang)}{said}{format_value(table.received.sales, 'money', lang)}")
    lines += [
        f"{translate('d441.sales', lang)}{said}{format_value(table.issued.sales, 'money', lang)}",
        f"{translate('matching.label', lang)}{said}{translate(f'matching.{table.matching}', lang)}",
        *filtered,
    ]
    for index, title in enumerate(side_titles(table, lang)):
        rows = side_rows(table, index, lang)
        # Sections and (C)'s answer are lines of their own; the other rows line up under the column titles.
        aligned = [["", *column_titles(lang)]] + [
            [row.label, *row.cells[0]] for row in rows if row.kind not in (SECTION, "terms")
        ]
        table_rows = iter(table_lines(aligned, [LABEL, *[AMOUNT] * len(COLUMNS)]))
        lines += ["", title, next(table_rows)]
        for row in rows:
            if row.kind == SECTION:
                lines.append(row.label)
            elif row.kind == "terms":
                lines.append(f"{row.label}{said}{row.cells[0][0]}")
            else:
                lines.append(next(table_rows))
    lines += ["", translate(received_note(table), lang)]
    return "\n".join(line.rstrip() for line in lines)
