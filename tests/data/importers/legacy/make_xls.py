"""Writes factures_excel97.xls, a real Excel 97-2003 (BIFF8) invoice list, as old accounting packages export.

Run once with xlwt (not a project dependency: `pip install xlwt` in a scratch environment); the file is committed.
Dates are Excel date serials with a date format, amounts floats, codes numbers and text, one title row above
the header, as such exports often have.
"""

from datetime import date
from pathlib import Path

import xlwt

DATE_STYLE = xlwt.easyxf(num_format_str="DD/MM/YYYY")
MONEY_STYLE = xlwt.easyxf(num_format_str="#,##0.00")
HEADER = [
    "N° facture",
    "Code client",
    "Client",
    "Date facture",
    "Date échéance",
    "Montant TTC",
    "Date règlement",
    "Montant réglé",
]
MARTIN = (411001, "Boulangerie Martin")
ROWS = [
    ("F-2026-001", *MARTIN, date(2026, 1, 15), date(2026, 2, 14), 1200.0, date(2026, 2, 10), 1200.0),
    ("F-2026-002", 411002, "Café du Port", date(2026, 1, 20), date(2026, 2, 19), 845.5, None, None),
    ("F-2026-003", *MARTIN, date(2026, 2, 3), date(2026, 3, 5), 2310.4, date(2026, 3, 20), 1000.0),
    ("F-2026-004", "C-ZEN", "Zénith Événements", date(2026, 3, 1), date(2026, 3, 31), 10.1, None, None),
]


def write_list(name: str, typed: dict[tuple[int, int], str] | None = None) -> None:
    """The invoice list under `name`, with the cells of `typed` (sheet row, column) replaced by text."""
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Factures")
    sheet.write(0, 0, "Export clients au 31/03/2026")
    for column, title in enumerate(HEADER):
        sheet.write(1, column, title)
    for r, row in enumerate(ROWS, start=2):
        for c, value in enumerate(row):
            if value is None:
                continue
            value = (typed or {}).get((r, c), value)
            style = DATE_STYLE if isinstance(value, date) else MONEY_STYLE if isinstance(value, float) else None
            sheet.write(r, c, value, style) if style else sheet.write(r, c, value)
    book.save(str(Path(__file__).with_name(name)))


write_list("factures_excel97.xls")
# The same list with a text amount Excel shows as typed: the refusal must name Excel's row 4.
write_list("factures_excel97_bad_amount.xls", typed={(3, 5): "845,5O"})
