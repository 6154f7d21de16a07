"""Reading ledger exports into the canonical tables.

`read_files` is the one entry point: it takes any supported files and returns the
canonical ledger with an import report, or raises ImportFailed naming file, row and column.
"""

from __future__ import annotations

from kpi.importers.canonical import read_canonical_files
from kpi.importers.errors import ImportFailed, ImportIssue
from kpi.importers.report import FileReport, ImportReport, ImportResult


def read_files(paths, **options) -> ImportResult:
    """Read ledger files (for now: the canonical documents/settlements pair, CSV or Parquet)."""
    return read_canonical_files(paths)


__all__ = ["FileReport", "ImportFailed", "ImportIssue", "ImportReport", "ImportResult", "read_files"]
