"""Manual matching (« lettrage manuel ») stored in a workspace as an import of its own, removable like any other.

Accepting suggestions (kpi/metrics/suggestions.py) writes, in one transaction, one row of the imports table
(its source named « lettrage manuel (N rapprochements) »), one row of manual_matches per match and, for a
credit note matched to an invoice, the `credit` settlement that applies it (KPI-SPEC §1). An unapplied
payment's stored row is never rewritten: the ledger reads it with its match's invoice
(kpi/sql/schema/settlements_as_read.sql). Removing the import (Workspace.remove_import) deletes those rows
and nothing else, which is the state before, exactly.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import duckdb

from kpi.store.store import serving
from kpi.store.workspace import Workspace
from kpi.text.errors import WorkspaceBusy
from kpi.text.messages import message_text

# The prefix of a manual import's fingerprint (a file import's is a bare SHA-256) and of the ids of the
# credit settlements it stores (an import's own ids never start so: « lettrage: » is no reference a ledger
# writes).
FINGERPRINT_PREFIX = "manual-matching:"
SETTLEMENT_PREFIX = "lettrage:"


@dataclass(frozen=True)
class ManualMatch:
    """One accepted match: `source_id` (an unapplied payment's settlement_id, or a credit note) to an invoice."""

    match_id: str
    source_kind: str  # 'payment' or 'credit_note'
    source_id: str
    document_id: str
    customer_id: str
    amount: Decimal  # what it applies (> 0)
    date: date  # the day it takes effect (a credit application's date)
    reason: str


# Which imports the workspace holds (read on a ledger or on the stored tables): matches found in one state
# are stored only if it is still the state.
IMPORT_STATE = "SELECT list((import_id, fingerprint) ORDER BY import_id) FROM imports"


def import_state(connection: duckdb.DuckDBPyConnection) -> list[tuple[int, str]]:
    return connection.execute(IMPORT_STATE).fetchall()[0][0] or []


def store_matches(workspace: Workspace, matches: Sequence[ManualMatch], state: list[tuple[int, str]], lang: str) -> int:
    """Store `matches` as one new import and return its id; `state` is the import_state the matches were
    found in: if another import changed the workspace since, nothing is stored (WorkspaceBusy: try again).
    The import's source is named in `lang`, as a file's name is kept as it was given."""
    with workspace.transaction() as connection:
        if import_state(connection) != state:
            raise WorkspaceBusy(workspace.path)
        import_id: int = connection.execute("SELECT coalesce(max(import_id), 0) + 1 FROM imports").fetchall()[0][0]
        for match in matches:
            connection.execute(
                "INSERT INTO manual_matches VALUES ($id, $kind, $source, $document, $amount, $reason, $import_id)",
                {
                    "id": match.match_id,
                    "kind": match.source_kind,
                    "source": match.source_id,
                    "document": match.document_id,
                    "amount": match.amount,
                    "reason": match.reason,
                    "import_id": import_id,
                },
            )
        credits = [match for match in matches if match.source_kind == "credit_note"]
        for match in credits:
            connection.execute(
                "INSERT INTO settlements (settlement_id, document_id, customer_id, date, amount, kind,"
                " source_document_id, import_id)"
                " VALUES ($id, $document, $customer, $date, $amount, 'credit', $source, $import_id)",
                {
                    "id": SETTLEMENT_PREFIX + match.match_id,
                    "document": match.document_id,
                    "customer": match.customer_id,
                    "date": match.date,
                    "amount": match.amount,
                    "source": match.source_id,
                    "import_id": import_id,
                },
            )
        digest = hashlib.sha256("\n".join(sorted(match.match_id for match in matches)).encode()).hexdigest()
        connection.execute(
            "INSERT INTO imports VALUES ($id, $at, $sources, $fingerprint, 0, $settlements, 0, $total, NULL)",
            {
                "id": import_id,
                "at": datetime.now(),
                "sources": [message_text("suggestions.source_name", lang, count=len(matches))],
                "fingerprint": f"{FINGERPRINT_PREFIX}{import_id}:{digest}",
                "settlements": len(credits),
                "total": sum((match.amount for match in credits), Decimal("0.00")),
            },
        )
        if credits:
            from kpi.sql.registry import refresh_document_status

            refresh_document_status(connection)
    # A store serving the workspace made its views when it held no match, maybe: its next query attaches the
    # file again and reads the payments through their matches (kpi/store/ledger.py holds_manual_matches).
    shared = serving(workspace.database)
    if shared is not None:
        shared.release()
    return import_id
