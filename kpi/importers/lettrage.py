"""Lettrage: payments allocated to the invoices they were matched with (same customer, same letter), oldest first.

A payment that covers several invoices is split into one settlement per invoice.  A lettered
payment whose letter holds no invoice left to settle most often pays an opening balance that
the FEC carries unlettered (one « à nouveau » line per customer): it goes to the customer's
unlettered documents, oldest first.  Whatever remains (overpayment, advance made long before
the invoice) stays unapplied; unlettered payments stay unapplied.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Allocation:
    """One settlement row: `settlement` indexes the payment, `document` the invoice (-1 = unapplied)."""

    settlement: np.ndarray
    document: np.ndarray
    cents: np.ndarray
    to_unlettered: int  # cents of lettered payments applied to unlettered documents


def _open_by(documents: pd.DataFrame, key: str) -> dict[object, list[list]]:
    queues: dict[object, list[list]] = {}
    for name, rows in documents.sort_values(["issue_date", "order"]).groupby(key, sort=False):
        queues[name] = [[index, issue, cents] for index, issue, cents in
                        zip(rows.index, rows["issue_date"].to_numpy(), rows["cents"].to_numpy())]
    return queues


def allocate(documents: pd.DataFrame, settlements: pd.DataFrame, tolerance_days: int) -> Allocation:
    """Allocate settlements to documents.

    documents: columns group, customer, issue_date (datetime64[D]), cents (only > 0 can be settled), order.
    settlements: columns group, customer, date, cents (> 0), order.  A null group means unlettered.
    A payment is never applied to a document issued more than `tolerance_days` after it.
    """
    payable = documents[documents["cents"] > 0]
    lettered = _open_by(payable[payable["group"].notna()], "group")
    unlettered = _open_by(payable[payable["group"].isna()], "customer")
    tolerance = np.timedelta64(tolerance_days, "D")
    out_settlement, out_document, out_cents = [], [], []
    to_unlettered = 0

    def take(queue: list[list], index: int, date, remaining: int) -> int:
        for document in queue:
            if remaining == 0:
                break
            doc_index, issue, open_cents = document
            if open_cents == 0 or issue > date + tolerance:
                continue
            taken = min(open_cents, remaining)
            document[2] -= taken
            remaining -= taken
            out_settlement.append(index)
            out_document.append(doc_index)
            out_cents.append(taken)
        return remaining

    ordered = settlements.sort_values(["date", "order"])
    leftovers = []
    for index, group, customer, date, cents in ordered[["group", "customer", "date", "cents"]].itertuples():
        remaining = int(cents)
        if pd.notna(group):
            remaining = take(lettered.get(group, []), index, date, remaining)
            if remaining:
                leftovers.append((index, customer, date, remaining))
                continue
        if remaining:
            out_settlement.append(index)
            out_document.append(-1)
            out_cents.append(remaining)
    # Second pass once every letter has taken its own invoices, so an opening balance is not
    # consumed by a payment whose real invoice comes later in the file.
    for index, customer, date, remaining in leftovers:
        left = take(unlettered.get(customer, []), index, date, remaining)
        to_unlettered += remaining - left
        if left:
            out_settlement.append(index)
            out_document.append(-1)
            out_cents.append(left)
    return Allocation(np.array(out_settlement, dtype=np.int64), np.array(out_document, dtype=np.int64),
                      np.array(out_cents, dtype=np.int64), to_unlettered)
