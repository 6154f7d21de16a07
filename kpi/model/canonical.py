"""The canonical ledger: the two tables every import lands in (KPI-SPEC §1)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa

from kpi.model.names import ACTIVITY_TABLES, SUPPLIER_TABLES

MONEY = pa.decimal128(18, 2)

# The fields several tables share, declared once: the customer, the day, the amount in euros (all required).
_CUSTOMER_ID = pa.field("customer_id", pa.string(), nullable=False)
_DATE = pa.field("date", pa.date32(), nullable=False)
_AMOUNT = pa.field("amount", MONEY, nullable=False)

DOCUMENTS_SCHEMA = pa.schema(
    [
        pa.field("document_id", pa.string(), nullable=False),
        _CUSTOMER_ID,
        pa.field("customer_name", pa.string(), nullable=False),
        pa.field("activity", pa.string(), nullable=False),
        pa.field("issue_date", pa.date32(), nullable=False),
        pa.field("due_date", pa.date32(), nullable=False),
        _AMOUNT,
        # True when the source had no due date and it was derived from payment terms.
        pa.field("due_date_derived", pa.bool_(), nullable=False),
    ]
)

SETTLEMENTS_SCHEMA = pa.schema(
    [
        pa.field("settlement_id", pa.string(), nullable=False),
        # null = unapplied cash or write-off (non lettré)
        pa.field("document_id", pa.string(), nullable=True),
        _CUSTOMER_ID,
        _DATE,
        _AMOUNT,
        pa.field("kind", pa.string(), nullable=False),  # one of SETTLEMENT_KINDS
        # For a `credit` only: the credit note applied to document_id (imputation d'avoir).
        pa.field("source_document_id", pa.string(), nullable=True),
        # The payment's label or reference as its source gives it (FEC: PieceRef and EcritureLib); null when none.
        pa.field("reference", pa.string(), nullable=True),
    ]
)

# The optional collection-activity logs (issue 6): disputes, reminders, payment plans, costs.
DISPUTES_SCHEMA = pa.schema(
    [
        pa.field("dispute_id", pa.string(), nullable=False),
        pa.field("document_id", pa.string(), nullable=False),
        pa.field("opened_date", pa.date32(), nullable=False),
        pa.field("resolved_date", pa.date32(), nullable=True),  # null = still open
        pa.field("amount", MONEY, nullable=True),  # null = the document's full amount
        pa.field("reason", pa.string(), nullable=True),
    ]
)

REMINDERS_SCHEMA = pa.schema(
    [
        pa.field("reminder_id", pa.string(), nullable=False),
        pa.field("customer_id", pa.string(), nullable=True),  # null when the document gives it
        pa.field("document_id", pa.string(), nullable=True),  # null = the customer's whole balance
        _DATE,
        pa.field("channel", pa.string(), nullable=False),  # one of REMINDER_CHANNELS
        pa.field("stage", pa.string(), nullable=True),  # R1, R2, R3…
        pa.field("cost", MONEY, nullable=True),
    ]
)

PAYMENT_PLANS_SCHEMA = pa.schema(
    [
        pa.field("installment_id", pa.string(), nullable=False),
        pa.field("plan_id", pa.string(), nullable=False),
        _CUSTOMER_ID,
        pa.field("due_date", pa.date32(), nullable=False),
        _AMOUNT,
    ]
)

COLLECTION_COSTS_SCHEMA = pa.schema(
    [
        pa.field("cost_id", pa.string(), nullable=False),
        _DATE,
        _AMOUNT,
        pa.field("category", pa.string(), nullable=False),  # staff, agency, legal, insurance, other
    ]
)

# Promises to pay (issue 14): a customer promised `amount` on `promise_date`, to be paid by `promised_date`.
PROMISES_SCHEMA = pa.schema(
    [
        pa.field("promise_id", pa.string(), nullable=False),
        _CUSTOMER_ID,
        pa.field("document_id", pa.string(), nullable=True),  # null = about the customer's balance
        pa.field("promise_date", pa.date32(), nullable=False),
        pa.field("promised_date", pa.date32(), nullable=False),
        _AMOUNT,
    ]
)

# Table name -> schema, in the order they are stored.
ACTIVITY_SCHEMAS = {
    "disputes": DISPUTES_SCHEMA,
    "reminders": REMINDERS_SCHEMA,
    "payment_plans": PAYMENT_PLANS_SCHEMA,
    "collection_costs": COLLECTION_COSTS_SCHEMA,
    "promises": PROMISES_SCHEMA,
}
assert {name: schema.names[0] for name, schema in ACTIVITY_SCHEMAS.items()} == ACTIVITY_TABLES
REMINDER_CHANNELS = ("email", "phone", "letter", "formal_notice", "agency", "legal", "other")
COST_CATEGORIES = ("staff", "agency", "legal", "insurance", "other")

# A FEC's supplier side (accounts 401): the shapes of documents and settlements, the third party a supplier.
_TO_SUPPLIER = {"customer_id": "supplier_id", "customer_name": "supplier_name"}
SUPPLIER_DOCUMENTS_SCHEMA = pa.schema([f.with_name(_TO_SUPPLIER.get(f.name, f.name)) for f in DOCUMENTS_SCHEMA])
SUPPLIER_SETTLEMENTS_SCHEMA = pa.schema([f.with_name(_TO_SUPPLIER.get(f.name, f.name)) for f in SETTLEMENTS_SCHEMA])
SUPPLIER_SCHEMAS = {
    "supplier_documents": SUPPLIER_DOCUMENTS_SCHEMA,
    "supplier_settlements": SUPPLIER_SETTLEMENTS_SCHEMA,
}
assert {name: schema.names[0] for name, schema in SUPPLIER_SCHEMAS.items()} == SUPPLIER_TABLES

# A `credit` moves no money: it cancels part of an invoice with part of a credit note (KPI-SPEC §1).
SETTLEMENT_KINDS = ("cash", "writeoff", "credit")


@dataclass(frozen=True)
class CanonicalLedger:
    """Documents and settlements ready to be stored, as Arrow tables of the schemas above.

    The collection-activity logs are optional: a ledger read from an invoice list alone has
    them empty, and the KPIs that need them are then null.
    """

    documents: pa.Table
    settlements: pa.Table
    currency: str = "EUR"
    sources: tuple[str, ...] = field(default_factory=tuple)
    disputes: pa.Table | None = None
    reminders: pa.Table | None = None
    payment_plans: pa.Table | None = None
    collection_costs: pa.Table | None = None
    supplier_documents: pa.Table | None = None
    supplier_settlements: pa.Table | None = None
    promises: pa.Table | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "documents", self.documents.select(DOCUMENTS_SCHEMA.names).cast(DOCUMENTS_SCHEMA))
        object.__setattr__(self, "settlements", canonical_settlements(self.settlements))
        for name, schema in ACTIVITY_SCHEMAS.items():
            table = getattr(self, name)
            table = schema.empty_table() if table is None else table.select(schema.names).cast(schema)
            object.__setattr__(self, name, table)
        for name, schema in (
            ("supplier_documents", SUPPLIER_DOCUMENTS_SCHEMA),
            ("supplier_settlements", SUPPLIER_SETTLEMENTS_SCHEMA),
        ):
            table = getattr(self, name)
            table = (
                schema.empty_table()
                if table is None
                else table.rename_columns([_TO_SUPPLIER.get(n, n) for n in table.column_names])
                .select(schema.names)
                .cast(schema)
            )
            object.__setattr__(self, name, table)

    def supplier_tables(self) -> dict[str, pa.Table]:
        """The supplier side (a FEC's 401 accounts) by canonical table name: empty when the files had none."""
        return {name: getattr(self, name) for name in SUPPLIER_TABLES}

    def activity_tables(self) -> dict[str, pa.Table]:
        """The collection-activity logs by canonical table name."""
        return {name: getattr(self, name) for name in ACTIVITY_SCHEMAS}


def canonical_settlements(table: pa.Table) -> pa.Table:
    """Settlements in SETTLEMENTS_SCHEMA; a table written before credit applications or references existed
    (no source_document_id or reference column) reads with them empty."""
    return with_optional_columns(table, SETTLEMENTS_SCHEMA).select(SETTLEMENTS_SCHEMA.names).cast(SETTLEMENTS_SCHEMA)


# Settlement columns a reader may have nothing for: added empty.
OPTIONAL_SETTLEMENT_COLUMNS = ("source_document_id", "reference")


def with_optional_columns(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """The table with each optional settlement column of `schema` it lacks added empty (text, all null)."""
    for name in OPTIONAL_SETTLEMENT_COLUMNS:
        if name in schema.names and name not in table.column_names:
            table = table.append_column(name, pa.nulls(table.num_rows, pa.string()))
    return table
