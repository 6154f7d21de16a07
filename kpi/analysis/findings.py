"""Findings of the audit report: sentences generated from the data, each with the numbers behind it.

Each rule looks at one thing a consultant checks first (where the overdue sits, whether
late payment or terms drive DSO, old debt not written off, unapplied credits, LME terms…)
and says it in one sentence only when the data shows it. The thresholds are here, in the
open, rather than buried in a template.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from kpi.metrics.aging import AgedBalance
from kpi.metrics.report import PeriodReport
from kpi.metrics.risk import RiskTable
from kpi.model.law import LME_CAP_DAYS
from kpi.store.ledger import Ledger
from kpi.text.formatting import format_days, format_money, format_number, format_percent, format_ratio
from kpi.text.i18n import translate

SEVERITIES = ("alert", "warning", "info")
CONCENTRATION_CUSTOMERS = 3
ADD_WARNING_DAYS = 5  # ADD above this: late payment, not terms, drives DSO
ADD_ALERT_DAYS = 15
DSO_CHANGE_DAYS = 3
CEI_WARNING = 80.0
DOUBTFUL_DAYS = 120


@dataclass(frozen=True)
class Finding:
    key: str
    severity: str  # 'alert' | 'warning' | 'info'
    text: str
    numbers: tuple[tuple[str, str], ...]  # (what, formatted value) behind the sentence


def generate_findings(
    ledger: Ledger,
    report: PeriodReport,
    previous: PeriodReport,
    aged: AgedBalance[pd.DataFrame],
    risk: RiskTable,
    filters_params: dict,
    lang: str = "fr",
    currency: str = "EUR",
) -> tuple[Finding, ...]:
    """Every finding the data supports, alerts first."""

    def t(key: str, **values) -> str:
        return translate(key, lang, **values)

    def money(value) -> str:
        return format_money(value, lang, currency)

    found: list[Finding] = []
    end = report.period.end

    def add(key: str, severity: str, numbers: tuple[tuple[str, str], ...], **values) -> None:
        """A finding whose sentence is `finding.<key>` filled with `values`."""
        found.append(Finding(key, severity, t(f"finding.{key}", **values), numbers))

    def facts(macro: str, params: dict) -> tuple:
        """The one row of a findings_facts.sql macro."""
        return ledger.query(f"SELECT * FROM {macro}", params).fetchall()[0]

    # Where the overdue sits.
    overdue_by_customer = aged.rows.assign(
        overdue=[sum((row[k] for k in aged.bucket_keys[1:]), Decimal(0)) for _, row in aged.rows.iterrows()]
    ).sort_values("overdue", ascending=False)
    total_overdue = sum(overdue_by_customer["overdue"], Decimal(0))
    if total_overdue > 0:
        top = overdue_by_customer.head(CONCENTRATION_CUSTOMERS)
        top = top[top["overdue"] > 0]
        share = float(sum(top["overdue"], Decimal(0)) / total_overdue * 100)
        numbers = (
            (t("finding.n.overdue_total"), money(total_overdue)),
            *((name, money(amount)) for name, amount in zip(top["customer_name"], top["overdue"])),
        )
        severity = "warning" if share >= 50 else "info"
        names = ", ".join(top["customer_name"])
        add(
            "overdue_concentration",
            severity,
            numbers,
            share=format_percent(share, lang, 0),
            count=len(top),
            names=names,
        )

    # Late payment or terms?
    if report.add is not None and report.dso is not None:
        numbers = (
            (translate("kpi.dso.label", lang), format_days(report.dso, lang)),
            (translate("kpi.bpdso.label", lang), format_days(report.bpdso, lang)),
            (translate("kpi.add.label", lang), format_days(report.add, lang)),
        )
        days = format_number(report.add, lang, 0)
        if report.add >= ADD_WARNING_DAYS:
            add("late_payment_drives_dso", "alert" if report.add >= ADD_ALERT_DAYS else "warning", numbers, days=days)
        else:
            add("terms_drive_dso", "info", numbers, days=days)

    # DSO trend against the previous period.
    if report.dso is not None and previous.dso is not None and abs(report.dso - previous.dso) >= DSO_CHANGE_DAYS:
        change = report.dso - previous.dso
        numbers = (
            (t("finding.n.previous_dso"), format_days(previous.dso, lang)),
            (translate("kpi.dso.label", lang), format_days(report.dso, lang)),
        )
        days = format_number(abs(change), lang, 0)
        add("dso_rose" if change > 0 else "dso_fell", "warning" if change > 0 else "info", numbers, days=days)

    # Old debt still carried.
    count, amount, customers = facts(
        "old_overdue($end, $days, $customers, $activities, $matching)",
        {"end": end, "days": DOUBTFUL_DAYS, **filters_params},
    )
    if count:
        numbers = (
            (t("finding.n.invoices"), str(count)),
            (t("finding.n.amount"), money(amount)),
            (t("finding.n.customers"), str(customers)),
        )
        add("old_overdue_not_written_off", "alert", numbers, count=count, amount=money(amount), customers=customers)

    # Credits waiting to be applied.
    if report.unapplied_credits < 0:
        numbers = (
            (translate("kpi.unapplied_credits.label", lang), money(report.unapplied_credits)),
            (translate("kpi.closing_ar.label", lang), money(report.closing_ar)),
        )
        add("unapplied_credits", "warning", numbers, amount=money(-report.unapplied_credits))

    # Collection efficiency.
    if report.cei is not None and report.cei < CEI_WARNING:
        collectible = money(report.opening_ar + report.sales - report.closing_current_ar)
        uncollected = money(report.closing_ar - report.closing_current_ar)
        cei = format_percent(report.cei, lang)
        numbers = (
            (translate("kpi.cei.label", lang), cei),
            (t("finding.n.collectible"), collectible),
            (t("finding.n.uncollected"), uncollected),
        )
        add("low_cei", "warning", numbers, cei=cei, collectible=collectible, uncollected=uncollected)

    # Collection costing more than it brings in (the seed's "spending more than you collect").
    activity = report.activity
    if activity is not None and activity.cost_exceeds_collected:
        ratio = format_ratio(activity.cost_per_euro_collected, lang)
        costs, collected = money(activity.collection_costs), money(report.collected)
        numbers = (
            (translate("activity.cost_per_euro_collected.label", lang), ratio),
            (t("finding.n.collection_costs"), costs),
            (translate("kpi.collected.label", lang), collected),
        )
        add("cost_above_collected", "alert", numbers, ratio=ratio, costs=costs, collected=collected)

    # Customers rated D.
    rated_d = risk.rows[risk.rows["rating"] == "D"].sort_values("gross_ar", ascending=False)
    if not rated_d.empty:
        rated_amount = sum(rated_d["gross_ar"], Decimal(0))
        gross = sum(risk.rows["gross_ar"], Decimal(0))
        rated_share = format_percent(float(rated_amount / gross * 100) if gross else None, lang)
        largest = zip(rated_d["customer_name"].head(5), rated_d["gross_ar"].head(5))
        numbers = (
            (t("finding.n.customers"), str(len(rated_d))),
            (t("finding.n.amount"), money(rated_amount)),
            *((name, money(ar)) for name, ar in largest),
        )
        add("rated_d", "alert", numbers, count=len(rated_d), amount=money(rated_amount), share=rated_share)

    # Terms beyond the LME cap, on the period's invoices.
    count, amount = facts(
        "terms_beyond_cap($start, $end, $cap, $customers, $activities)",
        {"start": report.period.start, "end": end, "cap": LME_CAP_DAYS, **filters_params},
    )
    if count:
        numbers = ((t("finding.n.invoices"), str(count)), (t("finding.n.amount"), money(amount)))
        add("terms_beyond_lme", "warning", numbers, count=count, amount=money(amount), cap=LME_CAP_DAYS)

    # Data quality: due dates the import had to derive.
    derived, documents = facts("derived_due_dates($customers, $activities)", filters_params)
    if derived:
        numbers = ((t("finding.n.documents"), str(documents)), (t("finding.n.derived"), str(derived)))
        add("derived_due_dates", "info", numbers, count=derived, share=format_percent(derived / documents * 100, lang))

    return tuple(sorted(found, key=lambda f: SEVERITIES.index(f.severity)))


def findings_frame(findings: tuple[Finding, ...], lang: str = "fr") -> pd.DataFrame:
    """One row per finding: severity, sentence, and the numbers behind it on one line."""
    return pd.DataFrame(
        [
            {
                "severity": translate(f"finding.severity.{f.severity}", lang),
                "finding": f.text,
                "numbers": " · ".join(
                    f"{what} : {value}" if lang == "fr" else f"{what}: {value}" for what, value in f.numbers
                ),
            }
            for f in findings
        ],
        columns=["severity", "finding", "numbers"],
    )
