"""The client audit report: what a consultant hands over, as sections of data ready to render.

Sections: cover (company, period, data sources), headline KPIs with their formula, the
previous period and the month-by-month trend, collection activity (only when a dispute,
reminder, payment-plan or costs log was imported, or a monthly cost entered), aged balance
by customer, top 20 overdue customers with their risk rating, findings, data quality (the
workspace's imports and their stored reports), and an appendix of every KPI definition read
from the `.sql` headers. kpi/audit_export.py writes it as XLSX, HTML or PDF.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pandas as pd

from kpi.aging import AgedBalance, aged_balance
from kpi.collection import UNITS as ACTIVITY_UNITS
from kpi.collection import bucket_collection
from kpi.filters import Filters
from kpi.findings import Finding, generate_findings
from kpi.i18n import translate
from kpi.ledger import Ledger
from kpi.periods import Period, add_months
from kpi.registry import all_named_queries, named_query
from kpi.report import AMOUNT_KEYS, RATIO_KEYS, PeriodReport, period_report
from kpi.risk import RiskTable, customer_risk
from kpi.series import monthly_series

TOP_OVERDUE = 20
TREND_MONTHS = 12

# The .sql file whose header defines each headline figure.
DEFINED_IN = {
    "sales": "period_flows", "collected": "period_flows", "written_off": "period_flows",
    "opening_ar": "ar_position", "closing_ar": "ar_position", "closing_current_ar": "ar_position",
    "closing_overdue_ar": "ar_position", "unapplied_credits": "open_items",
    "avg_days_to_collect": "payment_delays", "avg_days_late": "payment_delays", "activation_rate": "activation",
}
# The collection-activity figures of the report's activity section, with the .sql file defining each.
ACTIVITY_DEFINED_IN = {
    "dispute_rate": "dispute_rate", "open_disputes_count": "open_disputes", "open_disputes_amount": "open_disputes",
    "reminder_success_rate": "reminder_success_rate", "cost_per_reminder": "cost_per_reminder",
    "plan_compliance_rate": "plan_compliance", "amount_in_plans": "amount_in_plans",
    "cost_per_euro_collected": "cost_per_euro_collected",
}
BUCKET_RATE_QUERY = "bucket_collection_rate"
HEADLINE_UNITS = {
    "dso": "days", "bpdso": "days", "add": "days", "countback_dso": "days", "avg_days_to_collect": "days",
    "avg_days_late": "days", "ar_turnover": "ratio",
}


def kpi_unit(key: str) -> str:
    return "money" if key in AMOUNT_KEYS else HEADLINE_UNITS.get(key, "percent")


@dataclass(frozen=True)
class AuditReport:
    company: str
    period: Period
    filters: Filters
    lang: str
    currency: str
    generated_on: date
    sources: tuple[str, ...]
    report: PeriodReport
    previous: PeriodReport
    series: pd.DataFrame  # monthly_series of the TREND_MONTHS months up to the period's end
    aged: AgedBalance
    risk: RiskTable
    findings: tuple[Finding, ...]
    imports: pd.DataFrame
    import_files: pd.DataFrame
    bucket_rates: pd.DataFrame | None = None  # bucket_collection() per bucket of the opening balance; None without activity section

    @property
    def has_activity(self) -> bool:
        """Whether the report carries the collection-activity section: some log imported, or a monthly cost entered."""
        activity = self.report.activity
        return activity is not None and any(activity.missing(key) is None for key in ACTIVITY_DEFINED_IN)

    def t(self, key: str, **values) -> str:
        return translate(key, self.lang, **values)

    def headline(self) -> pd.DataFrame:
        """key, label, unit, value, previous, change, formula: the period's figures then its ratios."""
        rows = []
        for key in (*AMOUNT_KEYS, *RATIO_KEYS):
            value, before = getattr(self.report, key), getattr(self.previous, key)
            rows.append({
                "key": key,
                "label": self.t(f"kpi.{key}.label"),
                "unit": kpi_unit(key),
                "value": value,
                "previous": before,
                "change": None if value is None or before is None else value - before,
                "formula": named_query(DEFINED_IN.get(key, key)).formula,
            })
        return pd.DataFrame(rows)

    def activity_rows(self) -> pd.DataFrame:
        """key, label, unit, value, missing, formula of the activity section; `missing` names the absent log
        (the value is then None, shown as "—, no … log imported", never 0)."""
        activity = self.report.activity
        rows = [{
            "key": key,
            "label": self.t(f"activity.{key}.label"),
            "unit": ACTIVITY_UNITS[key],
            "value": getattr(activity, key),
            "missing": activity.missing(key),
            "formula": named_query(query).formula,
        } for key, query in ACTIVITY_DEFINED_IN.items()]
        return pd.DataFrame(rows, columns=["key", "label", "unit", "value", "missing", "formula"])

    def top_overdue(self) -> pd.DataFrame:
        """The TOP_OVERDUE customers with the most overdue AR at the period's end, with their rating."""
        keys = self.aged.bucket_keys
        rows = self.aged.rows.copy()
        rows["overdue"] = [sum((row[k] for k in keys[1:]), Decimal(0)) for _, row in rows.iterrows()]
        rows = rows[rows["overdue"] > 0].sort_values(["overdue", "customer_name"], ascending=[False, True]).head(TOP_OVERDUE)
        scored = self.risk.rows.set_index("customer_id")
        ratings, points, factors = [], [], []
        for customer_id in rows["customer_id"]:
            if customer_id in scored.index:
                ratings.append(scored.loc[customer_id, "rating"])
                points.append(int(scored.loc[customer_id, "points"]))
                factors.append(", ".join(self.t(f"risk.factor.{f.key}") for f in self.risk.contributing_factors(customer_id)[:3]))
            else:
                ratings.append(None), points.append(None), factors.append("")
        return pd.DataFrame({
            "customer_id": rows["customer_id"], "customer_name": rows["customer_name"],
            "overdue": rows["overdue"], "over_120": rows[keys[-1]], "total": rows["total"],
            "rating": ratings, "points": points, "factors": factors,
        }).reset_index(drop=True)

    def definitions(self) -> pd.DataFrame:
        """Every named query's label, formula and unit; the what-if mechanics are not KPIs."""
        return pd.DataFrame(
            [{"name": q.name, "label": q.label, "formula": q.formula, "unit": q.unit}
             for q in all_named_queries() if not q.name.startswith("whatif_")],
            columns=["name", "label", "formula", "unit"],
        )


def build_audit(
    ledger: Ledger,
    period: Period,
    filters: Filters = Filters(),
    *,
    company: str = "",
    lang: str = "fr",
    currency: str = "EUR",
    generated_on: date | None = None,
) -> AuditReport:
    report = period_report(ledger, period, filters)
    previous = period_report(ledger, period.previous(), filters)
    trend_start = add_months(period.end.replace(day=1), -(TREND_MONTHS - 1))
    series = monthly_series(ledger, trend_start, period.end, filters)
    aged = aged_balance(ledger, period.end, filters=filters)
    risk = customer_risk(ledger, period.end, filters)
    findings = generate_findings(ledger, report, previous, aged, risk, filters.params(), lang, currency)
    imports, files = _imports(ledger)
    buckets = None
    if report.activity is not None and any(report.activity.missing(key) is None for key in ACTIVITY_DEFINED_IN):
        buckets = bucket_collection(ledger, period, filters)
    sources = tuple(dict.fromkeys(source for listed in imports["sources"] for source in listed)) if len(imports) else ()
    return AuditReport(
        company=company, period=period, filters=filters, lang=lang, currency=currency,
        generated_on=generated_on or date.today(), sources=sources, report=report, previous=previous,
        series=series, aged=aged, risk=risk, findings=findings, imports=imports, import_files=files,
        bucket_rates=buckets,
    )


def _imports(ledger: Ledger) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The imports table, and one row per file of each stored import report (JSON)."""
    imports = ledger.frame(
        "SELECT import_id, imported_at, sources, documents, settlements, documents_total, settlements_total, report"
        " FROM imports ORDER BY import_id"
    )
    files = []
    for import_id, report in zip(imports["import_id"], imports["report"]):
        data = json.loads(report) if isinstance(report, str) and report else {}
        for entry in data.get("files", []):
            warnings = [w.get("text") or w.get("message", "") for w in entry.get("warnings", [])]
            files.append({
                "import_id": import_id,
                "file": entry.get("file"),
                "layout": entry.get("layout"),
                "rows_read": entry.get("rows_read"),
                "rows_imported": entry.get("rows_imported"),
                "amount_in_file": _decimal(entry.get("amount_in_file")),
                "amount_imported": _decimal(entry.get("amount_imported")),
                "reconciled": entry.get("reconciled"),
                "notes": " ; ".join([*entry.get("explanations", []), *warnings]),
            })
    columns = ["import_id", "file", "layout", "rows_read", "rows_imported", "amount_in_file", "amount_imported", "reconciled", "notes"]
    return imports.drop(columns=["report"]), pd.DataFrame(files, columns=columns)


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))
