"""An Excel 97-2003 (.xls, BIFF8) sheet read as rows of cell texts, like an XLSX sheet (workbook.py).

Old accounting packages still export .xls.  python-calamine reads the format; its rows are streamed
and counted against the same limits as an XLSX sheet, and values come out as the text a user sees
(workbook.value_text): dates as ISO dates, numbers as typed.  The format itself bounds a sheet to
65 536 rows and 256 columns.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from python_calamine import CalamineError, CalamineWorkbook

from kpi.importers.limits import MAX_COLUMNS, MAX_SHEET_CELLS
from kpi.importers.workbook import TO_CSV, Sheet, WorkbookRefused, pick_sheet, value_text
from kpi.text.messages import Message


def read_legacy_sheet(path: Path, sheet: str | int | None) -> Sheet:
    """The sheet named or numbered (1-based) `sheet` of an .xls workbook, the first by default."""
    try:
        book = CalamineWorkbook.from_path(str(path))
        name = _pick(book.sheet_names, sheet)
        rows = book.get_sheet_by_name(name).iter_rows()
        return _read(name, rows)
    except WorkbookRefused:
        raise
    except (CalamineError, OSError, ValueError, IndexError, KeyError) as error:
        # A workbook encrypted by a password is an OLE2 file too, and calamine cannot open it.
        raise WorkbookRefused(Message("legacy_workbook.unreadable", reason=type(error).__name__)) from None


def _pick(names: list[str], sheet: str | int | None) -> str:
    """The sheet asked for, as in a workbook of today: an old workbook's sheets are all worksheets."""
    if not names:
        raise WorkbookRefused(Message("workbook.no_sheet"))
    return pick_sheet([(name, name) for name in names], sheet)[0]


def _read(name: str, rows) -> Sheet:
    numbers, kept, cells = [], [], 0
    for number, row in enumerate(rows, start=1):
        texts = [_text(value) for value in row]
        while texts and not texts[-1]:
            texts.pop()
        if not texts:
            continue  # rows without a value are not kept, as in an XLSX sheet
        if len(texts) > MAX_COLUMNS:
            raise WorkbookRefused(
                Message(
                    "legacy_workbook.too_many_columns", row=number, count=len(texts), limit=MAX_COLUMNS, then=TO_CSV
                )
            )
        cells += len(texts)
        if cells > MAX_SHEET_CELLS:
            raise WorkbookRefused(
                Message("legacy_workbook.too_many_cells", sheet=name, limit=MAX_SHEET_CELLS, then=TO_CSV)
            )
        numbers.append(number)
        kept.append(texts)
    return Sheet(name, numbers, kept)


def _text(value) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)  # calamine gives a whole float as an int
    if isinstance(value, dt.timedelta):  # a duration cell: as Excel shows it
        return str(value)
    if isinstance(value, dt.time):
        return value.isoformat()
    return value_text(value)
