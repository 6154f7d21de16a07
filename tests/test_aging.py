"""The aged balance on the worked example: buckets, edges, bases, levels, totals and % rows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from kpi.aging import aged_balance, bucket_keys, parse_edges
from kpi.filters import Filters

D = Decimal


def test_bucket_keys_follow_edges_and_basis():
    assert bucket_keys((30, 60, 90, 120)) == ("not_due", "1_30", "31_60", "61_90", "91_120", "over_120")
    assert bucket_keys((15, 30, 45, 60, 90, 180, 360, 720))[-2:] == ("361_720", "over_720")
    assert bucket_keys((30, 60), "issue") == ("0_30", "31_60", "over_60")


@pytest.mark.parametrize("text", ["60,30", "0,30", "30,abc", "", "30,30"])
def test_bad_edges_are_refused_with_an_example(text):
    with pytest.raises(ValueError, match="30,60,90,120"):
        parse_edges(text)


def test_by_customer_at_march_end(worked_ledger):
    balance = aged_balance(worked_ledger, date(2026, 3, 31))
    rows = balance.rows.set_index("customer_id")
    assert list(rows.index) == ["C1", "C3", "C2", "C4"]  # largest total first
    assert rows.loc["C1", "not_due"] == D("3000.00") and rows.loc["C1", "31_60"] == D("300.00")
    assert rows.loc["C2", "1_30"] == D("800.00") and rows.loc["C2", "unapplied_credits"] == D("-300.00")
    assert rows.loc["C3", "unapplied_credits"] == D("-250.00")  # P-07, unapplied cash
    assert rows.loc["C4", "31_60"] == D("450.00")
    assert rows.loc["C3", "customer_name"] == 'Café "Le Zinc"'
    assert balance.totals["total"] == D("6500.00")
    assert balance.percentages["not_due"] == pytest.approx(5500 / 6500 * 100)
    table = balance.with_summary_rows()
    assert list(table["customer_name"].iloc[-2:]) == ["Total", "%"]


def test_by_document_places_each_item_once(worked_ledger):
    balance = aged_balance(worked_ledger, date(2026, 3, 31), by="document")
    rows = balance.rows.set_index("document_id")
    assert set(rows.index) == {"F-002", "F-004", "F-006", "F-007", "F-008", "F-009", "F-011", "A-001", "P-07"}
    assert rows.loc["F-002", "31_60"] == D("300.00")  # 800 − 500, due 02-14 → 45 days
    assert rows.loc["F-004", "days_past_due"] == 19
    assert rows.loc["A-001", "item_kind"] == "credit_note"
    assert rows.loc["P-07", "item_kind"] == "unapplied_cash"
    assert rows.loc["P-07", "unapplied_credits"] == D("-250.00")
    assert balance.totals == aged_balance(worked_ledger, date(2026, 3, 31)).totals


def test_custom_edges_and_issue_basis(worked_ledger):
    fine = aged_balance(worked_ledger, date(2026, 3, 31), edges=(15, 30, 45))
    assert fine.totals["1_15"] == D("300.00")  # F-007, 11 days late
    assert fine.totals["16_30"] == D("500.00")  # F-004, 19 days late
    assert fine.totals["31_45"] == D("300.00") and fine.totals["over_45"] == D("450.00")  # F-002 45 d, F-011 55 d
    by_issue = aged_balance(worked_ledger, date(2026, 3, 31), edges=(30, 60), basis="issue")
    # Since issue: F-006 29 d, F-008 16 d, F-009 0 d, F-007 26 d → 0_30; F-004 49 d → 31_60; F-002 75 d, F-011 85 d → over_60
    assert by_issue.totals["0_30"] == D("3000.00") + D("1800.00") + D("700.00") + D("300.00")
    assert by_issue.totals["31_60"] == D("500.00")
    assert by_issue.totals["over_60"] == D("300.00") + D("450.00")
    assert by_issue.totals["total"] == D("6500.00")


def test_settlements_after_as_of_date_are_ignored(worked_ledger):
    # P-09 pays F-006 on 04-05: on 04-04 F-006 is still owed (3 days late), on 04-05 it is not.
    before = aged_balance(worked_ledger, date(2026, 4, 4), by="document").rows.set_index("document_id")
    after = aged_balance(worked_ledger, date(2026, 4, 5), by="document").rows.set_index("document_id")
    assert before.loc["F-006", "1_30"] == D("3000.00")
    assert "F-006" not in after.index


def test_filters_apply(worked_ledger):
    services = aged_balance(worked_ledger, date(2026, 3, 31), filters=Filters(activities=("Services",)))
    assert services.totals["total"] == D("1750.00")  # expected-2026-03-activity-Services.json
    rows = services.rows.set_index("customer_id")
    # F-002 300 (C1), F-007 300 (C2), F-009 700 (C3), F-011 450 (C4); the Products invoices are out.
    assert rows["total"].to_dict() == {"C3": D("700.00"), "C4": D("450.00"), "C1": D("300.00"), "C2": D("300.00")}
    assert services.totals["unapplied_credits"] == 0  # unapplied cash has no activity


def test_empty_ledger_date_gives_zero_totals_not_errors(worked_ledger):
    balance = aged_balance(worked_ledger, date(2020, 1, 1))
    assert balance.rows.empty
    assert balance.totals["total"] == 0
    assert balance.percentages["total"] is None
