""""How is this computed": each KPI's KPI-SPEC formula, then the same formula with the period's numbers."""

from __future__ import annotations

from dataclasses import dataclass

from kpi.formatting import format_days, format_money, format_percent, format_ratio
from kpi.i18n import translate

# The report fields each KPI's worked line plugs in, with their unit. KPIs whose inputs are
# per-payment or per-customer (countback, payment delays, activation) show the formula and
# the result only: their intermediate sums are not part of the report.
_INPUTS: dict[str, tuple[tuple[str, str], ...]] = {
    "dso": (("closing_ar", "money"), ("sales", "money"), ("days", "days_int"), ("dso", "days")),
    "bpdso": (("closing_current_ar", "money"), ("sales", "money"), ("days", "days_int"), ("bpdso", "days")),
    "add": (("dso", "days"), ("bpdso", "days"), ("add", "days")),
    "countback_dso": (("closing_ar", "money"), ("countback_dso", "days")),
    "cei": (
        ("opening_ar", "money"), ("sales", "money"), ("closing_ar", "money"),
        ("closing_current_ar", "money"), ("cei", "percent"),
    ),
    "collection_rate": (("collected", "money"), ("opening_ar", "money"), ("sales", "money"),
                        ("collection_rate", "percent")),
    "overdue_rate": (("closing_overdue_ar", "money"), ("closing_gross_ar", "money"), ("overdue_rate", "percent")),
    "unpaid_rate": (("unpaid_amount", "money"), ("invoiced", "money"), ("unpaid_rate", "percent")),
    "avg_days_to_collect": (("avg_days_to_collect", "days"),),
    "avg_days_late": (("avg_days_late", "days"),),
    "activation_rate": (("activation_rate", "percent"),),
    "ar_turnover": (("sales", "money"), ("opening_ar", "money"), ("closing_ar", "money"), ("ar_turnover", "ratio")),
    "bad_debt_rate": (("written_off", "money"), ("sales", "money"), ("bad_debt_rate", "percent")),
    "closing_ar": (("closing_gross_ar", "money"), ("unapplied_credits", "money"), ("closing_ar", "money")),
}

EXPLAINED = tuple(_INPUTS)


@dataclass(frozen=True)
class Explanation:
    formula: str  # the KPI-SPEC definition in words
    computation: str | None  # the same with this period's numbers; None when the KPI is undefined
    note: str | None  # why the KPI is undefined, or a remark on how it is read


def _field(report, name: str):
    if name == "days":
        period = getattr(report, "period", None) if not isinstance(report, dict) else report.get("period")
        if isinstance(period, dict):
            return period.get("days")
        return getattr(period, "days", None)
    return report.get(name) if isinstance(report, dict) else getattr(report, name, None)


def _format(value, unit: str, lang: str, currency: str) -> str:
    if unit == "money":
        return format_money(value, lang, currency)
    if unit == "days":
        return format_days(value, lang)
    if unit == "days_int":
        return format_days(value, lang, decimals=0)
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
