"""Lettrage: the credits of a letter (same customer, same letter) applied to its invoices, oldest first.

Credits are payments, write-offs and credit notes (negative documents).  Within a letter they are
applied in date order (a credit note at its issue date; on the same day credit notes before cash, as
a payment usually settles what the credit note left), each to the letter's invoices oldest first; a
credit that covers several invoices is split into one row per invoice.  A payment or write-off is
never applied to a document issued more than `tolerance_days` after it; a credit note lettered with
an invoice is applied whatever their dates, the lettrage saying they go together.

A lettered credit whose letter holds nothing left to settle most often settles an opening balance
that the FEC carries unlettered (one « à nouveau » line per customer): it goes to the customer's
unlettered documents, oldest first, a credit note as a payment would (not to a document issued more
than `tolerance_days` after it).  Whatever remains (overpayment, advance, a credit note without its
invoice) stays unapplied, as do unlettered credits.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Allocation:
    """Settlement rows and credit applications.

    `settlement` indexes the payment or write-off, `document` the invoice (-1 = unapplied), `cents`
    the amount.  `credit_note`, `credited` and `credit_cents` are the credit applications: the
    credit note and the invoice (both indexes of the documents), and the amount applied.
    """

    settlement: np.ndarray
    document: np.ndarray
    cents: np.ndarray
    to_unlettered: int  # cents of lettered payments and write-offs applied to unlettered documents
    credit_note: np.ndarray
    credited: np.ndarray
    credit_cents: np.ndarray
    credits_to_unlettered: int  # cents of lettered credit notes applied to unlettered documents


def _open_by(documents: pd.DataFrame, key: str) -> dict[object, list[list]]:
    queues: dict[object, list[list]] = {}
    for name, rows in documents.sort_values(["issue_date", "order"]).groupby(key, sort=False):
        queues[name] = [
            [index, issue, cents]
            for index, issue, cents in zip(rows.index, rows["issue_date"].to_numpy(), rows["cents"].to_numpy())
        ]
    return queues


def _credits(documents: pd.DataFrame, settlements: pd.DataFrame) -> pd.DataFrame:
    """Payments, write-offs and credit notes as one list in the order they are applied."""
    notes = documents[documents["cents"] < 0]
    frame = pd.concat(
        [
            pd.DataFrame(
                {
                    "source": 0,
                    "index": notes.index,
                    "group": notes["group"],
                    "customer": notes["customer"],
                    "date": notes["issue_date"],
                    "cents": -notes["cents"],
                    "order": notes["order"],
                }
            ),
            pd.DataFrame(
                {
                    "source": 1,
                    "index": settlements.index,
                    "group": settlements["group"],
                    "customer": settlements["customer"],
                    "date": settlements["date"],
                    "cents": settlements["cents"],
                    "order": settlements["order"],
                }
            ),
        ],
        ignore_index=True,
    )
    return frame.sort_values(["date", "source", "order"], kind="stable")


def allocate(
    documents: pd.DataFrame, settlements: pd.DataFrame, tolerance_days: int, lettered_dates: bool = True
) -> Allocation:
    """Allocate settlements and credit notes to documents.

    With `lettered_dates` False, a payment lettered with an invoice settles it whatever their dates, as a
    lettered credit note does: the supplier side's choice (kpi/importers/fec.py's AccountSide), a supplier
    invoice being booked when it arrives, often days after it was paid by card or in advance.

    documents: columns group, customer, issue_date (datetime64[D]), cents (> 0 can be settled, < 0 is a
    credit note), order.  settlements: columns group, customer, date, cents (> 0), order.  A null group
    means unlettered.  Both frames are indexed 0…n-1 (the indexes the Allocation gives back).
    """
    payable = documents[documents["cents"] > 0]
    lettered = _open_by(payable[payable["group"].notna()], "group")
    unlettered = _open_by(payable[payable["group"].isna()], "customer")
    tolerance = np.timedelta64(tolerance_days, "D")
    rows: dict[int, tuple[list, list, list]] = {0: ([], [], []), 1: ([], [], [])}
    to_unlettered = {0: 0, 1: 0}

    def take(queue: list[list], source: int, index: int, date, remaining: int, limit: bool) -> int:
        sources, targets, amounts = rows[source]
        for document in queue:
            if remaining == 0:
                break
            doc_index, issue, open_cents = document
            if open_cents == 0 or (limit and issue > date + tolerance):
                continue
            taken = min(open_cents, remaining)
            document[2] -= taken
            remaining -= taken
            sources.append(index)
            targets.append(doc_index)
            amounts.append(taken)
        return remaining

    def unapplied(source: int, index: int, remaining: int) -> None:
        # A credit note left open needs no row: its outstanding says what is left of it.
        if source == 1:
            rows[1][0].append(index)
            rows[1][1].append(-1)
            rows[1][2].append(remaining)

    leftovers = []
    for source, index, group, customer, date, cents in _credits(documents, settlements)[
        ["source", "index", "group", "customer", "date", "cents"]
    ].itertuples(index=False):
        remaining = int(cents)
        if pd.notna(group):
            remaining = take(
                lettered.get(group, []), source, index, date, remaining, limit=source == 1 and lettered_dates
            )
            if remaining:
                leftovers.append((source, index, customer, date, remaining))
                continue
        if remaining:
            unapplied(source, index, remaining)
    # Second pass once every letter has taken its own invoices, so an opening balance is not
    # consumed by a credit whose real invoice comes later in the file.
    for source, index, customer, date, remaining in leftovers:
        left = take(unlettered.get(customer, []), source, index, date, remaining, limit=True)
        to_unlettered[source] += remaining - left
        if left:
            unapplied(source, index, left)
    notes, credited, credit_cents = (np.array(values, dtype=np.int64) for values in rows[0])
    paying, paid, cents = (np.array(values, dtype=np.int64) for values in rows[1])
    return Allocation(paying, paid, cents, to_unlettered[1], notes, credited, credit_cents, to_unlettered[0])
