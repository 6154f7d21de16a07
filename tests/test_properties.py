"""Invariants of KPI-SPEC that hold on any ledger, checked on random ones, in both matching modes.

Every example is loaded into one shared in-memory ledger (its tables emptied and refilled), so the
macros are installed once per module instead of once per example.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ledgers import CUSTOMERS, DAY0, random_ledgers

from kpi.metrics.aging import aged_balance
from kpi.metrics.report import RATIO_KEYS, period_reports
from kpi.model.canonical import CanonicalLedger
from kpi.model.filters import MATCHING_MODES, Filters
from kpi.model.periods import Period
from kpi.store.ledger import Ledger

periods = st.tuples(st.integers(-10, 260), st.integers(0, 120)).map(
    lambda p: Period(DAY0 + timedelta(days=p[0]), DAY0 + timedelta(days=p[0] + p[1]))
)
modes = st.sampled_from(MATCHING_MODES)
# As many examples as the profile says (tests/conftest.py: 20 in CI, new ones every run).
SETTINGS = settings()
# The invariants that compute every KPI of several reports per example (one per customer): half as many.
HEAVY = settings(SETTINGS, max_examples=max(2, SETTINGS.max_examples // 2))
_SHARED: list[Ledger] = []


def loaded(canonical: CanonicalLedger) -> Ledger:
    """The shared ledger holding exactly this example."""
    if not _SHARED:
        _SHARED.append(Ledger.in_memory())
    ledger = _SHARED[0]
    ledger.connection.execute("DELETE FROM settlements; DELETE FROM documents")
    ledger.append(canonical, import_id=0)
    return ledger


def period_report(ledger: Ledger, period: Period, filters: Filters = Filters()):
    """The KPIs of KPI-SPEC §3 alone (the collection-activity part has its own tests)."""
    return period_reports(ledger, [period], filters)[0]


def without_credit_applications(canonical: CanonicalLedger) -> CanonicalLedger:
    settlements = canonical.settlements.filter(pc.not_equal(canonical.settlements.column("kind"), "credit"))
    return replace(canonical, settlements=settlements)


@SETTINGS
@given(random_ledgers(), periods, modes)
def test_ar_rolls_forward_and_buckets_sum_to_closing_ar(canonical, period, matching):
    report = period_report(loaded(canonical), period, Filters(matching=matching))
    # opening AR + sales − collected − written off = closing AR, to the cent: a credit application
    # is neither collected nor written off, and moves no AR.
    assert report.opening_ar + report.sales - report.collected - report.written_off == report.closing_ar
    # aging buckets + unapplied credits = closing AR
    assert sum(report.aging.values()) + report.unapplied_credits == report.closing_ar
    assert report.unapplied_credits <= 0
    assert all(amount >= 0 for amount in report.aging.values())
    for key in RATIO_KEYS:
        value = getattr(report, key)
        assert value is None or math.isfinite(value), key


def matched_position(canonical: CanonicalLedger, as_of: date) -> dict[str, Decimal]:
    """KPI-SPEC §2 in matched mode, from the rows in Python: each document issued ≤ as_of less its settlements
    dated ≤ as_of (plus the credit applications drawn from it); an invoice's positive rest is current when
    due on or after as_of, overdue before; every other rest, and unapplied cash and write-offs, is unapplied."""
    outstanding = {d["document_id"]: d["amount"] for d in canonical.documents.to_pylist() if d["issue_date"] <= as_of}
    invoices = {d["document_id"]: d for d in canonical.documents.to_pylist() if d["amount"] > 0}
    position = dict.fromkeys(("current", "overdue", "unapplied"), Decimal(0))
    for s in canonical.settlements.to_pylist():
        if s["date"] > as_of:
            continue
        if s["document_id"] is None:
            position["unapplied"] -= s["amount"]
            continue
        if s["document_id"] in outstanding:
            outstanding[s["document_id"]] -= s["amount"]
        if s["kind"] == "credit" and s["source_document_id"] in outstanding:
            outstanding[s["source_document_id"]] += s["amount"]
    for document_id, rest in outstanding.items():
        if document_id in invoices and rest > 0:
            position["current" if invoices[document_id]["due_date"] >= as_of else "overdue"] += rest
        else:
            position["unapplied"] += rest
    return position


@SETTINGS
@given(random_ledgers(), periods, st.data())
def test_current_and_overdue_ar_and_add_match_the_rows(canonical, period, data):
    """Current AR, overdue AR and ADD computed in Python from the ledger's rows, not from the other KPIs."""
    due_dates = canonical.documents.column("due_date").to_pylist()
    if due_dates and data.draw(st.booleans()):
        # A period ending on a due date, or the day after: the day an invoice turns overdue.
        end = data.draw(st.sampled_from(due_dates)) + timedelta(days=data.draw(st.integers(0, 1)))
        period = Period(end - timedelta(days=data.draw(st.integers(0, 90))), end)
    report = period_report(loaded(canonical), period)
    position = matched_position(canonical, period.end)
    assert report.closing_current_ar == position["current"]
    assert report.closing_overdue_ar == position["overdue"]
    assert report.unapplied_credits == position["unapplied"]
    # ADD: what is late (overdue AR and credits not yet applied) in days of the period's sales.
    sales = sum(
        (d["amount"] for d in canonical.documents.to_pylist() if period.start <= d["issue_date"] <= period.end),
        Decimal(0),
    )
    days = (period.end - period.start).days + 1
    if sales == 0:
        assert report.add is None
    else:
        late = position["overdue"] + position["unapplied"]
        assert report.add == pytest.approx(float(late / sales * days), rel=1e-9, abs=1e-9)


@SETTINGS
@given(random_ledgers(), st.integers(-5, 300))
def test_ar_is_the_same_in_both_modes_and_oldest_never_leaves_more_overdue(canonical, offset):
    ledger = loaded(canonical)
    day = Period(DAY0 + timedelta(days=offset), DAY0 + timedelta(days=offset))
    matched = period_report(ledger, day)
    oldest = period_report(ledger, day, Filters(matching="oldest"))
    assert matched.closing_ar == oldest.closing_ar
    assert matched.opening_ar == oldest.opening_ar
    # Netting only removes: each bucket and the unapplied credits shrink towards zero.
    gross = lambda report: sum(report.aging.values(), Decimal(0))  # noqa: E731
    assert gross(oldest) <= gross(matched)
    assert matched.unapplied_credits <= oldest.unapplied_credits <= 0


@HEAVY
@given(random_ledgers(), st.integers(-5, 300))
def test_oldest_gross_ar_is_each_customers_positive_balance(canonical, offset):
    """After netting, a customer either has no credit left or no open invoice: its gross AR is max(AR, 0)."""
    ledger = loaded(canonical)
    last_credit = max((d for d in canonical.settlements.column("date").to_pylist()), default=DAY0)
    as_of = max(last_credit, DAY0) + timedelta(days=offset)
    oldest = Filters(matching="oldest")
    whole = period_report(ledger, Period(as_of, as_of), oldest)
    per_customer = [period_report(ledger, Period(as_of, as_of), replace(oldest, customers=(c,))) for c in CUSTOMERS]
    assert sum(whole.aging.values()) == sum((max(p.closing_ar, Decimal(0)) for p in per_customer), Decimal(0))
    assert whole.unapplied_credits == sum((min(p.closing_ar, Decimal(0)) for p in per_customer), Decimal(0))


@HEAVY
@given(random_ledgers(), periods)
def test_a_credit_application_never_changes_ar(canonical, period):
    with_credits = period_report(loaded(canonical), period)
    without = period_report(loaded(without_credit_applications(canonical)), period)
    for key in ("opening_ar", "closing_ar", "sales", "collected", "written_off"):
        assert getattr(with_credits, key) == getattr(without, key), key
    # What it changes is what is open: fewer euros in the buckets, as many fewer unapplied.
    assert sum(with_credits.aging.values()) - sum(without.aging.values()) == (
        without.unapplied_credits - with_credits.unapplied_credits
    )


@HEAVY
@given(random_ledgers(), periods, modes)
def test_filter_on_every_customer_equals_no_filter(canonical, period, matching):
    ledger = loaded(canonical)
    every_customer = Filters(customers=CUSTOMERS, matching=matching)
    assert period_report(ledger, period, every_customer) == period_report(ledger, period, Filters(matching=matching))


@HEAVY
@given(random_ledgers(), periods, modes)
def test_customer_reports_add_up_to_the_whole(canonical, period, matching):
    ledger = loaded(canonical)
    whole = period_report(ledger, period, Filters(matching=matching))
    parts = [period_report(ledger, period, Filters(customers=(c,), matching=matching)) for c in CUSTOMERS]
    for key in ("sales", "collected", "written_off", "opening_ar", "closing_ar", "unapplied_credits"):
        assert sum(getattr(p, key) for p in parts) == getattr(whole, key), key
    for bucket in whole.aging:
        assert sum(p.aging[bucket] for p in parts) == whole.aging[bucket], bucket


@SETTINGS
@given(
    random_ledgers(),
    st.integers(-5, 300),
    st.sampled_from([(30, 60, 90, 120), (15, 30, 45, 60, 90, 180, 360, 720), (1,)]),
    st.sampled_from(["due", "issue"]),
    modes,
)
def test_aged_balance_total_is_ar_whatever_the_buckets(canonical, offset, edges, basis, matching):
    ledger = loaded(canonical)
    as_of = DAY0 + timedelta(days=offset)
    filters = Filters(matching=matching)
    by_customer = aged_balance(ledger, as_of, edges=edges, basis=basis, by="customer", filters=filters)
    by_document = aged_balance(ledger, as_of, edges=edges, basis=basis, by="document", filters=filters)
    closing_ar = period_report(ledger, Period(as_of, as_of), filters).closing_ar
    assert by_customer.totals["total"] == closing_ar == by_document.totals["total"]
    assert by_customer.totals == by_document.totals
    assert sum(by_customer.rows["total"], start=0) == closing_ar
    assert sum(by_document.rows["total"], start=0) == closing_ar
    for key in by_customer.amount_columns:
        assert sum(by_customer.rows[key], start=0) == by_customer.totals[key]
