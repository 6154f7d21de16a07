"""Monthly series and aging history agree with the period report month by month."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from kpi.periods import Period
from kpi.report import period_report
from kpi.series import aging_history, monthly_series


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
