"""Typed columns read from a mapped table, each bad value reported with its row, column and what was expected."""

from __future__ import annotations

import copy
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kpi.importers.amounts import (
    DEFAULT_CURRENCY,
    AmountError,
    column_decimal_mark,
    parse_amounts,
    typed_amounts,
    typed_decimal_mark,
)
from kpi.importers.dates import (
    DateColumn,
    DateError,
    DateFormats,
    decide_day_order,
    implausible_short_years,
    read_dates,
    typed_dates,
)
from kpi.importers.errors import ImportIssue
from kpi.importers.headers import AMOUNT_FIELDS, FIELD_LABELS
from kpi.importers.mapping import DATE_FIELDS, ColumnMapping
from kpi.importers.tables import TextTable
from kpi.text.messages import Message

# The largest sum the ledger's money type DECIMAL(18,2) holds: a file whose amounts add up beyond it
# (in absolute value) could not be summed by any report, so it is refused when read.
MAX_TOTAL = Decimal("9999999999999999.99")
CURRENCY_NAMES = {"€": "EUR", "EURO": "EUR", "EUROS": "EUR"}


def money_total_issue(values: pa.Array, what: Message | str, cited: Message | str = "") -> Message | None:
    """The message when Σ |values| exceeds MAX_TOTAL, else None; `what` names the values, `cited` the row named."""
    if not len(values) or values.null_count == len(values):
        return None
    total = pc.sum(pc.abs(values)).as_py()
    if total is None or total <= MAX_TOTAL:
        return None
    return Message("amount.total_out_of_range", what=what, total=total, limit=MAX_TOTAL, cited=cited)


class FieldReader:
    """Reads the fields of one mapped table; every problem found is appended to `issues`."""

    def __init__(
        self,
        table: TextTable,
        mapping: ColumnMapping,
        issues: list[ImportIssue],
        *,
        dayfirst: bool | None = None,
        decimal: str | None = None,
        currency: str | None = None,
    ):
        self.table = table
        self.mapping = mapping
        self.issues = issues
        self.start = len(issues)  # problems found from here on are this file's
        self.ambiguous_dates = False  # True when only the other files of the import can tell day from month
        self.decimal = decimal or mapping.options.get("decimal") or self._file_decimal_mark()
        self.date_formats = self._day_order(dayfirst if dayfirst is not None else mapping.options.get("dayfirst"))
        self.currency = self._amount_currency(currency or mapping.options.get("currency"))
        # header -> (text when a year has two digits, parsed), for the year check once every date is read
        self.read_dates: dict[str, tuple[pa.Array | None, DateColumn]] = {}

    def issue(
        self,
        message: Message,
        index: int | None = None,
        header: str | None = None,
        value=None,
        remedy: str | None = None,
    ) -> None:
        """An issue of this file, at the data row of position `index` when given."""
        row = self.table.row_of(index) if index is not None else None
        self.issues.append(ImportIssue(self.table.file, message, row, header, value, remedy=remedy))

    def refuse(self, issues: list[ImportIssue]) -> bool:
        """Add `issues` to the file's; whether there were any (the file is then read no further)."""
        self.issues.extend(issues)
        return bool(issues)

    def _amount_currency(self, workspace: str | None) -> str:
        """The currency a sign in an amount may name: the file's own currency column when it holds one
        currency, else the workspace's, else EUR."""
        header = self.mapping.header("currency")
        if header is not None:
            values = self.table.column(header)
            named = pc.unique(pc.utf8_upper(values.filter(pc.not_equal(values, "")))).to_pylist()
            if len(named) == 1:
                return CURRENCY_NAMES.get(named[0], named[0])
        return (workspace or DEFAULT_CURRENCY).upper()

    def filtered(self, keep: np.ndarray) -> FieldReader:
        """The same reader over the rows where `keep` is true (the day order and decimal mark stay the file's)."""
        reader = copy.copy(self)  # sharing `issues`: what it finds is this file's
        reader.table = self.table.filter(pa.array(keep))
        reader.read_dates = {}
        return reader

    def _file_decimal_mark(self) -> str | None:
        marks = set()
        for name in AMOUNT_FIELDS:
            header = self.mapping.header(name)
            if header:
                typed = self._typed(header, dates=False)
                marks.add(
                    typed_decimal_mark(typed) if typed is not None else column_decimal_mark(self.table.column(header))
                )
        marks.discard(None)
        marks.discard("mixed")
        return marks.pop() if len(marks) == 1 else self.table.default_decimal

    def _day_order(self, dayfirst: bool | None) -> DateFormats | None:
        # Typed date columns are written year first: they say nothing about the day/month order.
        columns = {
            h: self.table.column(h)
            for f in DATE_FIELDS
            if (h := self.mapping.header(f)) and self._typed(h, dates=True) is None
        }
        try:
            return decide_day_order(columns, dayfirst)
        except DateError as error:
            self.ambiguous_dates = error.ambiguous
            self.issue(error.reason, error.index, error.column, error.value, error.remedy)
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
            more = Message("rows.in_this_case", count=count) if count > 1 else ""
            self.issue(
                Message("field.missing", field=FIELD_LABELS[name], more=more), index, self.mapping.header(name), ""
            )

    def money(self, header: str) -> pa.Array:
        """The column's amounts as decimal128(18,2); raises AmountError on the first that is not money."""
        typed = self._typed(header, dates=False)
        read = typed_amounts(typed, self.decimal) if typed is not None else None
        return (
            read.values
            if read is not None
            else parse_amounts(self.table.column(header), self.decimal, self.currency).values
        )

    def amounts(self, name: str, required: bool) -> pa.Array | None:
        header = self.mapping.header(name)
        if header is None:
            return None
        raw = self.table.column(header)
        try:
            values = self.money(header)
        except AmountError as error:
            self.issue(error.reason, error.index, header, error.value)
            return None
        beyond = money_total_issue(
            values, Message("amount.of_column", column=header), Message("amount.cited_largest_value")
        )
        if beyond is not None:
            index = pc.index(pc.abs(values), pc.max(pc.abs(values))).as_py()
            self.issue(beyond, index, header, raw[index].as_py())
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
            parsed = DateColumn(read) if read is not None else read_dates(header, raw, self.date_formats)
        except DateError as error:
            self.issue(error.reason, error.index, header, error.value, error.remedy)
            return None
        # The text is kept only to name a two-digit year: a million-row column is not held for nothing.
        self.read_dates[header] = (raw if parsed.short_year is not None else None, parsed)
        if required:
            self._require_filled(name, raw)
        return parsed.values

    def check_years(self) -> None:
        """Refuse a two-digit year far from the file's other dates (once every date column is read)."""
        error = implausible_short_years(self.read_dates)
        if error is not None:
            self.issue(error.reason, error.index, error.column, error.value)

    def rows(self) -> pa.Array:
        return pa.array(self.table.rows, pa.int64())

    def first_index(self, mask: pa.Array | np.ndarray) -> int | None:
        indices = np.flatnonzero(np.asarray(mask))
        return int(indices[0]) if len(indices) else None
