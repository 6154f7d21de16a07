"""What a customer statement and a reminder letter share: the company's letterhead, and a portrait A4 PDF page.

reportlab's Paragraph reads its text as markup: `PdfPage.text` escapes a value from the data (a customer's
name prints as the text it is), `PdfPage.markup` takes text already escaped, as an autoescaped Jinja2
template renders it.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Sequence

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import Flowable, TableStyle
from reportlab.platypus import Paragraph as PdfParagraph
from reportlab.platypus import Table as PdfTable

from kpi.exports.pdf import INK, MUTED, build_pdf, pdf_font, pdf_text
from kpi.metrics.settings import CompanySettings
from kpi.text.formatting import label_colon
from kpi.text.i18n import translate

MARGIN = 1.8 * cm
PAGE_WIDTH = A4[0] - 2 * MARGIN
GRID = colors.HexColor("#c5ced8")
HEADING = colors.HexColor("#e8eef4")


def letterhead_lines(company: CompanySettings, lang: str) -> list[str]:
    """The company's name, address and contact, one line each; a reminder to enter them when there is no name."""
    if not company.name:
        return [translate("statement.no_company", lang)]
    said = label_colon(lang)
    contact = [
        f"{translate(f'statement.company.{field}', lang)}{said}{value}"
        for field, value in (("email", company.email), ("phone", company.phone))
        if value
    ]
    lines = [company.name, *company.address_lines]
    if contact:
        lines.append(" · ".join(contact))
    if company.siret:
        lines.append(f"{translate('statement.company.siret', lang)}{said}{company.siret}")
    return lines


def zip_files(files: Iterable[tuple[str, bytes]]) -> bytes:
    """Files (name, bytes) in one zip archive; a name given twice gets -2, -3… before its suffix."""
    buffer = io.BytesIO()
    seen: dict[str, int] = {}
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            count = seen[name] = seen.get(name, 0) + 1
            if count > 1:
                stem, dot, suffix = name.rpartition(".")
                name = f"{stem}-{count}.{suffix}" if dot else f"{name}-{count}"
            archive.writestr(name, data)
    return buffer.getvalue()


class PdfPage:
    """The styles of a portrait A4 page and the flowables a statement or a letter is made of."""

    def __init__(self) -> None:
        font = self.font = pdf_font()
        bold = f"{font}-Bold"
        self.body = ParagraphStyle("body", fontName=font, fontSize=9.5, leading=13, textColor=INK, spaceAfter=6)
        self.small = ParagraphStyle("small", parent=self.body, fontSize=7, leading=9, spaceAfter=0)
        self.right = ParagraphStyle("right", parent=self.small, alignment=2)
        self.muted = ParagraphStyle("muted", parent=self.small, textColor=MUTED)
        self.company = ParagraphStyle("company", parent=self.body, fontSize=9, leading=11.5, spaceAfter=0)
        self.title = ParagraphStyle("title", fontName=bold, fontSize=15, leading=19, textColor=INK, spaceAfter=8)
        self.heading = ParagraphStyle("heading", fontName=bold, fontSize=10.5, leading=14, textColor=INK, spaceBefore=8)
        self.strong = ParagraphStyle("strong", parent=self.body, fontName=bold)

    def text(self, value: object, style: ParagraphStyle | None = None) -> Flowable:
        """A value from the data or the catalogue, escaped."""
        return PdfParagraph(pdf_text(value), style or self.body)

    def markup(self, escaped: str, style: ParagraphStyle | None = None) -> Flowable:
        """Text already escaped (an autoescaped template's output), whose <b>, <i> and <br/> reportlab reads."""
        return PdfParagraph(escaped, style or self.body)

    def letterhead(self, company: CompanySettings, lang: str) -> list[Flowable]:
        lines = letterhead_lines(company, lang)
        style = self.company if company.name else self.muted
        return [
            self.text(lines[0], self.strong if company.name else style),
            *(self.text(line, style) for line in lines[1:]),
        ]

    def table(
        self,
        rows: Sequence[Sequence[object]],
        widths_cm: Sequence[float | None],
        numeric: Sequence[bool],
        *,
        titles: bool = True,
        bold_last: bool = False,
    ) -> Flowable:
        """Rows of text in a grid, numbers aligned right; with `titles`, the first row is the column titles, shaded
        and repeated on every page. A column without a width shares what the others leave."""
        fixed = sum(width for width in widths_cm if width is not None) * cm
        shared = max(list(widths_cm).count(None), 1)
        widths = [(PAGE_WIDTH - fixed) / shared if width is None else width * cm for width in widths_cm]
        body = rows[1:] if titles else rows
        data = [[self.text(cell, self.small) for cell in rows[0]]] if titles else []
        last = len(body) - 1 if bold_last else -1
        data += [
            [self.text(cell, self._cell(right, index == last)) for cell, right in zip(row, numeric)]
            for index, row in enumerate(body)
        ]
        table = PdfTable(data, colWidths=widths, repeatRows=1 if titles else 0)
        style = [("GRID", (0, 0), (-1, -1), 0.3, GRID), ("VALIGN", (0, 0), (-1, -1), "TOP")]
        if titles:
            style.append(("BACKGROUND", (0, 0), (-1, 0), HEADING))
        table.setStyle(TableStyle(style))
        return table

    def _cell(self, right: bool, bold: bool) -> ParagraphStyle:
        style = self.right if right else self.small
        return ParagraphStyle(f"{style.name}_bold", parent=style, fontName=f"{self.font}-Bold") if bold else style

    def build(self, story: list[Flowable], title: str, footer: str) -> bytes:
        """The PDF: the story on portrait A4 pages, `footer` and the page number at the foot of each."""
        return build_pdf(story, A4, MARGIN, title, footer)
