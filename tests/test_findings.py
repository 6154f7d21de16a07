"""kpi/analysis/findings.py: each finding on a small ledger built to produce it, its numbers worked out by hand.

Every case reports March 2026 (N = 31 days; the previous period is February, 28 days). Unless a case says
otherwise an invoice is due 30 days after its issue. The full list of findings of each case is asserted, so a
finding that appears where the data does not support it fails too.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from ledgers import ledger_from_rows

from kpi.analysis.findings import Finding, generate_findings
from kpi.metrics.aging import aged_balance
from kpi.metrics.report import period_report
from kpi.metrics.risk import customer_risk
from kpi.metrics.settings import MONTHLY_COST_SETTING
from kpi.model.filters import Filters
from kpi.model.periods import Period
from kpi.store.ledger import Ledger

MARCH = Period.month(2026, 3)
NBSP, NNBSP = "\u00a0", "\u202f"


def invoice(document_id, customer, issued, amount, due=None, **more) -> dict:
    row = {"document_id": document_id, "customer_id": customer, "issue_date": issued, "amount": amount, **more}
    if due is not None:
        row["due_date"] = due
    return row


def paid(settlement_id, document_id, customer, on, amount, kind="cash") -> dict:
    return {
        "settlement_id": settlement_id,
        "document_id": document_id,
        "customer_id": customer,
        "date": on,
        "amount": amount,
        "kind": kind,
    }


def findings(documents, settlements=(), monthly_cost: str | None = None) -> tuple[Finding, ...]:
    ledger = Ledger.in_memory(ledger_from_rows(list(documents), list(settlements)))
    if monthly_cost is not None:
        ledger.connection.execute(
            "INSERT INTO settings VALUES (?, ?)", [MONTHLY_COST_SETTING, json.dumps(monthly_cost)]
        )
    report = period_report(ledger, MARCH)
    previous = period_report(ledger, MARCH.previous())
    aged = aged_balance(ledger, MARCH.end)
    risk = customer_risk(ledger, MARCH.end)
    return generate_findings(ledger, report, previous, aged, risk, Filters().params(), "fr")


def keyed(found: tuple[Finding, ...]) -> dict[str, Finding]:
    return {f.key: f for f in found}


def values(finding: Finding) -> list[str]:
    return [value for _, value in finding.numbers]


def euros(text: str) -> str:
    """'1 000,00' → the French money format: narrow no-break space between thousands, no-break space before €."""
    return text.replace(" ", NNBSP) + f"{NBSP}€"


# A clean March: F1 500 issued 03-01, due 03-31, paid on 03-20 before its due date; F2 1 000 issued 03-10, due
# 04-09, not due yet. Sales 1 500, closing AR 1 000, all of it current.
CLEAN = [invoice("F1", "C1", date(2026, 3, 1), 500), invoice("F2", "C1", date(2026, 3, 10), 1000)]
CLEAN_PAYMENTS = [paid("P1", "F1", "C1", date(2026, 3, 20), 500)]


def test_a_clean_ledger_raises_no_finding_but_that_terms_make_its_dso():
    found = findings(CLEAN, CLEAN_PAYMENTS)
    # DSO = BPDSO = 1 000 / 1 500 × 31 = 20,7 j, so ADD = 0: only the informative « terms drive DSO ».
    # Nothing overdue, no credit waiting, CEI = (0 + 1 500 − 1 000) / (0 + 1 500 − 1 000) = 100 %, no
    # February sales to compare DSO with, terms of 30 days, due dates given, C1 rated A.
    assert [f.key for f in found] == ["terms_drive_dso"]
    [terms] = found
    assert terms.severity == "info"
    assert values(terms) == [f"20,7{NBSP}j", f"20,7{NBSP}j", f"0,0{NBSP}j"]
    assert "que de 0 jours" in terms.text


def test_overdue_held_by_three_customers_is_a_warning():
    # Four customers invoiced on 02-01, due 03-03: 28 days past due at 03-31, nothing paid.
    documents = [
        invoice(f"F{c}", f"C{c}", date(2026, 2, 1), amount) for c, amount in ((1, 400), (2, 300), (3, 200), (4, 100))
    ]
    found = keyed(findings(documents))
    # No March sales: DSO undefined, so neither ADD finding nor a trend. CEI = (1 000 + 0 − 1 000) /
    # (1 000 + 0 − 0) = 0 %. Risk: each customer 3 points of overdue share, at most 2 of concentration: no D.
    assert list(found) == ["overdue_concentration", "low_cei"]
    concentration = found["overdue_concentration"]
    # The top three, C1 + C2 + C3 = 900, hold 900 / 1 000 = 90 % of the overdue.
    assert concentration.severity == "warning"
    assert concentration.text == f"90{NBSP}% de l'encours échu se concentre sur 3 clients : C1, C2, C3."
    assert concentration.numbers == (
        ("Encours échu", euros("1 000,00")),
        ("C1", euros("400,00")),
        ("C2", euros("300,00")),
        ("C3", euros("200,00")),
    )
    low_cei = found["low_cei"]
    # Collectible = opening 1 000 + sales 0 − current 0; uncollected = closing 1 000 − current 0.
    assert low_cei.severity == "warning"
    assert values(low_cei) == [f"0,0{NBSP}%", euros("1 000,00"), euros("1 000,00")]


def test_overdue_spread_over_many_customers_is_only_information():
    # Seven customers owing 100 each, all overdue: the top three hold 300 / 700 = 42,9 %, under half.
    documents = [invoice(f"F{c}", f"C{c}", date(2026, 2, 1), 100) for c in range(1, 8)]
    concentration = keyed(findings(documents))["overdue_concentration"]
    assert concentration.severity == "info"
    assert concentration.text.startswith(f"43{NBSP}% de l'encours échu se concentre sur 3 clients")
    assert values(concentration)[0] == euros("700,00")


def test_late_payment_driving_dso_by_fifteen_days_or_more_is_an_alert():
    # F1 3 100 issued 03-01, due 03-11, unpaid: 20 days past due. DSO = 3 100 / 3 100 × 31 = 31,0 j; nothing
    # is current, so BPDSO = 0 and ADD = 31 ≥ 15.
    found = keyed(findings([invoice("F1", "C1", date(2026, 3, 1), 3100, due=date(2026, 3, 11))]))
    # Also: all overdue on one customer (100 %), CEI = (0 + 3 100 − 3 100) / (0 + 3 100 − 0) = 0 %.
    assert list(found) == ["late_payment_drives_dso", "overdue_concentration", "low_cei"]
    late = found["late_payment_drives_dso"]
    assert late.severity == "alert"
    assert "de 31 jours" in late.text
    assert values(late) == [f"31,0{NBSP}j", f"0,0{NBSP}j", f"31,0{NBSP}j"]


def test_late_payment_driving_dso_by_five_to_fifteen_days_is_a_warning():
    # F1 2 100 due 04-30 (current), F2 1 000 due 03-11 (overdue). DSO = 3 100 / 3 100 × 31 = 31 j,
    # BPDSO = 2 100 / 3 100 × 31 = 21 j, ADD = 10 j.
    documents = [
        invoice("F1", "C1", date(2026, 3, 1), 2100, due=date(2026, 4, 30)),
        invoice("F2", "C1", date(2026, 3, 1), 1000, due=date(2026, 3, 11)),
    ]
    late = keyed(findings(documents))["late_payment_drives_dso"]
    assert late.severity == "warning"
    assert values(late) == [f"31,0{NBSP}j", f"21,0{NBSP}j", f"10,0{NBSP}j"]


# February: F1 2 800 issued 02-01, due 03-31: closing AR 2 800 on sales 2 800, DSO = 2 800 / 2 800 × 28 = 28 j.
# March: F2 3 100 issued 03-01, due 04-30; F1 paid on 03-15, on time.
TREND = [
    invoice("F1", "C1", date(2026, 2, 1), 2800, due=date(2026, 3, 31)),
    invoice("F2", "C1", date(2026, 3, 1), 3100, due=date(2026, 4, 30)),
]


def test_dso_rising_by_three_days_or_more_is_a_warning():
    # March: closing AR 3 100 on sales 3 100 → DSO 31 j, 3 more than February's 28. All current: ADD 0.
    found = keyed(findings(TREND, [paid("P1", "F1", "C1", date(2026, 3, 15), 2800)]))
    assert list(found) == ["dso_rose", "terms_drive_dso"]
    rose = found["dso_rose"]
    assert rose.severity == "warning"
    assert rose.text == "Le DSO a augmenté de 3 jours par rapport à la période précédente."
    assert rose.numbers == (("DSO de la période précédente", f"28,0{NBSP}j"), ("DSO", f"31,0{NBSP}j"))


def test_dso_falling_by_three_days_or_more_is_information():
    # C1 also pays 1 000 of F2 on 03-20: closing AR 2 100 → DSO = 2 100 / 3 100 × 31 = 21 j, 7 fewer.
    settlements = [paid("P1", "F1", "C1", date(2026, 3, 15), 2800), paid("P2", "F2", "C1", date(2026, 3, 20), 1000)]
    found = keyed(findings(TREND, settlements))
    # Both are information: they keep the order the rules run in.
    assert list(found) == ["terms_drive_dso", "dso_fell"]
    assert found["dso_fell"].severity == "info"
    assert found["dso_fell"].text == "Le DSO a baissé de 7 jours par rapport à la période précédente."


def test_a_dso_change_under_three_days_says_nothing():
    # March sales 3 000 and 100 of it paid: closing AR 2 900 → DSO = 2 900 / 3 000 × 31 = 29,97 j, 1,97 more
    # than February's 28: under the threshold of 3.
    documents = [TREND[0], invoice("F2", "C1", date(2026, 3, 1), 3000, due=date(2026, 4, 30))]
    settlements = [paid("P1", "F1", "C1", date(2026, 3, 15), 2800), paid("P2", "F2", "C1", date(2026, 3, 20), 100)]
    assert [f.key for f in findings(documents, settlements)] == ["terms_drive_dso"]


def test_invoices_more_than_120_days_past_due_are_an_alert():
    # At 03-31: F1 (C1, 500, due 2025-10-31) 151 days past due, F2 (C2, 250, due 2025-11-15) 136 days, F3
    # (C2, 100, due 2025-12-31) 90 days — not counted. Two invoices, 750, two customers.
    documents = [
        invoice("F1", "C1", date(2025, 10, 1), 500, due=date(2025, 10, 31)),
        invoice("F2", "C2", date(2025, 11, 1), 250, due=date(2025, 11, 15)),
        invoice("F3", "C2", date(2025, 12, 1), 100, due=date(2025, 12, 31)),
    ]
    found = keyed(findings(documents))
    # Risk: C1 3 (overdue share) + 3 (151 days) + 2 (59 % of AR) = 8, C2 3 + 3 + 2 = 8: both C, no D.
    assert list(found) == ["old_overdue_not_written_off", "overdue_concentration", "low_cei"]
    old = found["old_overdue_not_written_off"]
    assert old.severity == "alert"
    assert old.text.startswith(f"2 factures échues depuis plus de 120 jours ({euros('750,00')}, 2 clients)")
    assert old.numbers == (("Factures", "2"), ("Montant", euros("750,00")), ("Clients", "2"))


def test_unapplied_credits_are_a_warning():
    # F1 1 000 due 03-31 (0 days past due: current), and 300 received from C1 on 03-15 without a document.
    # Closing AR 700 = 1 000 − 300; unapplied −300. DSO 700 / 1 000 × 31 = 21,7 j, BPDSO 31 j, ADD −9,3 j.
    found = keyed(
        findings(
            [invoice("F1", "C1", date(2026, 3, 1), 1000)],
            [{"settlement_id": "P1", "customer_id": "C1", "date": date(2026, 3, 15), "amount": 300}],
        )
    )
    # CEI = (0 + 1 000 − 700) / (0 + 1 000 − 1 000): undefined, no low_cei.
    assert list(found) == ["unapplied_credits", "terms_drive_dso"]
    unapplied = found["unapplied_credits"]
    assert unapplied.severity == "warning"
    assert unapplied.text.startswith(f"{euros('300,00')} d'avoirs et d'encaissements non lettrés")
    assert values(unapplied) == [f"-{euros('300,00')}", euros("700,00")]
    assert values(found["terms_drive_dso"])[2] == f"-9,3{NBSP}j"


def test_a_customer_rated_d_is_an_alert():
    # C1 paid F1 (1 000, due 2025-07-01) on 2025-09-01, 62 days late, and owes F2 (800, due 2025-10-31), 151
    # days past due. Points: late share 100 % → 3, days late 62 → 3, trend unmeasured → 0, overdue share
    # 100 % → 3, oldest 151 days → 3, no write-off → 0, concentration 100 % → 2: 14 ≥ 12, rated D.
    documents = [
        invoice("F1", "C1", date(2025, 6, 1), 1000, due=date(2025, 7, 1), customer_name="Client douteux"),
        invoice("F2", "C1", date(2025, 10, 1), 800, due=date(2025, 10, 31), customer_name="Client douteux"),
    ]
    found = findings(documents, [paid("P1", "F1", "C1", date(2025, 9, 1), 1000)])
    # Alerts first, then warnings, each in the order the rules run.
    assert [f.key for f in found] == ["old_overdue_not_written_off", "rated_d", "overdue_concentration", "low_cei"]
    rated_d = keyed(found)["rated_d"]
    assert rated_d.text.startswith(
        f"1 clients notés D (payeurs chroniquement en retard, dettes anciennes ou pertes) portent {euros('800,00')}, soit 100,0{NBSP}%"
    )
    assert rated_d.numbers == (("Clients", "1"), ("Montant", euros("800,00")), ("Client douteux", euros("800,00")))


def test_terms_beyond_the_lme_cap_are_a_warning():
    # Issued in March: F1 1 000 due 75 days later (15/05), F2 500 due 60 days later (01/05, the cap itself:
    # allowed). F3, issued in April with 90 days, is not of the period.
    documents = [
        invoice(number, "C1", issued, amount, due=issued + timedelta(days=days))
        for number, issued, amount, days in [
            ("F1", date(2026, 3, 1), 1000, 75),
            ("F2", date(2026, 3, 2), 500, 60),
            ("F3", date(2026, 4, 1), 700, 90),
        ]
    ]
    found = keyed(findings(documents))
    # Closing AR 1 500 all current: ADD 0; CEI (0 + 1 500 − 1 500) / (0 + 1 500 − 1 500) undefined.
    assert list(found) == ["terms_beyond_lme", "terms_drive_dso"]
    lme = found["terms_beyond_lme"]
    assert lme.severity == "warning"
    assert lme.text.startswith(
        f"1 factures de la période ({euros('1 000,00')}) ont un délai de paiement supérieur au plafond légal de 60 jours"
    )
    assert lme.numbers == (("Factures", "1"), ("Montant", euros("1 000,00")))


def test_derived_due_dates_are_information():
    # One of the two documents had its due date computed by the import: 1 of 2, 50 %.
    documents = [CLEAN[0] | {"due_date_derived": True}, CLEAN[1]]
    found = keyed(findings(documents, CLEAN_PAYMENTS))
    assert list(found) == ["terms_drive_dso", "derived_due_dates"]
    derived = found["derived_due_dates"]
    assert derived.severity == "info"
    assert derived.text.startswith(f"1 pièces (50,0{NBSP}%) n'avaient pas d'échéance")
    assert derived.numbers == (("Pièces", "2"), ("Échéances calculées", "1"))


@pytest.mark.parametrize(("monthly_cost", "expected"), [("1000", True), ("500", False), ("400", False)])
def test_collection_costing_more_than_it_brings_in_is_an_alert(monthly_cost, expected):
    # The clean March collected 500 (P1). A monthly cost of 1 000 for the whole month: 1 000 / 500 = 2,00 € spent
    # per euro collected > 1. At 500 the ratio is exactly 1 (not more), at 400 it is 0,80.
    found = keyed(findings(CLEAN, CLEAN_PAYMENTS, monthly_cost=monthly_cost))
    assert ("cost_above_collected" in found) is expected
    if expected:
        cost = found["cost_above_collected"]
        assert cost.severity == "alert"
        assert values(cost) == ["2,00", euros("1 000,00"), euros("500,00")]
        assert list(found) == ["cost_above_collected", "terms_drive_dso"]
