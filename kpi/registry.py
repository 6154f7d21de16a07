"""Named SQL: the `.sql` files of kpi/sql, their headers, and installing them on a connection."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb

SQL_DIR = Path(__file__).with_name("sql")

# Macros are expanded when a query binds, but DuckDB checks that a macro a body names
# already exists, so files load callees first.
MACRO_FILES = (
    "ledger_documents",
    "ledger_settlements",
    "periods",
    "monthly_activity",
    "aging_bucket",
    "matching",
    "open_items",
    "ar_position",
    "period_flows",
    "payment_delays",
    "countback_dso",
    "activation",
    "unpaid",
    "dso",
    "bpdso",
    "add",
    "cei",
    "collection_rate",
    "overdue_rate",
    "unpaid_rate",
    "ar_turnover",
    "bad_debt_rate",
    "period_kpis",
    "customer_summary",
    "aged_items",
    "document_settlements",
    "ledger_disputes",
    "dispute_rate",
    "open_disputes",
    "dispute_resolution",
    "ledger_reminders",
    "reminder_outcomes",
    "reminder_success_rate",
    "cost_per_reminder",
    "reminder_funnel",
    "plan_installments",
    "plan_compliance",
    "amount_in_plans",
    "cost_per_euro_collected",
    "bucket_collection_rate",
    "write_offs",
    "risk_score",
    "cash_forecast",
)

_HEADER = re.compile(r"^--\s*(label|formula|unit):\s*(.*)$")


@dataclass(frozen=True)
class NamedQuery:
    """One `.sql` file: its name, the header a reader sees first, and its text."""

    name: str
    label: str
    formula: str
    unit: str
    sql: str

    @property
    def path(self) -> Path:
        return SQL_DIR / f"{self.name}.sql"


@cache
def named_query(name: str) -> NamedQuery:
    text = (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")
    header = {}
    for line in text.splitlines():
        match = _HEADER.match(line)
        if match:
            header[match.group(1)] = match.group(2).strip()
        elif line.strip() and not line.startswith("--"):
            break
    return NamedQuery(name, header.get("label", name), header.get("formula", ""), header.get("unit", ""), text)


def all_named_queries() -> list[NamedQuery]:
    return [named_query(path.stem) for path in sorted(SQL_DIR.glob("*.sql"))]


# Columns added to the canonical tables since the first release, with their type: a workspace
# written before gains them by migrate_schema, and a read-only one is read with them empty.
ADDED_COLUMNS = {"settlements": {"source_document_id": "VARCHAR"}}


def create_schema(connection: duckdb.DuckDBPyConnection) -> None:
    """The canonical tables (those missing), a stored workspace migrated to the current schema first."""
    migrate_schema(connection)
    connection.execute(named_query("schema").sql)


def missing_columns(connection: duckdb.DuckDBPyConnection, database: str | None = None) -> dict[str, list[str]]:
    """Columns of ADDED_COLUMNS that a stored table lacks, by table (tables absent altogether are not listed).

    Each table is looked up by name: listing duckdb_columns() makes a new DuckDB instance build its
    system views first (about 30 ms, paid by every command that opens a workspace). A table that is
    absent fails its lookup, which would abort a transaction: call this outside of one, as
    migrate_schema does.
    """
    if database is None:
        database = connection.execute("SELECT current_database()").fetchall()[0][0]
    missing = {}
    for table, columns in ADDED_COLUMNS.items():
        try:
            stored = {row[0] for row in connection.execute(
                "SELECT name FROM pragma_table_info($table)", {"table": f"{_quoted(database)}.main.{_quoted(table)}"},
            ).fetchall()}
        except duckdb.CatalogException:
            continue
        lacking = [column for column in columns if column not in stored]
        if lacking:
            missing[table] = lacking
    return missing


def _quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def migrate_schema(connection: duckdb.DuckDBPyConnection) -> bool:
    """Bring a workspace written by an earlier release to the current schema, keeping every row.

    The settlements table gained the `credit` kind and source_document_id: DuckDB cannot change
    a CHECK constraint, so the table is renamed, created anew from schema.sql and refilled, in one
    transaction. Returns whether anything was migrated.
    """
    if not missing_columns(connection):
        return False
    connection.execute("BEGIN TRANSACTION")
    try:
        connection.execute("ALTER TABLE settlements RENAME TO settlements_before_credits")
        connection.execute(named_query("schema").sql)
        connection.execute("INSERT INTO settlements BY NAME SELECT * FROM settlements_before_credits")
        connection.execute("DROP TABLE settlements_before_credits")
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    return True


def install_document_status(connection: duckdb.DuckDBPyConnection) -> None:
    """The TEMP macros that say when a document is settled for good (never stored in a workspace)."""
    connection.execute(named_query("document_status").sql)


def refresh_document_status(connection: duckdb.DuckDBPyConnection) -> None:
    """Recompute the derived open_until column after documents or settlements changed."""
    install_document_status(connection)
    connection.execute(named_query("document_status_refresh").sql)


_DEFINED = re.compile(r"CREATE\s+OR\s+REPLACE\s+(?:TEMP\s+)?MACRO\s+(\w+)", re.IGNORECASE)
_CALLED = re.compile(r"\b(\w+)\s*\(")
_COMMENT = re.compile(r"--[^\n]*")


@cache
def _macro_graph() -> tuple[dict[str, str], dict[str, frozenset[str]]]:
    """The file of MACRO_FILES that defines each macro, and the files whose macros each file calls."""
    owner = {macro: name for name in MACRO_FILES for macro in _DEFINED.findall(named_query(name).sql)}
    calls = {}
    for name in MACRO_FILES:
        called = _CALLED.findall(_COMMENT.sub("", named_query(name).sql))
        calls[name] = frozenset(owner[macro] for macro in called if macro in owner) - {name}
    return owner, calls


def macro_files(macros: Iterable[str]) -> tuple[str, ...]:
    """The files that define these macros and, transitively, every macro they call, in install order."""
    owner, calls = _macro_graph()
    macros = tuple(macros)
    unknown = sorted(set(macros) - set(owner))
    if unknown:
        raise ValueError(f"no file of kpi/sql defines the macros {', '.join(unknown)}")
    needed: set[str] = set()
    pending = [owner[macro] for macro in macros]
    while pending:
        name = pending.pop()
        if name not in needed:
            needed.add(name)
            pending.extend(calls[name])
    return tuple(name for name in MACRO_FILES if name in needed)


# DuckDB binds a macro's body when it is created, and with it every macro the body calls: creating all
# of them takes about 0.3 s, as long as a report's query at a million invoices. A process that runs a
# few known queries (the command line) opens its ledger inside `only_macros` and pays for those alone.
_WANTED: ContextVar[tuple[str, ...] | None] = ContextVar("wanted_macros", default=None)


@contextmanager
def only_macros(*macros: str) -> Iterator[None]:
    """Ledgers created in the block install these macros and those they call, not all of MACRO_FILES."""
    token = _WANTED.set(macro_files(macros))
    try:
        yield
    finally:
        _WANTED.reset(token)


def install_macros(connection: duckdb.DuckDBPyConnection) -> None:
    """Create the KPI macros on an in-memory connection: they follow the code, never a stored file.

    Every one of them, unless the ledger is made inside `only_macros`.
    """
    for name in _WANTED.get() or MACRO_FILES:
        connection.execute(named_query(name).sql)
