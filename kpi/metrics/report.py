"""The period report: every KPI of KPI-SPEC §3 for one period, as in the JSON contract of §5."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from decimal import Decimal
from typing import Any

from kpi.metrics.aging import DEFAULT_EDGES
from kpi.metrics.collection import ActivityReport, activity_report, bucket_table
from kpi.model.filters import Filters
from kpi.model.periods import Period
from kpi.store.ledger import Ledger
from kpi.text.formatting import finite_or_none

CENT = Decimal("0.01")
AGING_KEYS = ("not_due", "1_30", "31_60", "61_90", "91_120", "over_120")
AMOUNT_KEYS = (
    "sales",
    "collected",
    "written_off",
    "opening_ar",
    "closing_ar",
    "closing_current_ar",
    "closing_overdue_ar",
    "unapplied_credits",
)
RATIO_KEYS = (
    "dso",
    "bpdso",
    "add",
    "countback_dso",
    "cei",
    "collection_rate",
    "overdue_rate",
    "unpaid_rate",
    "avg_days_to_collect",
    "avg_days_late",
    "activation_rate",
    "ar_turnover",
    "bad_debt_rate",
)

PERIOD_KPIS_SQL = "SELECT * FROM period_kpis($starts, $ends, $customers, $activities, $matching)"
# One period's report also reads, from the same open items, the collection of each bucket of its opening
# aged balance (the `activity` object's collection_rate_by_bucket): one query instead of two.
PERIOD_KPIS_BY_BUCKET_SQL = (
    "SELECT * FROM period_kpis($starts, $ends, $customers, $activities, $matching, bucket_edges := $edges)"
)


@dataclass(frozen=True)
class PeriodReport:
    """The KPIs of one period: money as exact Decimal, ratios and days as float, None when undefined."""

    period: Period
    sales: Decimal
    collected: Decimal
    written_off: Decimal
    opening_ar: Decimal
    closing_ar: Decimal
    closing_current_ar: Decimal
    closing_overdue_ar: Decimal
    unapplied_credits: Decimal
    aging: dict[str, Decimal]
    dso: float | None
    bpdso: float | None
    add: float | None
    countback_dso: float | None
    cei: float | None
    collection_rate: float | None
    overdue_rate: float | None
    unpaid_rate: float | None
    avg_days_to_collect: float | None
    avg_days_late: float | None
    activation_rate: float | None
    ar_turnover: float | None
    bad_debt_rate: float | None
    # Parts of the formulas the report does not print but an explanation needs.
    invoiced: Decimal = Decimal(0)
    unpaid_amount: Decimal = Decimal(0)
    closing_gross_ar: Decimal = Decimal(0)
    # Collection activity (kpi/metrics/collection.py): set by period_report, printed as the `activity` object.
    activity: ActivityReport | None = None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> PeriodReport:
        period = Period(row["period_start"], row["period_end"])
        # Both spread by name into the fields below: mypy cannot tell which key goes where, hence Any.
        money: dict[str, Any] = {
            key: Decimal(row[key]).quantize(CENT)
            for key in AMOUNT_KEYS + ("invoiced", "unpaid_amount", "closing_gross_ar")
        }
        ratios: dict[str, Any] = {key: finite_or_none(row[key]) for key in RATIO_KEYS}
        aging = {key: Decimal(row[key]).quantize(CENT) for key in AGING_KEYS}
        return cls(period=period, aging=aging, **money, **ratios)

    def to_json_dict(self) -> dict[str, Any]:
        """The object of KPI-SPEC §5: amounts rounded to cents, ratios as numbers, None → null."""
        values = asdict(self)
        result: dict[str, Any] = {
            "period": {
                "start": self.period.start.isoformat(),
                "end": self.period.end.isoformat(),
                "days": self.period.days,
            }
        }
        for key in AMOUNT_KEYS:
            result[key] = float(values[key])
        result["aging"] = {key: float(self.aging[key]) for key in AGING_KEYS}
        for key in RATIO_KEYS:
            result[key] = values[key]
        if self.activity is not None:
            result["activity"] = self.activity.to_json_dict()
        return result


def period_reports(ledger: Ledger, periods: list[Period], filters: Filters = Filters()) -> list[PeriodReport]:
    """The report of each period, computed in one query."""
    return [PeriodReport.from_row(row) for row in _period_rows(ledger, periods, filters, PERIOD_KPIS_SQL)]


def period_report(ledger: Ledger, period: Period, filters: Filters = Filters()) -> PeriodReport:
    """The report of one period with its collection activity (kpi/metrics/collection.py)."""
    [row] = _period_rows(ledger, [period], filters, PERIOD_KPIS_BY_BUCKET_SQL)
    buckets = bucket_table(
        (item["bucket"], item["opening_amount"], item["collected_amount"], item["collection_rate"])
        for item in row["collection_by_bucket"] or ()
    )
    return replace(PeriodReport.from_row(row), activity=activity_report(ledger, period, filters, buckets=buckets))


def _period_rows(ledger: Ledger, periods: list[Period], filters: Filters, sql: str) -> list[dict[str, Any]]:
    """period_kpis's row of each period, in the order asked."""
    if not periods:
        return []
    cursor = ledger.query(
        sql,
        {
            "starts": [p.start for p in periods],
            "ends": [p.end for p in periods],
            "edges": list(DEFAULT_EDGES),
            **filters.params(),
        },
    )
    names = [column[0] for column in cursor.description]
    rows = {
        (row["period_start"], row["period_end"]): row
        for row in (dict(zip(names, values)) for values in cursor.fetchall())
    }
    return [rows[(p.start, p.end)] for p in periods]
