"""Periods, months and presets."""

from __future__ import annotations

from datetime import date

import pytest

from kpi.model.periods import Period, add_months, preset


def test_days_and_previous():
    march = Period.month(2026, 3)
    assert march.days == 31
    assert march.previous() == Period.month(2026, 2)
    assert Period.quarter(2026, 1).previous() == Period.quarter(2025, 4)
    odd = Period(date(2026, 3, 10), date(2026, 3, 19))
    assert odd.previous() == Period(date(2026, 2, 28), date(2026, 3, 9))


def test_months_cover_the_period():
    months = Period(date(2025, 11, 15), date(2026, 2, 3)).months()
    assert [m.start for m in months] == [date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]
    assert months[-1].end == date(2026, 2, 28)


def test_add_months_clips_to_month_end():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 3, 31), -13) == date(2025, 2, 28)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("this_month", Period(date(2026, 11, 1), date(2026, 11, 23))),
        ("last_month", Period(date(2026, 10, 1), date(2026, 10, 31))),
        ("this_quarter", Period(date(2026, 10, 1), date(2026, 11, 23))),
        ("last_quarter", Period(date(2026, 7, 1), date(2026, 9, 30))),
        ("year_to_date", Period(date(2026, 1, 1), date(2026, 11, 23))),
        ("last_12_months", Period(date(2025, 11, 1), date(2026, 10, 31))),
    ],
)
def test_presets_never_run_past_the_last_day(name, expected):
    assert preset(name, date(2026, 11, 23)) == expected
    assert preset(name, date(2026, 11, 23)).end <= date(2026, 11, 23)


def test_the_last_12_months_are_complete_months():
    assert preset("last_12_months", date(2026, 10, 31)) == Period(date(2025, 11, 1), date(2026, 10, 31))
    assert preset("last_12_months", date(2026, 4, 5)) == Period(date(2025, 4, 1), date(2026, 3, 31))


def test_shift_months_keeps_whole_months_whole():
    from kpi.model.periods import shift_months

    assert shift_months(Period.month(2024, 2), 12) == Period.month(2025, 2)  # 29 days → 28
    assert shift_months(Period(date(2026, 3, 1), date(2026, 3, 31)), -1) == Period.month(2026, 2)
    assert shift_months(Period(date(2026, 3, 1), date(2026, 3, 30)), -1) == Period(date(2026, 2, 1), date(2026, 2, 28))


def test_end_before_start_is_refused():
    with pytest.raises(ValueError):
        Period(date(2026, 3, 2), date(2026, 3, 1))
