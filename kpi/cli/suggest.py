"""`suggest`: the matching suggestions at a date (« Rapprochements suggérés »), as JSON or a table."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from kpi.cli.common import add_files_at, add_table_output, emit_json, emit_text, open_sources
from kpi.cli.tables import AMOUNT, LABEL, titled_table
from kpi.cli.terminal import Output
from kpi.metrics.suggestions import suggestions

if TYPE_CHECKING:
    from kpi.metrics.suggestions import Suggestions

NAME = "suggest"
HELP = "unapplied payments and credit notes that match an open invoice of their customer"
DESCRIPTION = (
    "At D, each unapplied payment (cash without a document) and each credit note with an unapplied remainder,"
    " paired with an open invoice of the same customer: of the same amount (same_amount), else within 0.01"
    " (within_cent), else whose number the payment's label or reference holds (reference); a payment only with an"
    " invoice issued by its date, and nothing settled after D. Within a reason, a payment, credit note or invoice"
    " is suggested once (the oldest first). Each suggestion's id (source:invoice) is what `match --accept` takes. Suggestions read the ledger as lettered (KPI-SPEC §2 'matched'), so there is no --apply-credits: applied to the oldest invoices, no credit is left over to suggest."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_files_at(parser, "the day at the end of which open items are looked at (YYYY-MM-DD)")
    add_table_output(
        parser, ("json", "table"), "table (default) or json (a list of objects: id, source_id, document_id, amount…)"
    )


def run(args: argparse.Namespace, out: Output) -> None:
    rows = suggestions(open_sources(args), args.as_of)
    if args.format == "json":
        emit_json(args, rows.to_json(), out)
    else:
        emit_text(args, suggestions_text(rows, args.lang) + "\n", out)


def suggestions_text(rows: Suggestions, lang: str) -> str:
    """The suggestions as aligned text: what they are first, then one line per suggestion, by reason."""
    from kpi.text.formatting import Formatter, format_date, label_colon
    from kpi.text.i18n import translate

    said = label_colon(lang)
    lines = [
        translate("suggestions.title", lang),
        f"{translate('suggestions.as_of', lang)}{said}{format_date(rows.as_of, lang)}",
        translate("suggestions.rule", lang),
    ]
    money = Formatter(lang).money
    titles = ("reason", "customer", "source", "source_date", "source_amount", "invoice", "due_date", "outstanding")
    table: list[list[object]] = [[translate(f"suggestions.column.{name}", lang) for name in (*titles, "id")]]
    for row in rows.rows:
        table.append(
            [
                translate(f"suggestions.reason.{row.reason}", lang),
                f"{row.customer_name} ({row.customer_id})",
                f"{translate(f'suggestions.kind.{row.source_kind}', lang)} {row.source_id}",
                format_date(row.source_date, lang),
                money(row.source_amount),
                row.document_id,
                format_date(row.due_date, lang),
                money(row.outstanding),
                row.id,
            ]
        )
    columns = [LABEL, LABEL, LABEL, LABEL, AMOUNT, LABEL, LABEL, AMOUNT, LABEL]
    return titled_table(lines, table, columns, translate("suggestions.empty", lang))
