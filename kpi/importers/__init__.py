"""Reading ledger exports into the canonical tables.

`read_files` is the one entry point: it takes any supported files (canonical pair, invoice lists,
payments files, FEC; CSV/TXT, XLSX or Parquet) and returns the canonical ledger with an import
report, or raises ImportFailed naming file, row and column.  `inspect_files` shows how files
would be read without importing them.
"""

from __future__ import annotations

from kpi.importers.errors import ImportFailed, ImportIssue
from kpi.importers.inspection import InspectResult, inspect_files
from kpi.importers.reading import read_files
from kpi.importers.report import FileReport, ImportReport, ImportResult

__all__ = [
    "FileReport", "ImportFailed", "ImportIssue", "ImportReport", "ImportResult", "InspectResult", "inspect_files",
    "read_files",
]
