"""kpi/metrics/collection.py: the collection-activity KPIs on the hand-computed example of tests/data/activity.

The example (March 2026, S = 2026-03-01, E = 2026-03-31), French files:

factures.csv   F1 C1 Produits 15/01 due 14/02 1 000, paid 10/03        F5 C3 Services 10/03 due 09/04   800
               F2 C1 Produits 01/12/25 due 31/12/25 2 000, 500 on 20/03 F6 C3 Produits 15/03 due 14/04 2 000
               F3 C2 Services 20/02 due 22/03 600                      F7 C4 Produits 01/10/25 due 31/10/25 3 000
               F4 C2 Services 05/03 due 04/04 1 200, paid 15/03        F8 C5 Services 01/11/25 due 01/12/25 1 000
reglements.csv F7: 1 000 on 05/02, 600 on 12/03, 400 on 25/03; F8: 500 on 09/03, 500 on 30/03; F3: 100 written off 31/03
  → sales(March) = F4 + F5 + F6 = 1 200 + 800 + 2 000 = 4 000
  → collected(March) = 1 000 + 500 + 1 200 + 600 + 400 + 500 + 500 = 4 700
litiges.csv    F4 opened 10/03 resolved 20/03, 300 | F6 opened 20/03, open, no amount (= 2 000)
               F2 opened 15/01 resolved 10/03, 2 000 | F5 opened 05/04 (after E)
relances.csv   25/02 C2 F3 e-mail R1 (before S) | 02/03 C1 F2 e-mail R1 0,50 | 05/03 C1 phone R2 5,00
               12/03 C3 F5 letter R1 1,20 | 20/03 C3 mise en demeure R3 8,30 | 25/03 C5 agency, no cost
echeanciers.csv E1 C4: 1 000 due 05/02, 05/03, 05/04 | E2 C5: 500 due 10/03 and 25/03
frais.csv      2 000 staff 28/02 (before S) | 350 agency 15/03 | 2 000 staff 31/03

Without frais.csv, a monthly cost entered on the Settings page stands in for the log, spread over
the months the period touches pro rata of their days (the arithmetic is beside each test).
"""

from __future__ import annotations

import csv
import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from kpi.importers import read_files
from kpi.metrics.collection import (
    activity_report,
    activity_settings,
    bucket_collection,
    dispute_list,
    plan_installments,
    reminder_funnel,
    reminders_by_channel,
    write_offs_by_activity,
    write_offs_by_customer,
)
from kpi.metrics.report import period_report
from kpi.metrics.settings import MONTHLY_COST_SETTING, ActivitySettings, DisplaySettings, parse_monthly_cost
from kpi.model.filters import Filters
from kpi.model.periods import Period
from kpi.store.ledger import Ledger
from kpi.store.workspace import Workspace

ACTIVITY = Path(__file__).parent / "data" / "activity"
IBM = Path(__file__).parent / "data" / "importers" / "real" / "ibm_ar.csv"
MARCH = Period(date(2026, 3, 1), date(2026, 3, 31))


@pytest.fixture(scope="module")
def ledger() -> Ledger:
    return Ledger.in_memory(read_files(sorted(ACTIVITY.glob("*.csv"))).ledger)


@pytest.fixture(scope="module")
def march(ledger):
    return activity_report(ledger, MARCH, settings=ActivitySettings())


def test_the_example_has_the_flows_the_arithmetic_starts_from(ledger):
    report = period_report(ledger, MARCH)
    assert (report.sales, report.collected, report.written_off) == (
        Decimal("4000.00"),
        Decimal("4700.00"),
        Decimal("100.00"),
    )


def test_dispute_kpis(march):
    # Disputes on documents issued in March and opened ≤ E: F4 300 + F6 full 2 000 = 2 300 (F5's opens after E,
    # F2 was issued in December); 2 300 / 4 000 × 100 = 57.5 %.
    assert march.disputed_amount == Decimal("2300.00")
    assert march.dispute_rate == pytest.approx(57.5)
    # Open at 31/03: F6 only (F4 resolved 20/03, F2 resolved 10/03, F5 not opened yet).
    assert (march.open_disputes_count, march.open_disputes_amount) == (1, Decimal("2000.00"))
    # Resolved in March: F4 in 20 − 10 = 10 days, F2 in 16 (rest of January) + 28 + 10 = 54 days; mean 32.
    assert march.avg_dispute_resolution_days == pytest.approx(32.0)


def test_reminder_kpis_with_the_default_fifteen_day_window(march):
    # Five reminders in March. Paid within [date, date + 15]: 05/03 C1 (F1 paid 10/03) and 25/03 C5 (F8 on 30/03).
    # 02/03 F2: F2's payment comes on 20/03, 18 days later; F5 and C3 never pay: 2 / 5 = 40 %.
    assert march.reminders_count == 5
    assert march.paid_reminders == 2
    assert march.reminder_success_rate == pytest.approx(40.0)
    # Costs given on four of them: (0,50 + 5,00 + 1,20 + 8,30) / 4 = 3,75.
    assert march.cost_per_reminder == Decimal("3.75")


def test_a_longer_window_counts_the_late_payment(ledger):
    report = activity_report(ledger, MARCH, settings=ActivitySettings(reminder_window_days=20))
    assert report.reminder_success_rate == pytest.approx(60.0)  # + F2 paid 18 days after its R1: 3 / 5


def test_escalation_funnel(ledger):
    funnel = reminder_funnel(ledger, MARCH, settings=ActivitySettings())
    rows = [(r.step, r.reminders, r.paid_reminders, r.paid_share) for r in funnel.itertuples()]
    # The R3 sent as a « mise en demeure » is the formal-notice step; the agency the last step.
    assert rows == [("R1", 2, 0, 0.0), ("R2", 1, 1, 100.0), ("formal_notice", 1, 0, 0.0), ("agency_legal", 1, 1, 100.0)]


def test_reminders_by_channel_carry_their_escalation_step(ledger):
    """The step names a stage in any language (« Lettre de mise en demeure » sent as R3 is the formal notice)."""
    rows = [(r.channel, r.stage, r.step, r.reminders) for r in reminders_by_channel(ledger, MARCH).itertuples()]
    assert sorted(rows) == [
        ("agency", "", "agency_legal", 1),
        ("email", "R1", "R1", 1),
        ("formal_notice", "R3", "formal_notice", 1),
        ("letter", "R1", "R1", 1),
        ("phone", "R2", "R2", 1),
    ]


def test_payment_plan_compliance_and_amount(march, ledger):
    # Due in March: E1 05/03 (C4's cash by 05/03 = 1 000 < cumulative 2 000: missed), E2 10/03 (C5 paid 500 on
    # 09/03: kept), E2 25/03 (cumulative 1 000, C5's cash by 25/03 = 500: missed) → 1 / 3.
    assert (march.installments_due, march.installments_kept) == (3, 1)
    assert march.plan_compliance_rate == pytest.approx(100 / 3)
    # At 31/03, C4: 3 000 planned − 2 000 paid = 1 000; C5: 1 000 − 1 000 = 0.
    assert march.amount_in_plans == Decimal("1000.00")
    kept = plan_installments(ledger, MARCH, settings=ActivitySettings())["paid_in_full"].tolist()
    assert kept == [False, True, False]


def test_grace_period_lets_a_late_installment_count(ledger):
    # Five days of grace: C5's 500 of 30/03 pays the 25/03 installment in time; C4 still short → 2 / 3.
    report = activity_report(ledger, MARCH, settings=ActivitySettings(plan_grace_days=5))
    assert report.plan_compliance_rate == pytest.approx(200 / 3)


def test_cost_per_euro_collected(march):
    # March costs 350 + 2 000 = 2 350 (28/02 is February's) / collected 4 700 = 0,5.
    assert march.collection_costs == Decimal("2350.00")
    assert march.cost_per_euro_collected == pytest.approx(0.5)
    assert not march.cost_exceeds_collected


def test_collection_rate_per_bucket_of_the_opening_balance(ledger, march):
    # Aged balance at 28/02: not due F3 600; 1_30 F1 1 000 (14 days late); 31_60 F2 2 000 (59 days);
    # 61_90 F8 1 000 (89 days); 91_120 F7 2 000 (120 days). Collected in March of each: 0, 1 000, 500, 1 000, 1 000.
    assert march.collection_rate_by_bucket == {
        "not_due": 0.0,
        "1_30": 100.0,
        "31_60": 25.0,
        "61_90": 100.0,
        "91_120": 50.0,
        "over_120": None,
    }
    frame = bucket_collection(ledger, MARCH)
    assert frame["opening_amount"].tolist() == [
        Decimal(v) for v in ("600.00", "1000.00", "2000.00", "1000.00", "2000.00", "0.00")
    ]


@pytest.mark.parametrize("matching", ["matched", "oldest"])
def test_the_report_reads_the_bucket_collection_with_its_kpis_and_finds_what_the_query_of_its_own_finds(
    ledger, matching
):
    """period_report takes the rates from period_kpis's open items; the Recouvrement page queries them apart."""
    filters = Filters(matching=matching)
    alone = activity_report(ledger, MARCH, filters, ActivitySettings()).collection_rate_by_bucket
    assert period_report(ledger, MARCH, filters).activity.collection_rate_by_bucket == alone
    frame = bucket_collection(ledger, MARCH, filters)
    assert frame["collection_rate"].tolist()[1:5] == [alone[key] for key in ("1_30", "31_60", "61_90", "91_120")]


def test_write_off_analysis(ledger):
    by_customer = write_offs_by_customer(ledger, MARCH)
    assert by_customer[["customer_id", "activity", "written_off"]].values.tolist() == [
        ["C2", "Services", Decimal("100.00")]
    ]
    by_activity = {
        r.activity: (r.written_off, r.bad_debt_rate) for r in write_offs_by_activity(ledger, MARCH).itertuples()
    }
    # Services: 100 / (1 200 + 800) × 100 = 5 %; Produits: 0 / 2 000 = 0 %.
    assert by_activity == {"Services": (Decimal("100.00"), 5.0), "Produits": (Decimal("0.00"), 0.0)}


def test_filters_follow_the_documents_and_drop_customer_level_rows_under_an_activity(ledger):
    c1 = activity_report(ledger, MARCH, Filters(customers=("C1",)), ActivitySettings())
    assert (c1.reminders_count, c1.reminder_success_rate) == (2, 50.0)  # F2 R1 unpaid, phone R2 paid
    assert c1.cost_per_euro_collected is None  # company-wide costs over one customer's cash: not a ratio
    services = activity_report(ledger, MARCH, Filters(activities=("Services",)), ActivitySettings())
    assert services.reminders_count == 1  # only the letter about F5; customer-level reminders have no activity
    assert services.disputed_amount == Decimal("300.00")  # F4; F6 is Produits
    assert services.dispute_rate == pytest.approx(300 / 2000 * 100)
    assert services.plan_compliance_rate is None  # plans belong to customers, dropped by an activity filter


# The `activity` object's figures read from the collection logs (disputes, reminders, plans, costs), in its order.
LOG_KEYS = (
    "dispute_rate",
    "disputed_amount",
    "open_disputes_count",
    "open_disputes_amount",
    "avg_dispute_resolution_days",
    "reminders_count",
    "reminder_success_rate",
    "cost_per_reminder",
    "plan_compliance_rate",
    "amount_in_plans",
    "cost_per_euro_collected",
    "promises_open_count",
    "promises_open_amount",
    "promise_kept_rate",
    "broken_promises_amount",
)


def test_json_activity_object_has_the_issue_keys(ledger):
    activity = period_report(ledger, MARCH).to_json_dict()["activity"]
    assert list(activity) == [*LOG_KEYS, "collection_rate_by_bucket"]
    assert activity["disputed_amount"] == 2300.0 and activity["amount_in_plans"] == 1000.0
    json.dumps(activity)  # plain JSON values


def test_absent_logs_give_null_not_zero():
    ledger = Ledger.in_memory(read_files([ACTIVITY / "factures.csv", ACTIVITY / "reglements.csv"]).ledger)
    report = activity_report(ledger, MARCH)
    activity = period_report(ledger, MARCH).to_json_dict()["activity"]
    for key in LOG_KEYS:
        assert activity[key] is None, key
        assert report.missing(key) is not None, key
    assert report.missing("reminders_count") == "reminders"
    # The ledger alone is enough for the collection rate per bucket.
    assert activity["collection_rate_by_bucket"]["1_30"] == 100.0
    assert report.missing("collection_rate_by_bucket") is None


def test_a_present_log_with_nothing_in_the_period_gives_real_zeros(ledger):
    january = activity_report(ledger, Period(date(2025, 1, 1), date(2025, 1, 31)), settings=ActivitySettings())
    assert january.reminders_count == 0
    assert january.reminder_success_rate is None  # 0 / 0
    assert january.open_disputes_count == 0


def test_settings_are_stored_in_the_workspace(tmp_path):
    workspace = Workspace(tmp_path / "ws")
    stored = workspace.import_files(sorted(ACTIVITY.glob("*.csv")))
    assert stored.activity_rows == 4 + 6 + 5 + 3
    with workspace.open() as ledger:
        assert activity_settings(ledger) == ActivitySettings(15, 0)
    workspace.save_settings(ActivitySettings(reminder_window_days=20, plan_grace_days=5).to_settings())
    with workspace.open() as ledger:
        assert activity_settings(ledger) == ActivitySettings(20, 5)
        report = activity_report(ledger, MARCH)
        assert report.reminder_success_rate == pytest.approx(60.0)
        assert report.plan_compliance_rate == pytest.approx(200 / 3)


def test_workspace_import_is_idempotent_and_removable(tmp_path):
    workspace = Workspace(tmp_path / "ws")
    workspace.import_files([ACTIVITY / "factures.csv", ACTIVITY / "reglements.csv"])
    logs = workspace.import_files([ACTIVITY / "litiges.csv", ACTIVITY / "relances.csv"])
    assert logs.activity_rows == 10
    again = workspace.import_files([ACTIVITY / "relances.csv", ACTIVITY / "litiges.csv", ACTIVITY / "frais.csv"])
    assert again.activity_rows == 3  # only the costs are new
    assert again.skipped_identical == 10
    with workspace.open(snapshot=False) as ledger:  # views over the file
        assert activity_report(ledger, MARCH).reminders_count == 5
    workspace.remove_import(logs.import_id)
    with workspace.open() as ledger:
        report = activity_report(ledger, MARCH)
        # The rows belong to the import that stored them first: the reminder log is gone, the costs stay.
        assert report.reminders_count is None and report.missing("reminders_count") == "reminders"
        assert report.collection_costs == Decimal("2350.00")


def test_dispute_list_shows_open_ones_first(ledger):
    disputes = dispute_list(ledger, MARCH.end)
    assert disputes["document_id"].tolist() == ["F6", "F2", "F4"]
    assert disputes["open"].tolist() == [True, False, False]


def _ibm_rows():
    with IBM.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_ibm_disputed_flags_give_the_dispute_rate_of_its_invoices():
    rows = _ibm_rows()
    issued = [datetime.strptime(r["InvoiceDate"], "%m/%d/%Y").date() for r in rows]
    total = sum(Decimal(r["InvoiceAmount"]) for r in rows)
    disputed = sum(Decimal(r["InvoiceAmount"]) for r in rows if r["Disputed"] == "Yes")
    expected = disputed / total * 100
    assert 0 < disputed < total
    ledger = Ledger.in_memory(read_files([IBM]).ledger)
    report = activity_report(ledger, Period(min(issued), max(issued)))
    assert report.disputed_amount == disputed
    assert report.dispute_rate == pytest.approx(float(expected), abs=1e-9)
    # A flagged invoice's dispute is resolved on its SettledDate: open at the end are those settled after it.
    end = max(issued)
    assert report.open_disputes_count == sum(
        1 for r in rows if r["Disputed"] == "Yes" and datetime.strptime(r["SettledDate"], "%m/%d/%Y").date() > end
    )


# -- the monthly collection cost of the Settings page, used when no costs log was imported -----------


@pytest.fixture(scope="module")
def without_costs_log() -> Ledger:
    return Ledger.in_memory(read_files([ACTIVITY / "factures.csv", ACTIVITY / "reglements.csv"]).ledger)


MONTHLY = ActivitySettings(monthly_collection_cost=Decimal("1500.00"))


def test_the_monthly_amount_stands_in_for_a_missing_costs_log(without_costs_log):
    report = activity_report(without_costs_log, MARCH, settings=MONTHLY)
    # A whole month costs the monthly amount: 1 500 / collected 4 700 = 0,3191…
    assert report.collection_costs == Decimal("1500.00")
    assert report.cost_source == "monthly_setting"
    assert report.cost_per_euro_collected == pytest.approx(1500 / 4700)
    assert report.missing("cost_per_euro_collected") is None
    assert period_report(without_costs_log, MARCH).activity.cost_per_euro_collected is None  # no setting stored


@pytest.mark.parametrize(
    ("start", "end", "costs", "collected"),
    [
        # 1–15 March: 1 500 × 15 / 31 = 725,806… → 725,81; cash F8 500 (09/03) + F1 1 000 (10/03) + F7 600 (12/03)
        # + F4 1 200 (15/03) = 3 300.
        (date(2026, 3, 1), date(2026, 3, 15), "725.81", "3300"),
        # 15 February–31 March: 1 500 × 14 / 28 + 1 500 = 2 250; cash 4 700 in March, none after 15/02 in February.
        (date(2026, 2, 15), date(2026, 3, 31), "2250.00", "4700"),
        # A quarter is three months: 4 500; cash January–March = F7 1 000 (05/02) + March's 4 700 = 5 700.
        (date(2026, 1, 1), date(2026, 3, 31), "4500.00", "5700"),
    ],
)
def test_the_monthly_amount_is_spread_pro_rata_of_the_days_of_each_month(
    without_costs_log, start, end, costs, collected
):
    report = activity_report(without_costs_log, Period(start, end), settings=MONTHLY)
    assert report.collection_costs == Decimal(costs)
    assert report.cost_per_euro_collected == pytest.approx(float(Decimal(costs) / Decimal(collected)))
    assert period_report(without_costs_log, Period(start, end)).collected == Decimal(collected)


def test_an_imported_costs_log_wins_over_the_monthly_amount(ledger):
    report = activity_report(ledger, MARCH, settings=MONTHLY)
    assert (report.collection_costs, report.cost_source) == (Decimal("2350.00"), "log")  # as without the setting
    assert report.cost_per_euro_collected == pytest.approx(0.5)


def test_neither_log_nor_monthly_amount_gives_null_and_a_filter_still_nulls_the_ratio(without_costs_log):
    absent = activity_report(without_costs_log, MARCH, settings=ActivitySettings())
    assert (absent.collection_costs, absent.cost_source, absent.cost_per_euro_collected) == (None, None, None)
    assert absent.missing("cost_per_euro_collected") == "collection_costs"
    filtered = activity_report(without_costs_log, MARCH, Filters(customers=("C1",)), MONTHLY)
    assert filtered.cost_per_euro_collected is None and filtered.collection_costs == Decimal("1500.00")


def test_a_monthly_amount_above_the_cash_is_flagged(without_costs_log):
    # 5 000 / 4 700 = 1,06: more than one euro spent per euro collected.
    report = activity_report(
        without_costs_log, MARCH, settings=ActivitySettings(monthly_collection_cost=Decimal("5000"))
    )
    assert report.cost_per_euro_collected == pytest.approx(5000 / 4700)
    assert report.cost_exceeds_collected


def test_a_zero_monthly_amount_is_a_real_zero(without_costs_log):
    report = activity_report(without_costs_log, MARCH, settings=ActivitySettings(monthly_collection_cost=Decimal("0")))
    assert report.cost_per_euro_collected == 0.0 and report.cost_source == "monthly_setting"


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("1500", "1500.00"),
        ("1 500,5", "1500.50"),
        ("1\u202f500,50\u00a0€", "1500.50"),
        ("1,500.50", "1500.50"),
        ("1.500,50", "1500.50"),
        ("0", "0.00"),
        ("", None),
        ("  ", None),
        ("-10", None),
        ("abc", None),
        (None, None),
        ("NaN", None),
        ("Infinity", None),
    ],
)
def test_monthly_amount_as_typed(typed, amount):
    assert parse_monthly_cost(typed) == (None if amount is None else Decimal(amount))


def test_the_monthly_amount_is_stored_as_a_decimal_string_in_the_workspace(tmp_path):
    workspace = Workspace(tmp_path / "ws")
    workspace.import_files([ACTIVITY / "factures.csv", ACTIVITY / "reglements.csv"])
    workspace.save_settings(MONTHLY.to_settings())
    assert workspace.settings()[MONTHLY_COST_SETTING] == "1500.00"
    with workspace.open() as ledger:
        assert activity_settings(ledger).monthly_collection_cost == Decimal("1500.00")
        assert activity_report(ledger, MARCH).cost_per_euro_collected == pytest.approx(1500 / 4700)
    workspace.save_settings(ActivitySettings().to_settings())  # cleared: back to "no costs known"
    with workspace.open() as ledger:
        assert activity_report(ledger, MARCH).cost_per_euro_collected is None


def test_display_settings_read_back_what_they_wrote_and_default_what_they_cannot_read():
    chosen = DisplaySettings(edges=(15, 45), basis="issue", payment_terms=45, currency="CHF", matching="oldest")
    assert DisplaySettings.from_settings(chosen.to_settings()) == chosen
    unreadable = {"bucket_edges": ["trente"], "aging_basis": "hier", "payment_terms": "soixante", "apply_credits": "?"}
    assert DisplaySettings.from_settings(unreadable) == DisplaySettings()
