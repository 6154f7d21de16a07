"""Periods [S, E] (both days included), calendar months and the usual presets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

PRESETS = ("this_month", "last_month", "this_quarter", "last_quarter", "year_to_date", "last_12_months")


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"period ends ({self.end}) before it starts ({self.start})")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of equal length just before this one (a whole month maps to the previous month)."""
        if self.is_whole_months():
            months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1
            start = add_months(self.start, -months)
            return Period(start, self.start - timedelta(days=1))
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def is_whole_months(self) -> bool:
        return self.start.day == 1 and (self.end + timedelta(days=1)).day == 1

    def months(self) -> list[Period]:
        """The calendar months that meet this period, each cut to a whole month."""
        result, cursor = [], self.start.replace(day=1)
        while cursor <= self.end:
            result.append(Period.month(cursor.year, cursor.month))
            cursor = add_months(cursor, 1)
        return result

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        start = date(year, month, 1)
        return cls(start, add_months(start, 1) - timedelta(days=1))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        start = date(year, 3 * quarter - 2, 1)
        return cls(start, add_months(start, 3) - timedelta(days=1))


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clipped to the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = (date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


def preset(name: str, today: date) -> Period:
    """A named period relative to `today` (PRESETS), never past `today`.

    The app passes the data's last day as `today`: a period running past it would divide a full
    balance by days without sales (a DSO of 159 days for a quarter whose last two months have
    no data yet), so "this month" and "this quarter" end on it, and "the last 12 months" are the
    twelve complete months up to it.
    """
    this_month = Period.month(today.year, today.month)
    quarter = (today.month - 1) // 3 + 1
    if name == "this_month":
        return Period(this_month.start, today)
    if name == "last_month":
        return this_month.previous()
    if name == "this_quarter":
        return Period(Period.quarter(today.year, quarter).start, today)
    if name == "last_quarter":
        return Period.quarter(today.year, quarter).previous()
    if name == "year_to_date":
        return Period(date(today.year, 1, 1), today)
    if name == "last_12_months":
        # Twelve complete months: a month the data covers only in part would weigh as a full one.
        last_full = this_month if (today + timedelta(days=1)).day == 1 else this_month.previous()
        return Period(add_months(last_full.start, -11), last_full.end)
    raise ValueError(f"unknown period preset {name!r}; expected one of {', '.join(PRESETS)}")


def shift_months(period: Period, months: int) -> Period:
    """The same period `months` later (or earlier): a run of whole months maps to whole months, any
    other period to the same days, clipped to month ends (1–15 March 2026 → 1–15 March 2025)."""
    if period.is_whole_months():
        return Period(
            add_months(period.start, months), add_months(period.end + timedelta(days=1), months) - timedelta(days=1)
        )
    return Period(add_months(period.start, months), add_months(period.end, months))
