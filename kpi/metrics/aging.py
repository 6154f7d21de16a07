"""The aged balance (balance âgée) at any date, by customer or by document, with any bucket edges."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Generic, TypedDict, TypeVar, Unpack

from kpi.model.filters import DEFAULT_MATCHING, Filters
from kpi.store.ledger import Ledger
from kpi.text.errors import InvalidValue

if TYPE_CHECKING:
    import pandas as pd

DEFAULT_EDGES = (30, 60, 90, 120)
BASES = ("due", "issue")
LEVELS = ("customer", "document")
# The unapplied credits (KPI-SPEC §2) in two columns: credit notes not applied to an invoice, and
# payments not matched (cash and write-offs without a document, invoices paid beyond their amount).
CREDIT_NOTES = "credit_notes"
UNAPPLIED_PAYMENTS = "unapplied_payments"
UNAPPLIED_COLUMNS = (CREDIT_NOTES, UNAPPLIED_PAYMENTS)
UNAPPLIED = "unapplied_credits"  # their sum, in `totals` and `percentages`
TOTAL = "total"
# Above this share of gross AR, unapplied credits in `matched` mode suggest a ledger that is not
# lettered, which reads truly in `oldest` mode (issue 9).
UNAPPLIED_NOTICE_SHARE = Decimal("0.10")
ZERO = Decimal("0.00")


def parse_edges(text: str) -> tuple[int, ...]:
    """`"30,60,90"` → (30, 60, 90): strictly increasing positive whole days."""
    try:
        edges = tuple(int(part) for part in text.replace(" ", "").split(",") if part)
    except ValueError:
        raise InvalidValue(
            f"bucket edges must be whole days separated by commas, like 30,60,90,120 (got {text!r})"
        ) from None
    validate_edges(edges)
    return edges


def validate_edges(edges: tuple[int, ...]) -> None:
    if not edges or any(e <= 0 for e in edges) or any(b <= a for a, b in itertools.pairwise(edges)):
        raise InvalidValue(f"bucket edges must be positive and increasing, like 30,60,90,120 (got {list(edges)})")


def bucket_keys(edges: tuple[int, ...], basis: str = "due") -> tuple[str, ...]:
    """Column keys of the buckets: due basis starts with `not_due`, issue basis with `0_<first edge>`."""
    bounds = [f"{low + 1}_{high}" for low, high in itertools.pairwise(edges)]
    first = ("not_due", f"1_{edges[0]}") if basis == "due" else (f"0_{edges[0]}",)
    return (*first, *bounds, f"over_{edges[-1]}")


@dataclass(frozen=True)
class AgedRows:
    """The rows of an aged balance as dicts under their column names, in order: what the command line
    prints or writes, without pandas (importing it takes longer than the query at a million invoices)."""

    columns: tuple[str, ...]
    records: tuple[dict[str, Any], ...]

    def __len__(self) -> int:
        return len(self.records)

    def frame(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame(list(self.records), columns=list(self.columns))


def row_dicts(rows: pd.DataFrame | AgedRows) -> Iterator[dict[str, Any]]:
    """Each row of an aged balance as a dict, whether its rows are a DataFrame or AgedRows."""
    if isinstance(rows, AgedRows):
        return iter(rows.records)
    return (dict(zip(rows.columns, record)) for record in rows.itertuples(index=False))


# What an aged balance's rows are: a DataFrame (aged_balance) or AgedRows (aged_balance_records).
Rows = TypeVar("Rows", bound="pd.DataFrame | AgedRows")


@dataclass(frozen=True)
class AgedBalance(Generic[Rows]):
    """Rows by customer or document; bucket columns, the two unapplied columns, then total (exact Decimal).

    `totals` and `percentages` also hold UNAPPLIED, the two unapplied columns together. `rows` is a
    DataFrame (aged_balance), or AgedRows for a caller that needs no pandas (aged_balance_records).
    """

    as_of: date
    edges: tuple[int, ...]
    basis: str
    by: str
    bucket_keys: tuple[str, ...]
    rows: Rows
    totals: dict[str, Decimal]
    percentages: dict[str, float | None]
    matching: str = DEFAULT_MATCHING

    @property
    def amount_columns(self) -> tuple[str, ...]:
        return (*self.bucket_keys, *UNAPPLIED_COLUMNS, TOTAL)

    @property
    def gross(self) -> Decimal:
        """Σ of the buckets: what customers owe before their unapplied credits."""
        return sum((self.totals[key] for key in self.bucket_keys), ZERO)

    @property
    def old_bucket_keys(self) -> tuple[str, ...]:
        """The buckets a reader must look at first: past the second overdue one (past 60 days on the
        default edges), the last two the oldest of all."""
        return self.bucket_keys[3:]

    def bucket_severity(self, key: str) -> str | None:
        """'oldest', 'old', or None for a bucket that is neither (the page shades them red and amber)."""
        old = self.old_bucket_keys
        if key not in old:
            return None
        return "oldest" if old.index(key) >= len(old) - 2 else "old"

    @property
    def suggests_oldest(self) -> bool:
        return credits_suggest_oldest(self.totals[UNAPPLIED], self.gross, self.matching)

    def framed(self: AgedBalance[AgedRows]) -> AgedBalance[pd.DataFrame]:
        """The same balance, its rows as a DataFrame."""
        return AgedBalance(**{**self.__dict__, "rows": self.rows.frame()})

    def with_summary_rows(self) -> pd.DataFrame:
        """The rows followed by a total row and a %-of-total row, as a report shows them."""
        import pandas as pd

        label_column = "customer_name" if self.by == "customer" else "document_id"
        total_row = {label_column: "Total", **self.totals}
        percent_row = {label_column: "%", **self.percentages}
        summary: pd.DataFrame = pd.concat([self.rows, pd.DataFrame([total_row, percent_row])], ignore_index=True)
        return summary


def credits_suggest_oldest(unapplied_credits: Decimal, gross_ar: Decimal, matching: str) -> bool:
    """In `matched` mode, unapplied credits above 10 % of gross AR: the ledger is probably not
    lettered, and reads truly with credits applied to the oldest invoices (KPI-SPEC §2)."""
    return matching == "matched" and gross_ar > 0 and -unapplied_credits > UNAPPLIED_NOTICE_SHARE * gross_ar


class AgingOptions(TypedDict, total=False):
    """How an aged balance is cut: bucket edges (DEFAULT_EDGES), basis ("due" or "issue"), rows "by"
    customer or document, and filters (none)."""

    edges: tuple[int, ...]
    basis: str
    by: str
    filters: Filters


def aged_balance(ledger: Ledger, as_of: date, **options: Unpack[AgingOptions]) -> AgedBalance[pd.DataFrame]:
    """The aged balance at the end of `as_of`, its rows as a DataFrame."""
    return aged_balance_records(ledger, as_of, **options).framed()


def aged_balance_records(
    ledger: Ledger,
    as_of: date,
    edges: tuple[int, ...] = DEFAULT_EDGES,
    basis: str = "due",
    by: str = "customer",
    filters: Filters = Filters(),
) -> AgedBalance[AgedRows]:
    """The aged balance at the end of `as_of`, its rows as AgedRows (no pandas)."""
    validate_edges(tuple(edges))
    if basis not in BASES:
        raise ValueError(f"basis must be one of {BASES}, got {basis!r}")
    if by not in LEVELS:
        raise ValueError(f"by must be one of {LEVELS}, got {by!r}")
    keys = bucket_keys(tuple(edges), basis)
    params = {"as_of": as_of, "edges": list(edges), "basis": basis, **filters.params()}
    sums = ledger.query(
        "SELECT customer_id, customer_name, bucket, unapplied_column, all_customers, all_buckets, amount"
        " FROM aged_balance_by_customer($as_of, $edges, $basis, $customers, $activities, $matching)",
        params,
    ).fetchall()
    columns = (*keys, *UNAPPLIED_COLUMNS, TOTAL)
    totals = dict.fromkeys(columns, ZERO)
    by_customer: dict[str, dict[str, Any]] = {}
    for customer_id, customer_name, bucket, unapplied_column, all_customers, all_buckets, amount in sums:
        column = TOTAL if all_buckets else (unapplied_column if bucket is None else keys[bucket])
        if all_customers:
            totals[column] = ZERO if amount is None else amount
        else:
            row = by_customer.setdefault(
                customer_id,
                {"customer_id": customer_id, "customer_name": customer_name, **dict.fromkeys(columns, ZERO)},
            )
            row[column] = amount
    totals[UNAPPLIED] = totals[CREDIT_NOTES] + totals[UNAPPLIED_PAYMENTS]
    grand_total = totals[TOTAL]
    percentages = {key: (float(value / grand_total * 100) if grand_total else None) for key, value in totals.items()}
    if by == "customer":
        rows = AgedRows(
            ("customer_id", "customer_name", *columns),
            tuple(sorted(by_customer.values(), key=lambda r: (-r[TOTAL], r["customer_name"], r["customer_id"]))),
        )
    else:
        rows = _document_rows(ledger, params, keys, filters.matching)
    return AgedBalance(as_of, tuple(edges), basis, by, keys, rows, totals, percentages, filters.matching)


def _document_rows(ledger: Ledger, params: dict[str, Any], keys: tuple[str, ...], matching: str) -> AgedRows:
    """One row per open item; in `oldest` mode with the part of it the oldest-first rule netted."""
    items = ledger.query(
        "SELECT customer_id, customer_name, document_id, item_kind, activity, issue_date, due_date, amount,"
        "       days_past_due, credits_netted, bucket, unapplied_column, outstanding"
        " FROM aged_items($as_of, $edges, $basis, $customers, $activities, $matching)"
        " ORDER BY customer_name, customer_id, due_date, document_id",
        params,
    )
    names = [column[0] for column in items.description]
    labels = [name for name in names[:-3] if matching == "oldest" or name != "credits_netted"]
    rows = []
    for values in items.fetchall():
        item = dict(zip(names, values))
        outstanding = item.pop("outstanding")
        bucket = item.pop("bucket")
        unapplied_column = item.pop("unapplied_column")
        placed = dict.fromkeys((*keys, *UNAPPLIED_COLUMNS), ZERO)
        placed[unapplied_column if bucket is None else keys[bucket]] = outstanding
        rows.append({**{name: item[name] for name in labels}, **placed, TOTAL: outstanding})
    return AgedRows((*labels, *keys, *UNAPPLIED_COLUMNS, TOTAL), tuple(rows))


def customer_settlements(ledger: Ledger, customer_id: str, as_of: date) -> pd.DataFrame:
    """What settled each document of one customer issued ≤ `as_of`, open or settled (the drill-down)."""
    ids = ledger.query(
        "SELECT coalesce(list(document_id), []) FROM documents WHERE customer_id = $customer AND issue_date <= $as_of",
        {"customer": customer_id, "as_of": as_of},
    ).fetchall()[0][0]
    return document_settlements(ledger, ids, as_of)


def document_settlements(ledger: Ledger, document_ids: list[str], as_of: date) -> pd.DataFrame:
    """What settled each document up to `as_of` (document_settlements.sql): payments, write-offs and
    credit notes applied to it, and for a credit note the invoices it was applied to, by date."""
    return ledger.frame(
        "SELECT * FROM document_settlements($ids, $as_of) ORDER BY document_id, date, settlement_id",
        {"ids": list(document_ids), "as_of": as_of},
    )
