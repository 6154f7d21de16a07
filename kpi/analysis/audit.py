"""The client audit report: what a consultant hands over, as sections of data ready to render.

Sections: cover (client, period, matching mode, author, date), findings (what the reader must
act on), headline KPIs each with its computation in words and this period's numbers (kpi/explain),
the previous period and the month-by-month trend, collection activity (only when a dispute,
reminder, payment-plan or costs log was imported, or a monthly cost entered), aged balance by
customer, top 20 overdue customers with their risk rating, data quality (the workspace's imports
and their stored reports) and an appendix defining every KPI in words. Nothing a reader sees
names a spec section, an SQL file or a field. kpi/exports/audit.py writes it as XLSX, HTML or PDF.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pandas as pd

from kpi.analysis.explain import explain
from kpi.analysis.findings import Finding, generate_findings
from kpi.metrics.aging import AgedBalance, aged_balance
from kpi.metrics.catalogue import kpi
from kpi.metrics.collection import bucket_collection
from kpi.metrics.report import AMOUNT_KEYS, RATIO_KEYS, PeriodReport, period_report
from kpi.metrics.risk import RiskTable, customer_risk
from kpi.metrics.series import monthly_series
from kpi.model.filters import Filters
from kpi.model.periods import Period, add_months
from kpi.store.ledger import Ledger
from kpi.text.i18n import catalog, translate

TOP_OVERDUE = 20
TREND_MONTHS = 12

# The collection-activity figures of the report's activity section, in reading order.
ACTIVITY_KEYS = (
    "dispute_rate",
    "open_disputes_count",
    "open_disputes_amount",
    "reminder_success_rate",
    "cost_per_reminder",
    "plan_compliance_rate",
    "amount_in_plans",
    "cost_per_euro_collected",
)
# Workspace settings (Workspace.save_settings) naming who the report is for and who wrote it.
CLIENT_SETTING = "client_name"
AUTHOR_SETTING = "report_author"


def report_identity(
    ledger: Ledger, default_client: str = "", client: str | None = None, author: str | None = None
) -> tuple[str, str]:
    """The client and author of the cover: those given, else the workspace's settings, else the default client
    (the workspace's name) and no author."""
    settings = ledger.settings()
    chosen_client = (client or "").strip() or str(settings.get(CLIENT_SETTING) or "").strip() or default_client
    chosen_author = (author or "").strip() or str(settings.get(AUTHOR_SETTING) or "").strip()
    return chosen_client, chosen_author


@dataclass(frozen=True)
class AuditReport:
    client: str
    author: str
    period: Period
    filters: Filters
    lang: str
    currency: str
    generated_on: date
    sources: tuple[str, ...]
    report: PeriodReport
    previous: PeriodReport
    series: pd.DataFrame  # monthly_series of the TREND_MONTHS months up to the period's end
    aged: AgedBalance[pd.DataFrame]
    risk: RiskTable
    findings: tuple[Finding, ...]
    imports: pd.DataFrame
    import_files: pd.DataFrame
    bucket_rates: pd.DataFrame | None = (
        None  # bucket_collection() per bucket of the opening balance; None without activity section
    )

    @property
    def has_activity(self) -> bool:
        """Whether the report carries the collection-activity section: some log imported, or a monthly cost entered."""
        activity = self.report.activity
        return activity is not None and any(activity.missing(key) is None for key in ACTIVITY_KEYS)

    def t(self, key: str, **values) -> str:
        return translate(key, self.lang, **values)

    def headline(self) -> pd.DataFrame:
        """key, label, unit, value, previous, change, computation: the period's figures then its ratios; the
        computation is the KPI's definition in words with this period's numbers, or why it is undefined."""
        rows = []
        for key in (*RATIO_KEYS, *AMOUNT_KEYS):  # the delay and efficiency ratios first, as Comparer reads them
            value, before = getattr(self.report, key), getattr(self.previous, key)
            explanation = explain(key, self.report, self.lang, self.currency)
            rows.append(
                {
                    "key": key,
                    "label": self.t(f"kpi.{key}.label"),
                    "unit": kpi(key).unit,
                    "value": value,
                    "previous": before,
                    "change": None if value is None or before is None else value - before,
                    "computation": explanation.computation or self.t("audit.undefined", reason=explanation.note),
                }
            )
        return pd.DataFrame(rows)

    def activity_rows(self) -> pd.DataFrame:
        """key, label, unit, value, missing, formula of the activity section; `missing` names the absent log
        (the value is then None, shown as "—, no … log imported", never 0)."""
        activity = self.report.activity
        assert activity is not None  # asked for only when has_activity
        rows = [
            {
                "key": key,
                "label": self.t(f"activity.{key}.label"),
                "unit": kpi(key).unit,
                "value": getattr(activity, key),
                "missing": activity.missing(key),
                "formula": self.t(f"activity.{key}.help"),
            }
            for key in ACTIVITY_KEYS
        ]
        return pd.DataFrame(rows, columns=["key", "label", "unit", "value", "missing", "formula"])

    def top_overdue(self) -> pd.DataFrame:
        """The TOP_OVERDUE customers with the most overdue AR at the period's end, with their rating."""
        keys = self.aged.bucket_keys
        rows = self.aged.rows.copy()
        rows["overdue"] = [sum((row[k] for k in keys[1:]), Decimal(0)) for _, row in rows.iterrows()]
        rows = (
            rows[rows["overdue"] > 0]
            .sort_values(["overdue", "customer_name"], ascending=[False, True])
            .head(TOP_OVERDUE)
        )
        scored = self.risk.rows.set_index("customer_id")
        ratings: list[str | None] = []
        points: list[int | None] = []
        factors: list[str] = []
        for customer_id in rows["customer_id"]:
            if customer_id in scored.index:
                ratings.append(scored.loc[customer_id, "rating"])
                points.append(int(scored.loc[customer_id, "points"]))
                factors.append(
                    ", ".join(self.t(f"risk.factor.{f.key}") for f in self.risk.contributing_factors(customer_id)[:3])
                )
            else:
                ratings.append(None)
                points.append(None)
                factors.append("")
        return pd.DataFrame(
            {
                "customer_id": rows["customer_id"],
                "customer_name": rows["customer_name"],
                "overdue": rows["overdue"],
                "over_120": rows[keys[-1]],
                "total": rows["total"],
                "rating": ratings,
                "points": points,
                "factors": factors,
            }
        ).reset_index(drop=True)

    def definitions(self) -> pd.DataFrame:
        """label, definition, unit of every KPI the report shows, in words: the appendix."""
        rows = [
            {
                "label": self.t(f"kpi.{key}.label"),
                "definition": explain(key, self.report, self.lang).formula,
                "unit": kpi(key).unit,
            }
            for key in (*RATIO_KEYS, *AMOUNT_KEYS)
        ]
        if self.has_activity:
            rows += [
                {
                    "label": self.t(f"activity.{key}.label"),
                    "definition": self.t(f"activity.{key}.help"),
                    "unit": kpi(key).unit,
                }
                for key in ACTIVITY_KEYS
            ]
        return pd.DataFrame(rows, columns=["label", "definition", "unit"])

    def layout_label(self, layout: str | None) -> str:
        """The product's name for a file kind, as the Data page shows it; never the internal layout name."""
        key = f"data.layout.{layout}"
        return self.t(key) if key in catalog(self.lang) else self.t("data.layout.None")


def build_audit(
    ledger: Ledger,
    period: Period,
    filters: Filters = Filters(),
    *,
    client: str = "",
    author: str = "",
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
    imports, files = _imports(ledger, lang)
    buckets = None
    if report.activity is not None and any(report.activity.missing(key) is None for key in ACTIVITY_KEYS):
        buckets = bucket_collection(ledger, period, filters)
    sources = tuple(dict.fromkeys(source for listed in imports["sources"] for source in listed)) if len(imports) else ()
    return AuditReport(
        client=client,
        author=author,
        period=period,
        filters=filters,
        lang=lang,
        currency=currency,
        generated_on=generated_on or date.today(),
        sources=sources,
        report=report,
        previous=previous,
        series=series,
        aged=aged,
        risk=risk,
        findings=findings,
        imports=imports,
        import_files=files,
        bucket_rates=buckets,
    )


def _imports(ledger: Ledger, lang: str = "fr") -> tuple[pd.DataFrame, pd.DataFrame]:
    """The imports table, and one row per file of each stored import report (JSON).

    A file's notes are its report's explanations and warnings as the import wrote them (French text
    today); a warning is its message and its row, not the column, which in the product's own layout
    is an internal name. An English report says that the notes are quoted as recorded.
    """
    imports = ledger.frame(
        "SELECT import_id, imported_at, sources, documents, settlements, documents_total, settlements_total, report"
        " FROM imports ORDER BY import_id"
    )
    files = []
    for import_id, report in zip(imports["import_id"], imports["report"]):
        data = json.loads(report) if isinstance(report, str) and report else {}
        for entry in data.get("files", []):
            warnings = [_warning_text(w, lang) for w in entry.get("warnings", [])]
            notes = " ; ".join(note for note in [*entry.get("explanations", []), *warnings] if note)
            if notes and lang != "fr":
                notes = translate("audit.notes_as_recorded", lang, notes=notes)
            files.append(
                {
                    "import_id": import_id,
                    "file": entry.get("file"),
                    "layout": entry.get("layout"),
                    "rows_read": entry.get("rows_read"),
                    "rows_imported": entry.get("rows_imported"),
                    "amount_in_file": _decimal(entry.get("amount_in_file")),
                    "amount_imported": _decimal(entry.get("amount_imported")),
                    "reconciled": entry.get("reconciled"),
                    "notes": notes,
                }
            )
    columns = [
        "import_id",
        "file",
        "layout",
        "rows_read",
        "rows_imported",
        "amount_in_file",
        "amount_imported",
        "reconciled",
        "notes",
    ]
    return imports.drop(columns=["report"]), pd.DataFrame(files, columns=columns)


def _warning_text(warning: dict, lang: str) -> str:
    message = warning.get("message") or warning.get("text") or ""
    row = warning.get("row")
    return message if row is None else f"{message} ({translate('audit.at_row', lang, row=row)})"


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))
