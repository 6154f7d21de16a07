"""Total rows of an export (« Total », « Sous-total client C1 »): recognised by their shape and their amount, set aside.

A row is a total row when all of these hold:

- its shape: no document (or payment, or plan) id — the cell is empty or only says « Total » — and no
  customer — each customer cell is empty or starts with the word « Total » / « Sous-total » —, and
  one of its cells starts with that word (« Total », « TOTAL : », « Sous-total C1 », « Total général »);
- its amount: it equals the sum of the rows above it since the start of the file or since any earlier
  total row (a sub-total sums its block, a grand total everything above).

A word inside an id or a name never makes a total: « TOTAL-2026-001 » with customer C7 is an invoice,
and « TotalEnergies » is a customer.  A row of that shape whose amount is no such sum is refused as a
row without its id, never dropped.  Rows set aside are counted, with their Σ, in the import report.
The checks are vectorised; only the few candidate rows are looked at one by one, to name them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kpi.importers.amounts import AmountError
from kpi.importers.cents import cents_to_decimal, to_cents
from kpi.importers.errors import ImportIssue
from kpi.importers.fields import FIELD_LABELS, FieldReader, money_total_issue
from kpi.text.messages import Message

# A cell that starts with the word: « Total », « TOTAL : », « Sous-total C1 », « Grand total ».
LABEL = r"(?i)^(sous[- ]?|sub[- ]?|grand[- ]?)?tota(l|ux)\b"
# An id cell may only be the word itself (« Total », « Total général : »), never an id that starts with it.
BARE_LABEL = r"(?i)^(sous[- ]?|sub[- ]?|grand[- ]?)?tota(l|ux)(\s+(g[ée]n[ée]ral|ttc|ht))?\s*:?$"
ID_FIELDS = ("document_id", "settlement_id", "plan_id")
CUSTOMER_FIELDS = ("customer_id", "customer_name")
TOTALLED_FIELDS = ("amount", "installment_amount", "disputed_amount", "cost_amount", "cost", "promised_amount")


@dataclass(frozen=True)
class TotalRows:
    """What was set aside: how many rows, their Σ, the first one's row."""

    count: int = 0
    amount: Decimal = Decimal("0.00")
    first_row: int | None = None

    def note(self, file: str) -> ImportIssue:
        return ImportIssue(
            file,
            Message("total_rows.set_aside", count=self.count, amount=self.amount),
            self.first_row,
            severity="warning",
        )


def _mask(values) -> np.ndarray:
    return np.asarray(pc.fill_null(values, False).to_numpy(zero_copy_only=False), dtype=bool)


def _shape(reader: FieldReader) -> np.ndarray | None:
    """Rows without an id and without a customer (each cell empty or the word « Total »); None if the
    layout names neither."""
    mapping, table = reader.mapping, reader.table
    ids = [h for f in ID_FIELDS if (h := mapping.header(f))]
    customers = [h for f in CUSTOMER_FIELDS if (h := mapping.header(f))]
    if not ids and not customers:
        return None
    shape = np.ones(table.num_rows, dtype=bool)
    for headers, pattern in ((ids, BARE_LABEL), (customers, LABEL)):
        for header in headers:
            cells = table.column(header)
            blank = _mask(pc.equal(cells, ""))
            if not (blank | ~shape).all():
                blank |= _mask(pc.match_substring_regex(cells, pattern))
            shape &= blank
            if not shape.any():
                return shape
    return shape


def _amounts(reader: FieldReader, header: str) -> pa.Array | None:
    """The column's amounts as the reader will read them, or None when it cannot (the reader then says why)."""
    try:
        values = reader.money(header)
    except AmountError:
        return None
    return None if money_total_issue(values, "") is not None else values


def _sums_above(cents: np.ndarray, candidate: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each candidate row: whether its amount is the Σ of the other rows since the start or since an
    earlier candidate, and the two sums it is compared with first (since the start, since the previous one)."""
    at = np.flatnonzero(candidate)
    before = np.cumsum(np.where(candidate, 0, cents)) - np.where(candidate, 0, cents)  # Σ other rows above
    boundary_value = np.r_[0, before[at]]
    boundary_position = np.r_[-1, at]
    order = np.lexsort((boundary_position, boundary_value))
    values, positions = boundary_value[order], boundary_position[order]
    target = before[at] - cents[at]
    found = np.minimum(np.searchsorted(values, target, side="left"), len(values) - 1)
    is_total = (values[found] == target) & (positions[found] < at)
    since_previous = before[at] - np.r_[0, before[at][:-1]]
    return is_total, before[at], since_previous


def set_aside_total_rows(reader: FieldReader) -> tuple[FieldReader, TotalRows]:
    """The reader without the file's total rows, and what they were.  A row shaped like a total whose amount
    is no sum of the rows above is refused (an issue on `reader.issues`); every such row is left out of the
    reading, so that it is not named a second time for its empty cells."""
    table, mapping = reader.table, reader.mapping
    if table.num_rows == 0:
        return reader, TotalRows()
    shape = _shape(reader)
    if shape is None or not shape.any():
        return reader, TotalRows()
    shaped = np.flatnonzero(shape)
    shaped_cells = table.cells.take(pa.array(shaped))
    labelled = np.zeros(len(shaped), dtype=bool)
    for column in shaped_cells.columns:
        labelled |= _mask(pc.match_substring_regex(column, LABEL))
    candidate = np.zeros(table.num_rows, dtype=bool)
    candidate[shaped[labelled]] = True
    header = next((h for f in TOTALLED_FIELDS if (h := mapping.header(f))), None)
    if not candidate.any() or header is None:
        return reader, TotalRows()
    values = _amounts(reader, header)
    if values is None:
        return reader, TotalRows()
    cents = to_cents(values)
    given = ~_mask(pc.is_null(values))
    at = np.flatnonzero(candidate)
    is_total, above, since_previous = _sums_above(cents, candidate)
    is_total &= given[at]
    wrong = np.flatnonzero(~is_total)
    if len(wrong):
        _refuse(
            reader,
            int(at[wrong[0]]),
            len(wrong),
            bool(given[at[wrong[0]]]),
            header,
            values,
            int(above[wrong[0]]),
            int(since_previous[wrong[0]]),
        )
    totals = TotalRows(
        int(is_total.sum()),
        cents_to_decimal(int(cents[at[is_total]].sum())),
        table.row_of(int(at[is_total][0])) if is_total.any() else None,
    )
    return reader.filtered(~candidate), totals


def _refuse(
    reader: FieldReader,
    index: int,
    count: int,
    has_amount: bool,
    header: str,
    values: pa.Array,
    above: int,
    since_previous: int,
) -> None:
    table, mapping = reader.table, reader.mapping
    label_header = next(
        name
        for name in table.cells.column_names
        if pc.match_substring_regex(table.column(name).slice(index, 1), LABEL)[0].as_py()
    )
    label = table.column(label_header)[index].as_py()
    missing = next((f for f in ID_FIELDS + CUSTOMER_FIELDS if mapping.has(f)), "document_id")
    if has_amount:
        why = Message(
            "total_rows.not_a_sum",
            amount=values[index].as_py(),
            above=cents_to_decimal(above),
            since_previous=cents_to_decimal(since_previous),
        )
    else:
        why = Message("total_rows.empty_column", column=header)
    more = Message("rows.in_this_case", count=count) if count > 1 else ""
    reader.issues.append(
        ImportIssue(
            table.file,
            Message("total_rows.not_total", field=FIELD_LABELS[missing], label=label, why=why, more=more),
            table.row_of(index),
            label_header,
            label,
        )
    )
