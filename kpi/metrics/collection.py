"""Collection activity: disputes, reminders, payment plans, collection costs, promises to pay, write-offs and what
each bucket yields.

The logs behind these KPIs are optional. When one was never imported its KPIs are None
(null in JSON, "—, aucun journal … importé" in the app), never 0; `ActivityReport.missing`
says which log a KPI waits for. The collection rate per ageing bucket and the write-off
analysis need only the ledger. Each number comes from a `.sql` file of kpi/sql named in
its docstring.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from kpi.metrics.aging import DEFAULT_EDGES, bucket_keys
from kpi.metrics.catalogue import catalogue, kpi
from kpi.metrics.settings import (
    MONTHLY_COST_SETTING,
    PLAN_GRACE_SETTING,
    REMINDER_WINDOW_SETTING,
    ActivitySettings,
)
from kpi.model.filters import Filters
from kpi.model.names import ACTIVITY_TABLES
from kpi.model.periods import Period
from kpi.store.ledger import Ledger
from kpi.text.formatting import finite_or_none

if TYPE_CHECKING:  # the period report reads this module without pandas
    import pandas as pd

CENT = Decimal("0.01")
BUCKET_KEYS = bucket_keys(DEFAULT_EDGES)  # the keys of the report's `aging` object
# A bucket's opening amount, amount collected in the period and collection rate (None: nothing was due).
BucketCollection = tuple[Decimal, Decimal, float | None]

# Which log each KPI of the `activity` object needs (None: the ledger is enough).
NEEDS = {
    "dispute_rate": "disputes",
    "disputed_amount": "disputes",
    "open_disputes_count": "disputes",
    "open_disputes_amount": "disputes",
    "avg_dispute_resolution_days": "disputes",
    "reminders_count": "reminders",
    "reminder_success_rate": "reminders",
    "cost_per_reminder": "reminders",
    "plan_compliance_rate": "payment_plans",
    "amount_in_plans": "payment_plans",
    "cost_per_euro_collected": "collection_costs",
    "promises_open_count": "promises",
    "promises_open_amount": "promises",
    "promise_kept_rate": "promises",
    "broken_promises_amount": "promises",
    "collection_rate_by_bucket": None,
}
# The overview's headline ones (their units: kpi/metrics/catalogue.py).
HEADLINE_KEYS = (
    "dispute_rate",
    "open_disputes_amount",
    "reminder_success_rate",
    "plan_compliance_rate",
    "cost_per_euro_collected",
)


def activity_settings(ledger: Ledger) -> ActivitySettings:
    """The settings stored with the ledger's workspace (defaults for files read in memory)."""
    rows = ledger.query(
        "SELECT key, value FROM settings WHERE key IN ($window, $grace, $monthly)",
        {"window": REMINDER_WINDOW_SETTING, "grace": PLAN_GRACE_SETTING, "monthly": MONTHLY_COST_SETTING},
    ).fetchall()
    return ActivitySettings.from_settings({key: json.loads(value) for key, value in rows})


def imported_logs(ledger: Ledger) -> frozenset[str]:
    """The collection-activity logs that hold at least one row: 'disputes', 'reminders', 'payment_plans', 'collection_costs'."""
    counts = ledger.query(
        "SELECT " + ", ".join(f"(SELECT count(*) > 0 FROM {table})" for table in ACTIVITY_TABLES)
    ).fetchall()[0]
    return frozenset(table for table, present in zip(ACTIVITY_TABLES, counts) if present)


@dataclass(frozen=True)
class ActivityReport:
    """The `activity` object of the period report: money as Decimal, ratios and days as float, None when undefined."""

    period: Period
    logs: frozenset[str]
    settings: ActivitySettings
    dispute_rate: float | None = None
    disputed_amount: Decimal | None = None
    open_disputes_count: int | None = None
    open_disputes_amount: Decimal | None = None
    avg_dispute_resolution_days: float | None = None
    reminders_count: int | None = None
    reminder_success_rate: float | None = None
    cost_per_reminder: Decimal | None = None
    plan_compliance_rate: float | None = None
    amount_in_plans: Decimal | None = None
    cost_per_euro_collected: float | None = None
    collection_rate_by_bucket: dict[str, float | None] = field(default_factory=dict)
    # Parts of the formulas the JSON does not print but the page shows.
    collection_costs: Decimal | None = None
    cost_source: str | None = None  # 'log', 'monthly_setting', or None when neither exists
    paid_reminders: int | None = None
    installments_due: int | None = None
    installments_kept: int | None = None
    promises_open_count: int | None = None
    promises_open_amount: Decimal | None = None
    promise_kept_rate: float | None = None
    broken_promises_amount: Decimal | None = None
    promises_kept: int | None = None
    promises_broken: int | None = None

    def missing(self, key: str) -> str | None:
        """The log a KPI needs and that was never imported, else None."""
        needed = NEEDS.get(key)
        if needed == "collection_costs" and self.cost_source is not None:
            return None  # the Settings page's monthly amount stands in for the log
        return needed if needed is not None and needed not in self.logs else None

    @property
    def cost_exceeds_collected(self) -> bool:
        """Spending more than one euro to collect one: the page shows it in red."""
        return self.cost_per_euro_collected is not None and self.cost_per_euro_collected > 1

    def to_json_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key in NEEDS:
            value = getattr(self, key)
            if value is not None and kpi(key).unit == "money":
                value = float(value)
            result[key] = value
        result["collection_rate_by_bucket"] = dict(self.collection_rate_by_bucket)
        return result


# Each log's KPIs: the one-row queries that give them, with the key each column gives (None: a column no KPI
# takes). A log never imported leaves its KPIs None; `_value` types each by its unit in the catalogue.
LOG_QUERIES: dict[str, tuple[tuple[str, tuple[str | None, ...]], ...]] = {
    "disputes": (
        (
            "SELECT d.disputed_amount, kpi_dispute_rate(d.disputed_amount, f.sales)"
            " FROM disputed_sales($start, $end, $customers, $activities) AS d,"
            " period_flows([$start::DATE], [$end::DATE], $customers, $activities) AS f",
            ("disputed_amount", "dispute_rate"),
        ),
        (
            "SELECT * FROM open_disputes_at($end, $customers, $activities)",
            ("open_disputes_count", "open_disputes_amount"),
        ),
        (
            "SELECT * FROM dispute_resolution($start, $end, $customers, $activities)",
            ("avg_dispute_resolution_days", None),
        ),
    ),
    "reminders": (
        (
            "SELECT * FROM reminder_success($start, $end, $window, $customers, $activities)",
            ("reminders_count", "paid_reminders", "reminder_success_rate"),
        ),
        ("SELECT * FROM cost_per_reminder($start, $end, $customers, $activities)", ("cost_per_reminder", None)),
    ),
    "payment_plans": (
        (
            "SELECT * FROM plan_compliance($start, $end, $grace, $customers, $activities)",
            ("installments_due", "installments_kept", "plan_compliance_rate"),
        ),
        ("SELECT * FROM amount_in_plans($end, $customers, $activities)", ("amount_in_plans", None)),
    ),
    "promises": (
        (
            "SELECT * FROM promise_kpis($start, $end, $grace, $customers, $activities)",
            (
                "promises_open_count",
                "promises_open_amount",
                "promises_kept",
                "promises_broken",
                "promise_kept_rate",
                "broken_promises_amount",
            ),
        ),
    ),
}


def activity_report(
    ledger: Ledger,
    period: Period,
    filters: Filters = Filters(),
    settings: ActivitySettings | None = None,
    buckets: dict[str, BucketCollection] | None = None,
) -> ActivityReport:
    """Every collection-activity KPI of the period; those whose log is absent stay None.

    `buckets`: the collection by bucket (`bucket_table`) when the caller has it already (period_report
    reads it with the period's KPIs); else it is queried.
    """
    settings = settings or activity_settings(ledger)
    logs = imported_logs(ledger)
    params: dict[str, Any] = {"start": period.start, "end": period.end, **filters.params()}
    values: dict[str, Any] = {}
    params |= {"window": settings.reminder_window_days, "grace": settings.plan_grace_days}
    for log, queries in LOG_QUERIES.items():
        if log in logs:
            for sql, keys in queries:
                values |= {key: _value(key, value) for key, value in zip(keys, _row(ledger, sql, params)) if key}
    if "collection_costs" in logs or settings.monthly_collection_cost is not None:
        costs, _, source, ratio = _row(
            ledger,
            "SELECT * FROM collection_cost_ratio($start, $end, $monthly::DECIMAL(18, 2), $customers, $activities)",
            {**params, "monthly": settings.monthly_collection_cost},
        )
        values.update(collection_costs=_money(costs), cost_source=source, cost_per_euro_collected=finite_or_none(ratio))
    if buckets is None:
        buckets = _bucket_rows(ledger, period, filters)
    values["collection_rate_by_bucket"] = {key: rate for key, (_, _, rate) in buckets.items()}
    return ActivityReport(period, logs, settings, **values)


def bucket_collection(ledger: Ledger, period: Period, filters: Filters = Filters()) -> pd.DataFrame:
    """Per bucket of the aged balance at S − 1: its amount, what was collected of it by E, the rate (bucket_collection_rate.sql)."""
    import pandas as pd

    rows = _bucket_rows(ledger, period, filters)
    return pd.DataFrame(
        [(key, *values) for key, values in rows.items()],
        columns=["bucket", "opening_amount", "collected_amount", "collection_rate"],
    )


def _bucket_rows(ledger: Ledger, period: Period, filters: Filters) -> dict[str, BucketCollection]:
    rows = ledger.query(
        "SELECT bucket, opening_amount, collected_amount, collection_rate"
        " FROM bucket_collection_rate($start, $end, $edges, $customers, $activities, $matching)",
        {"start": period.start, "end": period.end, "edges": list(DEFAULT_EDGES), **filters.params()},
    ).fetchall()
    return bucket_table(rows)


def bucket_table(rows: Iterable[tuple[Any, ...]]) -> dict[str, BucketCollection]:
    """(bucket index, opening amount, collected amount, rate) rows by bucket key, every bucket present."""
    found = {bucket: (opening, collected, finite_or_none(rate)) for bucket, opening, collected, rate in rows}
    zero = Decimal("0.00")
    return {key: found.get(index, (zero, zero, None)) for index, key in enumerate(BUCKET_KEYS)}


def reminder_funnel(
    ledger: Ledger, period: Period, filters: Filters = Filters(), settings: ActivitySettings | None = None
) -> pd.DataFrame:
    """Escalation steps R1 → R2 → … → formal_notice → agency_legal: reminders, those paid, paid share (reminder_funnel.sql)."""
    window = (settings or activity_settings(ledger)).reminder_window_days
    funnel = _period_table(ledger, "reminder_funnel", period, filters, window=window)
    return funnel[["step", "reminders", "paid_reminders", "paid_share", "cost"]]


def reminders_by_channel(ledger: Ledger, period: Period, filters: Filters = Filters()) -> pd.DataFrame:
    """Reminders of the period by channel and stage (reminder_funnel.sql)."""
    return _period_table(ledger, "reminders_by_channel", period, filters)


def dispute_list(ledger: Ledger, as_of: date, filters: Filters = Filters()) -> pd.DataFrame:
    """Disputes opened by `as_of`, open ones first, with their state at that date (ledger_disputes.sql)."""
    return ledger.frame(
        "SELECT document_id, customer_id, customer_name, activity, opened_date, resolved_date, amount, reason,"
        " resolved_date IS NULL OR resolved_date > $as_of AS open,"
        " CASE WHEN resolved_date <= $as_of THEN resolved_date - opened_date ELSE $as_of - opened_date END AS days"
        " FROM ledger_disputes($customers, $activities) WHERE opened_date <= $as_of"
        " ORDER BY open DESC, opened_date, document_id",
        {"as_of": as_of, **filters.params()},
    )


def plan_list(ledger: Ledger, as_of: date, filters: Filters = Filters()) -> pd.DataFrame:
    """Per customer with a payment plan started by `as_of`: planned, paid, remaining (amount_in_plans.sql)."""
    return ledger.frame(
        "SELECT customer_id, array_to_string(plans, ', ') AS plans, installments, installments_due,"
        " first_due, last_due, planned, paid, remaining"
        " FROM plans_at($as_of, $customers, $activities) ORDER BY remaining DESC, customer_id",
        {"as_of": as_of, **filters.params()},
    )


def plan_installments(
    ledger: Ledger, period: Period, filters: Filters = Filters(), settings: ActivitySettings | None = None
) -> pd.DataFrame:
    """The installments due in the period and whether each was paid in full in time (plan_installments.sql)."""
    settings = settings or activity_settings(ledger)
    return ledger.frame(
        "SELECT plan_id, customer_id, due_date, amount, cumulative_due, cash_by_deadline, paid_in_full"
        " FROM plan_installments($grace, $customers, $activities)"
        " WHERE due_date BETWEEN $start AND $end ORDER BY due_date, plan_id, installment_id",
        {"start": period.start, "end": period.end, "grace": settings.plan_grace_days, **filters.params()},
    )


def write_offs_by_customer(ledger: Ledger, period: Period, filters: Filters = Filters()) -> pd.DataFrame:
    """Written off in the period by customer and activity (write_offs.sql)."""
    return _period_table(ledger, "write_offs_by_customer", period, filters)


def write_offs_by_activity(ledger: Ledger, period: Period, filters: Filters = Filters()) -> pd.DataFrame:
    """Written off, sales and bad-debt rate per activity (write_offs.sql)."""
    frame = _period_table(ledger, "write_offs_by_activity", period, filters)
    frame["bad_debt_rate"] = [finite_or_none(v) for v in frame["bad_debt_rate"]]
    return frame


def _period_table(ledger: Ledger, macro: str, period: Period, filters: Filters, **settings: int) -> pd.DataFrame:
    """Every column of one of our table macros taking ($start, $end, the settings named here in their order,
    $customers, $activities)."""
    named = "".join(f"${name}, " for name in settings)
    return ledger.frame(
        f"SELECT * FROM {macro}($start, $end, {named}$customers, $activities)",
        {"start": period.start, "end": period.end, **settings, **filters.params()},
    )


def _row(ledger: Ledger, sql: str, params: dict[str, Any]) -> tuple[Any, ...]:
    # DuckDB refuses parameters a statement does not use: pass only those it names.
    return ledger.query(sql, {key: value for key, value in params.items() if f"${key}" in sql}).fetchall()[0]


def _value(key: str, value: Any) -> Any:
    """A KPI's value as its catalogue unit wants it: money to the cent, a count as it is, a rate or a number of days
    finite or None. The counts behind a rate (paid_reminders, installments_due…) are not in the catalogue."""
    unit = catalogue()[key].unit if key in catalogue() else "count"
    if unit == "money":
        return _money(value)
    return value if unit == "count" else finite_or_none(value)


def _money(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(CENT)
