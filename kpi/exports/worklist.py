"""The worklist « À relancer » as files: a CSV that French Excel opens as numbers, and an XLSX workbook.

Built from the values passed in (the engine's Worklist and a header saying what it is), so the app can
offer them as downloads and a test can read them back. The CSV follows the aged balance's conventions
(kpi/exports/aged_balance.py): UTF-8 with BOM, `;` and a decimal comma for French Excel, data rows only;
names and ids from the data are written inert (kpi/text/untrusted.py).
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from kpi.exports.header import FileHeader, new_workbook, table_styles
from kpi.metrics.settings import STAGES
from kpi.metrics.worklist import WAIT, Worklist, WorklistRow
from kpi.text.formatting import csv_decimal, format_date
from kpi.text.i18n import translate
from kpi.text.untrusted import spreadsheet_text

UTF8_BOM = "\ufeff"
# The columns of both files, in order; their titles are worklist.column.<name>.
COLUMNS = (
    "rank",
    "customer_name",
    "customer_id",
    "rating",
    "overdue",
    "disputed",
    "chased",
    "oldest_days_past_due",
    "priority",
    "next_action",
    "next_action_date",
    "last_reminder_date",
    "last_reminder_stage",
    "broken_promises",
    "last_promise_date",
    "last_promise_amount",
    "last_promise_status",
)
MONEY_COLUMNS = frozenset({"overdue", "disputed", "chased", "priority", "last_promise_amount"})
# Money columns whose total means nothing: a weighted amount, one promise per customer.
UNTOTALLED = frozenset({"priority", "last_promise_amount"})
DATE_COLUMNS = frozenset({"next_action_date", "last_reminder_date", "last_promise_date"})
TEXT_COLUMNS = frozenset(
    {"customer_name", "customer_id", "rating", "next_action", "last_reminder_stage", "last_promise_status"}
)


def action_text(row: WorklistRow, lang: str) -> str:
    """The next action in words; a wait says until when."""
    if row.next_action == WAIT and row.next_action_date is not None:
        return translate("worklist.action.wait_until", lang, date=format_date(row.next_action_date, lang))
    return translate(f"worklist.action.{row.next_action}", lang)


def stage_text(stage: str | None, lang: str) -> str:
    return "" if stage is None else translate(f"worklist.stage.{stage}", lang)


def promise_status_text(status: str | None, lang: str) -> str:
    return "" if status is None else translate(f"promises.status.{status}", lang)


def row_values(rank: int, row: WorklistRow, lang: str) -> dict[str, Any]:
    """One row's cells by column: money as Decimal, dates as date, codes in words."""
    return {
        "rank": rank,
        "customer_name": row.customer_name,
        "customer_id": row.customer_id,
        "rating": row.rating or "",
        "overdue": row.overdue,
        "disputed": row.disputed,
        "chased": row.chased,
        "oldest_days_past_due": row.oldest_days_past_due,
        "priority": row.priority,
        "next_action": translate(f"worklist.action.{row.next_action}", lang),
        "next_action_date": row.next_action_date,
        "last_reminder_date": row.last_reminder_date,
        "last_reminder_stage": stage_text(row.last_reminder_stage, lang),
        "broken_promises": row.broken_promises,
        "last_promise_date": row.last_promise_date,
        "last_promise_amount": row.last_promise_amount,
        "last_promise_status": promise_status_text(row.last_promise_status, lang),
    }


def worklist_csv(worklist: Worklist, header: FileHeader, dialect: str = "fr") -> bytes:
    """The rows as CSV, UTF-8 with BOM: dialect "fr" (`;`, decimal comma, dd/mm/yyyy) for French Excel,
    "en" with `,` and a decimal point. Data rows only, so the file re-imports or pivots cleanly."""
    lang = header.lang
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";" if dialect == "fr" else ",", lineterminator="\r\n")
    writer.writerow([spreadsheet_text(translate(f"worklist.column.{name}", lang)) for name in COLUMNS])
    for rank, row in enumerate(worklist.rows, start=1):
        values = row_values(rank, row, lang)
        writer.writerow([_csv_cell(name, values[name], lang, dialect) for name in COLUMNS])
    return (UTF8_BOM + text.getvalue()).encode("utf-8")


def _csv_cell(name: str, value: Any, lang: str, dialect: str) -> str:
    if value is None or value == "":
        return ""
    if name in MONEY_COLUMNS:
        number = csv_decimal(value)
        return number if dialect == "fr" else number.replace(",", ".")
    if name in DATE_COLUMNS:
        return format_date(value, lang)
    if name in TEXT_COLUMNS:
        return str(spreadsheet_text(str(value)))
    return str(int(value))


def worklist_xlsx(worklist: Worklist, header: FileHeader) -> bytes:
    """A workbook of one sheet: a header block (date, matching mode, the priority rule and the schedule,
    filters), then the rows with a total of the amounts."""
    from xlsxwriter.utility import xl_range

    lang = header.lang
    output, workbook, cells = new_workbook()
    styles = {
        **table_styles(workbook, cells, header.currency),
        "header_date": workbook.add_format({"num_format": "dd/mm/yyyy", "align": "left"}),
    }
    workbook.set_properties({"title": translate("worklist.title", lang), "comments": header.source})
    sheet = workbook.add_worksheet(translate("worklist.sheet", lang)[:31])
    cells.write(sheet, 0, 0, translate("worklist.title", lang), styles["title"])
    settings = worklist.settings
    header_rows: list[tuple[str, Any]] = [
        (translate("worklist.as_of", lang), worklist.as_of),
        (translate("matching.label", lang), translate(f"matching.{worklist.matching}", lang)),
        (translate("worklist.column.priority", lang), translate("worklist.rule", lang)),
        (translate("worklist.column.broken_promises", lang), translate("worklist.promise_rule", lang)),
        (
            translate("worklist.column.next_action", lang),
            translate("worklist.schedule", lang, **dict(zip(STAGES, settings.stage_days()))),
        ),
        (translate("export.workspace", lang), header.source),
        (translate("export.filters", lang), "; ".join(header.filters) or translate("export.no_filter", lang)),
        (translate("export.generated", lang), header.generated.strftime("%d/%m/%Y %H:%M")),
    ]
    for row_index, (label, value) in enumerate(header_rows, start=1):
        cells.write(sheet, row_index, 0, label, styles["header_label"])
        if isinstance(value, date):
            sheet.write_datetime(row_index, 1, datetime.combine(value, datetime.min.time()), styles["header_date"])
        else:
            cells.write(sheet, row_index, 1, value)

    top = len(header_rows) + 2  # a blank row between the header block and the table
    for column, name in enumerate(COLUMNS):
        cells.write(sheet, top, column, translate(f"worklist.column.{name}", lang), styles["column"])
    first = top + 1
    for rank, row in enumerate(worklist.rows, start=1):
        values = row_values(rank, row, lang)
        line = first + rank - 1
        for column, name in enumerate(COLUMNS):
            value = values[name]
            if value is None or value == "":
                sheet.write_blank(line, column, None)
            elif name in MONEY_COLUMNS:
                sheet.write_number(line, column, float(value), styles["money"])
            elif name in DATE_COLUMNS:
                sheet.write_datetime(line, column, datetime.combine(value, datetime.min.time()), styles["date"])
            elif name in TEXT_COLUMNS:
                cells.write(sheet, line, column, value)
            else:
                sheet.write_number(line, column, int(value))
    last = first + len(worklist.rows) - 1
    total_row = last + 1
    cells.write(sheet, total_row, 0, translate("worklist.total", lang), styles["total_label"])
    for column, name in enumerate(COLUMNS):
        if name in MONEY_COLUMNS and name not in UNTOTALLED:
            total = float(sum((getattr(row, name) for row in worklist.rows), Decimal(0)))
            if worklist.rows:
                # A formula the user can audit, with the engine's exact total as its cached value.
                sheet.write_formula(
                    total_row, column, f"=SUM({xl_range(first, column, last, column)})", styles["total"], total
                )
            else:
                sheet.write_number(total_row, column, total, styles["total"])
    sheet.freeze_panes(first, 3)
    sheet.autofilter(top, 0, max(top, last), len(COLUMNS) - 1)
    sheet.set_column(0, 0, 6)
    sheet.set_column(1, 1, 28)
    sheet.set_column(2, len(COLUMNS) - 1, 15)
    workbook.close()
    return output.getvalue()
