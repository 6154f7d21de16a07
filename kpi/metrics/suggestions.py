"""Matching suggestions (« Rapprochements suggérés »): unapplied payments and credit notes that match an open invoice.

The pairs and their rules come from kpi/sql/queries/suggestions.sql: at D, an unapplied payment or a credit
note's unapplied remainder meets an open invoice of the same customer by the same amount (`same_amount`), then
within 0,01 € (`within_cent`), then by the invoice's number in the payment's label or reference (`reference`).
Each suggestion's id is made of its two sides (`source_id:document_id`): the same from one run to the next, it
is what `python -m kpi match WS --accept ID` and the app's button name (kpi/store/matching.py stores them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from kpi.model.figures import json_record
from kpi.store.ledger import Ledger
from kpi.text.errors import ConflictingSuggestions, SuggestionNotFound

if TYPE_CHECKING:  # `suggest` reads files without ever loading the workspace's writer
    from kpi.store.workspace import Workspace

# In their order of preference: the suggestions are listed so, and a pair takes the first that fits.
REASONS = ("same_amount", "within_cent", "reference")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Suggestion:
    """One unapplied source to match with one open invoice of its customer. Money in Decimal."""

    id: str  # source_id:document_id
    reason: str  # one of REASONS
    customer_id: str
    customer_name: str
    source_kind: str  # "payment" (an unapplied cash settlement) or "credit_note"
    source_id: str  # the settlement_id of the payment, or the credit note's document_id
    source_date: date  # the payment's date, or the credit note's issue date
    source_amount: Decimal  # what the source has unapplied at D (> 0)
    reference: str | None  # the payment's label or reference, as its source gave it
    document_id: str  # the invoice
    due_date: date
    outstanding: Decimal  # the invoice's outstanding at D (> 0)
    amount: Decimal  # what accepting applies: the whole payment; for a credit note min(source_amount, outstanding)
    date: date  # the day the match takes effect: the payment's date; a credit note's, the later issue date

    def to_json(self) -> dict[str, Any]:
        """Every field in its order: money in euros to the cent as a number, days as YYYY-MM-DD."""
        return json_record(self)


@dataclass(frozen=True)
class Suggestions:
    """The suggestions at `as_of`, by reason in REASONS order, then customer, source and invoice."""

    as_of: date
    rows: tuple[Suggestion, ...]

    def to_json(self) -> list[dict[str, Any]]:
        """A list of objects in the rows' order: money in euros to the cent as numbers, dates as YYYY-MM-DD."""
        return [row.to_json() for row in self.rows]

    def by_id(self) -> dict[str, Suggestion]:
        return {row.id: row for row in self.rows}

    def of_reason(self, reason: str) -> tuple[Suggestion, ...]:
        return tuple(row for row in self.rows if row.reason == reason)


def suggestions(ledger: Ledger, as_of: date) -> Suggestions:
    """The matching suggestions at the end of `as_of` (the ledger's manual matches already applied)."""
    cursor = ledger.query(
        "SELECT * FROM matching_suggestions($as_of)"
        " ORDER BY reason_rank, customer_id, source_date, source_kind, source_id, due_date, document_id",
        {"as_of": as_of},
    )
    names = [column[0] for column in cursor.description]
    return Suggestions(as_of, tuple(_row(dict(zip(names, values))) for values in cursor.fetchall()))


@dataclass(frozen=True)
class Accepted:
    """What `accept` did: the import it stored (None when every id was already accepted) and its matches."""

    import_id: int | None
    accepted: tuple[Suggestion, ...]
    already_accepted: tuple[str, ...]


def accept(workspace: Workspace, ids: Sequence[str], as_of: date | None = None, lang: str = "fr") -> Accepted:
    """Store the suggestions `ids` at `as_of` (default: the last day of the workspace's data) as one
    manual-matching import of the workspace.

    An id the workspace already holds is skipped (accepting twice does nothing the second time); an id that is
    not a suggestion at `as_of` (unknown, or stale: its payment, credit note or invoice matched or settled
    since) refuses them all (SuggestionNotFound), as do two ids that use one side twice
    (ConflictingSuggestions). The import's source is named in `lang`.
    """
    from kpi.store.matching import ManualMatch, import_state, store_matches

    ledger = workspace.open()
    try:
        with ledger.cursor() as cursor:
            state = import_state(cursor)
        held = {row[0] for row in ledger.query("SELECT match_id FROM manual_matches").fetchall()}
        if as_of is None:
            span = ledger.date_range()
            as_of = date.today() if span is None else span[1]
        current = suggestions(ledger, as_of).by_id()
    finally:
        ledger.close()
    asked = tuple(dict.fromkeys(ids))
    unknown = tuple(i for i in asked if i not in held and i not in current)
    if unknown:
        raise SuggestionNotFound(workspace.path, unknown, as_of)
    chosen = tuple(current[i] for i in asked if i not in held)
    already = tuple(i for i in asked if i in held)
    sides = [("source", row.source_kind, row.source_id) for row in chosen] + [
        ("invoice", "", row.document_id) for row in chosen
    ]
    if len(set(sides)) < len(sides):
        twice = {side for side in sides if sides.count(side) > 1}
        raise ConflictingSuggestions(
            workspace.path,
            tuple(
                row.id
                for row in chosen
                if ("source", row.source_kind, row.source_id) in twice or ("invoice", "", row.document_id) in twice
            ),
        )
    if not chosen:
        return Accepted(None, (), already)
    matches = [
        ManualMatch(
            row.id, row.source_kind, row.source_id, row.document_id, row.customer_id, row.amount, row.date, row.reason
        )
        for row in chosen
    ]
    return Accepted(store_matches(workspace, matches, state, lang), chosen, already)


def _row(row: dict[str, Any]) -> Suggestion:
    return Suggestion(
        id=str(row["suggestion_id"]),
        reason=str(row["reason"]),
        customer_id=str(row["customer_id"]),
        customer_name=str(row["customer_name"]),
        source_kind=str(row["source_kind"]),
        source_id=str(row["source_id"]),
        source_date=row["source_date"],
        source_amount=Decimal(row["source_amount"]),
        reference=row["reference"],
        document_id=str(row["document_id"]),
        due_date=row["due_date"],
        outstanding=Decimal(row["outstanding"]),
        amount=Decimal(row["amount"]),
        date=row["match_date"],
    )
