"""Reading ledger exports into the canonical tables.

`read_files` is the one entry point: it takes any supported files (canonical pair, invoice lists,
payments files, FEC; CSV/TXT, XLSX or Parquet) and returns the canonical ledger with an import
report, or raises ImportFailed naming file, row and column.  `inspect_files` shows how files
would be read without importing them.

The names load on first use (PEP 562): a command that reads clean canonical files through DuckDB
(kpi/store/native.py) never pays for the Python readers and pandas.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kpi.importers.errors import ImportFailed as ImportFailed
    from kpi.importers.errors import ImportIssue as ImportIssue
    from kpi.importers.inspection import InspectResult as InspectResult
    from kpi.importers.inspection import inspect_files as inspect_files
    from kpi.importers.reading import read_files as read_files
    from kpi.importers.report import FileReport as FileReport
    from kpi.importers.report import ImportReport as ImportReport
    from kpi.importers.report import ImportResult as ImportResult

_HOMES = {
    "ImportFailed": "errors",
    "ImportIssue": "errors",
    "InspectResult": "inspection",
    "inspect_files": "inspection",
    "read_files": "reading",
    "FileReport": "report",
    "ImportReport": "report",
    "ImportResult": "report",
}
__all__ = sorted(_HOMES)


def __getattr__(name: str):
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"kpi.importers.{_HOMES[name]}"), name)
    globals()[name] = value  # once loaded, a plain attribute
    return value
