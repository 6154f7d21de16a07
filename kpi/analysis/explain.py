""" "How is this computed": each KPI's definition in words, then the same sentence with the period's numbers.

The overview's « Comment sont-ils calculés ? » and the audit report read these, so a KPI is
explained to a reader in one way only: the product's words (kpi/text/locales), never a spec
section, an SQL file or a field name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from kpi.metrics.catalogue import kpi
from kpi.text.formatting import format_date, format_days, format_money, format_number, format_percent, format_ratio
from kpi.text.i18n import translate

# The report fields each KPI's worked line plugs in, in the order its sentence names them. KPIs whose
# inputs are per-payment or per-customer (countback, payment delays, activation) name what they average
# or count over, with the period's dates, and give the result: their intermediate sums are not part of
# the report. A KPI's unit is the catalogue's (kpi/metrics/catalogue.py); the other fields' are below.
_INPUTS: dict[str, tuple[str, ...]] = {
    "dso": ("closing_ar", "sales", "days", "dso"),
    "bpdso": ("closing_current_ar", "sales", "days", "bpdso"),
    "add": ("dso", "bpdso", "add"),
    "countback_dso": ("closing_ar", "end", "countback_dso"),
    "cei": ("opening_ar", "sales", "closing_ar", "closing_current_ar", "cei"),
    "collection_rate": ("collected", "opening_ar", "sales", "collection_rate"),
    "overdue_rate": ("closing_overdue_ar", "closing_gross_ar", "overdue_rate"),
    "unpaid_rate": ("unpaid_amount", "invoiced", "end", "unpaid_rate"),
    "avg_days_to_collect": ("start", "end", "avg_days_to_collect"),
    "avg_days_late": ("avg_days_late",),
    "activation_rate": ("opening_day", "start", "end", "activation_rate"),
    "ar_turnover": ("sales", "opening_ar", "closing_ar", "ar_turnover"),
    "bad_debt_rate": ("written_off", "sales", "bad_debt_rate"),
    "closing_ar": ("closing_gross_ar", "unapplied_credits", "closing_ar"),
    "sales": ("start", "end", "invoiced", "credit_notes", "sales"),
    "collected": ("start", "end", "collected"),
    "written_off": ("start", "end", "written_off"),
    "opening_ar": ("opening_day", "opening_ar"),
    "closing_current_ar": ("end", "closing_current_ar"),
    "closing_overdue_ar": ("closing_gross_ar", "closing_current_ar", "closing_overdue_ar"),
    "unapplied_credits": ("end", "unapplied_credits"),
}
_FIELD_UNITS = {
    "days": "count",
    "end": "date",
    "closing_gross_ar": "money",
    "unpaid_amount": "money",
    "invoiced": "money",
    "start": "date",
    "opening_day": "date",
    "credit_notes": "money",
}

EXPLAINED = tuple(_INPUTS)


@dataclass(frozen=True)
class Explanation:
    formula: str  # the definition in words
    computation: str | None  # the same words with this period's numbers; None when the KPI is undefined
    note: str | None  # why the KPI is undefined, or a remark on how it is read


def _period_field(report, name: str):
    period = report.get("period") if isinstance(report, dict) else getattr(report, "period", None)
    return period.get(name) if isinstance(period, dict) else getattr(period, name, None)


def _field(report, name: str):
    if name in ("days", "start", "end"):
        return _period_field(report, name)
    if name == "opening_day":  # the opening balance is the closing one of the day before the period
        start = _period_field(report, "start")
        return None if start is None else _day_before(start)
    if name == "credit_notes":  # sales count credit notes negative; invoiced counts invoices only
        invoiced, sales = _field(report, "invoiced"), _field(report, "sales")
        return None if invoiced is None or sales is None else Decimal(str(invoiced)) - Decimal(str(sales))
    return report.get(name) if isinstance(report, dict) else getattr(report, name, None)


def _day_before(start) -> date:
    day = date.fromisoformat(start[:10]) if isinstance(start, str) else start
    return day - timedelta(days=1)


def _format(value, unit: str, lang: str, currency: str) -> str:
    if unit == "money":
        return format_money(value, lang, currency)
    if unit == "days":
        return format_days(value, lang)
    if unit == "count":
        return format_number(value, lang, 0)
    if unit == "date":
        return format_date(value, lang)
    if unit == "percent":
        return format_percent(value, lang)
    return format_ratio(value, lang)


def _unit(name: str) -> str:
    return _FIELD_UNITS[name] if name in _FIELD_UNITS else kpi(name).unit


def explain(key: str, report, lang: str = "fr", currency: str = "EUR") -> Explanation:
    """The explanation of KPI `key` for a period report (a PeriodReport or its JSON dict)."""
    inputs = _INPUTS[key]
    formula = translate(f"explain.{key}.formula", lang)
    result = _field(report, key)
    if result is None:
        return Explanation(formula, None, translate(f"kpi.{key}.null_hint", lang))
    values = {name: _format(_field(report, name), _unit(name), lang, currency) for name in inputs}
    computation = translate(f"explain.{key}.computation", lang, **values)
    note_key = f"explain.{key}.note"
    note = translate(note_key, lang)
    return Explanation(formula, computation, None if note == note_key else note)


def explained_inputs(key: str) -> tuple[str, ...]:
    """The report fields the worked line of KPI `key` plugs in, its own value last."""
    return _INPUTS[key]
