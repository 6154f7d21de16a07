"""The customer risk score (kpi/sql/queries/risk_score.sql, docs/risk-score.md) on hand-checked ledgers."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from ledgers import ledger_from_rows

from kpi.metrics.risk import FACTOR_KEYS, customer_risk
from kpi.model.filters import Filters
from kpi.sql.registry import named_query
from kpi.store.ledger import Ledger

AS_OF = date(2026, 3, 31)


@pytest.fixture(scope="module")
def worked_risk(worked_ledger):
    return customer_risk(worked_ledger, AS_OF)


def points(table, customer_id):
    row = table.rows.set_index("customer_id").loc[customer_id]
    return {key: int(row[f"{key}_points"]) for key in FACTOR_KEYS} | {
        "total": int(row["points"]),
        "rating": row["rating"],
    }


def test_worked_example_scores(worked_risk):
    # Gross AR at 03-31: C1 3 300 (F-002 300 overdue 45 d, F-006 3 000), C2 800 (F-004 500
    # 19 d, F-007 300 11 d), C3 2 500 (not due), C4 450 (F-011 55 d); total 7 050.
    # C1: P-01 1 200 11 d late, P-02 500 24 d late → late share 100 % (3), mean 14.8 d (1),
    #     overdue 300/3 300 = 9 % (0), oldest 45 d (1), 3 300/7 050 = 46.8 % (2) → 7, B
    assert points(worked_risk, "C1") == {
        "late_share": 3,
        "avg_days_late": 1,
        "days_late_trend": 0,
        "overdue_share": 0,
        "oldest_days_past_due": 1,
        "write_off_rate": 0,
        "concentration": 2,
        "dispute_rate": 0,
        "total": 7,
        "rating": "B",
    }
    # C2: three late payments, mean 11.7 d (1), all its AR overdue (3), 11.3 % of AR (1) → 8, C
    assert points(worked_risk, "C2") == {
        "late_share": 3,
        "avg_days_late": 1,
        "days_late_trend": 0,
        "overdue_share": 3,
        "oldest_days_past_due": 0,
        "write_off_rate": 0,
        "concentration": 1,
        "dispute_rate": 0,
        "total": 8,
        "rating": "C",
    }
    # C3: P-05 on time; 400 written off of 3 500 invoiced = 11.4 % (3); 35.5 % of AR (2) → 5, B
    assert points(worked_risk, "C3") == {
        "late_share": 0,
        "avg_days_late": 0,
        "days_late_trend": 0,
        "overdue_share": 0,
        "oldest_days_past_due": 0,
        "write_off_rate": 3,
        "concentration": 2,
        "dispute_rate": 0,
        "total": 5,
        "rating": "B",
    }
    # C4: never paid (unmeasurable → 0), F-011 overdue 55 days: 100 % overdue (3), > 30 d (1) → 4, B
    assert points(worked_risk, "C4")["total"] == 4 and points(worked_risk, "C4")["rating"] == "B"


def test_factor_values_and_contributing_factors(worked_risk):
    row = worked_risk.rows.set_index("customer_id").loc["C1"]
    assert row["avg_days_late"] == pytest.approx((1200 * 11 + 500 * 24) / 1700)
    assert row["concentration"] == pytest.approx(3300 / 7050 * 100)
    assert row["write_off_rate"] == 0
    contributing = worked_risk.contributing_factors("C1")
    assert [(f.key, f.points) for f in contributing] == [
        ("late_share", 3),
        ("concentration", 2),
        ("avg_days_late", 1),
        ("oldest_days_past_due", 1),
    ]
    c4 = {f.key: f for f in worked_risk.factors("C4")}
    assert c4["late_share"].value is None and c4["late_share"].points == 0
    # worst first
    assert list(worked_risk.rows["customer_id"]) == ["C2", "C1", "C3", "C4"]
    assert worked_risk.rating_counts() == {"A": 0, "B": 3, "C": 1, "D": 0}


def test_rating_as_a_customer_filter(worked_ledger, worked_risk):
    assert worked_risk.customers_rated(("C", "D")) == ("C2",)
    filtered = customer_risk(worked_ledger, AS_OF, Filters(customers=("C1", "C3")))
    # Concentration is within the filtered customers: C1 3 300 of 5 800
    assert filtered.rows.set_index("customer_id").loc["C1", "concentration"] == pytest.approx(3300 / 5800 * 100)


def _payment_ledger(delays_by_month: dict[int, int], extra_documents=()) -> Ledger:
    """One 1 000 € invoice a month in 2025 for C1, each paid `delay` days after its 30-day due date."""
    documents, settlements = list(extra_documents), []
    for month, delay in delays_by_month.items():
        issue = date(2025, month, 1)
        documents.append({"document_id": f"F{month}", "customer_id": "C1", "issue_date": issue, "amount": "1000"})
        settlements.append(
            {
                "settlement_id": f"P{month}",
                "document_id": f"F{month}",
                "customer_id": "C1",
                "date": issue + timedelta(days=30 + delay),
                "amount": "1000",
            }
        )
    return Ledger.in_memory(ledger_from_rows(documents, settlements))


def test_worsening_trend_and_old_debt():
    # Paid 2 days late until July, 40 days late for the invoices of September–October.
    ledger = _payment_ledger(
        {1: 2, 2: 2, 3: 2, 4: 2, 5: 2, 6: 2, 7: 2, 9: 40, 10: 40},
        extra_documents=[{"document_id": "OLD", "customer_id": "C1", "issue_date": date(2025, 6, 1), "amount": "500"}],
    )
    as_of = date(2025, 12, 31)
    table = customer_risk(ledger, as_of)
    row = table.rows.iloc[0]
    # Last 91 days (from 2025-10-02): the two payments of 40 days (dated 11-10 and 12-10); before: 2 days.
    assert row["days_late_trend"] == pytest.approx(40 - 2)
    # OLD: due 2025-07-01, 183 days past due, unpaid: the only AR, all overdue
    assert row["oldest_days_past_due"] == 183
    assert points(table, "C1") == {
        "late_share": 3,
        "avg_days_late": 1,
        "days_late_trend": 2,
        "overdue_share": 3,
        "oldest_days_past_due": 3,
        "write_off_rate": 0,
        "concentration": 2,
        "dispute_rate": 0,
        "total": 14,
        "rating": "D",
    }
    # mean days late: (7 × 2 + 2 × 40) × 1 000 / 9 000 = 10.4 days → 1 point
    assert row["avg_days_late"] == pytest.approx((7 * 2 + 2 * 40) / 9)


def test_a_customer_gone_for_a_year_is_not_scored():
    ledger = _payment_ledger({1: 0})
    assert customer_risk(ledger, date(2026, 3, 1)).rows.empty  # last invoice and payment in early 2025
    assert list(customer_risk(ledger, date(2025, 12, 31)).rows["rating"]) == ["A"]


def test_demo_ratings_follow_their_points(tmp_path):
    from kpi.store.workspace import ensure_demo_workspace

    ledger = ensure_demo_workspace(tmp_path).open()
    table = customer_risk(ledger, date(2026, 10, 31))
    floors = {"A": (0, 3), "B": (4, 7), "C": (8, 11), "D": (12, 19)}
    for rating, total in zip(table.rows["rating"], table.rows["points"]):
        low, high = floors[rating]
        assert low <= total <= high
    counts = table.rating_counts()
    assert sum(counts.values()) == len(table.rows) and all(counts[r] > 0 for r in "ABCD")
    assert sum(table.rows[f"{key}_points"].sum() for key in FACTOR_KEYS) == table.rows["points"].sum()


def test_the_sql_header_documents_the_formula():
    query = named_query("risk_score")
    assert query.label.startswith("Score de risque client")
    assert "A 0–3, B 4–7, C 8–11, D ≥ 12" in query.formula


def test_disputes_are_not_measured_without_a_disputes_log(worked_risk):
    assert worked_risk.rows["dispute_rate"].isna().all()
    assert (worked_risk.rows["dispute_rate_points"] == 0).all()


def test_dispute_factor_from_the_demo_disputes_log(tmp_path):
    import csv
    from datetime import date, timedelta
    from decimal import Decimal

    from kpi.store.workspace import DEMO_DIRECTORY, ensure_demo_workspace

    as_of = date(2026, 10, 31)
    table = customer_risk(ensure_demo_workspace(tmp_path).open(), as_of)
    # Recompute one customer's rate from the committed CSVs: disputed amounts (capped at the
    # invoice) of its invoices issued in the 12 months to D, disputes opened by D.
    with (DEMO_DIRECTORY / "documents.csv").open(encoding="utf-8") as handle:
        invoices = {row["document_id"]: row for row in csv.DictReader(handle) if Decimal(row["amount"]) > 0}
    recent = {
        k: v for k, v in invoices.items() if as_of - timedelta(days=365) < date.fromisoformat(v["issue_date"]) <= as_of
    }
    disputed: dict[str, Decimal] = {}
    with (DEMO_DIRECTORY / "litiges.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            invoice = recent.get(row["N° facture"])
            if invoice and date.fromisoformat(row["Date ouverture"]) <= as_of:
                amount = min(Decimal(row["Montant en litige"]), Decimal(invoice["amount"]))
                disputed[invoice["customer_id"]] = disputed.get(invoice["customer_id"], Decimal(0)) + amount
    customer = max(disputed, key=disputed.get)
    invoiced = sum(Decimal(v["amount"]) for v in recent.values() if v["customer_id"] == customer)
    row = table.rows.set_index("customer_id").loc[customer]
    assert row["dispute_rate"] == pytest.approx(float(disputed[customer] / invoiced * 100))
    expected_points = sum(row["dispute_rate"] > threshold for threshold in (2, 5, 10))
    assert row["dispute_rate_points"] == expected_points > 0
