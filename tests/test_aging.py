"""The aged balance on the worked example: buckets, edges, bases, levels, totals and % rows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from kpi.metrics.aging import aged_balance, bucket_keys, parse_edges
from kpi.model.filters import Filters

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
    assert rows.loc["C2", "1_30"] == D("800.00") and rows.loc["C2", "credit_notes"] == D("-300.00")
    assert rows.loc["C2", "unapplied_payments"] == 0
    assert rows.loc["C3", "unapplied_payments"] == D("-250.00")  # P-07, unapplied cash
    assert balance.totals["unapplied_credits"] == D("-550.00")  # the two columns together
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
    assert rows.loc["P-07", "unapplied_payments"] == D("-250.00")
    assert rows.loc["A-001", "credit_notes"] == D("-300.00")
    assert "credits_netted" not in rows.columns  # only the oldest-first rule nets anything
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


def test_old_buckets_are_those_past_the_second_overdue_one_the_last_two_the_oldest(worked_ledger):
    default = aged_balance(worked_ledger, date(2026, 3, 31))
    assert default.old_bucket_keys == ("61_90", "91_120", "over_120")
    assert [default.bucket_severity(key) for key in default.bucket_keys] == [
        None,
        None,
        None,
        "old",
        "oldest",
        "oldest",
    ]
    fine = aged_balance(worked_ledger, date(2026, 3, 31), edges=(15, 30, 45, 60, 90))
    assert [fine.bucket_severity(key) for key in fine.bucket_keys] == [
        None,
        None,
        None,
        "old",
        "old",
        "oldest",
        "oldest",
    ]
    assert fine.bucket_severity("unapplied_credits") is None


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


@pytest.fixture(scope="module")
def matching_ledger():
    from sample_files import MATCHING_FILES

    from kpi.importers import read_files
    from kpi.store.ledger import Ledger

    return Ledger.in_memory(read_files(MATCHING_FILES).ledger)


def test_oldest_mode_nets_credits_document_by_document(matching_ledger):
    """examples/matching at 31/03/2026: M1's P-102 (−300) nets F-102 (due 07/03, the oldest) from 600
    to 300; M2's A-201 (−200), P-202 (−100) and W-201 (−50) net F-201 from 500 to 150; the credit items
    are used up, so they are no longer open."""
    balance = aged_balance(matching_ledger, date(2026, 3, 31), by="document", filters=Filters(matching="oldest"))
    rows = balance.rows.set_index("document_id")
    assert set(rows.index) == {"F-102", "F-103", "F-201", "F-202", "F-301"}
    assert rows.loc["F-102", "1_30"] == D("300.00") and rows.loc["F-102", "credits_netted"] == D("300.00")
    assert rows.loc["F-201", "61_90"] == D("150.00") and rows.loc["F-201", "credits_netted"] == D("350.00")
    assert rows.loc["F-103", "credits_netted"] == 0  # due after F-102: nothing left to net it
    assert balance.totals["unapplied_credits"] == 0 and balance.totals["total"] == D("2350.00")
    assert not balance.suggests_oldest


def test_matched_mode_suggests_oldest_above_a_tenth_of_gross(matching_ledger):
    balance = aged_balance(matching_ledger, date(2026, 3, 31))
    assert balance.gross == D("3000.00") and balance.totals["unapplied_credits"] == D("-650.00")
    assert balance.suggests_oldest  # 650 > 10 % × 3 000
    # Before P-102 (28/03), W-201 (31/03) and P-202 (12/03), only A-201's −200 would wait: 200 < 10 % of 3 100.
    assert not aged_balance(matching_ledger, date(2026, 3, 10)).suggests_oldest


def test_what_settled_each_document(matching_ledger):
    from kpi.metrics.aging import customer_settlements

    moves = customer_settlements(matching_ledger, "M1", date(2026, 3, 31))
    rows = [
        (r.document_id, r.date.isoformat(), r.kind, r.amount, r.counterpart if isinstance(r.counterpart, str) else None)
        for r in moves.itertuples()
    ]
    assert rows == [
        ("A-101", "2026-02-20", "credit_applied", D("400.00"), "F-101"),  # the credit note, used on F-101
        ("F-101", "2026-02-20", "credit", D("400.00"), "A-101"),  # F-101 settled by it, then by P-101
        ("F-101", "2026-03-15", "cash", D("600.00"), None),
    ]
    # Before the payment, only the credit note had settled F-101.
    assert len(customer_settlements(matching_ledger, "M1", date(2026, 3, 1))) == 2
