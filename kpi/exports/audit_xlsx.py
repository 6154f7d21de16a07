"""The audit document (kpi/exports/audit_document.py) written as an XLSX workbook, one sheet per section.

Numbers stay numbers (money with two decimals, a change signed, a rate's change in points) so the client can
recompute; every column is written, the spreadsheet's details (ids, units, risk points) included; a chart is
written as its data. Text from the data never becomes a formula or a link (kpi/text/untrusted.py).
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import xlsxwriter

from kpi.exports.audit_document import AuditDocument, Block, Cell, Chart, Findings, Paragraph, Table, audit_document
from kpi.text.untrusted import WORKBOOK_OPTIONS, TextCells

if TYPE_CHECKING:
    from xlsxwriter.format import Format
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet

    from kpi.analysis.audit import AuditReport

COVER_WIDTHS = (24, 70)


class _Styles:
    """The workbook's formats: text ones through TextCells (so a text reading as a formula can be quoted)."""

    def __init__(self, workbook: Workbook, cells: TextCells, points: str) -> None:
        self.bold = cells.format({"bold": True})
        self.title = cells.format({"bold": True, "font_size": 14})
        self.header = cells.format({"bold": True, "bg_color": "#e8eef4", "text_wrap": True, "valign": "top"})
        self.wrap = cells.format({"text_wrap": True, "valign": "top"})
        money = "#,##0.00"
        self.numbers: dict[str, Format | None] = {
            "money": workbook.add_format({"num_format": money}),
            "ratio": workbook.add_format({"num_format": "0.00"}),  # € per €: 0,32 must not read 0,3
            "days": workbook.add_format({"num_format": "0.0"}),
            "percent": workbook.add_format({"num_format": "0.0"}),
        }
        self.totals: dict[str, Format | None] = {"money": workbook.add_format({"num_format": money, "bold": True})}
        # A change keeps its sign, and a rate's change reads in points (the separators follow Excel's locale).
        self.changes: dict[str, Format | None] = {
            "money": workbook.add_format({"num_format": "+#,##0.00;-#,##0.00;0.00"}),
            "days": workbook.add_format({"num_format": "+0.0;-0.0;0.0"}),
            "percent": workbook.add_format({"num_format": f'+0.0" {points}";-0.0" {points}";0.0" {points}"'}),
            "ratio": workbook.add_format({"num_format": "+0.00;-0.00;0.00"}),
        }


class _Writer:
    """Writes the document's blocks one under the other, a blank row between two, from the third row of a sheet."""

    def __init__(self, workbook: Workbook, document: AuditDocument) -> None:
        self.workbook = workbook
        self.cells = TextCells(workbook)
        self.styles = _Styles(workbook, self.cells, document.points)

    def sheet(self, name: str, heading: str) -> Worksheet:
        worksheet = self.workbook.add_worksheet(name)
        self.cells.write(worksheet, 0, 0, heading, self.styles.title)
        return worksheet

    def cell(self, worksheet: Worksheet, row: int, column: int, cell: Cell, *, wrap: bool, total: bool) -> None:
        styles = self.styles
        if isinstance(cell.value, str):
            self.cells.write(
                worksheet, row, column, cell.value, styles.bold if total else styles.wrap if wrap else None
            )
        elif cell.value is None:
            worksheet.write_blank(row, column, None)
        else:
            formats = styles.changes if cell.change else styles.totals if total else styles.numbers
            number_format = formats.get(cell.unit, styles.numbers.get(cell.unit))
            worksheet.write_number(row, column, float(cell.value), number_format)

    def table(self, worksheet: Worksheet, row: int, table: Table) -> int:
        """The table's caption (when it has one) on `row` and its header under it, else its header on `row`;
        returns the last row written."""
        if table.caption:
            self.cells.write(worksheet, row, 0, table.caption, self.styles.bold)
            row += 1
        self.cells.write_row(worksheet, row, 0, [column.title for column in table.columns], self.styles.header)
        lines = [(values, False) for values in table.rows]
        if table.total is not None:
            lines.append((table.total, True))
        for values, total in lines:
            row += 1
            for column, (cell, spec) in enumerate(zip(values, table.columns, strict=True)):
                self.cell(worksheet, row, column, cell, wrap=spec.wrap, total=total)
        return row

    def findings(self, worksheet: Worksheet, row: int, findings: Findings) -> int:
        if not findings.items:
            self.cells.write(worksheet, row, 0, findings.empty)
            return row
        rows = tuple(
            (Cell(item.label, item.label), Cell(item.text, item.text), Cell(item.numbers, item.numbers))
            for item in findings.items
        )
        return self.table(worksheet, row, Table(findings.columns, rows))

    def widths(self, worksheet: Worksheet, tables: list[Table]) -> None:
        """Each column's width as its tables declare it (a later table's over an earlier one's)."""
        for table in tables:
            for index, column in enumerate(table.columns):
                if column.width_chars is not None:
                    worksheet.set_column(index, index, column.width_chars)


def _caption(block: Block) -> str | None:
    """What a block writes above its header: a table's caption, a chart's title."""
    if isinstance(block, Table):
        return block.caption
    return block.title if isinstance(block, Chart) else None


def render_xlsx(document: AuditDocument) -> bytes:
    """The document as an XLSX workbook: the cover, then a sheet per section in the document's order."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, **WORKBOOK_OPTIONS})
    writer = _Writer(workbook, document)
    cells, styles = writer.cells, writer.styles

    cover = writer.sheet(document.cover.sheet, document.cover.heading)
    cells.write(cover, 1, 0, document.cover.title, styles.bold)
    for index, (label, value) in enumerate(document.cover.rows, start=3):
        cells.write(cover, index, 0, label, styles.bold)
        cells.write(cover, index, 1, value)
    for index, width in enumerate(COVER_WIDTHS):
        cover.set_column(index, index, width)

    for section in document.sections:
        worksheet = writer.sheet(section.sheet, section.title)
        # A chart without data has nothing to write here: the table that follows holds its figures.
        blocks = [block for block in section.blocks if not (isinstance(block, Chart) and block.data is None)]
        # The first table's header on the third row, its caption (if any) above it; a blank row between blocks.
        row = 1 if blocks and _caption(blocks[0]) else 2
        tables: list[Table] = []
        for block in blocks:
            if isinstance(block, Table):
                row = writer.table(worksheet, row, block) + 2
                tables.append(block)
            elif isinstance(block, Findings):
                row = writer.findings(worksheet, row, block) + 2
                tables.append(Table(block.columns, ()))
            elif isinstance(block, Chart) and block.data is not None:  # its data, under its title
                row = writer.table(worksheet, row, Table(block.data.columns, block.data.rows, caption=block.title)) + 2
            elif isinstance(block, Paragraph):
                cells.write(worksheet, row, 0, block.text)
                row += 2
        writer.widths(worksheet, tables)
    workbook.close()
    return buffer.getvalue()


def audit_xlsx(audit: AuditReport) -> bytes:
    """The audit report as an XLSX workbook."""
    return render_xlsx(audit_document(audit))
