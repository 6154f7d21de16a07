"""Two periods side by side on the worked example: changes, the AR bridge, the presets."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from ledgers import ledger_from_rows

from kpi.analysis.compare import COMPARED_KEYS, ArBridge, compare_periods, preset_pair, same_period_last_year
from kpi.model.periods import Period
from kpi.store.ledger import Ledger

FEBRUARY = Period.month(2026, 2)
MARCH = Period.month(2026, 3)


@pytest.fixture(scope="module")
def february_vs_march(worked_ledger):
    return compare_periods(worked_ledger, FEBRUARY, MARCH)


def test_every_kpi_of_the_report_is_compared(february_vs_march):
    keys = {change.key for change in february_vs_march.changes}
    assert keys == set(COMPARED_KEYS)
    assert len(keys) == 8 + 6 + 13


def test_money_changes_are_exact_and_relative_changes_are_percent(february_vs_march):
    sales = february_vs_march.change("sales")
    # expected-2026-02: sales 2 100; expected-2026-03: 6 100 → +4 000, +190.476… %
    assert sales.reference == Decimal("2100.00") and sales.current == Decimal("6100.00")
    assert sales.change == Decimal("4000.00") and isinstance(sales.change, Decimal)
    assert sales.relative_change == pytest.approx(4000 / 2100 * 100)
    assert sales.unit == "money" and sales.improved is None  # sales have no good direction


def test_days_and_rates_change_with_their_direction(february_vs_march):
    dso = february_vs_march.change("dso")
    # 83.333… days (6 250 / 2 100 × 28) → 33.0328 days (6 500 / 6 100 × 31)
    assert dso.change == pytest.approx(6500 / 6100 * 31 - 6250 / 2100 * 28)
    assert dso.relative_change == pytest.approx((6500 / 6100 * 31) / (6250 / 2100 * 28) * 100 - 100)
    assert dso.improved is True
    overdue = february_vs_march.change("overdue_rate")
    # 66.4 % → 21.99 %: a fall in points, and a good one
    assert overdue.change == pytest.approx(21.98581560283688 - 66.4)
    assert overdue.improved is True
    over_120 = february_vs_march.change("aging.91_120")
    assert (over_120.reference, over_120.current) == (Decimal("400.00"), Decimal("0.00"))
    assert over_120.improved is True


def test_a_zero_or_undefined_reference_has_no_relative_change(february_vs_march):
    cei = february_vs_march.change("cei")  # 0 % in February
    assert cei.change == pytest.approx(85.4014598540146) and cei.relative_change is None
    late = february_vs_march.change("avg_days_late")  # no payment in February
    assert late.reference is None and late.current == pytest.approx(11.5)
    assert late.change is None and late.relative_change is None and late.improved is None


def test_bridges_add_up_on_the_worked_example(february_vs_march):
    february, march = february_vs_march.bridges
    # February: 4 150 + 2 100 − 0 − 0 = 6 250
    assert [s[1] for s in february.steps()] == [Decimal(v) for v in ("4150.00", "2100.00", "0", "0", "0", "6250.00")]
    # March: 6 250 + 6 100 − 5 450 − 400 = 6 500; each step starts where the previous ended
    steps = march.steps()
    assert [(s[0], s[1]) for s in steps] == [
        ("opening_ar", Decimal("6250.00")),
        ("sales", Decimal("6100.00")),
        ("collected", Decimal("-5450.00")),
        ("written_off", Decimal("-400.00")),
        ("other", Decimal("0.00")),
        ("closing_ar", Decimal("6500.00")),
    ]
    assert [s[2] for s in steps[1:5]] == [
        Decimal("6250.00"),
        Decimal("12350.00"),
        Decimal("6900.00"),
        Decimal("6500.00"),
    ]
    assert march.other == 0


def test_a_payment_dated_before_its_invoice_shows_in_the_bridge_as_other():
    # Paid on 5 March for an invoice issued on 10 March: over 1–9 March, 100 is collected,
    # but no AR existed to reduce, so the flows alone would give a closing AR of −100.
    ledger = Ledger.in_memory(
        ledger_from_rows(
            [{"document_id": "F1", "customer_id": "C1", "issue_date": date(2026, 3, 10), "amount": "100"}],
            [
                {
                    "settlement_id": "P1",
                    "document_id": "F1",
                    "customer_id": "C1",
                    "date": date(2026, 3, 5),
                    "amount": "100",
                }
            ],
        )
    )
    _, bridge = compare_periods(ledger, Period.month(2026, 2), Period(date(2026, 3, 1), date(2026, 3, 9))).bridges
    assert (bridge.opening_ar, bridge.sales, bridge.collected, bridge.closing_ar) == (0, 0, Decimal("100.00"), 0)
    assert bridge.other == Decimal("100.00")


def test_periods_starting_the_same_day_are_both_computed(worked_ledger):
    comparison = compare_periods(worked_ledger, Period(date(2026, 3, 1), date(2026, 3, 15)), MARCH)
    assert comparison.reference.period.end == date(2026, 3, 15)
    assert comparison.current.sales == Decimal("6100.00")
    # issued 1–15 March: F-006 3 000, F-007 900, F-008 1 800
    assert comparison.reference.sales == Decimal("5700.00")


def test_presets():
    assert preset_pair("month_vs_previous_month", date(2026, 3, 31)) == (FEBRUARY, MARCH)
    # The data ends on 14/02/2026: the quarter so far against the same days a year earlier.
    assert preset_pair("quarter_vs_last_year", date(2026, 2, 14)) == (
        Period(date(2025, 1, 1), date(2025, 2, 14)),
        Period(date(2026, 1, 1), date(2026, 2, 14)),
    )
    assert preset_pair("quarter_vs_last_year", date(2026, 3, 31)) == (Period.quarter(2025, 1), Period.quarter(2026, 1))
    # The demo ends on 31/10/2026: January–October, not a year two months of which have no data.
    assert preset_pair("year_vs_previous_year", date(2026, 10, 31)) == (
        Period(date(2025, 1, 1), date(2025, 10, 31)),
        Period(date(2026, 1, 1), date(2026, 10, 31)),
    )
    assert preset_pair("month_vs_previous_month", date(2026, 3, 15)) == (
        Period(date(2026, 2, 1), date(2026, 2, 15)),
        Period(date(2026, 3, 1), date(2026, 3, 15)),
    )
    # February 2024 had 29 days: the same months a year earlier, not the same number of days
    assert same_period_last_year(Period.month(2025, 2)) == Period.month(2024, 2)
    assert same_period_last_year(Period(date(2026, 3, 5), date(2026, 3, 20))) == Period(
        date(2025, 3, 5), date(2025, 3, 20)
    )
    with pytest.raises(ValueError):
        preset_pair("week", date(2026, 1, 1))


def test_json_dict(february_vs_march):
    data = february_vs_march.to_json_dict()
    assert data["current"]["dso"] == pytest.approx(33.032786885245905)
    assert data["changes"]["sales"]["change"] == 4000.0
    assert data["bridges"][1] == {
        "period": {"start": "2026-03-01", "end": "2026-03-31"},
        "opening_ar": 6250.0,
        "sales": 6100.0,
        "collected": -5450.0,
        "written_off": -400.0,
        "other": 0.0,
        "closing_ar": 6500.0,
    }
    assert isinstance(ArBridge.of(february_vs_march.current).other, Decimal)
