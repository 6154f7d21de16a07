""" "How is this computed": each KPI's definition in words, then the same sentence with the period's numbers.

The overview's « Comment sont-ils calculés ? » and the audit report read these, so a KPI is
explained to a reader in one way only: the product's words (kpi/text/locales), never a spec
section, an SQL file or a field name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from kpi.text.formatting import format_date, format_days, format_money, format_number, format_percent, format_ratio
from kpi.text.i18n import translate

# The report fields each KPI's worked line plugs in, with their unit. KPIs whose inputs are
# per-payment or per-customer (countback, payment delays, activation) name what they average
# or count over, with the period's dates, and give the result: their intermediate sums are
# not part of the report.
_INPUTS: dict[str, tuple[tuple[str, str], ...]] = {
    "dso": (("closing_ar", "money"), ("sales", "money"), ("days", "count"), ("dso", "days")),
    "bpdso": (("closing_current_ar", "money"), ("sales", "money"), ("days", "count"), ("bpdso", "days")),
    "add": (("dso", "days"), ("bpdso", "days"), ("add", "days")),
    "countback_dso": (("closing_ar", "money"), ("end", "date"), ("countback_dso", "days")),
    "cei": (
        ("opening_ar", "money"),
        ("sales", "money"),
        ("closing_ar", "money"),
        ("closing_current_ar", "money"),
        ("cei", "percent"),
    ),
    "collection_rate": (
        ("collected", "money"),
        ("opening_ar", "money"),
        ("sales", "money"),
        ("collection_rate", "percent"),
    ),
    "overdue_rate": (("closing_overdue_ar", "money"), ("closing_gross_ar", "money"), ("overdue_rate", "percent")),
    "unpaid_rate": (("unpaid_amount", "money"), ("invoiced", "money"), ("end", "date"), ("unpaid_rate", "percent")),
    "avg_days_to_collect": (("start", "date"), ("end", "date"), ("avg_days_to_collect", "days")),
    "avg_days_late": (("avg_days_late", "days"),),
    "activation_rate": (("opening_day", "date"), ("start", "date"), ("end", "date"), ("activation_rate", "percent")),
    "ar_turnover": (("sales", "money"), ("opening_ar", "money"), ("closing_ar", "money"), ("ar_turnover", "ratio")),
    "bad_debt_rate": (("written_off", "money"), ("sales", "money"), ("bad_debt_rate", "percent")),
    "closing_ar": (("closing_gross_ar", "money"), ("unapplied_credits", "money"), ("closing_ar", "money")),
    "sales": (("start", "date"), ("end", "date"), ("invoiced", "money"), ("credit_notes", "money"), ("sales", "money")),
    "collected": (("start", "date"), ("end", "date"), ("collected", "money")),
    "written_off": (("start", "date"), ("end", "date"), ("written_off", "money")),
    "opening_ar": (("opening_day", "date"), ("opening_ar", "money")),
    "closing_current_ar": (("end", "date"), ("closing_current_ar", "money")),
    "closing_overdue_ar": (
        ("closing_gross_ar", "money"),
        ("closing_current_ar", "money"),
        ("closing_overdue_ar", "money"),
    ),
    "unapplied_credits": (("end", "date"), ("unapplied_credits", "money")),
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


def explain(key: str, report, lang: str = "fr", currency: str = "EUR") -> Explanation:
    """The explanation of KPI `key` for a period report (a PeriodReport or its JSON dict)."""
    inputs = _INPUTS[key]
    formula = translate(f"explain.{key}.formula", lang)
    result = _field(report, key)
    if result is None:
        return Explanation(formula, None, translate(f"kpi.{key}.null_hint", lang))
    values = {name: _format(_field(report, name), unit, lang, currency) for name, unit in inputs}
    computation = translate(f"explain.{key}.computation", lang, **values)
    note_key = f"explain.{key}.note"
    note = translate(note_key, lang)
    return Explanation(formula, computation, None if note == note_key else note)
