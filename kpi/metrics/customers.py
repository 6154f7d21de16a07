"""Customers side by side: what each owes, how late, how much it bought in the period."""

from __future__ import annotations

import pandas as pd

from kpi.model.filters import Filters
from kpi.model.periods import Period
from kpi.store.ledger import Ledger


def customer_table(ledger: Ledger, period: Period, filters: Filters = Filters()) -> pd.DataFrame:
    """One row per customer with AR or sales: closing_ar and overdue_ar (Decimal), sales, dso,
    avg_days_to_collect, avg_days_late (None when undefined), invoices issued, open invoices at
    the period end, oldest days past due; largest closing AR first."""
    frame = ledger.frame(
        "SELECT * FROM customer_summary($start, $end, $customers, $activities, $matching)"
        " ORDER BY closing_ar DESC, customer_name, customer_id",
        {"start": period.start, "end": period.end, **filters.params()},
    )
    return frame.astype({"dso": "object", "avg_days_to_collect": "object", "avg_days_late": "object"}).where(
        frame.notna(), None
    )
