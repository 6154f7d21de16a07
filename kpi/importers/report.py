"""The import report: what each file held and what was kept, totals reconciled."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from kpi.canonical import CanonicalLedger
from kpi.importers.errors import ImportIssue


@dataclass(frozen=True)
class FileReport:
    file: str
    layout: str
    rows_read: int
    rows_imported: int
    amount_in_file: Decimal
    amount_imported: Decimal
    details: dict = field(default_factory=dict)

    @property
    def reconciled(self) -> bool:
        return self.amount_in_file == self.amount_imported


@dataclass(frozen=True)
class ImportReport:
    files: tuple[FileReport, ...]
    warnings: tuple[ImportIssue, ...] = ()


@dataclass(frozen=True)
class ImportResult:
    ledger: CanonicalLedger
    report: ImportReport
