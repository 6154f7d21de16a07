"""What-if scenarios on the worked example, checked against values computed by hand.

The worked example at 2026-03-31 (expected-2026-03.json): open invoices
  F-002 300 (C1, issued 01-15, due 02-14, 45 days past due → 31_60)
  F-004 500 (C2, issued 02-10, due 03-12, 19 → 1_30)
  F-006 3 000 (C1, issued 03-02, due 04-01, not due; paid 04-05)
  F-007 300 (C2, issued 03-05, due 03-20 — already 15-day terms — 11 → 1_30)
  F-008 1 800 (C3, issued 03-15, due 04-14, not due)
  F-009 700 (C3, issued 03-31, due 04-30, not due)
  F-011 450 (C4, issued 01-05, due 02-04, 55 → 31_60)
and credits A-001 −300, P-07 −250. Every other invoice has 30-day terms.
March payments applied to invoices: P-02 500 on F-002 (24 days late), P-03 2 500 on F-003
(12), P-04 1 000 on F-004 (13), P-05 600 on F-005 (0), P-06 600 on F-007 (8):
avg days late = 59 800 / 5 200 = 11.5.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from ledgers import ledger_from_rows
from sample_files import WORKED_FILES

from kpi.analysis.whatif import (
    CollectOverdue,
    FasterPayment,
    MoveSales,
    PaymentTerms,
    Scenario,
    WorkingCapital,
    apply_scenario,
    delete_scenario,
    list_scenarios,
    load_scenario,
    run_scenario,
    save_scenario,
)
from kpi.cli.main import main
from kpi.metrics.report import period_report
from kpi.model.filters import Filters
from kpi.model.periods import Period
from kpi.store.ledger import Ledger

MARCH = Period.month(2026, 3)
D = Decimal


def run(ledger, *changes, period=MARCH, filters=Filters(), **options):
    return run_scenario(ledger, Scenario("test", changes, **options), period, filters)


def test_terms_15_days_without_moving_payments(worked_ledger):
    result = run(worked_ledger, PaymentTerms(days=15, shift_payments=False))
    s = result.simulated
    # New due dates: F-002 01-30 (60 days past due, still 31_60), F-004 02-25 (34 → 31_60),
    # F-006 03-17 (14 → 1_30), F-008 03-30 (1 → 1_30), F-009 04-15 (not due), F-011 01-20 (70 → 61_90).
    assert s.aging == {
        "not_due": D("700.00"),
        "1_30": D("5100.00"),
        "31_60": D("800.00"),
        "61_90": D("450.00"),
        "91_120": D("0.00"),
        "over_120": D("0.00"),
    }
    # Payments did not move: AR, sales and collections are the actual ones.
    assert (s.opening_ar, s.closing_ar, s.collected) == (D("6250.00"), D("6500.00"), D("5450.00"))
    assert s.dso == pytest.approx(result.actual.dso)
    assert s.bpdso == pytest.approx(700 / 6100 * 31)  # 3.56 days instead of 27.95
    # ADD from what is late, not as DSO − BPDSO: (overdue AR + unapplied credits) / sales × N, the overdue
    # buckets above (5 100 + 800 + 450) less the 550 of unapplied credits (closing AR 6 500 − gross 7 050).
    assert s.unapplied_credits == D("-550.00")
    assert s.add == pytest.approx((5100 + 800 + 450 - 550) / 6100 * 31)
    assert s.cei == pytest.approx((6250 + 6100 - 6500) / (6250 + 6100 - 700) * 100)
    assert s.overdue_rate == pytest.approx(6350 / 7050 * 100)
    # Same payments, earlier due dates: P-02 39 days late, P-03 27, P-04 28, P-05 14, P-06 8
    assert s.avg_days_late == pytest.approx((500 * 39 + 2500 * 27 + 1000 * 28 + 600 * 14 + 600 * 8) / 5200)
    # March invoices due before 03-31 and unpaid: F-006 3 000, F-007 300, F-008 1 800 of 6 400 invoiced
    assert s.unpaid_rate == pytest.approx(5100 / 6400 * 100)
    assert result.effects[0].documents_changed == 11  # every invoice but F-007
    assert result.effects[0].settlements_changed == 0


def test_terms_15_days_with_customers_keeping_their_delay(worked_ledger):
    result = run(worked_ledger, PaymentTerms(days=15))
    s = result.simulated
    # Every cash payment of a 30-day invoice comes 15 days earlier: P-02 03-10 → 02-23 and
    # P-03 03-03 → 02-16 leave March (−3 000), P-09 04-05 → 03-21 enters it (+3 000).
    assert s.collected == D("5450.00")
    assert s.opening_ar == D("3250.00")  # 6 250 − 500 − 2 500 paid in February now
    assert s.closing_ar == D("3500.00")  # 3 250 + 6 100 − 5 450 − 400
    assert s.aging["1_30"] == D("2100.00")  # F-007 300 + F-008 1 800; F-006 is paid
    assert s.dso == pytest.approx(3500 / 6100 * 31)
    assert s.bpdso == pytest.approx(700 / 6100 * 31)
    # P-01 F-001, P-02, P-03, P-04, P-05 and P-09 moved; P-06 (F-007) kept its date
    assert result.effects[0].settlements_changed == 6


def test_terms_for_one_customer_only(worked_ledger):
    result = run(worked_ledger, PaymentTerms(days=15, shift_payments=False, customers=("C4",)))
    # Only F-011 (450, due 01-20 now: 70 days past due) changes bucket.
    assert result.simulated.aging["31_60"] == D("300.00") and result.simulated.aging["61_90"] == D("450.00")
    assert result.effects[0].documents_changed == 1


def test_faster_payment_moves_late_payments_up_to_their_due_date(worked_ledger):
    result = run(worked_ledger, FasterPayment(days=10))
    s = result.simulated
    # P-02 03-10 → 02-28 and P-03 03-03 → 02-21 (February now); P-04 03-25 → 03-15;
    # P-06 03-28 → 03-20 (its due date, not 03-18); P-05 was on time and stays.
    assert s.collected == D("2450.00")  # 1 000 + 600 + 600 + unapplied 250
    assert s.opening_ar == D("3250.00")
    assert s.closing_ar == D("6500.00")  # P-09 04-05 → 04-01 is still after March
    assert s.avg_days_late == pytest.approx(1000 * 3 / 2200)  # only P-04, 3 days late now


def test_faster_payment_for_late_payers_only(worked_ledger):
    # Average days late over the ledger: C1 (1 200×11 + 500×24 + 3 000×4) / 4 700 = 7.9,
    # C2 (2 500×12 + 1 000×13 + 600×8) / 4 100 = 11.7, C3 0. At ≥ 10 days only C2 is a late payer.
    result = run(worked_ledger, FasterPayment(days=10, late_payers_only=True, late_payer_min_days=10))
    s = result.simulated
    # P-03 leaves March (03-03 → 02-21); P-04 → 03-15 and P-06 → 03-20 stay in March.
    assert s.collected == D("2950.00")
    assert s.opening_ar == D("3750.00")
    assert result.effects[0].settlements_changed == 3  # P-03, P-04, P-06


def test_old_overdue_collected_on_a_date(worked_ledger):
    result = run(worked_ledger, CollectOverdue(on=date(2026, 3, 31), older_than_days=30))
    s = result.simulated
    # More than 30 days past due on 03-31: F-002 300 (45) and F-011 450 (55)
    assert s.collected == D("6200.00") and s.closing_ar == D("5750.00")
    assert s.aging["31_60"] == D("0.00")
    assert result.effects[0].amount == D("750.00") and result.effects[0].settlements_changed == 2
    # The new payments count in the delays: F-002 45 days late, F-011 55 days late
    assert s.avg_days_late == pytest.approx((59800 + 300 * 45 + 450 * 55) / 5950)


def test_old_overdue_written_off(worked_ledger):
    s = run(worked_ledger, CollectOverdue(on=date(2026, 3, 31), older_than_days=30, action="writeoff")).simulated
    assert s.collected == D("5450.00") and s.written_off == D("1150.00")  # 400 + 750
    assert s.bad_debt_rate == pytest.approx(1150 / 6100 * 100)


def test_collected_invoice_loses_its_later_real_payment(worked_ledger):
    # On 04-03 F-006 (due 04-01) is 2 days past due: collected then, its real payment of 04-05 goes.
    canonical, effects = apply_scenario(
        worked_ledger.canonical(), Scenario("t", (CollectOverdue(on=date(2026, 4, 3), older_than_days=0),))
    )
    f006 = [row for row in canonical.settlements.to_pylist() if row["document_id"] == "F-006"]
    assert [(row["date"], row["amount"]) for row in f006] == [(date(2026, 4, 3), D("3000.00"))]
    assert effects[0].settlements_removed == 1


def test_move_sales_keeps_totals_and_moves_at_most_the_share(worked_ledger):
    scenario = Scenario("t", (MoveSales(share=0.5, from_activity="Services", to_activity="Products"),))
    canonical, effects = apply_scenario(worked_ledger.canonical(), scenario)
    simulated = Ledger.in_memory(canonical)
    whole = period_report(simulated, Period(date(2025, 10, 1), date(2026, 4, 30)))
    assert whole == period_report(worked_ledger, Period(date(2025, 10, 1), date(2026, 4, 30)))
    before = {row["document_id"]: row["activity"] for row in worked_ledger.canonical().documents.to_pylist()}
    after = {row["document_id"]: row["activity"] for row in canonical.documents.to_pylist()}
    moved = [doc for doc in before if before[doc] != after[doc]]
    assert all(before[doc] == "Services" and after[doc] == "Products" for doc in moved)
    assert effects[0].documents_changed == len(moved) >= 1
    # Services invoices by month, half of each as the cap: 2025-12 F-001 1 200 alone (1 200 > 600:
    # none), 2026-01 F-002 800 + F-011 450 (cap 625), 2026-02 F-005 alone, 2026-03 F-007 900 +
    # F-009 700 (cap 800), 2026-04 F-010 alone. The md5 order puts F-011 and F-009 first in their
    # months and each fits under its cap; the next invoice would exceed it.
    assert sorted(moved) == ["F-009", "F-011"]
    amounts = {row["document_id"]: row["amount"] for row in canonical.documents.to_pylist()}
    assert sum(amounts[doc] for doc in moved) == effects[0].amount


def test_the_stored_ledger_is_untouched(worked_ledger):
    before = period_report(worked_ledger, MARCH)
    run(worked_ledger, PaymentTerms(days=15), CollectOverdue(on=date(2026, 3, 31), older_than_days=0))
    assert period_report(worked_ledger, MARCH) == before


def test_lme_preset_caps_terms_at_60_days():
    # 90-day terms → due at 60 days; 30-day terms untouched; the payment 10 days late stays 10 days late.
    ledger = Ledger.in_memory(
        ledger_from_rows(
            [
                {
                    "document_id": "F1",
                    "customer_id": "C1",
                    "issue_date": date(2026, 1, 1),
                    "due_date": date(2026, 4, 1),
                    "amount": "1000",
                },
                {
                    "document_id": "F2",
                    "customer_id": "C1",
                    "issue_date": date(2026, 1, 1),
                    "due_date": date(2026, 1, 31),
                    "amount": "500",
                },
            ],
            [
                {
                    "settlement_id": "P1",
                    "document_id": "F1",
                    "customer_id": "C1",
                    "date": date(2026, 4, 11),
                    "amount": "1000",
                }
            ],
        )
    )
    canonical, effects = apply_scenario(ledger.canonical(), Scenario.lme_cap())
    due = {row["document_id"]: row["due_date"] for row in canonical.documents.to_pylist()}
    assert due == {"F1": date(2026, 3, 2), "F2": date(2026, 1, 31)}
    assert canonical.settlements.to_pylist()[0]["date"] == date(2026, 3, 12)  # 30 days earlier
    assert effects[0].documents_changed == 1


def test_cash_conversion_cycle(worked_ledger):
    capital = WorkingCapital(dio=40.0, dpo=50.0, scenario_dpo=60.0)
    result = run(worked_ledger, PaymentTerms(days=15), working_capital=capital)
    actual, simulated = result.cash_conversion_cycle
    assert actual == pytest.approx(40 + 6500 / 6100 * 31 - 50)
    assert simulated == pytest.approx(40 + 3500 / 6100 * 31 - 60)
    # DIO and DPO from balances: 30 000 of stock, 20 000 of payables, 120 000 of cost of goods over 90 days
    derived = WorkingCapital.from_balances(D("30000"), D("120000"), D("20000"), 90)
    assert (derived.dio, derived.dpo) == (22.5, 15.0)


def test_scenario_json_round_trip_and_errors():
    scenario = Scenario(
        "Relance « 90 j » / test",
        (
            PaymentTerms(cap_days=60, customers=("C1",)),
            FasterPayment(days=5, late_payers_only=True),
            CollectOverdue(on=date(2026, 3, 31), older_than_days=90, action="writeoff"),
            MoveSales(share=0.25, from_activity="Services", to_activity="Products"),
        ),
        description="d",
        working_capital=WorkingCapital(45.0, 30.0),
    )
    assert Scenario.from_json(scenario.to_json()) == scenario
    with pytest.raises(ValueError, match="kind must be one of"):
        Scenario.from_dict({"name": "x", "changes": [{"kind": "discount"}]})
    with pytest.raises(ValueError, match="unknown keys dayz"):
        Scenario.from_dict({"name": "x", "changes": [{"kind": "payment_terms", "dayz": 30}]})
    with pytest.raises(ValueError, match="needs days or cap_days"):
        Scenario.from_dict({"name": "x", "changes": [{"kind": "payment_terms"}]})
    with pytest.raises(ValueError, match="share"):
        MoveSales(share=1.5, from_activity="A", to_activity="B")


def test_scenarios_saved_in_the_workspace_by_name(tmp_path):
    first, second = Scenario.lme_cap(), Scenario("Clients/retard « 10 j »", (FasterPayment(days=10),))
    save_scenario(tmp_path, first)
    path = save_scenario(tmp_path, second)
    assert path.parent == tmp_path / "scenarios" and path.name.endswith(".json")
    assert list_scenarios(tmp_path) == sorted([first.name, second.name])
    assert load_scenario(tmp_path, second.name) == second
    save_scenario(tmp_path, Scenario(second.name, (FasterPayment(days=20),)))  # same name overwrites
    assert load_scenario(tmp_path, second.name).changes[0].days == 20
    delete_scenario(tmp_path, first.name)
    assert list_scenarios(tmp_path) == [second.name]
    with pytest.raises(FileNotFoundError):
        load_scenario(tmp_path, "absent")


def whatif_march(scenario_file, *options: str) -> int:
    """`encours whatif` on the worked example's files for March 2026 with this scenario file."""
    return main(
        [
            "whatif",
            *map(str, WORKED_FILES),
            "--from",
            "2026-03-01",
            "--to",
            "2026-03-31",
            "--scenario",
            str(scenario_file),
            *options,
        ]
    )


def test_cli_whatif_json(tmp_path, capsys):
    scenario_file = tmp_path / "scenario.json"
    scenario_file.write_text(Scenario("t", (PaymentTerms(days=15, shift_payments=False),)).to_json(), encoding="utf-8")
    assert whatif_march(scenario_file, "--format", "json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["actual"]["bpdso"] == pytest.approx(27.950819672131146)
    assert data["simulated"]["bpdso"] == pytest.approx(700 / 6100 * 31)
    assert data["simulated"]["aging"]["61_90"] == 450.0
    assert data["changes"]["bpdso"]["change"] == pytest.approx(700 / 6100 * 31 - 27.950819672131146)
    assert data["effects"][0]["documents_changed"] == 11


def test_cli_whatif_table_and_bad_scenario(tmp_path, capsys):
    scenario_file = tmp_path / "scenario.json"
    scenario_file.write_text(
        Scenario("t", (CollectOverdue(on=date(2026, 3, 31), older_than_days=30),)).to_json(), encoding="utf-8"
    )
    assert whatif_march(scenario_file) == 0
    text = capsys.readouterr().out
    assert "6\u202f500,00\u00a0€" in text and "5\u202f750,00\u00a0€" in text  # closing AR actual, scenario
    scenario_file.write_text('{"name": "x", "changes": [{"kind": "nope"}]}', encoding="utf-8")
    assert whatif_march(scenario_file) == 2
    assert "kind must be one of" in capsys.readouterr().err
