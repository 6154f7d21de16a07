"""The 13-week cash-in forecast on the worked example (by hand) and its back-test on the demo ledger."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal

import pandas as pd
import pytest
from ledgers import ledger_from_rows
from sample_files import DATA, WORKED_FILES

from kpi.importers import read_files
from kpi.metrics.forecast import WEEKS, backtest, backtest_dates, cash_forecast, spread_amount, week_bounds
from kpi.metrics.report import period_report
from kpi.model.periods import Period
from kpi.store.ledger import Ledger
from kpi.store.workspace import ensure_demo_workspace

D = Decimal
AS_OF = date(2026, 3, 31)


def test_week_bounds_start_the_day_after():
    bounds = week_bounds(AS_OF)
    assert len(bounds) == 13
    assert bounds[0] == (date(2026, 4, 1), date(2026, 4, 7))
    assert bounds[12] == (date(2026, 6, 24), date(2026, 6, 30))


def test_spread_is_exact_to_the_cent():
    bounds = week_bounds(AS_OF, 2)  # 04-01..04-07, 04-08..04-14, then "later"
    # 100 € over 04-06..04-15 (10 days): 2 days in week 1, 7 in week 2, 1 later
    assert spread_amount(D("100.00"), date(2026, 4, 6), date(2026, 4, 15), bounds) == [
        D("20.00"),
        D("70.00"),
        D("10.00"),
    ]
    # 100 € over 3 days of one week and none elsewhere; 10 € over 3 weeks' days with rounding
    assert spread_amount(D("100.00"), date(2026, 4, 2), date(2026, 4, 4), bounds) == [D("100.00"), D("0"), D("0")]
    shares = spread_amount(D("10.00"), date(2026, 4, 7), date(2026, 4, 9), bounds)
    assert shares == [D("3.33"), D("6.67"), D("0")] and sum(shares) == D("10.00")


def test_worked_example_forecast(worked_ledger):
    # Delay profiles from cash paid on invoices over the 12 months to 03-31 (delay = paid − due):
    #   C1: 1 200 at +11 d, 500 at +24 d → mean 14.8 d, spread 5.9 d → window due +9 … due +21
    #   C2: 2 500 +12, 1 000 +13, 600 +8 → mean 11.7 d, spread 1.6 d
    #   C3: 600 at −1 d → mean −1, spread 0
    #   C4 never paid → the ledger's profile: mean 11.3 d, spread 5.3 d
    # Invoices already past their window (F-002, F-004, F-007, F-011) are expected from 04-01: week 1.
    # F-006 3 000 due 04-01: 04-10 … 04-22 (13 days): 5 in week 2, 7 in week 3, 1 in week 4.
    # F-008 1 800 due 04-14 → 04-13 (week 2); F-009 700 due 04-30 → 04-29 (week 5).
    forecast = cash_forecast(worked_ledger, AS_OF)
    expected = dict(zip(forecast.weeks["week"], forecast.weeks["expected"]))
    assert expected[1] == D("1550.00")  # 300 + 500 + 300 + 450
    assert expected[2] == D("1153.85") + D("1800.00")  # 3 000 × 5/13 + F-008
    assert expected[3] == D("1615.38")  # 3 000 × 7/13
    assert expected[4] == D("230.77")  # 3 000 × 1/13
    assert expected[5] == D("700.00")
    assert all(expected[week] == 0 for week in range(6, 14))
    assert forecast.beyond == 0 and forecast.doubtful == 0
    assert forecast.unapplied_credits == D("-550.00")  # A-001 −300, P-07 −250: shown apart
    assert forecast.ar == D("6500.00") == period_report(worked_ledger, Period.month(2026, 3)).closing_ar
    profile = forecast.items.set_index("document_id").loc["F-006"]
    assert profile["avg_delay"] == pytest.approx((1200 * 11 + 500 * 24) / 1700)
    assert (profile["window_start"], profile["window_end"]) == (date(2026, 4, 10), date(2026, 4, 22))
    assert bool(forecast.items.set_index("document_id").loc["F-011", "ledger_profile"]) is True


def test_doubtful_items_are_set_apart():
    # F-OLD is 150 days past due at D; F-NEW due in 20 days from a customer paying 10 days late.
    documents = [
        {
            "document_id": "F-OLD",
            "customer_id": "C2",
            "issue_date": date(2025, 9, 1),
            "due_date": date(2025, 11, 1),
            "amount": "800",
        },
        {
            "document_id": "F-NEW",
            "customer_id": "C1",
            "issue_date": date(2026, 3, 1),
            "due_date": date(2026, 4, 20),
            "amount": "500",
        },
    ]
    settlements = []
    for month in range(1, 7):
        issue = date(2025, month, 1)
        documents.append(
            {
                "document_id": f"H{month}",
                "customer_id": "C1",
                "issue_date": issue,
                "due_date": issue + timedelta(days=30),
                "amount": "100",
            }
        )
        settlements.append(
            {
                "settlement_id": f"P{month}",
                "document_id": f"H{month}",
                "customer_id": "C1",
                "date": issue + timedelta(days=40),
                "amount": "100",
            }
        )
    ledger = Ledger.in_memory(ledger_from_rows(documents, settlements))
    forecast = cash_forecast(ledger, AS_OF)
    assert forecast.doubtful == D("800.00")
    assert list(forecast.doubtful_items()["document_id"]) == ["F-OLD"]
    # C1 always pays 10 days late, spread 0: F-NEW expected on 04-30, in week 5 (04-29..05-05)
    assert forecast.weeks.set_index("week").loc[5, "expected"] == D("500.00")
    assert forecast.expected_in_horizon == D("500.00")


@pytest.fixture(scope="module")
def demo_ledger(tmp_path_factory):
    return ensure_demo_workspace(tmp_path_factory.mktemp("home")).open()


def test_forecast_accounts_for_the_whole_ar_on_the_demo(demo_ledger):
    for as_of in (date(2025, 6, 30), date(2026, 9, 30)):
        forecast = cash_forecast(demo_ledger, as_of)
        report = period_report(demo_ledger, Period(as_of.replace(day=1), as_of))
        assert forecast.ar == report.closing_ar
        assert forecast.unapplied_credits == report.unapplied_credits
        assert forecast.doubtful > 0 and forecast.expected_in_horizon > 0


def test_backtest_on_the_demo_ledger(demo_ledger):
    dates = backtest_dates(demo_ledger)
    # the last settlement (two credit notes applied the day they are issued) is dated 2026-10-31:
    # the latest forecast date is 13 weeks before
    assert dates[-1] == date(2026, 10, 31) - timedelta(weeks=13) and len(dates) == 8
    assert all((b - a).days == 28 for a, b in itertools.pairwise(dates))
    result = backtest(demo_ledger, dates[-2:])
    assert len(result.rows) == 26
    # The actuals, recomputed from the canonical tables: cash received within 13 weeks of D
    # on the invoices the forecast expected (not those set apart as doubtful).
    canonical = demo_ledger.canonical()
    settlements = canonical.settlements.to_pandas()
    for as_of in dates[-2:]:
        expected_ids = set(cash_forecast(demo_ledger, as_of).items.query("category == 'expected'")["document_id"])
        paid = settlements[
            (settlements["kind"] == "cash")
            & settlements["document_id"].isin(expected_ids)
            & (settlements["date"] > as_of)
            & (settlements["date"] <= as_of + timedelta(weeks=13))
        ]
        rows = result.rows[result.rows["as_of"] == as_of]
        assert sum(rows["actual"], D(0)) == sum(paid["amount"], D(0))
        week_one = paid[paid["date"] <= as_of + timedelta(days=7)]
        assert rows.iloc[0]["actual"] == sum(week_one["amount"], D(0))
    # The error measure: Σ |forecast − actual| / Σ actual
    error = sum(abs(f - a) for f, a in zip(result.rows["forecast"], result.rows["actual"]))
    assert result.wape == pytest.approx(float(error / result.actual_total * 100))
    assert result.bias == pytest.approx(
        float((result.forecast_total - result.actual_total) / result.actual_total * 100)
    )
    # On the demo ledger the forecast is useful but not perfect: within 15–60 % weekly, < 25 % over 13 weeks.
    assert 15 < result.wape < 60
    assert all(abs(row.forecast - row.actual) / row.actual < D("0.25") for row in result.by_date().itertuples())


def test_cli_forecast_prints_the_backtest(capsys):
    from kpi.cli.main import main
    from kpi.store.workspace import DEMO_DIRECTORY

    files = [str(DEMO_DIRECTORY / "documents.csv"), str(DEMO_DIRECTORY / "settlements.csv")]
    assert main(["forecast", *files, "--as-of", "2026-06-30", "--backtest-dates", "2"]) == 0
    text = capsys.readouterr().out
    assert "01/07/2026" in text  # week 1 starts the day after
    assert "WAPE" in text


# -- promises to pay (kpi/sql/queries/forecast_promises.sql) -----------------------------------------------------


def test_open_promises_move_their_amounts_into_their_weeks(worked_ledger):
    """The worked example with tests/data/promises/promesses.csv at D = 31/03/2026 (tests/test_promises.py works
    the states out): two promises are open at D.

      O1 C2 on F-004, 500 for 08/04: F-004's outstanding at D is 1 500 − 1 000 (P-04) = 500, all taken;
         placed in week 2 = [08/04, 14/04].
      O2 C1 on its balance, 3 000 for 06/04: C1's expected invoices, oldest due date first: F-002 300 (due
         14/02) all taken, then F-006 (3 000, due 01/04) 2 700 taken, 300 left to the estimate; placed in
         week 1 = [01/04, 07/04].

    So each week gains its placed promises and loses what the taken amounts would have brought it by the estimate
    (their windows, spread as before); AR is unchanged, and no euro is counted twice. F-004 and F-002 leave the
    estimate altogether: week 1 holds O2's 3 000 and week 2 O1's 500 on top of what is left.
    """
    promised = Ledger.in_memory(read_files([*WORKED_FILES, DATA / "promises" / "promesses.csv"]).ledger)
    without = cash_forecast(worked_ledger, AS_OF)
    forecast = cash_forecast(promised, AS_OF)
    placed = [
        (r.customer_id, None if pd.isna(r.document_id) else r.document_id, r.expected_date, r.amount)
        for r in forecast.promises.itertuples()
    ]
    assert placed == [
        ("C1", None, date(2026, 4, 6), Decimal("3000.00")),
        ("C2", "F-004", date(2026, 4, 8), Decimal("500.00")),
    ]
    taken = {d: p for d, p in zip(forecast.items["document_id"], forecast.items["promised"]) if p}
    assert taken == {"F-002": Decimal("300.00"), "F-004": Decimal("500.00"), "F-006": Decimal("2700.00")}
    assert forecast.promised == sum(taken.values()) == Decimal("3500.00")
    assert forecast.ar == without.ar
    bounds = week_bounds(AS_OF)
    expected = without.items.set_index("document_id")
    moved = [Decimal(0)] * (WEEKS + 1)
    for document, amount in taken.items():
        # What the estimate spreads of the invoice now, less what it spread before (each spread to the cent).
        item = expected.loc[document]
        window = (item["window_start"], item["window_end"], bounds)
        now = spread_amount(item["outstanding"] - amount, *window)
        for index, (after, before) in enumerate(zip(now, spread_amount(item["outstanding"], *window))):
            moved[index] += after - before
    moved[0] += Decimal("3000.00")  # O2 on 06/04, week 1
    moved[1] += Decimal("500.00")  # O1 on 08/04, week 2
    assert list(forecast.weeks["expected"] - without.weeks["expected"]) == moved[:WEEKS]
    assert forecast.beyond - without.beyond == moved[WEEKS]


def test_without_a_promises_log_the_forecast_is_the_estimate(worked_ledger):
    forecast = cash_forecast(worked_ledger, AS_OF)
    assert forecast.promises is None and forecast.promised == 0
    assert set(forecast.items["promised"]) == {Decimal(0)}
