"""Cash-in forecast: expected collections of the next 13 weeks, and a back-test at past dates.

kpi/sql/queries/cash_forecast.sql places each open item at D (expected date and window from the
customer's observed payment delay, or apart as doubtful or unapplied credit); this module
spreads each expected invoice evenly over the days of its window, week by week, to the cent.

Promises to pay open at D (kpi/sql/queries/forecast_promises.sql) replace the estimate for what they
promise: what is still to come of each is placed on its promised date, and taken out of the expected
invoices it is about (its document's, else the customer's oldest first), never beyond what they hold, so
no euro is counted twice and the weeks still add up with the rest to AR.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from typing import cast

import pandas as pd

from kpi.metrics.collection import activity_settings
from kpi.model.filters import Filters
from kpi.store.ledger import Ledger

WEEKS = 13
CENT = Decimal("0.01")
ZERO = Decimal("0.00")
BACKTEST_STEP_WEEKS = 4
BACKTEST_DATES = 8
# A forecast needs some payment history behind it to mean anything.
MIN_HISTORY_DAYS = 180


def week_bounds(as_of: date, weeks: int = WEEKS) -> list[tuple[date, date]]:
    """Week k (1-based) = [D + 1 + 7(k − 1), D + 7k]: whole weeks counted from the day after D."""
    return [(as_of + timedelta(days=7 * k + 1), as_of + timedelta(days=7 * k + 7)) for k in range(weeks)]


def spread_amount(
    amount: Decimal, window_start: date, window_end: date, bounds: list[tuple[date, date]]
) -> list[Decimal]:
    """`amount` spread evenly over the days of [window_start, window_end], per week of `bounds`
    and a last slot for what falls after them; cents rounded, the remainder on the fullest slot,
    so the slots add up to `amount` exactly."""
    days = (window_end - window_start).days + 1
    horizon_end = bounds[-1][1]
    counts = [max(0, (min(end, window_end) - max(start, window_start)).days + 1) for start, end in bounds]
    counts.append(max(0, (window_end - max(window_start, horizon_end + timedelta(days=1))).days + 1))
    shares = [(amount * count / days).quantize(CENT, ROUND_HALF_EVEN) for count in counts]
    fullest = max(range(len(counts)), key=lambda i: counts[i])
    shares[fullest] += amount - sum(shares)
    return shares


@dataclass(frozen=True)
class CashForecast:
    """Expected cash by week, what is expected later, and what is set apart; all exact Decimal.

    Σ weeks + beyond + doubtful + unapplied credits = AR(as_of).
    """

    as_of: date
    weeks: pd.DataFrame  # week, week_start, week_end, expected
    beyond: Decimal
    doubtful: Decimal
    unapplied_credits: Decimal
    items: pd.DataFrame  # forecast_items rows: one per open item, with its category, window and `promised` part
    # The open promises placed on their promised dates: promise_id, customer_id, document_id, expected_date, amount.
    promises: pd.DataFrame | None = None

    @property
    def promised(self) -> Decimal:
        """What open promises moved out of the estimate onto their promised dates (in the weeks or beyond)."""
        return ZERO if self.promises is None else sum(self.promises["amount"], ZERO)

    @property
    def expected_in_horizon(self) -> Decimal:
        return sum(self.weeks["expected"], ZERO)

    @property
    def ar(self) -> Decimal:
        return self.expected_in_horizon + self.beyond + self.doubtful + self.unapplied_credits

    def doubtful_items(self) -> pd.DataFrame:
        return self.items.loc[self.items["category"] == "doubtful"].sort_values("outstanding", ascending=False)


def cash_forecast(ledger: Ledger, as_of: date, filters: Filters = Filters(), weeks: int = WEEKS) -> CashForecast:
    items = ledger.frame(
        "SELECT * FROM forecast_items($as_of, $customers, $activities, $matching) ORDER BY expected_date, document_id",
        {"as_of": as_of, **filters.params()},
    )
    bounds = week_bounds(as_of, weeks)
    slots = [ZERO] * (weeks + 1)
    promises, taken = _promises(ledger, as_of, filters)
    items["promised"] = [taken.get(document, ZERO) for document in items["document_id"]]
    expected = items.loc[items["category"] == "expected"]
    estimated = [amount - promised for amount, promised in zip(expected["outstanding"], expected["promised"])]
    for amount, start, end in zip(estimated, expected["window_start"], expected["window_end"]):
        for index, share in enumerate(spread_amount(amount, start, end, bounds)):
            slots[index] += share
    if promises is not None:
        for amount, day in zip(promises["amount"], promises["expected_date"]):
            for index, share in enumerate(spread_amount(amount, day, day, bounds)):
                slots[index] += share
    frame = pd.DataFrame(
        {
            "week": range(1, weeks + 1),
            "week_start": [start for start, _ in bounds],
            "week_end": [end for _, end in bounds],
            "expected": slots[:weeks],
        }
    )
    by_category = {key: sum(group, ZERO) for key, group in items.groupby("category")["outstanding"]}
    return CashForecast(
        as_of,
        frame,
        slots[weeks],
        by_category.get("doubtful", ZERO),
        by_category.get("unapplied_credits", ZERO),
        items,
        promises,
    )


def _promises(ledger: Ledger, as_of: date, filters: Filters) -> tuple[pd.DataFrame | None, dict[str, Decimal]]:
    """The open promises placed on their dates, and what each expected invoice gives up to them (None, {} when
    no promises log was imported: the forecast is the estimate alone)."""
    if not ledger.query("SELECT count(*) > 0 FROM promises").fetchall()[0][0]:
        return None, {}
    plan = ledger.frame(
        "SELECT * FROM forecast_promise_plan($as_of, $grace, $customers, $activities, $matching)"
        " WHERE amount > 0 ORDER BY kind, expected_date, promise_id, document_id",
        {"as_of": as_of, "grace": activity_settings(ledger).plan_grace_days, **filters.params()},
    )
    placed = plan.loc[
        plan["kind"] == "promise", ["promise_id", "customer_id", "document_id", "expected_date", "amount"]
    ]
    taken = plan.loc[plan["kind"] == "item"]
    return placed.reset_index(drop=True), dict(zip(taken["document_id"], taken["amount"]))


# -- back-test ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Backtest:
    """Forecasts made at past dates beside what was then collected on the same invoices.

    rows: as_of, week, week_start, week_end, forecast, actual (cash received that week on the
    invoices the forecast expected), actual_doubtful (received on those it set apart).
    """

    rows: pd.DataFrame

    @property
    def forecast_total(self) -> Decimal:
        return sum(self.rows["forecast"], ZERO)

    @property
    def actual_total(self) -> Decimal:
        return sum(self.rows["actual"], ZERO)

    @property
    def absolute_error(self) -> Decimal:
        return sum((abs(f - a) for f, a in zip(self.rows["forecast"], self.rows["actual"])), ZERO)

    @property
    def wape(self) -> float | None:
        """Weighted absolute percentage error: Σ |forecast − actual| / Σ actual × 100, over every week."""
        actual = self.actual_total
        return None if not actual else float(self.absolute_error / actual * 100)

    @property
    def bias(self) -> float | None:
        """(Σ forecast − Σ actual) / Σ actual × 100: > 0 when the forecast expected too much."""
        actual = self.actual_total
        return None if not actual else float((self.forecast_total - actual) / actual * 100)

    @property
    def mean_absolute_error(self) -> Decimal | None:
        """The mean weekly |forecast − actual|, in money."""
        return None if self.rows.empty else (self.absolute_error / len(self.rows)).quantize(CENT)

    def by_date(self) -> pd.DataFrame:
        """One row per forecast date: its 13-week totals and its own WAPE."""
        rows = []
        for as_of, group in self.rows.groupby("as_of", sort=True):
            forecast, actual = sum(group["forecast"], ZERO), sum(group["actual"], ZERO)
            error = sum((abs(f - a) for f, a in zip(group["forecast"], group["actual"])), ZERO)
            rows.append(
                {
                    "as_of": as_of,
                    "forecast": forecast,
                    "actual": actual,
                    "actual_doubtful": sum(group["actual_doubtful"], ZERO),
                    "wape": None if not actual else float(error / actual * 100),
                }
            )
        return pd.DataFrame(rows)

    def by_week(self) -> pd.DataFrame:
        """Forecast and actual summed over the dates, by week of horizon (1 = the week after D)."""
        grouped = self.rows.groupby("week", sort=True)
        return pd.DataFrame(
            {
                "week": list(grouped.groups),
                "forecast": [sum(g, ZERO) for _, g in grouped["forecast"]],
                "actual": [sum(g, ZERO) for _, g in grouped["actual"]],
            }
        )


def backtest_dates(ledger: Ledger, count: int = BACKTEST_DATES, step_weeks: int = BACKTEST_STEP_WEEKS) -> list[date]:
    """Past dates whose 13 following weeks are fully in the ledger, every `step_weeks` weeks, oldest first."""
    first, last = ledger.query(
        "SELECT (SELECT min(issue_date) FROM documents), (SELECT max(date) FROM settlements)"
    ).fetchall()[0]
    if first is None or last is None:
        return []
    latest = last - timedelta(days=7 * WEEKS)
    dates = [latest - timedelta(weeks=step_weeks * i) for i in range(count)]
    return sorted(d for d in dates if (d - first).days >= MIN_HISTORY_DAYS)


def backtest(ledger: Ledger, dates: list[date] | None = None, filters: Filters = Filters()) -> Backtest:
    """The forecast at each date, against cash actually received in its 13 weeks on the same invoices."""
    dates = backtest_dates(ledger) if dates is None else sorted(dates)
    rows = []
    for as_of in dates:
        forecast = cash_forecast(ledger, as_of, filters)
        categories = dict(zip(forecast.items["document_id"], forecast.items["category"]))
        horizon_end = forecast.weeks["week_end"].iloc[-1]
        actuals = ledger.query(
            "SELECT document_id, date, amount FROM forecast_actuals($as_of, $until, $customers, $activities, $matching)",
            {"as_of": as_of, "until": horizon_end, **filters.params()},
        ).fetchall()
        collected = {"expected": [ZERO] * WEEKS, "doubtful": [ZERO] * WEEKS}
        for document_id, paid_on, amount in actuals:
            category = categories.get(document_id)
            if category in collected:
                collected[category][((paid_on - as_of).days - 1) // 7] += amount
        for week in forecast.weeks.itertuples(index=False):
            week_number = cast(int, week.week)
            rows.append(
                {
                    "as_of": as_of,
                    "week": week.week,
                    "week_start": week.week_start,
                    "week_end": week.week_end,
                    "forecast": week.expected,
                    "actual": collected["expected"][week_number - 1],
                    "actual_doubtful": collected["doubtful"][week_number - 1],
                }
            )
    columns = ["as_of", "week", "week_start", "week_end", "forecast", "actual", "actual_doubtful"]
    return Backtest(pd.DataFrame(rows, columns=columns))
