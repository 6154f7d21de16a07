"""Typed columns read from a mapped table, each bad value reported with its row, column and what was expected."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kpi.importers.amounts import AmountError, column_decimal_mark, parse_amounts, typed_amounts, typed_decimal_mark
from kpi.importers.dates import DateError, DateFormats, decide_day_order, parse_dates, typed_dates
from kpi.importers.errors import ImportIssue
from kpi.importers.headers import AMOUNT_FIELDS
from kpi.importers.mapping import DATE_FIELDS, ColumnMapping
from kpi.importers.tables import TextTable

FIELD_LABELS = {
    "document_id": "numéro de facture",
    "customer_id": "code client",
    "customer_name": "nom du client",
    "activity": "activité",
    "issue_date": "date de facture",
    "due_date": "date d'échéance",
    "amount": "montant TTC",
    "paid_date": "date de règlement",
    "paid_amount": "montant réglé",
    "currency": "devise",
    "settlement_id": "référence du règlement",
    "date": "date du règlement",
    "kind": "type de règlement (cash, writeoff ou credit)",
    "source_document_id": "avoir imputé",
    "applies_to": "facture d'origine de l'avoir",
    # Collection-activity logs (kpi/importers/activity.py).
    "disputed": "litige (oui/non)", "opened_date": "date d'ouverture du litige",
    "resolved_date": "date de résolution du litige", "disputed_amount": "montant en litige", "reason": "motif",
    "reminder_date": "date de la relance", "channel": "canal de relance", "stage": "niveau de relance",
    "cost": "coût", "plan_id": "numéro d'échéancier", "installment_amount": "montant de l'échéance",
    "cost_date": "date du frais", "cost_amount": "montant du frais", "category": "catégorie de frais",
}


class FieldReader:
    """Reads the fields of one mapped table; every problem found is appended to `issues`."""

    def __init__(self, table: TextTable, mapping: ColumnMapping, issues: list[ImportIssue], *,
                 dayfirst: bool | None = None, decimal: str | None = None):
        self.table = table
        self.mapping = mapping
        self.issues = issues
        self.start = len(issues)  # problems found from here on are this file's
        self.ambiguous_dates = False  # True when only the other files of the import can tell day from month
        self.decimal = decimal or mapping.options.get("decimal") or self._file_decimal_mark()
        self.date_formats = self._day_order(dayfirst if dayfirst is not None else mapping.options.get("dayfirst"))

    def _issue(self, message: str, index: int | None = None, header: str | None = None, value=None) -> None:
        row = self.table.row_of(index) if index is not None else None
        self.issues.append(ImportIssue(self.table.file, message, row, header, value))

    def _file_decimal_mark(self) -> str | None:
        marks = set()
        for name in AMOUNT_FIELDS:
            header = self.mapping.header(name)
            if header:
                typed = self._typed(header, dates=False)
                marks.add(typed_decimal_mark(typed) if typed is not None else column_decimal_mark(self.table.column(header)))
        marks.discard(None)
        marks.discard("mixed")
        return marks.pop() if len(marks) == 1 else self.table.default_decimal

    def _day_order(self, dayfirst: bool | None) -> DateFormats | None:
        # Typed date columns are written year first: they say nothing about the day/month order.
        columns = {h: self.table.column(h) for f in DATE_FIELDS
                   if (h := self.mapping.header(f)) and self._typed(h, dates=True) is None}
        try:
            return decide_day_order(columns, dayfirst)
        except DateError as error:
            self.ambiguous_dates = error.ambiguous
            self._issue(error.reason, error.index, error.column, error.value)
            return None

    def _typed(self, header: str, *, dates: bool) -> pa.Array | None:
        """The Parquet column's typed values when they are dates (or numbers) as wanted."""
        values = self.table.typed_column(header)
        if values is None or pa.types.is_date32(values.type) != dates:
            return None
        return values

    def text(self, name: str) -> pa.Array | None:
        header = self.mapping.header(name)
        return self.table.column(header) if header else None

    def required_text(self, name: str) -> pa.Array | None:
        values = self.text(name)
        if values is not None:
            self._require_filled(name, values)
        return values

    def _require_filled(self, name: str, values: pa.Array) -> None:
        missing = pc.indices_nonzero(pc.equal(values, ""))
        if len(missing):
            index = missing[0].as_py()
            count = len(missing)
            more = f" ({count} lignes dans ce cas)" if count > 1 else ""
            self._issue(f"{FIELD_LABELS[name]} manquant(e){more}", index, self.mapping.header(name), "")

    def amounts(self, name: str, required: bool) -> pa.Array | None:
        header = self.mapping.header(name)
        if header is None:
            return None
        raw = self.table.column(header)
        typed = self._typed(header, dates=False)
        read = typed_amounts(typed, self.decimal) if typed is not None else None
        try:
            values = read.values if read is not None else parse_amounts(raw, self.decimal).values
        except AmountError as error:
            self._issue(error.reason, error.index, header, error.value)
            return None
        if required:
            self._require_filled(name, raw)
        return values

    def dates(self, name: str, required: bool) -> pa.Array | None:
        header = self.mapping.header(name)
        if header is None or self.date_formats is None:
            return None
        raw = self.table.column(header)
        typed = self._typed(header, dates=True)
        read = typed_dates(typed) if typed is not None else None
        try:
            values = read if read is not None else parse_dates(header, raw, self.date_formats)
        except DateError as error:
            self._issue(error.reason, error.index, header, error.value)
            return None
        if required:
            self._require_filled(name, raw)
        return values

    def rows(self) -> pa.Array:
        return pa.array(self.table.rows, pa.int64())

    def first_index(self, mask: pa.Array | np.ndarray) -> int | None:
        indices = np.flatnonzero(np.asarray(mask))
        return int(indices[0]) if len(indices) else None
