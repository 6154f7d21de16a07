"""Monthly series and aging history agree with the period report month by month."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from kpi.metrics.report import period_report
from kpi.metrics.series import aging_history, monthly_series
from kpi.model.periods import Period


def test_each_month_equals_its_own_report(worked_ledger):
    series = monthly_series(worked_ledger, date(2025, 12, 1), date(2026, 4, 30))
    assert list(series["month"]) == ["2025-12", "2026-01", "2026-02", "2026-03", "2026-04"]
    march = series.set_index("month").loc["2026-03"]
    report = period_report(worked_ledger, Period.month(2026, 3))
    assert march["dso"] == report.dso and march["closing_ar"] == Decimal("6500.00")
    assert march["aging_31_60"] == 750.0
    # Month m's closing AR is month m+1's opening AR.
    assert list(series["closing_ar"][:-1]) == list(series["opening_ar"][1:])


def test_aging_history_at_month_ends(worked_ledger):
    history = aging_history(worked_ledger, date(2026, 1, 1), date(2026, 3, 31)).set_index("month_end")
    assert list(history.index.astype(str)) == ["2026-01-31", "2026-02-28", "2026-03-31"]
    assert history.loc[date(2026, 2, 28), "ar"] == Decimal("6250.00")
    assert history.loc[date(2026, 3, 31), "unapplied_credits"] == Decimal("-550.00")


def test_countback_dso_is_in_the_monthly_series_as_counted_by_hand(worked_ledger):
    series = monthly_series(worked_ledger, date(2026, 2, 1), date(2026, 3, 31)).set_index("month")
    # March: closing AR 6 500. Back from 31/03: F-009 700 (31/03), the credit note of 18/03 consumes
    # nothing, F-008 1 800 (15/03), F-007 900 (05/03), F-006 3 000 (02/03): 6 400 used, 100 left of
    # F-005's 600 on 25/02. 26/02 → 31/03 are 34 whole days, then 100 / 600 of 25/02.
    assert series.loc["2026-03", "countback_dso"] == pytest.approx(34 + 100 / 600)
    # February: closing AR 6 250. 600 (25/02), 1 500 (10/02), 2 500 (20/01), 800 (15/01), 450 (05/01)
    # use 5 850; 400 of F-001's 1 200 on 10/12/2025. 11/12 → 28/02 are 80 days, then 400 / 1 200.
    assert series.loc["2026-02", "countback_dso"] == pytest.approx(80 + 400 / 1200)
    # The simple DSO of February (6 250 / 2 100 × 28 = 83,3 j) runs above it: a month of few sales.
    assert series.loc["2026-02", "dso"] == pytest.approx(6250 / 2100 * 28)
