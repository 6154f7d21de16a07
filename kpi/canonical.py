"""The canonical ledger: the two tables every import lands in (KPI-SPEC §1)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa

MONEY = pa.decimal128(18, 2)

DOCUMENTS_SCHEMA = pa.schema(
    [
        pa.field("document_id", pa.string(), nullable=False),
        pa.field("customer_id", pa.string(), nullable=False),
        pa.field("customer_name", pa.string(), nullable=False),
        pa.field("activity", pa.string(), nullable=False),
        pa.field("issue_date", pa.date32(), nullable=False),
        pa.field("due_date", pa.date32(), nullable=False),
        pa.field("amount", MONEY, nullable=False),
        # True when the source had no due date and it was derived from payment terms.
        pa.field("due_date_derived", pa.bool_(), nullable=False),
    ]
)

SETTLEMENTS_SCHEMA = pa.schema(
    [
        pa.field("settlement_id", pa.string(), nullable=False),
        # null = unapplied cash (encaissement non lettré)
        pa.field("document_id", pa.string(), nullable=True),
        pa.field("customer_id", pa.string(), nullable=False),
        pa.field("date", pa.date32(), nullable=False),
        pa.field("amount", MONEY, nullable=False),
        pa.field("kind", pa.string(), nullable=False),  # 'cash' | 'writeoff'
    ]
)

SETTLEMENT_KINDS = ("cash", "writeoff")
UNASSIGNED_ACTIVITY = "Unassigned"


@dataclass(frozen=True)
class CanonicalLedger:
    """Documents and settlements ready to be stored, as Arrow tables of the schemas above."""

    documents: pa.Table
    settlements: pa.Table
    currency: str = "EUR"
    sources: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        object.__setattr__(self, "documents", self.documents.select(DOCUMENTS_SCHEMA.names).cast(DOCUMENTS_SCHEMA))
        object.__setattr__(
            self, "settlements", self.settlements.select(SETTLEMENTS_SCHEMA.names).cast(SETTLEMENTS_SCHEMA)
        )
