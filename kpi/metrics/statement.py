"""The customer statement « Relevé de compte »: one customer's open items at a date and its balance.

Every item the aged balance holds for the customer at D in the matching mode (kpi/sql/queries/statement.sql,
built on open_items.sql): its open invoices with issue and due dates, amount, what its settlements dated ≤ D
took off it (listed), what the oldest-first rule netted in `oldest` mode, outstanding and days past due;
then its credit notes not applied and its unapplied payments. The balance is Σ outstanding: the customer's
AR at D, the total of its row of the aged balance, in either mode.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from kpi.model.figures import json_money
from kpi.model.filters import DEFAULT_MATCHING, check_matching
from kpi.store.ledger import Ledger
from kpi.text.errors import InvalidValue
from kpi.text.messages import Message

# The statement's sections, in the order it shows them: the aged balance's buckets, then its two unapplied columns.
OPEN, CREDIT_NOTES, UNAPPLIED_PAYMENTS = "open", "credit_notes", "unapplied_payments"
SECTIONS = (OPEN, CREDIT_NOTES, UNAPPLIED_PAYMENTS)
CENT = Decimal("0.01")
ZERO = Decimal("0.00")


FORMATS = ("pdf", "xlsx", "html")  # the files a statement is written as


@dataclass(frozen=True)
class ItemSettlement:
    """A movement dated ≤ D that settled an item: a payment, a write-off, a credit note applied to it, or
    (for a credit note) its application to an invoice, `counterpart` naming the other document."""

    settlement_id: str
    date: date
    kind: str  # cash, writeoff, credit, credit_applied
    amount: Decimal
    counterpart: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "settlement_id": self.settlement_id,
            "date": self.date.isoformat(),
            "kind": self.kind,
            "amount": json_money(self.amount),
            "counterpart": self.counterpart,
        }


@dataclass(frozen=True)
class StatementItem:
    """One open item; amount = settled + netted + outstanding. `days_past_due` for an open invoice only."""

    section: str  # one of SECTIONS
    kind: str  # invoice, credit_note, unapplied_cash, unapplied_writeoff
    document_id: str  # a settlement's id for an unapplied payment
    issue_date: date
    due_date: date
    amount: Decimal
    settled: Decimal
    netted: Decimal
    outstanding: Decimal
    days_past_due: int | None
    settlements: tuple[ItemSettlement, ...] = ()

    @property
    def overdue(self) -> bool:
        return self.days_past_due is not None and self.days_past_due >= 1

    def to_json(self) -> dict[str, Any]:
        return {
            "document_id": self.document_id,
            "section": self.section,
            "kind": self.kind,
            "issue_date": self.issue_date.isoformat(),
            "due_date": self.due_date.isoformat(),
            "amount": json_money(self.amount),
            "settled": json_money(self.settled),
            "netted": json_money(self.netted),
            "outstanding": json_money(self.outstanding),
            "days_past_due": self.days_past_due,
            "settlements": [settlement.to_json() for settlement in self.settlements],
        }


@dataclass(frozen=True)
class Statement:
    """A customer's statement at `as_of` in one matching mode."""

    customer_id: str
    customer_name: str
    as_of: date
    matching: str
    items: tuple[StatementItem, ...]

    def section(self, name: str) -> tuple[StatementItem, ...]:
        return tuple(item for item in self.items if item.section == name)

    def total(self, name: str) -> Decimal:
        """Σ outstanding of a section (negative for the unapplied ones)."""
        return sum((item.outstanding for item in self.section(name)), ZERO)

    @property
    def overdue(self) -> Decimal:
        return sum((item.outstanding for item in self.section(OPEN) if item.overdue), ZERO)

    @property
    def balance(self) -> Decimal:
        """Σ outstanding of every item: the customer's AR at `as_of`."""
        return sum((item.outstanding for item in self.items), ZERO)

    def to_json(self) -> dict[str, Any]:
        """`{"customer_id", "as_of", "items": [...], "balance"}` and the sections' totals; money in euros to the
        cent as numbers, dates as YYYY-MM-DD."""
        return {
            "customer_id": self.customer_id,
            "customer_name": self.customer_name,
            "as_of": self.as_of.isoformat(),
            "matching": self.matching,
            "items": [item.to_json() for item in self.items],
            "open_invoices": json_money(self.total(OPEN)),
            "overdue": json_money(self.overdue),
            "unapplied_credit_notes": json_money(self.total(CREDIT_NOTES)),
            "unapplied_payments": json_money(self.total(UNAPPLIED_PAYMENTS)),
            "balance": json_money(self.balance),
        }


def customer_name(ledger: Ledger, customer_id: str) -> str:
    """The name a customer id has in the ledger; an id it does not know is the user's to correct."""
    found = ledger.query("SELECT customer_name FROM statement_customer($customer)", {"customer": customer_id})
    rows = found.fetchall()
    if not rows:
        raise InvalidValue(Message("statement.unknown_customer", customer=customer_id))
    return str(rows[0][0])


def overdue_customers(ledger: Ledger, as_of: date, matching: str = DEFAULT_MATCHING) -> list[tuple[str, str]]:
    """(id, name) of every customer with an overdue invoice at the end of `as_of`, the largest overdue first."""
    check_matching(matching)
    rows = ledger.query(
        "SELECT customer_id, customer_name FROM statement_overdue_customers($as_of, $matching)",
        {"as_of": as_of, "matching": matching},
    ).fetchall()
    return [(str(customer_id), str(name)) for customer_id, name in rows]


def statement(ledger: Ledger, customer_id: str, as_of: date, matching: str = DEFAULT_MATCHING) -> Statement:
    """The statement of `customer_id` at the end of `as_of`, in `matching` mode."""
    check_matching(matching)
    name = customer_name(ledger, customer_id)
    cursor = ledger.query(
        "SELECT section, item_kind, document_id, issue_date, due_date, amount, settled, netted, outstanding,"
        "       days_past_due"
        " FROM statement_items($as_of, $customer, $matching)"
        " ORDER BY CASE section WHEN 'open' THEN 0 WHEN 'credit_notes' THEN 1 ELSE 2 END,"
        "          due_date, issue_date, document_id",
        {"as_of": as_of, "customer": customer_id, "matching": matching},
    )
    rows = cursor.fetchall()
    movements = _settlements(ledger, [row[2] for row in rows if not str(row[1]).startswith("unapplied_")], as_of)
    items = tuple(
        StatementItem(
            section=section,
            kind=kind,
            document_id=str(document_id),
            issue_date=issue_date,
            due_date=due_date,
            amount=Decimal(amount),
            settled=Decimal(settled),
            netted=Decimal(netted),
            outstanding=Decimal(outstanding),
            days_past_due=None if days_past_due is None else int(days_past_due),
            settlements=movements.get(str(document_id), ()),
        )
        for section, kind, document_id, issue_date, due_date, amount, settled, netted, outstanding, days_past_due in rows
    )
    return Statement(customer_id, name, as_of, matching, items)


def _settlements(ledger: Ledger, document_ids: list[str], as_of: date) -> dict[str, tuple[ItemSettlement, ...]]:
    """What settled each document up to `as_of` (document_settlements.sql), by document, by date."""
    if not document_ids:
        return {}
    rows = ledger.query(
        "SELECT document_id, settlement_id, date, kind, amount, counterpart"
        " FROM document_settlements($ids, $as_of) ORDER BY document_id, date, settlement_id",
        {"ids": document_ids, "as_of": as_of},
    ).fetchall()
    found: dict[str, list[ItemSettlement]] = {}
    for document_id, settlement_id, day, kind, amount, counterpart in rows:
        found.setdefault(str(document_id), []).append(
            ItemSettlement(str(settlement_id), day, str(kind), Decimal(amount), counterpart)
        )
    return {document_id: tuple(moves) for document_id, moves in found.items()}


def safe_file_part(text: str) -> str:
    """A customer id as part of a file name: letters, digits, - and _ kept, anything else (/, .., spaces) a dash."""
    kept = "".join(character if character.isalnum() or character in "-_" else "-" for character in text)
    return kept.strip("-") or "client"
