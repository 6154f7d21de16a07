"""Monthly series: every KPI month by month, and the aged balance at each month end."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from kpi.metrics.report import AGING_KEYS, PeriodReport, period_reports
from kpi.model.filters import Filters
from kpi.model.periods import Period
from kpi.store.ledger import Ledger

if TYPE_CHECKING:
    import pandas as pd


def months_between(start: date, end: date) -> list[Period]:
    """Every calendar month that meets [start, end], as whole months."""
    return Period(start, end).months()


def monthly_reports(ledger: Ledger, start: date, end: date, filters: Filters = Filters()) -> list[PeriodReport]:
    return period_reports(ledger, months_between(start, end), filters)


def monthly_rows(ledger: Ledger, start: date, end: date, filters: Filters = Filters()) -> list[dict[str, Any]]:
    """One dict per month: the JSON report's keys flattened (aging buckets as `aging_<key>`)."""
    rows = []
    for report in monthly_reports(ledger, start, end, filters):
        flat = report.to_json_dict()
        period = flat.pop("period")
        aging = flat.pop("aging")
        rows.append(
            {
                "month": period["start"][:7],
                "period_start": report.period.start,
                "period_end": report.period.end,
                "days": period["days"],
                **{key: getattr(report, key) for key in flat},
                **{f"aging_{key}": aging[key] for key in AGING_KEYS},
            }
        )
    return rows


def monthly_series(ledger: Ledger, start: date, end: date, filters: Filters = Filters()) -> pd.DataFrame:
    """monthly_rows as a frame, one row per month."""
    import pandas as pd

    return pd.DataFrame(monthly_rows(ledger, start, end, filters))


def aging_history(ledger: Ledger, start: date, end: date, filters: Filters = Filters()) -> pd.DataFrame:
    """The aged balance (default buckets) and AR at each month end between two dates."""
    month_ends = [month.end for month in months_between(start, end)]
    return ledger.frame(
        'SELECT as_of AS month_end, not_due, "1_30", "31_60", "61_90", "91_120", over_120,'
        " unapplied_credits, ar FROM ar_position_at($dates, $customers, $activities, $matching) ORDER BY as_of",
        {"dates": month_ends, **filters.params()},
    )
