"""Customers ranked by overdue amount (`échu`), read off an aged balance by customer."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from kpi.metrics.aging import AgedBalance

ZERO = Decimal("0.00")


def overdue_by_customer(balance: AgedBalance[pd.DataFrame], limit: int | None = 10) -> pd.DataFrame:
    """customer_id, customer_name, overdue, oldest_bucket, total — largest overdue first, only those with some.

    Overdue is the sum of the overdue buckets (every bucket after `not_due`, KPI-SPEC §2);
    it needs a due-date basis balance, since an issue-date basis has no notion of due.
    """
    if balance.basis != "due":
        raise ValueError("overdue amounts need an aged balance on the due-date basis")
    overdue_keys = [key for key in balance.bucket_keys if key != "not_due"]
    rows = []
    for record in balance.rows.to_dict("records"):
        overdue = sum((record[key] for key in overdue_keys), ZERO)
        if overdue <= 0:
            continue
        oldest = next((key for key in reversed(overdue_keys) if record[key] > 0), None)
        rows.append(
            {
                "customer_id": record["customer_id"],
                "customer_name": record["customer_name"],
                "overdue": overdue,
                "oldest_bucket": oldest,
                "total": record["total"],
            }
        )
    rows.sort(key=lambda row: (-row["overdue"], row["customer_name"]))
    frame = pd.DataFrame(rows, columns=["customer_id", "customer_name", "overdue", "oldest_bucket", "total"])
    return frame.head(limit) if limit else frame
