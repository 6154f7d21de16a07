"""The audit document (kpi/exports/audit_document.py) laid out as a landscape A4 PDF with reportlab.

The cover on its own page, then each section from a new page, its blocks in the document's order; a footer
names the report, the client and the period on every page but the cover. reportlab's Paragraph reads its text
as markup, so every value is escaped: a name from the data prints as the text it is.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import (
    Flowable,
    HRFlowable,
    Image,
    KeepTogether,
    PageBreak,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Paragraph as PdfParagraph
from reportlab.platypus import Table as PdfTable

from kpi.exports.audit_document import (
    AuditDocument,
    Block,
    Chart,
    Findings,
    Paragraph,
    Table,
    audit_document,
    chart_images,
)
from kpi.exports.pdf import ACCENT, INK, MUTED, build_pdf, pdf_font, pdf_text

if TYPE_CHECKING:
    from kpi.analysis.audit import AuditReport

_SEVERITY_COLOURS = {"alert": colors.HexColor("#b71c1c"), "warning": colors.HexColor("#e65100"), "info": INK}
PAGE_SIZE = landscape(A4)
MARGIN = 1.5 * cm
PAGE_WIDTH = PAGE_SIZE[0] - 2 * MARGIN


def _widths(declared: list[float | None]) -> list[float]:
    """Column widths in points: the declared ones in centimetres, the others sharing what is left of the page."""
    fixed = sum(width for width in declared if width is not None) * cm
    shared = declared.count(None)
    rest = (PAGE_WIDTH - fixed) / shared if shared else 0
    return [rest if width is None else width * cm for width in declared]


class _Layout:
    """The PDF's styles and the flowables each kind of block becomes."""

    def __init__(self, images: dict[str, bytes]) -> None:
        self.images = images
        font = self.font = pdf_font()
        bold = f"{font}-Bold"
        self.body = ParagraphStyle("body", fontName=font, fontSize=8, leading=10, textColor=INK)
        self.reading = ParagraphStyle("reading", parent=self.body, fontSize=9.5, leading=12.5)
        self.small = ParagraphStyle("small", parent=self.body, fontSize=7, leading=8.5)
        self.muted = ParagraphStyle("muted", parent=self.small, textColor=MUTED)
        self.cover_title = ParagraphStyle("cover_title", fontName=bold, fontSize=28, leading=34, textColor=INK)
        self.cover_client = ParagraphStyle(
            "cover_client", fontName=bold, fontSize=18, leading=24, textColor=ACCENT, spaceBefore=10
        )
        self.cover_label = ParagraphStyle("cover_label", parent=self.reading, textColor=MUTED)
        self.cover_value = ParagraphStyle("cover_value", parent=self.reading, fontName=bold)
        self.h2 = ParagraphStyle(
            "h2", fontName=bold, fontSize=13, leading=16, spaceBefore=6, spaceAfter=6, textColor=INK
        )
        self.severities = {
            severity: ParagraphStyle(f"severity_{severity}", parent=self.reading, fontName=bold, textColor=colour)
            for severity, colour in _SEVERITY_COLOURS.items()
        }

    def paragraph(self, text: object, style: ParagraphStyle) -> Flowable:
        return PdfParagraph(pdf_text(text), style)

    def cover(self, document: AuditDocument) -> list[Flowable]:
        """Who it is for, the period, the mode, who wrote it and when."""
        story = [Spacer(1, 2.5 * cm), self.paragraph(document.cover.title, self.cover_title)]
        if document.cover.client:
            story.append(self.paragraph(document.cover.client, self.cover_client))
        story += [Spacer(1, 0.4 * cm), HRFlowable(width="100%", thickness=1.2, color=ACCENT), Spacer(1, 0.6 * cm)]
        cover = PdfTable(
            [
                [self.paragraph(label, self.cover_label), self.paragraph(value, self.cover_value)]
                for label, value in document.cover.rows
            ],
            colWidths=[6 * cm, PAGE_WIDTH - 6 * cm],
        )
        cover.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]))
        return [*story, cover, PageBreak()]

    def block(self, block: Block, first: bool) -> list[Flowable]:
        """What a block becomes on the page; a table after another block gets some air and its caption."""
        if isinstance(block, Findings):
            return self.findings(block)
        if isinstance(block, Paragraph):
            return [self.paragraph(block.text, self.body)]
        if isinstance(block, Chart):
            return self.chart(block)
        before: list[Flowable] = [] if first else [Spacer(1, 8)]
        if block.caption:
            before += [self.paragraph(block.caption, self.body), Spacer(1, 4)]
        return [*before, self.table(block)]

    def table(self, block: Table) -> Flowable:
        """The columns a reader sees (no spreadsheet detail), numbers aligned right, the header on every page."""
        style = self.body if block.prose else self.small
        right = ParagraphStyle("right", parent=style, alignment=2)
        shown = block.shown()
        columns = [block.columns[index] for index in shown]
        lines = [*block.rows, *([block.total] if block.total is not None else [])]
        data = [[self.paragraph(column.title, style) for column in columns]]
        data += [
            [
                self.paragraph(row[index].text, right if column.numeric else style)
                for index, column in zip(shown, columns)
            ]
            for row in lines
        ]
        result = PdfTable(data, colWidths=_widths([column.width_cm for column in columns]), repeatRows=1)
        result.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#c5ced8")),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef4")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        return result

    def findings(self, block: Findings) -> list[Flowable]:
        """Each finding kept on one page: its severity in colour, the sentence, its numbers under it."""
        if not block.items:
            return [self.paragraph(block.empty, self.reading)]
        line = TableStyle(
            [("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.HexColor("#d5dde5"))]
        )
        return [
            KeepTogether(
                [
                    PdfTable(
                        [
                            [
                                self.paragraph(item.label, self.severities[item.severity]),
                                [self.paragraph(item.text, self.reading), self.paragraph(item.numbers, self.muted)],
                            ]
                        ],
                        colWidths=[3 * cm, PAGE_WIDTH - 3 * cm],
                        style=line,
                    ),
                    Spacer(1, 4),
                ]
            )
            for item in block.items
        ]

    def chart(self, block: Chart) -> list[Flowable]:
        """The chart's picture at its width, under its title when it has one; nothing when it was not drawn."""
        if block.image not in self.images:
            return []
        data = self.images[block.image]
        pixels_wide, pixels_high = ImageReader(io.BytesIO(data)).getSize()
        width = block.width_cm * cm
        picture = Image(io.BytesIO(data), width=width, height=width * pixels_high / pixels_wide)
        if block.title is None:
            return [picture]
        return [Spacer(1, 8), KeepTogether([self.paragraph(block.title, self.h2), picture])]


def render_pdf(document: AuditDocument, images: dict[str, bytes]) -> bytes:
    """The document as PDF bytes; a chart whose image is not in `images` is left out."""
    layout = _Layout(images)
    story = layout.cover(document)
    for number, section in enumerate(document.sections):
        if number:
            story.append(PageBreak())
        story.append(layout.paragraph(section.title, layout.h2))
        for index, block in enumerate(section.blocks):
            story += layout.block(block, first=index == 0)

    author = document.author or "Encours"
    return build_pdf(story, PAGE_SIZE, MARGIN, document.title, document.footer, author=author, cover=True)


def audit_pdf(audit: AuditReport, images: dict[str, bytes] | None = None) -> bytes:
    """The audit report as PDF bytes, with the charts drawn unless `images` is given (`{}`: none)."""
    return render_pdf(audit_document(audit), chart_images(audit) if images is None else images)
