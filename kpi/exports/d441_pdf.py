"""The D441-6 payment-delay table as a landscape A4 PDF in the decree's model layout, with reportlab.

The same rows as the workbook (kpi/exports/d441.py's `model_rows`): the sides beside each other under their
titles, (A), (B) and (C), the cells the model greys out greyed. reportlab's Paragraph reads its text as
markup, so every value is escaped as kpi/exports/audit_pdf.py does: a name prints as the text it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, Spacer, TableStyle
from reportlab.platypus import Table as PdfTable

from kpi.exports.d441 import (
    GREYED,
    MERGED_KINDS,
    SECTION,
    TICKED,
    UNTICKED,
    cell_text,
    column_titles,
    model_rows,
    received_note,
    side_titles,
)
from kpi.exports.pdf import INK, MUTED, build_pdf, pdf_font, pdf_text
from kpi.metrics.d441 import COLUMNS
from kpi.text.formatting import format_date, format_value, label_colon
from kpi.text.i18n import translate

if TYPE_CHECKING:
    from kpi.exports.header import FileHeader
    from kpi.metrics.d441 import D441Table

MARGIN = 1 * cm
PAGE_SIZE = landscape(A4)
LABEL_WIDTH = 4.6 * cm
HEADING = colors.HexColor("#e8eef7")
SECTION_FILL = colors.HexColor("#f2f2f2")
GREY = colors.HexColor("#bfbfbf")
# (C)'s boxes: Vera, the PDF's font, has neither ☒ nor ☐ (they would print as empty glyphs).
BOXES = str.maketrans({TICKED: "[X]", UNTICKED: "[ ]"})


def d441_pdf(table: D441Table, header: FileHeader) -> bytes:
    """The PDF: the title, the closing date, fiscal year and bases of the shares, then the model table."""
    lang = header.lang
    font = pdf_font()
    body = ParagraphStyle("d441_body", fontName=font, fontSize=6.5, leading=8, textColor=INK)
    bold = ParagraphStyle("d441_bold", parent=body, fontName=f"{font}-Bold")
    centred = ParagraphStyle("d441_centred", parent=bold, alignment=1, fontSize=6, leading=7.5)
    figure = ParagraphStyle("d441_figure", parent=body, alignment=2)
    title_style = ParagraphStyle("d441_title", fontName=f"{font}-Bold", fontSize=12, leading=15, textColor=INK)
    note = ParagraphStyle("d441_note", parent=body, fontSize=7, leading=9, textColor=MUTED)

    def cell(text: object, style: ParagraphStyle = body) -> Paragraph:
        return Paragraph(pdf_text(str(text).translate(BOXES)), style)

    said = label_colon(lang)
    facts = [
        f"{translate('d441.closing', lang)}{said}{format_date(table.closing, lang)}",
        f"{translate('d441.fiscal_start', lang)}{said}{format_date(table.fiscal_start, lang)}",
        f"{translate('matching.label', lang)}{said}{translate(f'matching.{table.matching}', lang)}",
    ]
    if table.received is not None:
        facts.append(f"{translate('d441.purchases', lang)}{said}{format_value(table.received.sales, 'money', lang)}")
    facts.append(f"{translate('d441.sales', lang)}{said}{format_value(table.issued.sales, 'money', lang)}")
    facts += list(header.filters)

    sides = table.sides()
    width = len(COLUMNS)
    data: list[list[object]] = [
        [cell("")] + [x for title in side_titles(table, lang) for x in [cell(title, centred)] + [""] * (width - 1)],
        [cell("")] + [cell(title, centred) for _ in sides for title in column_titles(lang)],
    ]
    style: list[tuple] = [
        ("GRID", (0, 0), (-1, -1), 0.5, INK),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BACKGROUND", (0, 0), (-1, 1), HEADING),
        ("SPAN", (0, 0), (0, 1)),
        *(("SPAN", (1 + i * width, 0), (width + i * width, 0)) for i in range(len(sides))),
    ]
    for row in model_rows(table, lang):
        at = len(data)
        if row.kind == SECTION:
            data.append([cell(row.label, bold)] + [""] * (width * len(sides)))
            style += [("SPAN", (0, at), (-1, at)), ("BACKGROUND", (0, at), (-1, at), SECTION_FILL)]
            continue
        line: list[object] = [cell(row.label)]
        for index, side_cells in enumerate(row.cells):
            first = 1 + index * width
            for offset, value in enumerate(side_cells):
                if value is GREYED:
                    style.append(("BACKGROUND", (first + offset, at), (first + offset, at), GREY))
                line.append(cell(cell_text(row.kind, value, lang), body if row.kind == "terms" else figure))
            if row.kind in MERGED_KINDS:
                line += [""] * (width - 1)
                style.append(("SPAN", (first, at), (first + width - 1, at)))
        data.append(line)

    available = PAGE_SIZE[0] - 2 * MARGIN - LABEL_WIDTH
    grid = PdfTable(data, colWidths=[LABEL_WIDTH] + [available / (width * len(sides))] * (width * len(sides)))
    grid.setStyle(TableStyle(style))

    title = translate("d441.title_sides" if table.received is not None else "d441.title", lang)
    generated = translate(
        "d441.pdf_generated", lang, generated=header.generated.strftime("%d/%m/%Y %H:%M"), source=header.source
    )
    story = [
        Paragraph(pdf_text(title), title_style),
        Spacer(1, 4),
        Paragraph(pdf_text(" · ".join(facts)), note),
        Spacer(1, 8),
        grid,
        Spacer(1, 6),
        Paragraph(pdf_text(translate(received_note(table), lang)), note),
        Paragraph(pdf_text(generated), note),
    ]
    return build_pdf(story, PAGE_SIZE, MARGIN, title)
