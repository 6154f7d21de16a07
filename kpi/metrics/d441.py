"""The payment-delay table of Article D441-6 of the Code de commerce: unpaid invoices at the closing date by delay.

French companies whose accounts a statutory auditor certifies publish it in their management report:
« Factures émises non réglées à la date de clôture de l'exercice dont le terme est échu », by bracket
of days past due, with (B) the invoices left out because disputed and (C) the payment terms the delays
are counted from. The figures come from kpi/sql/queries/d441.sql; this module lays them out and works
out each amount's share of the fiscal year's turnover, exactly, in Decimal.

The received side (« Factures reçues… », 1° of the article) is the same table over a FEC's supplier
accounts 401 (kpi/sql/queries/d441_received.sql), its shares of the fiscal year's purchases. Its (B) is
always empty: the disputes log names customer documents only, and nothing else says a supplier invoice
is disputed. Without supplier lines in the data, the received side is None, not a table of zeros.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from kpi.model.figures import json_money
from kpi.model.filters import Filters
from kpi.store.ledger import Ledger
from kpi.text.errors import InvalidValue
from kpi.text.messages import Message

# The decree's columns: « 0 jour (indicatif) » (not yet due), the four brackets of days past due, and
# « Total (1 jour et plus) ». The keys are those of the JSON.
NOT_DUE = "not_due"
OVERDUE_BRACKETS = ("1_30", "31_60", "61_90", "91_plus")
TOTAL_OVERDUE = "total_overdue"
COLUMNS = (NOT_DUE, *OVERDUE_BRACKETS, TOTAL_OVERDUE)
# The columns whose share of turnover the JSON gives (the overdue ones: the not-due column is only indicative).
SHARE_COLUMNS = (*OVERDUE_BRACKETS, TOTAL_OVERDUE)
# (C): the payment terms the delays are counted from, as the company declares them.
REFERENCE_TERMS = ("contractual", "legal")
DEFAULT_REFERENCE_TERMS = "contractual"

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
SIDES = ("received", "issued")  # the model's order: 1° received, then 2° issued
# The column names of d441.sql's row for each key (an SQL name cannot start with a digit).
_SQL_PREFIX = {NOT_DUE: "not_due", TOTAL_OVERDUE: "total_overdue"} | {key: f"days_{key}" for key in OVERDUE_BRACKETS}


@dataclass(frozen=True)
class Invoices:
    """Some invoices: how many, and Σ of their outstanding amounts TTC at the closing date."""

    count: int
    amount: Decimal

    def to_json(self) -> dict[str, Any]:
        return {"count": self.count, "amount": json_money(self.amount)}


@dataclass(frozen=True)
class DelayTable:
    """One side of the table (the invoices issued, or received), at the closing date, in one matching mode.

    `columns` holds every key of COLUMNS; `sales` is the base of the shares: for the invoices issued, the
    fiscal year's turnover TTC (documents issued from the fiscal start to the closing date, credit notes
    deducted); for the invoices received, the fiscal year's purchases TTC (supplier invoices of those days,
    supplier credit notes deducted).
    """

    columns: dict[str, Invoices]
    excluded: Invoices
    sales: Decimal
    reference_terms: str

    def share(self, column: str) -> Decimal | None:
        """The column's amount as a percentage of the fiscal year's turnover, to the hundredth (half up);
        None when there was no turnover to compare with."""
        if self.sales <= 0:
            return None
        return (self.columns[column].amount * HUNDRED / self.sales).quantize(CENT, rounding=ROUND_HALF_UP)

    def to_json(self) -> dict[str, Any]:
        result: dict[str, Any] = {key: self.columns[key].to_json() for key in COLUMNS}
        result["share_of_sales"] = {key: _json_percent(self.share(key)) for key in SHARE_COLUMNS}
        result["excluded"] = self.excluded.to_json()
        result["reference_terms"] = self.reference_terms
        return result


@dataclass(frozen=True)
class D441Table:
    """The table at `closing` for the fiscal year from `fiscal_start`: invoices issued, and received when known.

    `received` (suppliers' invoices, accounts 401 of a FEC) is None when the data holds no supplier line.
    """

    closing: date
    fiscal_start: date
    matching: str
    issued: DelayTable
    received: DelayTable | None = None

    def sides(self) -> list[tuple[str, DelayTable]]:
        """The sides the data gives, in the model's order (SIDES): received, when known, then issued."""
        return [(name, side) for name in SIDES if (side := getattr(self, name)) is not None]

    def to_json(self) -> dict[str, Any]:
        """`{"issued": {...}, "received": null}`: amounts in euros to the cent and shares in % to the
        hundredth, as numbers (as the report's JSON writes money), null where there is no turnover."""
        return {
            "issued": self.issued.to_json(),
            "received": None if self.received is None else self.received.to_json(),
        }


def default_fiscal_start(closing: date) -> date:
    """The first day of a twelve-month fiscal year closing on `closing`: the day after the same date a year
    before (a closing on 29 February starts on 1 March)."""
    try:
        year_before = closing.replace(year=closing.year - 1)
    except ValueError:  # 29 February
        year_before = closing.replace(year=closing.year - 1, day=28)
    return year_before + timedelta(days=1)


def d441_table(
    ledger: Ledger,
    closing: date,
    fiscal_start: date,
    filters: Filters = Filters(),
    reference_terms: str = DEFAULT_REFERENCE_TERMS,
) -> D441Table:
    """The D441-6 table at the end of `closing`, in the filters' matching mode: the invoices issued (of the customers
    and activities the filters keep) and, when the data has supplier lines, the invoices received (all of them)."""
    if fiscal_start > closing:
        raise InvalidValue(Message("d441.fiscal_year_reversed", start=fiscal_start, closing=closing))
    if reference_terms not in REFERENCE_TERMS:
        raise ValueError(f"reference terms must be one of {', '.join(REFERENCE_TERMS)}, got {reference_terms!r}")
    params = {"closing": closing, "fiscal_start": fiscal_start, **filters.params()}
    issued = _delay_table(
        ledger,
        "SELECT * FROM d441_issued($closing, $fiscal_start, $customers, $activities, $matching)",
        params,
        "sales",
        reference_terms,
    )
    assert issued is not None  # only the received side may be absent
    # The supplier side knows no customer nor activity: the filters' matching mode is all it takes from them.
    received = _delay_table(
        ledger,
        "SELECT * FROM d441_received($closing, $fiscal_start, $matching)",
        params,
        "purchases",
        reference_terms,
    )
    return D441Table(closing, fiscal_start, filters.matching, issued, received)


def _delay_table(
    ledger: Ledger, sql: str, params: dict[str, Any], base: str, reference_terms: str
) -> DelayTable | None:
    """One side as d441.sql's row gives it (`base` naming the column of the shares' base); None for a received
    side without supplier lines."""
    cursor = ledger.query(sql, params)
    names = [column[0] for column in cursor.description]
    row = dict(zip(names, cursor.fetchall()[0]))
    if not row.get("has_suppliers", True):
        return None
    columns = {
        key: Invoices(int(row[f"{prefix}_count"]), Decimal(row[f"{prefix}_amount"]))
        for key, prefix in _SQL_PREFIX.items()
    }
    return DelayTable(
        {key: columns[key] for key in COLUMNS},
        Invoices(int(row["excluded_count"]), Decimal(row["excluded_amount"])),
        Decimal(row[base]),
        reference_terms,
    )


def _json_percent(share: Decimal | None) -> float | None:
    return None if share is None else float(share)
