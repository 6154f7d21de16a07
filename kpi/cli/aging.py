"""`aging`: the aged balance at a date, by customer or by document, as a table, CSV or XLSX."""

from __future__ import annotations

import argparse
import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING

from kpi.cli.common import (
    add_choice,
    add_files_at,
    add_filters,
    add_table_output,
    edges,
    emit_csv,
    emit_text,
    open_table_sources,
    write_output,
)
from kpi.cli.tables import AMOUNT, LABEL, table_text
from kpi.cli.terminal import Output
from kpi.metrics.aging import DEFAULT_EDGES, aged_balance_records

if TYPE_CHECKING:
    from kpi.metrics.aging import AgedBalance

NAME = "aging"
HELP = "the aged balance (balance âgée) at a date"
DESCRIPTION = "Outstanding amounts by age bucket at the end of a day."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_files_at(parser, "the day whose closing balance is aged (YYYY-MM-DD)")
    add_choice(parser, "--by", ("customer", "document"), "customer", "one row per customer (default) or per document")
    parser.add_argument(
        "--buckets",
        type=edges,
        default=DEFAULT_EDGES,
        metavar="EDGES",
        help="bucket edges in days, e.g. 30,60,90,120 (default) or 15,30,45,60,90,180,360,720",
    )
    add_choice(parser, "--basis", ("due", "issue"), "due", "age from the due date (default) or from the issue date")
    add_filters(parser)
    add_table_output(
        parser, ("csv", "xlsx", "table"), "table (default), csv (for French Excel: ; and decimal comma) or xlsx"
    )


def run(args: argparse.Namespace, out: Output) -> None:
    ledger, filters = open_table_sources(args)
    balance = aged_balance_records(ledger, args.as_of, args.buckets, args.basis, args.by, filters)
    from kpi.exports.aged_balance import ExportHeader, aged_balance_csv, aged_balance_xlsx

    header = ExportHeader(
        workspace=", ".join(str(p) for p in args.files),
        as_of=args.as_of,
        basis=args.basis,
        edges=tuple(args.buckets),
        filters=tuple(
            f"{k}: {', '.join(v)}"
            for k, v in (("customers", filters.customers), ("activities", filters.activities))
            if v
        ),
        lang=args.lang,
        matching=filters.matching,
    )
    if args.format == "xlsx":
        other = "document" if args.by == "customer" else "customer"
        second = aged_balance_records(ledger, args.as_of, args.buckets, args.basis, other, filters)
        by_customer, by_document = (balance, second) if args.by == "customer" else (second, balance)
        write_output(args.output, aged_balance_xlsx(by_customer, by_document, header))
        return
    if args.format == "csv":
        emit_csv(args, aged_balance_csv(balance, header), out)
        return
    emit_text(args, aging_table(balance, args.lang) + "\n", out)


def aging_table(balance: AgedBalance, lang: str) -> str:
    """The aged balance as aligned text: amounts formatted for the language, total and % rows last."""
    from kpi.exports.aged_balance import label_columns
    from kpi.metrics.aging import row_dicts
    from kpi.text.formatting import format_percent, format_value
    from kpi.text.i18n import column_title, translate

    labels = [c for c in label_columns(balance) if c not in ("customer_id", "item_kind", "amount")][:4]
    amounts = list(balance.amount_columns)
    header = [column_title(c, lang) for c in labels + amounts]
    # Half of a large balance's amounts are repeats (zeros above all): each is formatted once.
    money = functools.cache(lambda value: format_value(value, "money", lang))
    body: list[Sequence[object]] = [
        [row[c] for c in labels] + [money(row[c]) for c in amounts] for row in row_dicts(balance.rows)
    ]
    padding = [""] * (len(labels) - 1)
    body.append(["Total", *padding] + [format_value(balance.totals[c], "money", lang) for c in amounts])
    body.append(["%", *padding] + [format_percent(balance.percentages[c], lang) for c in amounts])
    mode = f"{translate('matching.label', lang)} : {translate(f'matching.{balance.matching}', lang)}"
    columns = [LABEL] * len(labels) + [AMOUNT] * len(amounts)
    return mode + "\n" + table_text([header, *body], columns)
