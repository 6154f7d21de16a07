"""The D441-6 payment-delay table laid out as the decree's model table: one model of its rows, an XLSX workbook.

Rows and columns are those of the model table (annex 4-1 of the arrêtés part of the Code de commerce, as
republished in the Journal officiel of 21 March 2017, « tableau prévu au I »): side by side, « Article D. 441
I. 1° : Factures reçues… » then « 2° : Factures émises… », each in the six columns « 0 jour (indicatif) » …
« Total (1 jour et plus) »; (A) the number of invoices (given for the not-due and total columns only, the
brackets greyed as in the model), their amount, its share of the purchases (received side; greyed on the
issued one) and of the turnover (issued side; greyed on the received one); (B) the invoices excluded;
(C) the reference payment terms, the one used ticked. Without supplier lines in the data, the issued side
alone, and a note says why.
`model_rows` is the one layout the workbook, the PDF (kpi/exports/d441_pdf.py), the command line's text and
the app draw; built from the values passed in, so the app can offer the files as downloads and a test can
read them back.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
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
# The rows whose one cell spans a side's six columns, and the rows that are section titles.
MERGED_KINDS = ("excluded_count", "excluded_amount", "terms")
SECTION = "section"


class Greyed:
    """A cell the model greys out: no figure is asked there."""

    def __repr__(self) -> str:
        return "GREYED"


GREYED = Greyed()


@dataclass(frozen=True)
class ModelRow:
    """One row of the model: its kind (SECTION, count, amount, share, excluded_count, excluded_amount, terms),
    its label, and its cells side after side (`D441Table.sides()`'s order): one per column of COLUMNS, or a
    single one spanning them for a kind of MERGED_KINDS; none for a section title."""

    kind: str
    label: str
    cells: tuple[tuple[object, ...], ...] = ()


def terms_text(reference_terms: str, lang: str) -> str:
    """(C)'s answer: the two boxes of the model, the terms used ticked (« ☒ Délais contractuels  ☐ Délais légaux »)."""
    return "   ".join(
        f"{TICKED if terms == reference_terms else UNTICKED} {translate(f'd441.terms.{terms}', lang)}"
        for terms in REFERENCE_TERMS
    )


def model_rows(table: D441Table, lang: str) -> list[ModelRow]:
    """The model's rows below its column titles, with raw values (counts, Decimal amounts and shares)."""
    sides = table.sides()

    def each(values: Any) -> tuple[tuple[object, ...], ...]:
        return tuple(tuple(values(name, side)) for name, side in sides)

    rows = [
        ModelRow(SECTION, translate("d441.section_a", lang)),
        ModelRow(
            "count",
            translate("d441.count", lang),
            each(lambda _, side: (side.columns[k].count if k in COUNTED_COLUMNS else GREYED for k in COLUMNS)),
        ),
        ModelRow(
            "amount", translate("d441.amount", lang), each(lambda _, side: (side.columns[k].amount for k in COLUMNS))
        ),
    ]
    # The model has both share rows, each greyed on the other side: purchases for 1°, turnover for 2°.
    for owner, label in (("received", "d441.share_of_purchases"), ("issued", "d441.share_of_sales")):
        if any(name == owner for name, _ in sides):
            rows.append(
                ModelRow(
                    "share",
                    translate(label, lang),
                    each(lambda name, side, owner=owner: (side.share(k) if name == owner else GREYED for k in COLUMNS)),
                )
            )
    return rows + [
        ModelRow(SECTION, translate("d441.section_b_sides" if len(sides) > 1 else "d441.section_b", lang)),
        ModelRow("excluded_count", translate("d441.excluded_count", lang), each(lambda _, s: (s.excluded.count,))),
        ModelRow("excluded_amount", translate("d441.excluded_amount", lang), each(lambda _, s: (s.excluded.amount,))),
        ModelRow(SECTION, translate("d441.section_c", lang)),
        ModelRow(
            "terms", translate("d441.terms_used", lang), each(lambda _, s: (terms_text(s.reference_terms, lang),))
        ),
    ]


def received_note(table: D441Table) -> str:
    """The key of what the table says under it of its received side: why (B) is empty there, or why the side
    is absent."""
    return "d441.received_excluded_note" if table.received is not None else "d441.received_not_computed"


def side_titles(table: D441Table, lang: str) -> list[str]:
    """The model's title over each side: « Article D. 441 I. 1° : Factures reçues… », « … 2° : Factures émises… »."""
    return [translate(f"d441.side.{name}", lang) for name, _ in table.sides()]


def column_titles(lang: str) -> list[str]:
    return [translate(f"d441.column.{key}", lang) for key in COLUMNS]


def cell_text(kind: str, value: object, lang: str) -> str:
    """A cell of the model as text: money and percentages in `lang`'s format, a greyed cell empty."""
    if value is GREYED:
        return ""
    if kind in ("amount", "excluded_amount"):
        return format_value(value, "money", lang)
    if kind == "share":
        return format_percent(value, lang, decimals=2)
    return str(value)


def side_rows(table: D441Table, side: int, lang: str) -> list[ModelRow]:
    """One side's rows as text (the command line and the app show the sides one under the other): a row the
    model greys out entirely on that side is left out, a merged cell is the first of the row."""
    rows = []
    for row in model_rows(table, lang):
        if row.kind == SECTION:
            rows.append(row)
            continue
        cells = row.cells[side]
        if all(cell is GREYED for cell in cells):
            continue
        texts = [cell_text(row.kind, cell, lang) for cell in cells]
        rows.append(ModelRow(row.kind, row.label, (tuple(texts + [""] * (len(COLUMNS) - len(texts))),)))
    return rows


def d441_xlsx(table: D441Table, header: FileHeader) -> bytes:
    """The workbook: a header block, then the model table, its sides beside each other."""
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
        "amount": workbook.add_format({**border, "num_format": money}),
        "share": workbook.add_format({**border, "num_format": "0.00%"}),
        "excluded_count": workbook.add_format({**border, "num_format": "0", "align": "left"}),
        "excluded_amount": workbook.add_format({**border, "num_format": money, "align": "left"}),
        "terms": cells.format({**border, "text_wrap": True}),
        "note": cells.format({"italic": True, "font_color": "#555555"}),
    }
    title = translate("d441.title_sides" if table.received is not None else "d441.title", lang)
    workbook.set_properties({"title": title, "comments": header.source})
    sheet = workbook.add_worksheet(translate("d441.sheet", lang)[:31])
    sides = table.sides()
    last = len(COLUMNS) * len(sides)  # the label column, then six per side

    sheet.merge_range(0, 0, 0, last, "", styles["title"])
    cells.write(sheet, 0, 0, title, styles["title"])
    sheet.set_row(0, 36)
    header_rows: list[tuple[str, Any, str | None]] = [
        (translate("d441.closing", lang), table.closing, "header_date"),
        (translate("d441.fiscal_start", lang), table.fiscal_start, "header_date"),
        (translate("matching.label", lang), translate(f"matching.{table.matching}", lang), None),
        *(
            [(translate("d441.purchases", lang), table.received.sales, "header_money")]
            if table.received is not None
            else []
        ),
        (translate("d441.sales", lang), table.issued.sales, "header_money"),
        (translate("export.workspace", lang), header.source, None),
        (translate("export.filters", lang), "; ".join(header.filters) or translate("export.no_filter", lang), None),
        (translate("export.generated", lang), header.generated.strftime("%d/%m/%Y %H:%M"), None),
    ]
    for row, (label, value, style) in enumerate(header_rows, start=1):
        cells.write(sheet, row, 0, label, styles["header_label"])
        _write_value(sheet, cells, row, 1, value, styles[style] if style else None)

    row = len(header_rows) + 2  # a blank row between the header block and the table
    sheet.merge_range(row, 0, row + 1, 0, "", styles["column"])
    for index, side_title in enumerate(side_titles(table, lang)):
        first = 1 + index * len(COLUMNS)
        sheet.merge_range(row, first, row, first + len(COLUMNS) - 1, "", styles["column"])
        cells.write(sheet, row, first, side_title, styles["column"])
        for offset, column_title in enumerate(column_titles(lang)):
            cells.write(sheet, row + 1, first + offset, column_title, styles["column"])
    sheet.set_row(row, 30)
    sheet.set_row(row + 1, 30)
    row += 2
    for model_row in model_rows(table, lang):
        if model_row.kind == SECTION:
            _section(sheet, cells, row, last, model_row.label, styles["section"])
            row += 1
            continue
        cells.write(sheet, row, 0, model_row.label, styles["label"])
        for index, side_cells in enumerate(model_row.cells):
            first = 1 + index * len(COLUMNS)
            if model_row.kind in MERGED_KINDS:
                sheet.merge_range(row, first, row, first + len(COLUMNS) - 1, "", styles[model_row.kind])
            for offset, value in enumerate(side_cells):
                _write_cell(sheet, cells, row, first + offset, model_row.kind, value, styles)
        row += 1

    cells.write(sheet, row + 1, 0, translate(received_note(table), lang), styles["note"])

    sheet.set_column(0, 0, 48)
    sheet.set_column(1, last, 14)
    workbook.close()
    return output.getvalue()


def _write_cell(
    sheet: Worksheet, cells: TextCells, row: int, column: int, kind: str, value: object, styles: dict[str, Any]
) -> None:
    """A cell of the model: a number in its kind's format, greyed where the model asks for nothing."""
    if value is GREYED:
        sheet.write_blank(row, column, None, styles["greyed"])
    elif value is None:  # a share without a base to compare with
        sheet.write_blank(row, column, None, styles[kind])
    elif isinstance(value, str):
        cells.write(sheet, row, column, value, styles[kind])
    elif kind == "share":
        sheet.write_number(row, column, float(value) / 100, styles[kind])  # type: ignore[arg-type]
    else:
        sheet.write_number(row, column, float(value), styles[kind])  # type: ignore[arg-type]


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
