"""Invariants of KPI-SPEC that hold on any ledger, checked on random ones."""

from __future__ import annotations

import math
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpi.aging import aged_balance
from kpi.filters import Filters
from kpi.ledger import Ledger
from kpi.periods import Period
from kpi.report import RATIO_KEYS, period_report

from ledgers import CUSTOMERS, DAY0, random_ledgers

periods = st.tuples(st.integers(-10, 260), st.integers(0, 120)).map(
    lambda p: Period(DAY0 + timedelta(days=p[0]), DAY0 + timedelta(days=p[0] + p[1]))
)
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(random_ledgers(), periods)
def test_ar_rolls_forward_and_buckets_sum_to_closing_ar(canonical, period):
    ledger = Ledger.in_memory(canonical)
    report = period_report(ledger, period)
    # opening AR + sales − collected − written off = closing AR, to the cent
    assert report.opening_ar + report.sales - report.collected - report.written_off == report.closing_ar
    # aging buckets + unapplied credits = closing AR
    assert sum(report.aging.values()) + report.unapplied_credits == report.closing_ar
    assert report.closing_current_ar + report.closing_overdue_ar == sum(report.aging.values())
    assert report.unapplied_credits <= 0
    # DSO − BPDSO = ADD
    if report.dso is not None:
        assert math.isclose(report.dso - report.bpdso, report.add, rel_tol=1e-9, abs_tol=1e-9)
    else:
        assert report.add is None and report.bpdso is None
    for key in RATIO_KEYS:
        value = getattr(report, key)
        assert value is None or math.isfinite(value), key


@SETTINGS
@given(random_ledgers(), periods)
def test_filter_on_every_customer_equals_no_filter(canonical, period):
    ledger = Ledger.in_memory(canonical)
    every_customer = Filters(customers=CUSTOMERS)
    assert period_report(ledger, period, every_customer) == period_report(ledger, period)


@SETTINGS
@given(random_ledgers(), periods)
def test_customer_reports_add_up_to_the_whole(canonical, period):
    ledger = Ledger.in_memory(canonical)
    whole = period_report(ledger, period)
    parts = [period_report(ledger, period, Filters(customers=(c,))) for c in CUSTOMERS]
    for key in ("sales", "collected", "written_off", "opening_ar", "closing_ar", "unapplied_credits"):
        assert sum(getattr(p, key) for p in parts) == getattr(whole, key), key


@SETTINGS
@given(random_ledgers(), st.integers(-5, 300), st.sampled_from([(30, 60, 90, 120), (15, 30, 45, 60, 90, 180, 360, 720), (1,)]),
       st.sampled_from(["due", "issue"]))
def test_aged_balance_total_is_ar_whatever_the_buckets(canonical, offset, edges, basis):
    ledger = Ledger.in_memory(canonical)
    as_of = DAY0 + timedelta(days=offset)
    by_customer = aged_balance(ledger, as_of, edges, basis, "customer")
    by_document = aged_balance(ledger, as_of, edges, basis, "document")
    closing_ar = period_report(ledger, Period(as_of, as_of)).closing_ar
    assert by_customer.totals["total"] == closing_ar == by_document.totals["total"]
    assert by_customer.totals == by_document.totals
    assert sum(by_customer.rows["total"], start=0) == closing_ar
    assert sum(by_document.rows["total"], start=0) == closing_ar
    for key in by_customer.bucket_keys:
        assert sum(by_customer.rows[key], start=0) == by_customer.totals[key]
