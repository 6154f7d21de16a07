"""The aged balance as files: a formatted XLSX workbook and a CSV that French Excel opens as numbers.

Both are built from values passed in (the engine's AgedBalance objects and a header
describing the view), never from a Streamlit session, so `st.download_button(data=...)`
can call them lazily and a test can call them directly. Names, ids and every other text
from the data are written inert (kpi/text/untrusted.py): never a formula, never a link.
"""

from __future__ import annotations

import csv
import io
import numbers
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from kpi.exports.header import new_workbook, table_styles
from kpi.metrics.aging import row_dicts
from kpi.text.formatting import csv_decimal, format_date, is_missing
from kpi.text.i18n import column_title, translate
from kpi.text.untrusted import TextCells, spreadsheet_text

UTF8_BOM = "\ufeff"


@dataclass(frozen=True)
class ExportHeader:
    """What the file describes, written above the table so a printed copy is self-explanatory."""

    workspace: str
    as_of: date
    basis: str  # 'due' | 'issue'
    edges: tuple[int, ...]
    filters: tuple[str, ...] = ()  # already readable, e.g. "Clients : Garage Dupont"
    currency: str = "EUR"
    matching: str = "matched"  # KPI-SPEC §2: how credits meet invoices in this balance
    lang: str = "fr"
    generated: datetime = field(default_factory=lambda: datetime.now().replace(microsecond=0))


def money_columns(balance) -> list[str]:
    """The amount columns of an aged balance, in display order: buckets, the two unapplied columns, total."""
    return list(balance.amount_columns)


LABEL_ORDER = (
    "customer_name",
    "customer_id",
    "document_id",
    "item_kind",
    "activity",
    "issue_date",
    "due_date",
    "amount",
    "days_past_due",
)


def label_columns(balance) -> list[str]:
    """The descriptive columns that come before the amounts: who first, then which document and its dates."""
    amounts = set(money_columns(balance))
    others = [name for name in balance.rows.columns if name not in amounts]
    return sorted(others, key=lambda name: LABEL_ORDER.index(name) if name in LABEL_ORDER else len(LABEL_ORDER))


def _label_value(name: str, value, lang: str):
    """Codes the engine uses as values (item kinds) read as words in the file."""
    if name == "item_kind" and isinstance(value, str):
        key = f"item_kind.{value}"
        text = translate(key, lang)
        return value if text == key else text
    return value


def _number(value) -> float | None:
    if is_missing(value):
        return None
    return float(value)


def _cell_date(value) -> date | None:
    if is_missing(value):
        return None
    if isinstance(value, datetime):  # a pandas Timestamp too
        return value.date()
    return value if isinstance(value, date) else None


def header_lines(header: ExportHeader) -> list[tuple[str, str]]:
    """The header block as (label, value) pairs."""
    lang = header.lang
    unit = translate("unit.days_short", lang)
    edges = ", ".join(str(edge) for edge in header.edges) + f" {unit}"
    filters = "; ".join(header.filters) if header.filters else translate("export.no_filter", lang)
    return [
        (translate("export.workspace", lang), header.workspace),
        (translate("export.as_of", lang), format_date(header.as_of, lang)),
        (translate("export.basis", lang), translate(f"aging.basis.{header.basis}", lang)),
        (translate("export.edges", lang), edges),
        (translate("export.filters", lang), filters),
        (translate("export.matching", lang), translate(f"matching.{header.matching}", lang)),
        (translate("export.currency", lang), header.currency),
        (translate("export.generated", lang), header.generated.strftime("%d/%m/%Y %H:%M")),
    ]


def _write_sheet(workbook, name: str, balance, header: ExportHeader, styles: dict, cells: TextCells) -> None:
    from xlsxwriter.utility import xl_range

    lang = header.lang
    sheet = workbook.add_worksheet(name[:31])
    cells.write(sheet, 0, 0, translate("export.title", lang), styles["title"])
    lines = header_lines(header)
    for offset, (label, value) in enumerate(lines, start=1):
        cells.write(sheet, offset, 0, label, styles["header_label"])
        cells.write(sheet, offset, 1, value)
    top = len(lines) + 2  # a blank line between the header block and the table

    labels = label_columns(balance)
    amounts = money_columns(balance)
    columns = labels + amounts
    for index, name in enumerate(columns):
        cells.write(sheet, top, index, column_title(name, lang), styles["column"])
    rows = balance.rows
    first_data = top + 1
    for row_index, values in enumerate(row_dicts(rows), start=first_data):
        for index, name in enumerate(labels):
            value = _label_value(name, values[name], lang)
            as_date = _cell_date(value)
            if as_date is not None and not isinstance(value, str):
                sheet.write_datetime(row_index, index, datetime.combine(as_date, datetime.min.time()), styles["date"])
            elif is_missing(value):
                sheet.write_blank(row_index, index, None)
            elif isinstance(value, (numbers.Real, Decimal)) and not isinstance(value, bool):
                sheet.write_number(row_index, index, float(value))
            else:
                cells.write(sheet, row_index, index, value)
        for offset, name in enumerate(amounts):
            number = _number(values[name])
            column = len(labels) + offset
            if number is None:
                sheet.write_blank(row_index, column, None, styles["money"])
            else:
                sheet.write_number(row_index, column, number, styles["money"])
    last_data = first_data + len(rows) - 1

    total_row = last_data + 1
    percent_row = total_row + 1
    cells.write(sheet, total_row, 0, translate("aging.total_row", lang), styles["total_label"])
    cells.write(sheet, percent_row, 0, translate("aging.percent_row", lang), styles["percent_label"])
    for index in range(1, len(labels)):
        sheet.write_blank(total_row, index, None, styles["total_label"])
        sheet.write_blank(percent_row, index, None, styles["percent_label"])
    for offset, name in enumerate(amounts):
        column = len(labels) + offset
        total = _number(balance.totals.get(name)) or 0.0
        if len(rows):
            cells = xl_range(first_data, column, last_data, column)
            # A formula the user can audit, with the engine's exact total as its cached value.
            sheet.write_formula(total_row, column, f"=SUM({cells})", styles["total"], total)
        else:
            sheet.write_number(total_row, column, total, styles["total"])
        share = _number(balance.percentages.get(name)) if name in balance.percentages else None
        if share is None:
            sheet.write_blank(percent_row, column, None, styles["percent"])
        else:
            sheet.write_number(percent_row, column, share / 100, styles["percent"])

    # Old buckets in red, as on screen: everything beyond the second overdue bucket.
    old = list(balance.bucket_keys[3:])
    for name in old:
        column = columns.index(name)
        if len(rows):
            sheet.conditional_format(
                first_data,
                column,
                last_data,
                column,
                {"type": "cell", "criteria": ">", "value": 0, "format": styles["old"]},
            )

    sheet.freeze_panes(top + 1, len(labels))
    sheet.autofilter(top, 0, max(top, last_data), len(columns) - 1)
    sheet.set_column(0, 0, 22)
    if len(labels) > 1:
        sheet.set_column(1, len(labels) - 1, 16)
    sheet.set_column(len(labels), len(columns) - 1, 15)


def aged_balance_xlsx(by_customer, by_document, header: ExportHeader) -> bytes:
    """A workbook with one sheet per customer row and one per document row, header block on each."""
    output, workbook, cells = new_workbook()
    styles = {
        **table_styles(workbook, cells, header.currency),
        "percent_label": cells.format({"italic": True}),
        "percent": workbook.add_format({"italic": True, "num_format": "0.0%"}),
        "old": workbook.add_format({"bg_color": "#f8d7da", "font_color": "#842029"}),
    }
    workbook.set_properties({"title": translate("export.title", header.lang), "comments": header.workspace})
    _write_sheet(workbook, translate("export.sheet_customers", header.lang), by_customer, header, styles, cells)
    _write_sheet(workbook, translate("export.sheet_documents", header.lang), by_document, header, styles, cells)
    workbook.close()
    return output.getvalue()


def _csv_number(value, dialect: str) -> str:
    text = csv_decimal(value)
    return text if dialect == "fr" else text.replace(",", ".")


def _csv_cell(value, lang: str, dialect: str) -> str:
    """One label cell of the CSV, told apart by its Python type, since CSV itself has none.

    Dates are written dd/mm/yyyy, numbers by the number formatter (a negative amount keeps
    its `-` and stays a number for Excel), and only text — what came from the data as a
    str — goes through spreadsheet_text, which neutralises what would read as a formula.
    """
    as_date = _cell_date(value)
    if as_date is not None and not isinstance(value, str):
        return format_date(as_date, lang)
    if is_missing(value):
        return ""
    if isinstance(value, numbers.Integral):  # days past due, counts: negative ones stay numbers
        return str(int(value))
    if isinstance(value, (numbers.Real, Decimal)):
        return _csv_number(value, dialect)
    return spreadsheet_text(str(value))


def aged_balance_csv(balance, header: ExportHeader, dialect: str = "fr") -> bytes:
    """The aged balance rows as CSV, UTF-8 with BOM so Excel detects the encoding.

    dialect "fr" is for French Excel: `;` between fields, decimal comma, dates dd/mm/yyyy.
    dialect "en" uses `,` and a decimal point. Only data rows are written, so the file
    re-imports or pivots cleanly; the XLSX carries the totals and the header block.
    A text cell that a spreadsheet would read as a formula starts with an apostrophe.
    """
    lang = header.lang
    labels = label_columns(balance)
    amounts = money_columns(balance)
    delimiter = ";" if dialect == "fr" else ","
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([spreadsheet_text(column_title(name, lang)) for name in labels + amounts])
    for values in row_dicts(balance.rows):
        row = [_csv_cell(_label_value(name, values[name], lang), lang, dialect) for name in labels]
        row += [_csv_number(values[name], dialect) for name in amounts]
        writer.writerow(row)
    return (UTF8_BOM + text.getvalue()).encode("utf-8")


def describe_filters(customer_names: Sequence[str], activities: Sequence[str], lang: str) -> tuple[str, ...]:
    """The filters of a view as readable header lines."""
    lines = []
    if customer_names:
        lines.append(
            f"{translate('filters.customers', lang)} : {', '.join(customer_names)}"
            if lang == "fr"
            else f"{translate('filters.customers', lang)}: {', '.join(customer_names)}"
        )
    if activities:
        lines.append(
            f"{translate('filters.activities', lang)} : {', '.join(activities)}"
            if lang == "fr"
            else f"{translate('filters.activities', lang)}: {', '.join(activities)}"
        )
    return tuple(lines)
