"""Text that came from the user's files, kept inert wherever it is written: a spreadsheet cell or Markdown.

Customer names and ids, activities, document ids, file names and import messages are data.
A spreadsheet must never read them as a formula (OWASP "CSV injection": a cell starting with
`=`, `+`, `-`, `@`, a tab or a carriage return is evaluated by Excel and LibreOffice), and
the app's Markdown must never read them as a link, an image or HTML.

- CSV: `spreadsheet_text` puts an apostrophe in front of such a text cell (OWASP's advice).
  Only text is neutralised: a writer passes numbers (a negative amount starts with `-`)
  through its number formatter and never through this function, so they stay numbers.
- XLSX: `WORKBOOK_OPTIONS` stops xlsxwriter's `write()` from turning strings into formulas,
  links or numbers, and `TextCells` writes text with `write_string`; a text that would read
  as a formula also gets Excel's own quote prefix, so editing the cell keeps it text.
- Markdown (Streamlit's titles, captions, labels, messages): `markdown_text` escapes every
  ASCII punctuation character, which CommonMark reads back as itself, and folds line breaks,
  so no value can open a link, an image, HTML, emphasis, a heading, a list or a directive.
  Escapes do not stop GFM's autolinks, which Streamlit finds in the text once escapes are
  read (`http://…`, `www.…`, `name@host.tld`), nor its `:emoji:` and `:material/…:` codes:
  an invisible WORD JOINER (U+2060) goes before every `:` and `@` and inside `www.`, so
  the text reads the same and no link or icon is made of it.
"""

from __future__ import annotations

import re
import string
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from xlsxwriter.format import Format
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# xlsxwriter's defaults turn "=..." into a formula and "http://..." into a hyperlink in write().
WORKBOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}

_MARKDOWN_SIGNIFICANT = re.compile("([" + re.escape(string.punctuation) + "])")
_LINE_BREAKS_AND_CONTROLS = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]+")
_AUTOLINK_JOINTS = re.compile(r"[:@]|(?<=www)(?=\.)", re.IGNORECASE)
WORD_JOINER = "\u2060"


def reads_as_formula(text: str) -> bool:
    """Whether a spreadsheet would evaluate this text typed into a cell."""
    return text.startswith(FORMULA_TRIGGERS)


def spreadsheet_text(value):
    """A text cell for CSV: an apostrophe in front when a spreadsheet would read a formula.

    Anything that is not a str (a number, a date, None) is returned unchanged: only text
    from the data is neutralised, never a number.
    """
    if isinstance(value, str) and reads_as_formula(value):
        return "'" + value
    return value


def markdown_text(value) -> str:
    """A value written into Streamlit Markdown so that it reads exactly as itself, on one line."""
    text = _LINE_BREAKS_AND_CONTROLS.sub(" ", str(value))
    text = _AUTOLINK_JOINTS.sub(lambda joint: WORD_JOINER + joint.group(0), text)
    return _MARKDOWN_SIGNIFICANT.sub(r"\\\1", text)


class TextCells:
    """Writes text into an xlsxwriter workbook as strings, never as formulas or links.

    Text formats are made here (`format(...)`), so that a text reading as a formula can be
    written with the same look plus Excel's quote prefix.
    """

    def __init__(self, workbook: Workbook):
        self._workbook = workbook
        self._properties: dict[int, dict] = {}
        self._quoted: dict[int | None, Format] = {}

    def format(self, properties: dict) -> Format:
        made = self._workbook.add_format(properties)
        self._properties[id(made)] = dict(properties)
        return made

    def write(self, sheet: Worksheet, row: int, column: int, value, cell_format: Format | None = None) -> None:
        text = "" if value is None else str(value)
        if reads_as_formula(text):
            cell_format = self._quoted_variant(cell_format)
        if text:
            sheet.write_string(row, column, text, cell_format)
        else:
            sheet.write_blank(row, column, None, cell_format)

    def write_row(
        self, sheet: Worksheet, row: int, first_column: int, values, cell_format: Format | None = None
    ) -> None:
        for offset, value in enumerate(values):
            self.write(sheet, row, first_column + offset, value, cell_format)

    def _quoted_variant(self, cell_format: Format | None) -> Format:
        key = None if cell_format is None else id(cell_format)
        if key not in self._quoted:
            if key is not None and key not in self._properties:
                raise ValueError("a text format must be made with TextCells.format() to be quoted")
            properties = {} if key is None else self._properties[key]
            self._quoted[key] = self._workbook.add_format({**properties, "quote_prefix": True})
        return self._quoted[key]
