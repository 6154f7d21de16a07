"""A customer's payment history: each payment of an invoice with its delay from issue and past due."""

from __future__ import annotations

from datetime import date

import pandas as pd

from kpi.model.filters import Filters
from kpi.sql.registry import named_query
from kpi.store.ledger import Ledger


def payment_history(ledger: Ledger, until: date, filters: Filters = Filters()) -> pd.DataFrame:
    """document_id, issue_date, due_date, invoice_amount, paid_date, amount, days_to_pay, days_late.

    Filter on one customer to draw its issue→payment delays; the rows are the payments that
    avg_days_to_collect and avg_days_late average, up to `until`.
    """
    return ledger.frame(named_query("payment_history").sql, {"until": until, **filters.params()})
