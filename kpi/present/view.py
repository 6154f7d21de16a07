"""What the dashboard shows (workspace, language, period, filters) and its form in the URL's query string.

The sidebar's state is a `ViewState`; `to_query` / `from_query` round-trip it through
`st.query_params`, so a copied URL reproduces the exact view. The period is always written
as explicit dates (`from`, `to`): a link to "last month" sent today still shows the same
month when opened next month. Presets are relative to the last day of the data, not to the
wall clock, so an export received months later still opens on its own last month.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from kpi.model.filters import MATCHING_MODES
from kpi.model.periods import PRESETS, Period, add_months, preset
from kpi.text.i18n import DEFAULT_LANGUAGE, LANGUAGES

CUSTOM = "custom"
PERIOD_CHOICES = (*PRESETS, CUSTOM)


@dataclass(frozen=True)
class ViewState:
    workspace: str | None = None
    lang: str = DEFAULT_LANGUAGE
    preset: str | None = None  # one of PERIOD_CHOICES, None = the default (last complete month)
    start: date | None = None
    end: date | None = None
    customers: tuple[str, ...] = ()
    activities: tuple[str, ...] = ()
    # KPI-SPEC §2 matching mode chosen for this view; None = the workspace's setting.
    matching: str | None = None

    def to_query(self) -> dict[str, str | list[str]]:
        """The query-string form: `?ws=demo&lang=fr&period=last_month&from=2026-03-01&to=2026-03-31&customer=C1&imputation=oldest`."""
        query: dict[str, str | list[str]] = {}
        if self.workspace:
            query["ws"] = self.workspace
        query["lang"] = self.lang
        if self.preset:
            query["period"] = self.preset
        if self.start and self.end:
            query["from"] = self.start.isoformat()
            query["to"] = self.end.isoformat()
        if self.customers:
            query["customer"] = list(self.customers)
        if self.activities:
            query["activity"] = list(self.activities)
        if self.matching:
            query["imputation"] = self.matching
        return query

    @classmethod
    def from_query(cls, query: Mapping[str, str | list[str]]) -> ViewState:
        """Read a query string leniently: a value that does not parse is ignored, never an error."""

        def one(name: str) -> str | None:
            value = query.get(name)
            if isinstance(value, list):
                value = value[-1] if value else None
            return value or None

        def many(name: str) -> tuple[str, ...]:
            value = query.get(name)
            if value is None:
                return ()
            values = [value] if isinstance(value, str) else list(value)
            return tuple(dict.fromkeys(v for v in values if v))

        start, end = _parse_date(one("from")), _parse_date(one("to"))
        if start is None or end is None or end < start:
            start = end = None
        lang = one("lang")
        period = one("period")
        matching = one("imputation")
        return cls(
            workspace=one("ws"),
            lang=lang if lang in LANGUAGES else DEFAULT_LANGUAGE,
            preset=period if period in PERIOD_CHOICES else None,
            start=start,
            end=end,
            customers=many("customer"),
            activities=many("activity"),
            matching=matching if matching in MATCHING_MODES else None,
        )

    def with_period(self, period: Period, preset_name: str | None) -> ViewState:
        return replace(self, preset=preset_name, start=period.start, end=period.end)


def _parse_date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def last_complete_month(last_day: date) -> Period:
    """The last calendar month fully covered by data ending on `last_day`."""
    if (last_day + timedelta(days=1)).day == 1:
        return Period.month(last_day.year, last_day.month)
    return Period.month(last_day.year, last_day.month).previous()


def preset_period(name: str, last_day: date) -> Period:
    """A preset period, relative to the data's last day; "last_month" is the last complete month."""
    if name == "last_month":
        return last_complete_month(last_day)
    return preset(name, last_day)


# A last month whose sales are under this share of the usual month's (the median of the twelve
# before) is a run-off (the export stopped mid-way, the business wound down): a view of it alone
# would show a DSO of months; the app opens on the last twelve months instead, and says so.
RUN_OFF_SHARE = Decimal("0.25")
OPENING_LAST_MONTH = "last_month"
OPENING_RUN_OFF = "run_off"


def opening_period(last_day: date, activity: list[tuple[date, Decimal, Decimal]]) -> tuple[Period, str]:
    """The period a workspace opens on: the last complete month holding activity (sales or cash),
    or the twelve complete months up to it when that month is a run-off; and which of the two
    (OPENING_LAST_MONTH or OPENING_RUN_OFF). `activity` is Ledger.monthly_activity()."""
    last = last_complete_month(last_day)
    active = [
        (month, sales) for month, sales, collected in activity if month <= last.start and (sales != 0 or collected != 0)
    ]
    if not active:
        return last, OPENING_LAST_MONTH
    month, sales = active[-1]
    chosen = Period.month(month.year, month.month)
    before = [s for m, s in active[:-1] if m >= add_months(month, -12) and s > 0]
    if len(before) >= 3 and sales < RUN_OFF_SHARE * Decimal(statistics.median(before)):
        return Period(add_months(chosen.start, -11), chosen.end), OPENING_RUN_OFF
    return chosen, OPENING_LAST_MONTH


def resolve_period(
    state: ViewState, last_day: date | None, activity: list[tuple[date, Decimal, Decimal]] | None = None
) -> tuple[Period, str]:
    """The period a view shows and the choice the period selector should display.

    Explicit dates win (they are what a shared URL carries); then a preset; then the period the
    workspace opens on (`opening_period` of its monthly `activity`, or the last complete month of
    the data when no activity is given; the current month when there is no data).
    """
    anchor = last_day or date.today()
    if state.start and state.end:
        period = Period(state.start, state.end)
        if state.preset and state.preset != CUSTOM and preset_period(state.preset, anchor) == period:
            return period, state.preset
        return period, _matching_preset(period, anchor)
    if state.preset and state.preset != CUSTOM:
        return preset_period(state.preset, anchor), state.preset
    period = opening_period(anchor, activity)[0] if activity is not None and last_day else last_complete_month(anchor)
    return period, _matching_preset(period, anchor)


def past_the_data(period: Period, last_day: date | None) -> bool:
    """Whether a period runs past the data's last day: its figures then count days with no data."""
    return last_day is not None and period.end > last_day


def _matching_preset(period: Period, anchor: date) -> str:
    # "last_month" first: when the data ends on a month end, it and "this_month" coincide,
    # and "last complete month" is what the default period is called.
    for name in sorted(PRESETS, key=lambda n: n != "last_month"):
        if preset_period(name, anchor) == period:
            return name
    return CUSTOM
