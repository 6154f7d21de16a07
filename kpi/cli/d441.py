"""`d441`: the payment-delay table of Article D441-6 of the Code de commerce, as JSON, a table or XLSX."""

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

NAME = "d441"
HELP = "the payment-delay table of Article D441-6 of the Code de commerce"
DESCRIPTION = "Invoices issued, unpaid at the closing date, by delay bracket (« Factures émises non réglées à la date de clôture de l'exercice dont le terme est échu »), as the management report publishes them: number, amount TTC and share of the fiscal year's turnover TTC; disputed invoices apart."


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
    parser.add_argument("-o", "--output", type=Path, metavar="OUT.xlsx", help="write the table as XLSX to this file")
    add_lang(parser, "the table and the XLSX")


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
    if args.output is not None and args.output.suffix.lower() != ".xlsx":
        raise UsageError(translate("d441.output_not_xlsx", args.lang, name=str(args.output)))
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
        from kpi.exports.header import FileHeader

        header = FileHeader(source=", ".join(str(p) for p in args.files), filters=filtered, lang=args.lang)
        write_output(args.output, d441_xlsx(table, header))
        return
    out.write(d441_text(table, args.lang, filtered) + "\n")


def d441_text(table: D441Table, lang: str, filtered: tuple[str, ...] = ()) -> str:
    """The official layout as aligned text: the (A) rows under the six columns, then (B) and (C); the filters
    first when some are set."""
    from kpi.exports.d441 import layout_rows, terms_text
    from kpi.text.formatting import format_date, format_value
    from kpi.text.i18n import translate

    issued = table.issued
    said = " : " if lang == "fr" else ": "  # French puts a space before the colon

    rows = layout_rows(table, lang)
    header, count, amount, share, excluded_count, excluded_amount = table_lines(rows, [LABEL, *[AMOUNT] * len(COLUMNS)])
    lines = [
        translate("d441.title", lang),
        f"{translate('d441.closing', lang)}{said}{format_date(table.closing, lang)}"
        f" · {translate('d441.fiscal_start', lang)}{said}{format_date(table.fiscal_start, lang)}",
        f"{translate('d441.sales', lang)}{said}{format_value(issued.sales, 'money', lang)}",
        f"{translate('matching.label', lang)}{said}{translate(f'matching.{table.matching}', lang)}",
        *filtered,
        "",
        header,
        translate("d441.section_a", lang),
        count,
        amount,
        share,
        translate("d441.section_b", lang),
        excluded_count,
        excluded_amount,
        translate("d441.section_c", lang),
        f"{translate('d441.terms_used', lang)}{said}{terms_text(issued.reference_terms, lang)}",
    ]
    if table.received is None:
        lines += ["", translate("d441.received_not_computed", lang)]
    return "\n".join(line.rstrip() for line in lines)
