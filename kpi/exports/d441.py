"""The D441-6 payment-delay table as an XLSX workbook, laid out as the decree's model table.

Rows and columns are those of the model table (annex 4-1 of the arrêtés part of the Code de commerce, as
republished in the Journal officiel of 21 March 2017): the six columns « 0 jour (indicatif) » … « Total
(1 jour et plus) »; (A) the number of invoices (given for the not-due and total columns only, the brackets
greyed as in the model), their amount and its share of the turnover; (B) the invoices excluded; (C) the
reference payment terms, the one used ticked.
Built from the values passed in, so the app can offer it as a download and a test can read it back.
Only the issued side: the received side is not computed yet.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from kpi.exports.header import FileHeader, excel_money_format
from kpi.metrics.d441 import COLUMNS, NOT_DUE, REFERENCE_TERMS, TOTAL_OVERDUE, D441Table
from kpi.text.formatting import format_percent, format_value
from kpi.text.i18n import translate
from kpi.text.untrusted import WORKBOOK_OPTIONS, TextCells

if TYPE_CHECKING:
    from xlsxwriter.worksheet import Worksheet

TICKED, UNTICKED = "☒", "☐"  # (C): the model's boxes, the terms used ticked
# The model gives the number of invoices for the not-due and total columns only: the law breaks the
# amount down by bracket of delay, not the number.
COUNTED_COLUMNS = (NOT_DUE, TOTAL_OVERDUE)


def terms_text(reference_terms: str, lang: str) -> str:
    """(C)'s answer: the two boxes of the model, the terms used ticked (« ☒ Délais contractuels  ☐ Délais légaux »)."""
    return "   ".join(
        f"{TICKED if terms == reference_terms else UNTICKED} {translate(f'd441.terms.{terms}', lang)}"
        for terms in REFERENCE_TERMS
    )


def layout_rows(table: D441Table, lang: str) -> list[list[object]]:
    """The model's rows as formatted cells: the column titles, then (A)'s count, amount and share rows and
    (B)'s count and amount, each a label then one cell per column of COLUMNS."""
    issued = table.issued

    def money(value: object) -> str:
        return format_value(value, "money", lang)

    return [
        ["", *(translate(f"d441.column.{key}", lang) for key in COLUMNS)],
        [
            translate("d441.count", lang),
            *(issued.columns[key].count if key in COUNTED_COLUMNS else "" for key in COLUMNS),
        ],
        [translate("d441.amount", lang), *(money(issued.columns[key].amount) for key in COLUMNS)],
        [
            translate("d441.share_of_sales", lang),
            *(format_percent(issued.share(key), lang, decimals=2) for key in COLUMNS),
        ],
        [translate("d441.excluded_count", lang), issued.excluded.count, *[""] * (len(COLUMNS) - 1)],
        [translate("d441.excluded_amount", lang), money(issued.excluded.amount), *[""] * (len(COLUMNS) - 1)],
    ]


def d441_xlsx(table: D441Table, header: FileHeader) -> bytes:
    """The workbook: a header block, then the model table of the invoices issued."""
    import xlsxwriter

    lang = header.lang
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True, **WORKBOOK_OPTIONS})
    cells = TextCells(workbook)
    money = excel_money_format(header.currency)
    border = {"border": 1, "valign": "vcenter"}
    styles = {
        "title": cells.format({"bold": True, "font_size": 13, "text_wrap": True, "valign": "top"}),
        "header_label": cells.format({"bold": True, "font_color": "#555555"}),
        "header_date": workbook.add_format({"num_format": "dd/mm/yyyy", "align": "left"}),
        "header_money": workbook.add_format({"num_format": money, "align": "left"}),
        "column": cells.format({**border, "bold": True, "align": "center", "text_wrap": True, "bg_color": "#e8eef7"}),
        "section": cells.format({**border, "bold": True, "text_wrap": True, "bg_color": "#f2f2f2"}),
        "label": cells.format({**border, "text_wrap": True}),
        "count": workbook.add_format({**border, "num_format": "0"}),
        "greyed": workbook.add_format({**border, "pattern": 2, "fg_color": "#bfbfbf", "bg_color": "#ffffff"}),
        "money": workbook.add_format({**border, "num_format": money}),
        "percent": workbook.add_format({**border, "num_format": "0.00%"}),
        "merged_count": workbook.add_format({**border, "num_format": "0", "align": "left"}),
        "merged_money": workbook.add_format({**border, "num_format": money, "align": "left"}),
        "merged_text": cells.format({**border, "text_wrap": True}),
        "note": cells.format({"italic": True, "font_color": "#555555"}),
    }
    workbook.set_properties({"title": translate("d441.title", lang), "comments": header.source})
    sheet = workbook.add_worksheet(translate("d441.sheet", lang)[:31])
    last = len(COLUMNS)  # the label column, then one per column of the model

    sheet.merge_range(0, 0, 0, last, "", styles["title"])
    cells.write(sheet, 0, 0, translate("d441.title", lang), styles["title"])
    sheet.set_row(0, 36)
    header_rows: list[tuple[str, Any, str | None]] = [
        (translate("d441.closing", lang), table.closing, "header_date"),
        (translate("d441.fiscal_start", lang), table.fiscal_start, "header_date"),
        (translate("matching.label", lang), translate(f"matching.{table.matching}", lang), None),
        (translate("d441.sales", lang), table.issued.sales, "header_money"),
        (translate("export.workspace", lang), header.source, None),
        (translate("export.filters", lang), "; ".join(header.filters) or translate("export.no_filter", lang), None),
        (translate("export.generated", lang), header.generated.strftime("%d/%m/%Y %H:%M"), None),
    ]
    for row, (label, value, style) in enumerate(header_rows, start=1):
        cells.write(sheet, row, 0, label, styles["header_label"])
        _write_value(sheet, cells, row, 1, value, styles[style] if style else None)

    top = len(header_rows) + 2  # a blank row between the header block and the table
    cells.write(sheet, top, 0, "", styles["column"])
    for offset, key in enumerate(COLUMNS, start=1):
        cells.write(sheet, top, offset, translate(f"d441.column.{key}", lang), styles["column"])
    sheet.set_row(top, 30)

    issued = table.issued
    row = top + 1
    _section(sheet, cells, row, last, translate("d441.section_a", lang), styles["section"])
    row += 1
    cells.write(sheet, row, 0, translate("d441.count", lang), styles["label"])
    for offset, key in enumerate(COLUMNS, start=1):
        if key in COUNTED_COLUMNS:
            sheet.write_number(row, offset, issued.columns[key].count, styles["count"])
        else:
            sheet.write_blank(row, offset, None, styles["greyed"])
    row += 1
    cells.write(sheet, row, 0, translate("d441.amount", lang), styles["label"])
    for offset, key in enumerate(COLUMNS, start=1):
        sheet.write_number(row, offset, float(issued.columns[key].amount), styles["money"])
    row += 1
    cells.write(sheet, row, 0, translate("d441.share_of_sales", lang), styles["label"])
    for offset, key in enumerate(COLUMNS, start=1):
        share = issued.share(key)
        if share is None:
            sheet.write_blank(row, offset, None, styles["percent"])
        else:
            sheet.write_number(row, offset, float(share) / 100, styles["percent"])

    row += 1
    _section(sheet, cells, row, last, translate("d441.section_b", lang), styles["section"])
    row += 1
    cells.write(sheet, row, 0, translate("d441.excluded_count", lang), styles["label"])
    sheet.merge_range(row, 1, row, last, "", styles["merged_count"])
    sheet.write_number(row, 1, issued.excluded.count, styles["merged_count"])
    row += 1
    cells.write(sheet, row, 0, translate("d441.excluded_amount", lang), styles["label"])
    sheet.merge_range(row, 1, row, last, "", styles["merged_money"])
    sheet.write_number(row, 1, float(issued.excluded.amount), styles["merged_money"])

    row += 1
    _section(sheet, cells, row, last, translate("d441.section_c", lang), styles["section"])
    row += 1
    cells.write(sheet, row, 0, translate("d441.terms_used", lang), styles["label"])
    sheet.merge_range(row, 1, row, last, "", styles["merged_text"])
    cells.write(sheet, row, 1, terms_text(issued.reference_terms, lang), styles["merged_text"])

    if table.received is None:
        cells.write(sheet, row + 2, 0, translate("d441.received_not_computed", lang), styles["note"])

    sheet.set_column(0, 0, 48)
    sheet.set_column(1, last, 16)
    workbook.close()
    return output.getvalue()


def _section(sheet: Worksheet, cells: TextCells, row: int, last: int, title: str, style: Any) -> None:
    """A heading row of the model, (A), (B) or (C), across the whole table."""
    sheet.merge_range(row, 0, row, last, "", style)
    cells.write(sheet, row, 0, title, style)
    sheet.set_row(row, 30)


def _write_value(sheet: Worksheet, cells: TextCells, row: int, column: int, value: Any, style: Any) -> None:
    if isinstance(value, date):
        sheet.write_datetime(row, column, datetime.combine(value, datetime.min.time()), style)
    elif isinstance(value, str):
        cells.write(sheet, row, column, value, style)
    else:
        sheet.write_number(row, column, float(value), style)
