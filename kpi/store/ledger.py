"""The ledger: one DuckDB connection holding the canonical tables and the KPI macros."""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from kpi.model.filters import Filters
from kpi.model.names import ACTIVITY_TABLES, CANONICAL_TABLES, MANUAL_MATCHES, SUPPLIER_TABLES
from kpi.sql.registry import (
    ADDED_COLUMNS,
    MACROS_SEARCH_PATH,
    create_schema,
    install_document_status,
    install_macros,
    missing_columns,
    named_query,
    refresh_document_status,
)

if TYPE_CHECKING:  # a report never needs pandas: `frame` callers load it through pyarrow's to_pandas
    import pandas as pd
    import pyarrow as pa

    from kpi.model.canonical import CanonicalLedger


# DuckDB takes up to 80 % of the machine's memory by default; a local app shares the machine,
# so queries past this spill to disk instead (ENCOURS_MEMORY_LIMIT overrides, e.g. "8GB").
DEFAULT_MEMORY_LIMIT = "3GB"
# An import stages the files' rows, checks them and writes them: under the 3 GB cap, a 10M-invoice import
# peaked at 3.2 GB of RSS (DuckDB's cap counts its buffers, not the process). Imports run below it, so the
# process stays under 3 GB, spilling the rest to disk (kpi/store/native.py); ENCOURS_MEMORY_LIMIT
# overrides both.
IMPORT_MEMORY_LIMIT = "2.5GB"


def engine_connection() -> duckdb.DuckDBPyConnection:
    """A new in-memory DuckDB connection with the engine's memory limit and spill directory."""
    return duckdb.connect(
        ":memory:",
        config={
            "memory_limit": os.environ.get("ENCOURS_MEMORY_LIMIT") or DEFAULT_MEMORY_LIMIT,
            "temp_directory": str(Path(tempfile.gettempdir()) / "encours-duckdb"),
        },
    )


def bound_parameters(sql: str, params: dict[str, Any] | None) -> dict[str, Any]:
    """The parameters the statement names: DuckDB refuses any other, and the filters always bring
    $customers, $activities and $matching whether a query reads all three or not."""
    if not params:
        return {}
    named = set(re.findall(r"\$(\w+)", sql))
    return {name: value for name, value in params.items() if name in named}


@contextmanager
def registered(connection: duckdb.DuckDBPyConnection, **tables: pa.Table) -> Iterator[None]:
    """Arrow tables visible to SQL under these names for the block's duration.

    When the block fails (a full disk aborts the transaction), DuckDB refuses even to unregister:
    that refusal must not hide the failure that caused it.
    """
    for name, table in tables.items():
        connection.register(name, table)
    try:
        yield
    except BaseException:
        for name in tables:
            with suppress(duckdb.Error):
                connection.unregister(name)
        raise
    for name in tables:
        connection.unregister(name)


class Ledger:
    """An in-memory DuckDB connection where the canonical tables and the KPI macros live.

    The tables are either its own (files passed directly, a session's snapshot of a
    workspace) or views over a workspace file attached read-only. Queries go through
    `query`, which binds every value as a parameter and runs on a fresh cursor, so that
    one ledger can serve a Streamlit session's reruns safely.
    """

    def __init__(self, connection: duckdb.DuckDBPyConnection):
        self.connection = connection
        self.cached_macros = install_macros(connection)
        self.stale_schema = False  # a workspace of an earlier release, read with the columns it lacks empty

    @classmethod
    def in_memory(cls, canonical: CanonicalLedger | None = None) -> Ledger:
        connection = engine_connection()
        create_schema(connection)
        ledger = cls(connection)
        if canonical is not None:
            ledger.append(canonical, import_id=0)
        return ledger

    @classmethod
    def attach(cls, database: Path, *, snapshot: bool = False) -> Ledger:
        """Read a workspace's DuckDB file without ever writing to it.

        With `snapshot`, the tables are copied into memory and the file is let go at once,
        so a writer (an import in another session) is never blocked by this reader.
        """
        connection = engine_connection()
        connection.execute("ATTACH $path AS workspace (READ_ONLY)", {"path": str(database)})
        stored = {
            row[0]
            for row in connection.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = 'workspace'"
            ).fetchall()
        }
        # A workspace of an earlier release that could not be migrated (a read-only copy) is read
        # with the columns added since then empty, which is what they meant before.
        missing = missing_columns(connection, "workspace")
        matched = holds_manual_matches(connection, stored)
        for table in CANONICAL_TABLES:
            if table not in stored:
                continue  # a workspace written before this table existed: created empty below
            kind = "TABLE" if snapshot else "VIEW"
            connection.execute(f"CREATE {kind} {table} AS {stored_select(table, missing, matched)}")
        if snapshot:
            connection.execute("DETACH workspace")
        create_schema(connection)  # IF NOT EXISTS: only the tables the file lacks
        ledger = cls(connection)
        ledger.stale_schema = bool(missing)
        return ledger

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing ---------------------------------------------------------------------------

    def append(self, canonical: CanonicalLedger, *, import_id: int) -> None:
        """Insert the canonical tables (the caller owns the transaction)."""
        insert_canonical(self.connection.cursor(), canonical, import_id)

    # -- reading ---------------------------------------------------------------------------

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor of its own for one query (a shared ledger attaches its file for the time of it)."""
        cursor = self.connection.cursor()
        if self.cached_macros:
            cursor.execute(MACROS_SEARCH_PATH)
        yield cursor

    def query(self, sql: str, params: dict[str, Any] | None = None) -> duckdb.DuckDBPyConnection:
        with self.cursor() as cursor:
            return cursor.execute(sql, bound_parameters(sql, params))

    def arrow(self, sql: str, params: dict[str, Any] | None = None) -> pa.Table:
        with self.cursor() as cursor:
            return cursor.sql(sql, params=bound_parameters(sql, params)).to_arrow_table()

    def frame(self, sql: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
        """A pandas frame whose DECIMAL money columns hold exact `Decimal` values."""
        frame: pd.DataFrame = self.arrow(sql, params).to_pandas()
        return frame

    def date_range(self) -> tuple[date, date] | None:
        first, last = self.query(
            "SELECT least(min(issue_date), (SELECT min(date) FROM settlements)),"
            " greatest(max(issue_date), (SELECT max(date) FROM settlements)) FROM documents"
        ).fetchall()[0]
        return None if first is None else (first, last)

    def customers(self, filters: Filters = Filters()) -> pd.DataFrame:
        """Customers of the kept documents (and of unapplied cash), with their display name."""
        return self.frame(
            "SELECT customer_id, any_value(customer_name ORDER BY issue_date DESC) AS customer_name"
            " FROM ledger_documents($customers, $activities) GROUP BY customer_id"
            " UNION ALL SELECT DISTINCT customer_id, customer_id FROM settlements"
            " WHERE document_id IS NULL AND customer_id NOT IN (SELECT customer_id FROM documents)"
            "   AND ($activities = [] ) AND (len($customers::VARCHAR[]) = 0 OR list_contains($customers::VARCHAR[], customer_id))"
            " ORDER BY customer_name, customer_id",
            filters.params(),
        )

    def monthly_activity(self) -> list[tuple[date, Decimal, Decimal]]:
        """(first day of the month, sales, collected) of every month with either (monthly_activity.sql)."""
        return [tuple(row) for row in self.query("SELECT month, sales, collected FROM monthly_activity()").fetchall()]

    def settings(self) -> dict[str, Any]:
        """The workspace settings stored with the ledger (empty for files read in memory)."""
        return {key: json.loads(value) for key, value in self.query("SELECT key, value FROM settings").fetchall()}

    def activities(self, customers: tuple[str, ...] = ()) -> list[str]:
        """The activities of the documents, of the listed customers only when some are listed."""
        return [
            row[0]
            for row in self.query(
                "SELECT DISTINCT activity FROM ledger_documents($customers, []) ORDER BY activity",
                {"customers": list(customers)},
            ).fetchall()
        ]

    def canonical(self, filters: Filters = Filters()) -> CanonicalLedger:
        """The kept documents and settlements as canonical tables: the base of a what-if scenario."""
        params = filters.params()
        documents = self.arrow(
            "SELECT document_id, customer_id, customer_name, activity, issue_date, due_date, amount, due_date_derived"
            " FROM ledger_documents($customers, $activities) ORDER BY issue_date, document_id",
            params,
        )
        settlements = self.arrow(
            "SELECT settlement_id, document_id, customer_id, date, amount, kind, source_document_id"
            " FROM ledger_settlements($customers, $activities) ORDER BY date, settlement_id",
            params,
        )
        from kpi.model.canonical import CanonicalLedger

        return CanonicalLedger(documents, settlements)

    def counts(self) -> dict[str, int]:
        documents, settlements = self.query(
            "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM settlements)"
        ).fetchall()[0]
        return {"documents": documents, "settlements": settlements}


# The stored tables a manual match changes the reading of, and the SQL that reads each.
AS_READ = {"settlements": "settlements_as_read", "documents": "documents_as_read"}


def holds_manual_matches(connection: duckdb.DuckDBPyConnection, stored: set[str]) -> bool:
    """Whether the workspace attached as `workspace` (its tables: `stored`) holds any manual match.

    Only then do its settlements and documents read through AS_READ: a join on every query, which a workspace
    that never accepted a match does not pay. A store serving a workspace reads it again after a match is
    stored (kpi/store/matching.py)."""
    if MANUAL_MATCHES not in stored:
        return False
    return bool(connection.execute(f"SELECT EXISTS (FROM workspace.{MANUAL_MATCHES})").fetchall()[0][0])


def stored_select(table: str, missing: dict[str, list[str]], manual_matches: bool) -> str:
    """How a ledger reads a canonical table of the workspace attached as `workspace`: the columns added since
    it was written (`missing`) empty, and, when it holds `manual_matches`, the settlements and documents with
    them applied (settlements_as_read.sql, documents_as_read.sql)."""
    added = "".join(f", NULL::{ADDED_COLUMNS[table][column]} AS {column}" for column in missing.get(table, ()))
    source = f"({named_query(AS_READ[table]).sql})" if manual_matches and table in AS_READ else f"workspace.{table}"
    return f"SELECT *{added} FROM {source}"


def insert_canonical(
    connection: duckdb.DuckDBPyConnection, canonical: CanonicalLedger, import_id: int
) -> tuple[int, int]:
    """Insert the documents and settlements whose ids are not stored yet; returns how many of each.

    Settlements go first so that each new document is stored with its open_until already
    known: one INSERT instead of an UPDATE of every new row.
    """
    with registered(connection, incoming_documents=canonical.documents, incoming_settlements=canonical.settlements):
        settlements = connection.execute(
            "INSERT INTO settlements BY NAME SELECT *, $import_id AS import_id FROM incoming_settlements"
            " WHERE settlement_id NOT IN (SELECT settlement_id FROM settlements)",
            {"import_id": import_id},
        ).fetchall()[0][0]
        install_document_status(connection)
        documents = connection.execute(
            "INSERT INTO documents BY NAME"
            " SELECT i.*, $import_id AS import_id,"
            "  document_open_until(i.amount, t.settled_total, t.last_settlement) AS open_until"
            " FROM incoming_documents AS i LEFT JOIN settled_documents() AS t USING (document_id)"
            " WHERE i.document_id NOT IN (SELECT document_id FROM documents)",
            {"import_id": import_id},
        ).fetchall()[0][0]
    insert_activity(connection, canonical, import_id)
    _insert_new(connection, canonical.supplier_tables(), SUPPLIER_TABLES, import_id)
    refresh_document_status(connection)
    return documents, settlements


def insert_activity(connection: duckdb.DuckDBPyConnection, canonical: CanonicalLedger, import_id: int) -> int:
    """Insert the rows of the collection-activity logs whose ids are not stored yet; returns how many."""
    return _insert_new(connection, canonical.activity_tables(), ACTIVITY_TABLES, import_id)


def _insert_new(
    connection: duckdb.DuckDBPyConnection, tables: dict[str, pa.Table], keys: dict[str, str], import_id: int
) -> int:
    """Insert the rows of `tables` (by table name) whose id (`keys[name]`) is not stored yet; returns how many."""
    inserted = 0
    for table, incoming in tables.items():
        if incoming.num_rows == 0:
            continue
        key = keys[table]
        with registered(connection, incoming_activity=incoming):
            inserted += connection.execute(
                f"INSERT INTO {table} BY NAME SELECT *, $import_id AS import_id FROM incoming_activity"
                f" WHERE {key} NOT IN (SELECT {key} FROM {table})",
                {"import_id": import_id},
            ).fetchall()[0][0]
    return inserted
