"""What every PDF of Encours shares (the audit, the D441-6 table, statements and letters): the font, the inks,
the escaping of text for reportlab's Paragraph, and the document built with a footer on its pages.

Bitstream Vera ships with reportlab, so a PDF looks the same on every machine; the few characters it lacks
are replaced by their nearest equivalent (∑ for Σ: Vera has the n-ary sign, a symbol that reads the same in
every language). reportlab's Paragraph reads its text as markup, so `pdf_text` escapes every value: a name
from the data prints as the text it is.
"""

from __future__ import annotations

import html
import io
import os
from typing import TYPE_CHECKING, Any

from reportlab import __file__ as reportlab_file
from reportlab.lib import colors
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import SimpleDocTemplate

if TYPE_CHECKING:
    from reportlab.platypus import Flowable

_PDF_REPLACEMENTS = {"\u202f": "\u00a0", "Σ": "∑", "→": "->", "\u2011": "-"}
FONT = "EncoursVera"
_FACES = {"": "Vera.ttf", "-Bold": "VeraBd.ttf", "-Italic": "VeraIt.ttf", "-BoldItalic": "VeraBI.ttf"}
INK = colors.HexColor("#1d2733")
ACCENT = colors.HexColor("#1e88e5")
MUTED = colors.HexColor("#5b6773")


def pdf_font() -> str:
    """The font's name, registered once with its bold and italic faces as one family (a template's <b> and <i>
    then find their face)."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        fonts = os.path.join(os.path.dirname(reportlab_file), "fonts")
        for face, file in _FACES.items():
            pdfmetrics.registerFont(TTFont(f"{FONT}{face}", os.path.join(fonts, file)))
        pdfmetrics.registerFontFamily(
            FONT, normal=FONT, bold=f"{FONT}-Bold", italic=f"{FONT}-Italic", boldItalic=f"{FONT}-BoldItalic"
        )
    return FONT


def pdf_text(value: object) -> str:
    """A value as Paragraph text: the characters Vera lacks replaced, markup escaped."""
    text = str(value)
    for old, new in _PDF_REPLACEMENTS.items():
        text = text.replace(old, new)
    return html.escape(text)


def build_pdf(
    story: list[Flowable],
    page_size: tuple[float, float],
    margin: float,
    title: str,
    footer: str | None = None,
    *,
    author: str = "Encours",
    cover: bool = False,
) -> bytes:
    """The PDF bytes of `story` on pages of `page_size`; `footer` and the page number at the foot of every page
    (but the first when it is a `cover`)."""
    footer = None if footer is None else footer.replace("\u202f", "\u00a0")

    def page_footer(canvas: Any, page: Any) -> None:
        if footer is None or (cover and page.page == 1):
            return
        canvas.saveState()
        canvas.setFont(pdf_font(), 7)
        canvas.setFillColor(MUTED)
        canvas.drawString(margin, 0.9 * cm, footer)
        canvas.drawRightString(page_size[0] - margin, 0.9 * cm, str(page.page))
        canvas.restoreState()

    buffer = io.BytesIO()
    pdf = SimpleDocTemplate(
        buffer,
        pagesize=page_size,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
        title=title,
        author=author,
        creator="Encours",
    )
    pdf.build(story, onFirstPage=page_footer, onLaterPages=page_footer)
    return buffer.getvalue()
