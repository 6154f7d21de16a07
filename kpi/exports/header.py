"""What a downloaded file describes, written above its table so that a printed copy says what it is."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kpi.text.untrusted import WORKBOOK_OPTIONS, TextCells

# The media type of each file the product writes, by suffix: what a browser is told it downloads.
MIME_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
    "pdf": "application/pdf",
    "html": "text/html",
    "zip": "application/zip",
}


@dataclass(frozen=True)
class FileHeader:
    """The source read, the filters applied (already readable), the language and currency, and when."""

    source: str  # the workspace or the files read
    filters: tuple[str, ...] = ()  # e.g. "Clients : C2"
    lang: str = "fr"
    currency: str = "EUR"
    generated: datetime = field(default_factory=lambda: datetime.now().replace(microsecond=0))


def excel_money_format(currency: str) -> str:
    """Excel's number format for amounts in `currency`: stored locale-neutral, French Excel shows 1 234,56 €."""
    from kpi.text.formatting import CURRENCY_SYMBOLS

    symbol = CURRENCY_SYMBOLS.get(currency, currency)
    return f'#,##0.00\\ "{symbol}";-#,##0.00\\ "{symbol}";0.00\\ "{symbol}"'


def new_workbook() -> tuple[io.BytesIO, Any, TextCells]:
    """An in-memory xlsxwriter workbook that writes text inert (kpi/text/untrusted.py), with its buffer."""
    import xlsxwriter

    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True, **WORKBOOK_OPTIONS})
    return output, workbook, TextCells(workbook)


def table_styles(workbook: Any, cells: TextCells, currency: str) -> dict[str, Any]:
    """The formats a table file's header block, column titles, amounts, dates and total row share."""
    money = excel_money_format(currency)
    return {
        "title": cells.format({"bold": True, "font_size": 14}),
        "header_label": cells.format({"bold": True, "font_color": "#555555"}),
        "column": cells.format({"bold": True, "bg_color": "#e8eef7", "bottom": 1, "text_wrap": True, "valign": "top"}),
        "money": workbook.add_format({"num_format": money}),
        "date": workbook.add_format({"num_format": "dd/mm/yyyy"}),
        "total_label": cells.format({"bold": True, "top": 1}),
        "total": workbook.add_format({"bold": True, "top": 1, "num_format": money}),
    }
