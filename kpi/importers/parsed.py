"""What one file contributes before the whole ledger is checked: rows that remember their file and row."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa

from kpi.importers.errors import ImportIssue
from kpi.model.canonical import DOCUMENTS_SCHEMA, SETTLEMENTS_SCHEMA, with_optional_columns

# Provenance columns travel with each row until the ledger is built, so that a message about a
# duplicate or an unknown invoice can name the row the user must fix.
ORIGIN_FIELDS = [pa.field("source_file", pa.string()), pa.field("source_row", pa.int64())]
# Nullable while in transit: a payment's customer may only be known once its invoice is found.
DOCUMENTS_WITH_ORIGIN = pa.schema([f.with_nullable(True) for f in DOCUMENTS_SCHEMA] + ORIGIN_FIELDS)
SETTLEMENTS_WITH_ORIGIN = pa.schema([f.with_nullable(True) for f in SETTLEMENTS_SCHEMA] + ORIGIN_FIELDS)


@dataclass(frozen=True)
class ParsedFile:
    file: str
    layout: str
    documents: pa.Table  # DOCUMENTS_WITH_ORIGIN
    settlements: pa.Table  # SETTLEMENTS_WITH_ORIGIN
    rows_read: int
    warnings: tuple[ImportIssue, ...] = ()
    details: dict = field(default_factory=dict)  # layout-specific figures for the report (FEC 411 balance…)
    currency: str | None = None
    columns: dict = field(default_factory=dict)  # canonical field -> the file's header, for messages
    # Collection-activity rows by canonical table ('disputes', 'reminders'…), with source_file/source_row.
    activity: dict = field(default_factory=dict)
    # A FEC's supplier (401) side, in the same shapes as documents and settlements: None when it has none.
    supplier_documents: pa.Table | None = None
    supplier_settlements: pa.Table | None = None


def with_origin(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """The table in `schema`; a credit-note or reference column the reader has nothing for is added empty."""
    return with_optional_columns(table, schema).select(schema.names).cast(schema)
