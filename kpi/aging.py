"""The aged balance (balance âgée) at any date, by customer or by document, with any bucket edges."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pandas as pd

from kpi.filters import Filters
from kpi.ledger import Ledger

DEFAULT_EDGES = (30, 60, 90, 120)
BASES = ("due", "issue")
LEVELS = ("customer", "document")
UNAPPLIED = "unapplied_credits"
TOTAL = "total"
ZERO = Decimal("0.00")


def parse_edges(text: str) -> tuple[int, ...]:
    """`"30,60,90"` → (30, 60, 90): strictly increasing positive whole days."""
    try:
        edges = tuple(int(part) for part in text.replace(" ", "").split(",") if part)
    except ValueError:
        raise ValueError(f"bucket edges must be whole days separated by commas, like 30,60,90,120 (got {text!r})") from None
    validate_edges(edges)
    return edges


def validate_edges(edges: tuple[int, ...]) -> None:
    if not edges or any(e <= 0 for e in edges) or any(b <= a for a, b in zip(edges, edges[1:])):
        raise ValueError(f"bucket edges must be positive and increasing, like 30,60,90,120 (got {list(edges)})")


def bucket_keys(edges: tuple[int, ...], basis: str = "due") -> tuple[str, ...]:
    """Column keys of the buckets: due basis starts with `not_due`, issue basis with `0_<first edge>`."""
    bounds = [f"{low + 1}_{high}" for low, high in zip(edges, edges[1:])]
    first = ("not_due", f"1_{edges[0]}") if basis == "due" else (f"0_{edges[0]}",)
    return (*first, *bounds, f"over_{edges[-1]}")


@dataclass(frozen=True)
class AgedBalance:
    """Rows by customer or document; bucket columns then unapplied credits then total (exact Decimal)."""

    as_of: date
    edges: tuple[int, ...]
    basis: str
    by: str
    bucket_keys: tuple[str, ...]
    rows: pd.DataFrame
    totals: dict[str, Decimal]
    percentages: dict[str, float | None]

    @property
    def amount_columns(self) -> tuple[str, ...]:
        return (*self.bucket_keys, UNAPPLIED, TOTAL)

    def with_summary_rows(self) -> pd.DataFrame:
        """The rows followed by a total row and a %-of-total row, as a report shows them."""
        label_column = "customer_name" if self.by == "customer" else "document_id"
        total_row = {label_column: "Total", **self.totals}
        percent_row = {label_column: "%", **self.percentages}
        return pd.concat([self.rows, pd.DataFrame([total_row, percent_row])], ignore_index=True)


def aged_balance(
    ledger: Ledger,
    as_of: date,
    edges: tuple[int, ...] = DEFAULT_EDGES,
    basis: str = "due",
    by: str = "customer",
    filters: Filters = Filters(),
) -> AgedBalance:
    validate_edges(tuple(edges))
    if basis not in BASES:
        raise ValueError(f"basis must be one of {BASES}, got {basis!r}")
    if by not in LEVELS:
        raise ValueError(f"by must be one of {LEVELS}, got {by!r}")
    keys = bucket_keys(tuple(edges), basis)
    params = {"as_of": as_of, "edges": list(edges), "basis": basis, **filters.params()}
    sums = ledger.query(
        "SELECT customer_id, customer_name, bucket, all_customers, all_buckets, amount"
        " FROM aged_balance_by_customer($as_of, $edges, $basis, $customers, $activities, $matching)",
        params,
    ).fetchall()
    totals = {key: ZERO for key in (*keys, UNAPPLIED, TOTAL)}
    by_customer: dict[str, dict] = {}
    for customer_id, customer_name, bucket, all_customers, all_buckets, amount in sums:
        column = TOTAL if all_buckets else (UNAPPLIED if bucket is None else keys[bucket])
        if all_customers:
            totals[column] = ZERO if amount is None else amount
        else:
            row = by_customer.setdefault(
                customer_id,
                {"customer_id": customer_id, "customer_name": customer_name, **{k: ZERO for k in totals}},
            )
            row[column] = amount
    grand_total = totals[TOTAL]
    percentages = {
        key: (float(value / grand_total * 100) if grand_total else None) for key, value in totals.items()
    }
    if by == "customer":
        rows = pd.DataFrame(
            sorted(by_customer.values(), key=lambda r: (-r[TOTAL], r["customer_name"], r["customer_id"])),
            columns=["customer_id", "customer_name", *totals],
        )
    else:
        rows = _document_rows(ledger, params, keys)
    return AgedBalance(as_of, tuple(edges), basis, by, keys, rows, totals, percentages)


def _document_rows(ledger: Ledger, params: dict, keys: tuple[str, ...]) -> pd.DataFrame:
    items = ledger.query(
        "SELECT customer_id, customer_name, document_id, item_kind, activity, issue_date, due_date, amount,"
        "       days_past_due, bucket, outstanding"
        " FROM aged_items($as_of, $edges, $basis, $customers, $activities, $matching)"
        " ORDER BY customer_name, customer_id, due_date, document_id",
        params,
    )
    names = [column[0] for column in items.description]
    rows = []
    for values in items.fetchall():
        item = dict(zip(names, values))
        outstanding = item.pop("outstanding")
        bucket = item.pop("bucket")
        placed = {key: ZERO for key in (*keys, UNAPPLIED)}
        placed[UNAPPLIED if bucket is None else keys[bucket]] = outstanding
        rows.append({**item, **placed, TOTAL: outstanding})
    columns = [*names[:-2], *keys, UNAPPLIED, TOTAL]
    return pd.DataFrame(rows, columns=columns)
