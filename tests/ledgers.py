"""Small canonical ledgers built in tests: from rows, and random ones for hypothesis."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pyarrow as pa
from hypothesis import strategies as st

from kpi.model.canonical import DOCUMENTS_SCHEMA, SETTLEMENTS_SCHEMA, CanonicalLedger

DAY0 = date(2025, 1, 1)
# Every table of a workspace's ledger (kpi/sql/schema/schema.sql): what two ways of reading the same files
# must fill alike, and what a failed write must leave as it was.
STORED_TABLES = (
    "documents",
    "settlements",
    "imports",
    "settings",
    "disputes",
    "reminders",
    "payment_plans",
    "collection_costs",
)


def ledger_from_rows(documents: list[dict], settlements: list[dict]) -> CanonicalLedger:
    """Rows as dicts with Decimal-able amounts; missing optional fields get defaults."""
    docs = [
        {
            "customer_name": d.get("customer_name", d["customer_id"]),
            "activity": d.get("activity", "Services"),
            "due_date": d.get("due_date", d["issue_date"] + timedelta(days=30)),
            "due_date_derived": False,
            **d,
            "amount": Decimal(str(d["amount"])),
        }
        for d in documents
    ]
    setts = [{"document_id": None, "kind": "cash", **s, "amount": Decimal(str(s["amount"]))} for s in settlements]
    return CanonicalLedger(
        pa.Table.from_pylist(docs, schema=DOCUMENTS_SCHEMA),
        pa.Table.from_pylist(setts, schema=SETTLEMENTS_SCHEMA),
    )


CUSTOMERS = ("C1", "C2", 'C\'3 "Zinc" & <script>', "Ébène")
ACTIVITIES = ("Services", "Produits", "Négoce")
cents = st.integers(min_value=1, max_value=2_000_000)


@st.composite
def random_ledgers(draw) -> CanonicalLedger:
    """Invoices and credit notes over ~200 days, with partial, full, over- and unapplied payments, unapplied
    write-offs, and credit notes applied to their customer's invoices."""
    documents, settlements = [], []
    for index in range(draw(st.integers(min_value=0, max_value=25))):
        issue = DAY0 + timedelta(days=draw(st.integers(0, 200)))
        amount = Decimal(draw(cents)) / 100
        if draw(st.integers(0, 5)) == 0:
            amount = -amount  # a credit note, sometimes larger than the customer's invoices
        document_id = f"D{index}"
        documents.append(
            {
                "document_id": document_id,
                "customer_id": draw(st.sampled_from(CUSTOMERS)),
                "activity": draw(st.sampled_from(ACTIVITIES)),
                "issue_date": issue,
                "due_date": issue + timedelta(days=draw(st.integers(0, 60))),
                "amount": amount,
            }
        )
        if amount > 0:
            for part in range(draw(st.integers(0, 3))):
                settlements.append(
                    {
                        "settlement_id": f"S{index}-{part}",
                        "document_id": document_id,
                        "customer_id": documents[-1]["customer_id"],
                        "date": issue + timedelta(days=draw(st.integers(0, 150))),
                        "amount": Decimal(draw(st.integers(1, int(amount * 100)))) / 100,
                        "kind": draw(st.sampled_from(("cash", "cash", "writeoff"))),
                    }
                )
    for index in range(draw(st.integers(0, 3))):
        settlements.append(
            {
                "settlement_id": f"U{index}",
                "customer_id": draw(st.sampled_from(CUSTOMERS)),
                "date": DAY0 + timedelta(days=draw(st.integers(0, 250))),
                "amount": Decimal(draw(cents)) / 100,
                "kind": draw(st.sampled_from(("cash", "cash", "writeoff"))),
            }
        )
    settlements += draw(credit_applications(documents))
    return ledger_from_rows(documents, settlements)


@st.composite
def credit_applications(draw, documents: list[dict]) -> list[dict]:
    """Credit notes applied to invoices of their customer (KPI-SPEC §1), never beyond the credit note's
    amount, whatever the activities, dated on or after the later of the two issue dates."""
    applications = []
    for note in (d for d in documents if d["amount"] < 0):
        invoices = [d for d in documents if d["amount"] > 0 and d["customer_id"] == note["customer_id"]]
        left = -note["amount"]
        for part in range(draw(st.integers(0, min(2, len(invoices))))):
            invoice = draw(st.sampled_from(invoices))
            amount = min(left, Decimal(draw(st.integers(1, int(invoice["amount"] * 100)))) / 100)
            if amount <= 0:
                break
            left -= amount
            applications.append(
                {
                    "settlement_id": f"C-{note['document_id']}-{part}",
                    "document_id": invoice["document_id"],
                    "source_document_id": note["document_id"],
                    "customer_id": note["customer_id"],
                    "date": max(note["issue_date"], invoice["issue_date"]) + timedelta(days=draw(st.integers(0, 30))),
                    "amount": amount,
                    "kind": "credit",
                }
            )
    return applications
