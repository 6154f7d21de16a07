"""Two periods side by side: every KPI's absolute and relative change, and each period's AR bridge."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from kpi.metrics.catalogue import kpi
from kpi.metrics.report import AGING_KEYS, AMOUNT_KEYS, RATIO_KEYS, PeriodReport, period_report, period_reports
from kpi.model.filters import Filters
from kpi.model.periods import Period, shift_months
from kpi.store.ledger import Ledger

# How the page pairs a period with the one it is compared to.
COMPARE_PRESETS = ("month_vs_previous_month", "quarter_vs_last_year", "year_vs_previous_year")
# The steps of the bridge, in the order a waterfall draws them.
BRIDGE_STEPS = ("opening_ar", "sales", "collected", "written_off", "other", "closing_ar")

COMPARED_KEYS: tuple[str, ...] = (*AMOUNT_KEYS, *(f"aging.{key}" for key in AGING_KEYS), *RATIO_KEYS)


@dataclass(frozen=True)
class KpiChange:
    """One KPI in both periods. Money stays Decimal; a change of a percentage is in points."""

    key: str
    unit: str
    better: str
    reference: Decimal | float | None
    current: Decimal | float | None

    @property
    def change(self) -> Decimal | float | None:
        if self.reference is None or self.current is None:
            return None
        return self.current - self.reference  # type: ignore[operator]  # one KPI: both Decimal, or both float

    @property
    def relative_change(self) -> float | None:
        """(current − reference) / |reference| × 100; None when the reference is 0 or undefined."""
        change = self.change
        if change is None or self.reference is None or self.reference == 0:
            return None
        return float(change) / abs(float(self.reference)) * 100

    @property
    def improved(self) -> bool | None:
        change = self.change
        if change is None or change == 0 or self.better == "neutral":
            return None
        return (change < 0) == (self.better == "lower")


@dataclass(frozen=True)
class ArBridge:
    """opening AR + sales − collected − written off (+ other) = closing AR, for one period.

    `other` is what the four flows do not explain, zero on a consistent ledger. It is not
    forced to zero: a payment dated before its invoice exists, for instance, counts in
    `collected` but cannot reduce an AR the invoice is not yet part of, and the reader
    must see that gap rather than a bridge that silently does not add up.
    """

    period: Period
    opening_ar: Decimal
    sales: Decimal
    collected: Decimal
    written_off: Decimal
    closing_ar: Decimal

    @classmethod
    def of(cls, report: PeriodReport) -> ArBridge:
        return cls(
            report.period, report.opening_ar, report.sales, report.collected, report.written_off, report.closing_ar
        )

    @property
    def other(self) -> Decimal:
        return self.closing_ar - (self.opening_ar + self.sales - self.collected - self.written_off)

    def steps(self) -> list[tuple[str, Decimal, Decimal, Decimal]]:
        """(step, signed amount, level before, level after) for each step of BRIDGE_STEPS."""
        movements = {
            "sales": self.sales,
            "collected": -self.collected,
            "written_off": -self.written_off,
            "other": self.other,
        }
        rows = [("opening_ar", self.opening_ar, Decimal(0), self.opening_ar)]
        level = self.opening_ar
        for step in ("sales", "collected", "written_off", "other"):
            rows.append((step, movements[step], level, level + movements[step]))
            level += movements[step]
        rows.append(("closing_ar", self.closing_ar, Decimal(0), self.closing_ar))
        return rows


@dataclass(frozen=True)
class Comparison:
    reference: PeriodReport
    current: PeriodReport
    changes: tuple[KpiChange, ...]

    @property
    def bridges(self) -> tuple[ArBridge, ArBridge]:
        return ArBridge.of(self.reference), ArBridge.of(self.current)

    def change(self, key: str) -> KpiChange:
        for item in self.changes:
            if item.key == key:
                return item
        raise KeyError(key)

    def to_json_dict(self) -> dict:
        def number(value):
            return None if value is None else float(value)

        return {
            "reference": self.reference.to_json_dict(),
            "current": self.current.to_json_dict(),
            "changes": {
                c.key: {
                    "unit": c.unit,
                    "reference": number(c.reference),
                    "current": number(c.current),
                    "change": number(c.change),
                    "relative_change": c.relative_change,
                }
                for c in self.changes
            },
            "bridges": [
                {
                    "period": {"start": b.period.start.isoformat(), "end": b.period.end.isoformat()},
                    **{step: float(amount) for step, amount, _, _ in b.steps()},
                }
                for b in self.bridges
            ],
        }


def _value(report: PeriodReport, key: str):
    if key.startswith("aging."):
        return report.aging[key.removeprefix("aging.")]
    return getattr(report, key)


def compare_reports(reference: PeriodReport, current: PeriodReport) -> Comparison:
    changes = []
    for key in COMPARED_KEYS:
        bare = key.removeprefix("aging.")
        declared = kpi(bare)
        changes.append(KpiChange(key, declared.unit, declared.better, _value(reference, key), _value(current, key)))
    return Comparison(reference, current, tuple(changes))


def compare_periods(ledger: Ledger, reference: Period, current: Period, filters: Filters = Filters()) -> Comparison:
    """Every KPI of both periods (one query when they start on different days)."""
    if reference.start == current.start:  # period_reports keys its rows by start
        reports = [period_report(ledger, reference, filters), period_report(ledger, current, filters)]
    else:
        reports = period_reports(ledger, [reference, current], filters)
    return compare_reports(*reports)


def same_period_last_year(period: Period) -> Period:
    """The period one year earlier; a run of whole months maps to the same months."""
    return shift_months(period, -12)


def preset_pair(name: str, anchor: date) -> tuple[Period, Period]:
    """(reference, current) for a COMPARE_PRESETS name; current is the month, quarter or year of
    `anchor` up to `anchor` itself (the data's last day), the reference the same days a month or a
    year earlier: 1–31 October 2026 against 1–31 October 2025 when the data ends on 31/10/2026,
    not the whole of a quarter or a year half empty."""
    if name == "month_vs_previous_month":
        current = Period(date(anchor.year, anchor.month, 1), anchor)
        return shift_months(current, -1), current
    if name == "quarter_vs_last_year":
        current = Period(Period.quarter(anchor.year, (anchor.month - 1) // 3 + 1).start, anchor)
        return same_period_last_year(current), current
    if name == "year_vs_previous_year":
        current = Period(date(anchor.year, 1, 1), anchor)
        return same_period_last_year(current), current
    raise ValueError(f"unknown comparison {name!r}; expected one of {', '.join(COMPARE_PRESETS)}")
