"""Writes factures_excel97.xls, a real Excel 97-2003 (BIFF8) invoice list, as old accounting packages export.

Run once with xlwt (not a project dependency: `pip install xlwt` in a scratch environment); the file is committed.
Dates are Excel date serials with a date format, amounts floats, codes numbers and text, one title row above
the header, as such exports often have.
"""

import datetime as dt
from pathlib import Path

import xlwt

book = xlwt.Workbook(encoding="utf-8")
sheet = book.add_sheet("Factures")
date_style = xlwt.easyxf(num_format_str="DD/MM/YYYY")
money_style = xlwt.easyxf(num_format_str="#,##0.00")
sheet.write(0, 0, "Export clients au 31/03/2026")
header = [
    "N° facture",
    "Code client",
    "Client",
    "Date facture",
    "Date échéance",
    "Montant TTC",
    "Date règlement",
    "Montant réglé",
]
for column, name in enumerate(header):
    sheet.write(1, column, name)
rows = [
    (
        "F-2026-001",
        411001,
        "Boulangerie Martin",
        dt.date(2026, 1, 15),
        dt.date(2026, 2, 14),
        1200.0,
        dt.date(2026, 2, 10),
        1200.0,
    ),
    ("F-2026-002", 411002, "Café du Port", dt.date(2026, 1, 20), dt.date(2026, 2, 19), 845.5, None, None),
    (
        "F-2026-003",
        411001,
        "Boulangerie Martin",
        dt.date(2026, 2, 3),
        dt.date(2026, 3, 5),
        2310.4,
        dt.date(2026, 3, 20),
        1000.0,
    ),
    ("F-2026-004", "C-ZEN", "Zénith Événements", dt.date(2026, 3, 1), dt.date(2026, 3, 31), 10.1, None, None),
]
for r, row in enumerate(rows, start=2):
    for c, value in enumerate(row):
        if value is None:
            continue
        style = date_style if isinstance(value, dt.date) else money_style if isinstance(value, float) else None
        sheet.write(r, c, value, style) if style else sheet.write(r, c, value)
book.save(str(Path(__file__).with_name("factures_excel97.xls")))

# The same list with a text amount Excel shows as typed: the refusal must name Excel's row 4.
bad = xlwt.Workbook(encoding="utf-8")
sheet = bad.add_sheet("Factures")
sheet.write(0, 0, "Export clients au 31/03/2026")
for column, name in enumerate(header):
    sheet.write(1, column, name)
for r, row in enumerate(rows, start=2):
    for c, value in enumerate(row):
        if value is None:
            continue
        if (r, c) == (3, 5):
            value = "845,5O"
        style = date_style if isinstance(value, dt.date) else money_style if isinstance(value, float) else None
        sheet.write(r, c, value, style) if style else sheet.write(r, c, value)
bad.save(str(Path(__file__).with_name("factures_excel97_bad_amount.xls")))
