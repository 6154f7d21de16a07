"""The dashboard's view state and its query-string form (kpi/present/view.py)."""

from datetime import date

from kpi.model.periods import Period
from kpi.present.view import CUSTOM, ViewState, last_complete_month, preset_period, resolve_period


def test_round_trip_through_the_query_string():
    state = ViewState("client-a", "en", "custom", date(2026, 3, 1), date(2026, 3, 15), ("C1", "C2"), ("Services",))
    query = state.to_query()
    assert query == {
        "ws": "client-a",
        "lang": "en",
        "period": "custom",
        "from": "2026-03-01",
        "to": "2026-03-15",
        "customer": ["C1", "C2"],
        "activity": ["Services"],
    }
    assert ViewState.from_query(query) == state


def test_the_matching_mode_round_trips_and_a_bad_one_is_ignored():
    state = ViewState("client-a", matching="oldest")
    assert state.to_query()["imputation"] == "oldest"
    assert ViewState.from_query(state.to_query()) == state
    assert ViewState.from_query({"imputation": "random"}).matching is None
    assert "imputation" not in ViewState("client-a").to_query()  # the workspace's setting


def test_a_single_customer_parameter_reads_as_a_tuple():
    assert ViewState.from_query({"customer": "C1"}).customers == ("C1",)


def test_bad_values_are_ignored_not_errors():
    state = ViewState.from_query({"lang": "de", "period": "someday", "from": "2026-13-01", "to": "2026-03-31"})
    assert state == ViewState()
    assert ViewState.from_query({"from": "2026-03-31", "to": "2026-03-01"}).start is None  # reversed


def test_last_complete_month_of_the_data():
    assert last_complete_month(date(2026, 4, 5)) == Period.month(2026, 3)
    assert last_complete_month(date(2026, 3, 31)) == Period.month(2026, 3)


def test_default_period_is_the_last_complete_month_of_the_data():
    assert resolve_period(ViewState(), date(2026, 4, 5)) == (Period.month(2026, 3), "last_month")


def test_explicit_dates_win_over_the_preset_name():
    state = ViewState(preset="last_month", start=date(2026, 1, 1), end=date(2026, 1, 31))
    assert resolve_period(state, date(2026, 4, 5)) == (Period.month(2026, 1), CUSTOM)


def test_presets_count_from_the_data_not_the_clock():
    assert preset_period("last_quarter", date(2026, 4, 5)) == Period(date(2026, 1, 1), date(2026, 3, 31))
    assert preset_period("year_to_date", date(2026, 4, 5)) == Period(date(2026, 1, 1), date(2026, 4, 5))
    state = ViewState(preset="last_12_months")
    assert resolve_period(state, date(2026, 4, 5)) == (Period(date(2025, 4, 1), date(2026, 3, 31)), "last_12_months")


def test_a_workspace_opens_on_its_last_complete_month_with_activity():
    from decimal import Decimal as D

    from kpi.present.view import OPENING_LAST_MONTH, OPENING_RUN_OFF, opening_period

    steady = [(date(2026, m, 1), D("1000"), D("900")) for m in range(1, 11)]
    assert opening_period(date(2026, 10, 31), steady) == (Period.month(2026, 10), OPENING_LAST_MONTH)
    # Data ending mid-November: October is the last complete month.
    assert opening_period(date(2026, 11, 12), steady + [(date(2026, 11, 1), D("300"), D("0"))]) == (
        Period.month(2026, 10),
        OPENING_LAST_MONTH,
    )
    # A last month with 5 % of the usual sales (the IBM file's December 2013: 436 €): a run-off,
    # the last twelve months instead.
    run_off = steady + [(date(2026, 11, 1), D("50"), D("4000"))]
    assert opening_period(date(2026, 11, 30), run_off) == (
        Period(date(2025, 12, 1), date(2026, 11, 30)),
        OPENING_RUN_OFF,
    )
    # Months without any activity at the end are skipped.
    assert opening_period(date(2026, 12, 31), steady) == (Period.month(2026, 10), OPENING_LAST_MONTH)
    assert opening_period(date(2026, 3, 31), []) == (Period.month(2026, 3), OPENING_LAST_MONTH)


def test_the_ibm_invoice_list_opens_on_its_last_twelve_months():
    from pathlib import Path

    from kpi.importers import read_files
    from kpi.present.view import OPENING_RUN_OFF, opening_period
    from kpi.store.ledger import Ledger

    ledger = Ledger.in_memory(read_files([Path(__file__).parent / "data/importers/real/ibm_ar.csv"]).ledger)
    last_day = ledger.date_range()[1]
    period, why = opening_period(last_day, ledger.monthly_activity())
    assert why == OPENING_RUN_OFF, (last_day, ledger.monthly_activity()[-3:])
    assert period.days >= 365


def test_the_default_period_follows_the_activity_and_explicit_choices_still_win():
    from decimal import Decimal as D

    from kpi.present.view import past_the_data

    run_off = [(date(2026, m, 1), D("1000"), D("900")) for m in range(1, 11)] + [(date(2026, 11, 1), D("50"), D("0"))]
    assert resolve_period(ViewState(), date(2026, 11, 30), run_off) == (
        Period(date(2025, 12, 1), date(2026, 11, 30)),
        "last_12_months",
    )
    # Quiet last months: the last month holding activity, shown as a custom period.
    quiet = run_off[:10]
    assert resolve_period(ViewState(), date(2026, 12, 31), quiet) == (Period.month(2026, 10), CUSTOM)
    assert resolve_period(ViewState(preset="last_month"), date(2026, 11, 30), run_off) == (
        Period.month(2026, 11),
        "last_month",
    )
    assert past_the_data(Period(date(2026, 10, 1), date(2026, 12, 31)), date(2026, 10, 31))
    assert not past_the_data(Period.month(2026, 10), date(2026, 10, 31))
    assert not past_the_data(Period.month(2026, 10), None)
