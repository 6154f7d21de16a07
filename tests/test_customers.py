"""The customer table on the worked example."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kpi.metrics.customers import customer_table
from kpi.metrics.report import period_report
from kpi.model.filters import Filters
from kpi.model.periods import Period


def test_customer_rows_match_their_own_reports(worked_ledger):
    march = Period.month(2026, 3)
    table = customer_table(worked_ledger, march).set_index("customer_id")
    assert list(table.index) == ["C1", "C3", "C2", "C4"]
    for customer_id, row in table.iterrows():
        own = period_report(worked_ledger, march, Filters(customers=(customer_id,)))
        assert row["closing_ar"] == own.closing_ar
        assert row["overdue_ar"] == own.closing_overdue_ar
        assert row["sales"] == own.sales
        assert (row["dso"] is None and own.dso is None) or row["dso"] == pytest.approx(own.dso)
        assert (row["avg_days_late"] is None) == (own.avg_days_late is None)
    c2 = table.loc["C2"]
    assert (c2["closing_ar"], c2["overdue_ar"], c2["invoices"], c2["open_invoices"]) == (
        Decimal("500.00"),
        Decimal("800.00"),
        1,
        2,
    )
    assert c2["avg_days_late"] == pytest.approx(11.658536585365853)  # expected-2026-03-customer-C2.json
    assert table.loc["C4", "dso"] is None  # no sale in March
    assert table.loc["C4", "oldest_days_past_due"] == 55
