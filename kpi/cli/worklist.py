"""`worklist`: the customers to chase at a date (« À relancer »), broken promises to pay first then highest
priority first, as JSON, a table, CSV or XLSX."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from kpi.cli.common import (
    add_files_at,
    add_filters,
    add_table_output,
    emit_csv,
    emit_json,
    emit_text,
    open_table_sources,
    write_output,
)
from kpi.cli.tables import AMOUNT, LABEL, titled_table
from kpi.cli.terminal import Output
from kpi.metrics.settings import STAGES
from kpi.metrics.worklist import worklist

if TYPE_CHECKING:
    from kpi.metrics.worklist import Worklist

NAME = "worklist"
HELP = "the customers to chase at a date (« À relancer »), broken promises first, then highest priority first"
DESCRIPTION = (
    "Every customer with overdue receivables at D, ranked by priority = Σ undisputed overdue × age weight (1–30"
    " days ×1, 31–60 ×2, 61–90 ×3, over 90 ×4) × risk factor (rating A ×1, B ×1.25, C ×1.5, D ×2), with the next"
    " reminder the schedule calls for (R1 at 8 days, R2 at 22, R3 at 40, formal notice at 60, agency at 90 once a"
    " formal notice was sent, unless the workspace's settings say otherwise) and the last one sent. Invoices"
    " under an open dispute (disputes log) are shown but not chased. Customers with a promise to pay broken at D"
    " (promises log: not covered by their cash by the promised date + the grace days) about the debt chased now"
    " come first; each row gives the customer's last promise (promised date, amount, kept/broken/open)."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_files_at(parser, "the day at the end of which receivables are looked at (YYYY-MM-DD)")
    add_filters(parser)
    add_table_output(
        parser,
        ("json", "table", "csv", "xlsx"),
        "table (default), json (a list of objects), csv (for French Excel: ; and decimal comma) or xlsx",
    )


def run(args: argparse.Namespace, out: Output) -> None:
    ledger, filters = open_table_sources(args)
    rows = worklist(ledger, args.as_of, filters)
    if args.format == "json":
        emit_json(args, rows.to_json(), out)
        return
    from kpi.exports.aged_balance import describe_filters

    filtered = describe_filters(filters.customers, filters.activities, args.lang)
    if args.format in ("csv", "xlsx"):
        from kpi.exports.header import FileHeader
        from kpi.exports.worklist import worklist_csv, worklist_xlsx

        header = FileHeader(source=", ".join(str(p) for p in args.files), filters=filtered, lang=args.lang)
        if args.format == "xlsx":
            write_output(args.output, worklist_xlsx(rows, header))
            return
        emit_csv(args, worklist_csv(rows, header), out)
        return
    emit_text(args, worklist_text(rows, args.lang, filtered) + "\n", out)


def worklist_text(rows: Worklist, lang: str, filtered: tuple[str, ...] = ()) -> str:
    """The worklist as aligned text: what it is and its rules first, then one line per customer."""
    from kpi.exports.worklist import COLUMNS, action_text, promise_status_text, stage_text
    from kpi.text.formatting import Formatter, format_date, label_colon
    from kpi.text.i18n import translate

    said = label_colon(lang)
    lines = [
        translate("worklist.title", lang),
        f"{translate('worklist.as_of', lang)}{said}{format_date(rows.as_of, lang)}"
        f" · {translate('matching.label', lang)}{said}{translate(f'matching.{rows.matching}', lang)}",
        *filtered,
        translate("worklist.rule", lang),
        translate("worklist.schedule", lang, **dict(zip(STAGES, rows.settings.stage_days()))),
        translate("worklist.promise_rule", lang),
    ]
    money = Formatter(lang).money
    # The files' columns, with the chased amount left out and the dates said within the action and the reminder.
    folded = (
        "chased",
        "next_action_date",
        "last_reminder_date",
        "last_reminder_stage",
        "last_promise_date",
        "last_promise_amount",
        "last_promise_status",
    )
    titles = [*(name for name in COLUMNS if name not in folded), "last_reminder", "last_promise"]
    table: list[list[object]] = [[translate(f"worklist.column.{name}", lang) for name in titles]]
    for rank, row in enumerate(rows.rows, start=1):
        last = (
            ""
            if row.last_reminder_date is None
            else f"{format_date(row.last_reminder_date, lang)} {stage_text(row.last_reminder_stage, lang)}"
        )
        promise = (
            ""
            if row.last_promise_date is None
            else f"{format_date(row.last_promise_date, lang)} {money(row.last_promise_amount)}"
            f" {promise_status_text(row.last_promise_status, lang)}"
        )
        table.append(
            [
                rank,
                row.customer_name,
                row.customer_id,
                row.rating or "",
                money(row.overdue),
                money(row.disputed),
                row.oldest_days_past_due,
                money(row.priority),
                action_text(row, lang),
                row.broken_promises,
                last,
                promise,
            ]
        )
    columns = [AMOUNT, LABEL, LABEL, LABEL, AMOUNT, AMOUNT, AMOUNT, AMOUNT, LABEL, AMOUNT, LABEL, LABEL]
    return titled_table(lines, table, columns, translate("worklist.empty", lang))
