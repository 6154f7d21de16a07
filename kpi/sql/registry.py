"""Named SQL: the `.sql` files of kpi/sql, their headers, and installing them on a connection."""

from __future__ import annotations

import hashlib
import os
import re
import threading
import time
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb

SQL_DIR = Path(__file__).parent
# The folders of SQL_DIR, by kind. A file's name is its identity (named_query("dso")), unique across folders.
#   schema/    the canonical tables
#   ledger/    the ledger's building blocks: filtered tables, periods, matching, open items, flows
#   kpi/       one KPI formula per file (its `-- kpi:` header lines feed kpi/metrics/catalogue.py)
#   activity/  the collection-activity logs and their KPIs
#   queries/   the tables a page or a command shows (aged items, customer summary, risk, forecast…)
#   whatif/    what-if changes, run on a scratch connection (kpi/analysis/whatif.py)
# Every file of ledger/, kpi/, activity/ and queries/ that creates a (non-TEMP) macro is installed on
# each ledger; the install order follows from which macros each body calls (callees first: DuckDB
# binds a macro's body when it is created), never from a hand-kept list.
LEDGER_FOLDERS = ("ledger", "kpi", "activity", "queries")


@cache
def sql_files() -> dict[str, Path]:
    """Every `.sql` file under SQL_DIR by name; two files of one name are a mistake of the code."""
    files: dict[str, Path] = {}
    for path in sorted(SQL_DIR.rglob("*.sql")):
        if path.stem in files:
            raise RuntimeError(f"two SQL files named {path.stem}: {files[path.stem]} and {path}")
        files[path.stem] = path
    return files


def folder_files(*folders: str) -> tuple[str, ...]:
    """The names of the files of these folders of SQL_DIR."""
    return tuple(name for name, path in sql_files().items() if path.parent.name in folders)


_HEADER = re.compile(r"^--\s*(label|formula|unit|kpi|depends):\s*(.*)$")


@dataclass(frozen=True)
class NamedQuery:
    """One `.sql` file: its name, the header a reader sees first, and its text."""

    name: str
    label: str
    formula: str
    unit: str
    sql: str
    kpis: tuple[str, ...] = ()  # its `-- kpi: <key> <unit> <direction>` lines (kpi/metrics/catalogue.py)
    depends: tuple[str, ...] = ()  # its `-- depends: <key> …` line: the KPIs its figures are computed from

    @property
    def path(self) -> Path:
        return sql_files()[self.name]


@cache
def named_query(name: str) -> NamedQuery:
    text = sql_files()[name].read_text(encoding="utf-8")
    header, kpis = {}, []
    for line in text.splitlines():
        match = _HEADER.match(line)
        if match and match.group(1) == "kpi":
            kpis.append(match.group(2).strip())
        elif match:
            header[match.group(1)] = match.group(2).strip()
        elif line.strip() and not line.startswith("--"):
            break  # the header ends at the first statement
    return NamedQuery(
        name,
        header.get("label", name),
        header.get("formula", ""),
        header.get("unit", ""),
        text,
        tuple(kpis),
        tuple(header.get("depends", "").split()),
    )


def all_named_queries() -> list[NamedQuery]:
    return [named_query(name) for name in sorted(sql_files())]


# Columns added to the canonical tables since the first release, with their type: a workspace
# written before gains them by migrate_schema, and a read-only one is read with them empty.
ADDED_COLUMNS = {"settlements": {"source_document_id": "VARCHAR", "reference": "VARCHAR"}}


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
            stored = {
                row[0]
                for row in connection.execute(
                    "SELECT name FROM pragma_table_info($table)",
                    {"table": f"{_quoted(database)}.main.{_quoted(table)}"},
                ).fetchall()
            }
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

    The settlements table gained the `credit` kind and source_document_id, then reference: DuckDB cannot
    change a CHECK constraint, so the table is renamed, created anew from schema.sql and refilled, in one
    transaction (the tables added since, such as manual_matches, are created by the same script). Returns
    whether anything was migrated.
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


_STORED_MACRO = re.compile(r"CREATE\s+OR\s+REPLACE\s+MACRO\b", re.IGNORECASE)
_DEFINED = re.compile(r"CREATE\s+OR\s+REPLACE\s+(?:TEMP\s+)?MACRO\s+(\w+)", re.IGNORECASE)
_CALLED = re.compile(r"\b(\w+)\s*\(")
_COMMENT = re.compile(r"--[^\n]*")


def install_order(names: Iterable[str]) -> tuple[str, ...]:
    """These macro files, each after the files whose macros it calls (ties in name order)."""
    names = tuple(sorted(names))
    owner = {macro: name for name in names for macro in _DEFINED.findall(named_query(name).sql)}
    calls = {
        name: {owner[macro] for macro in _CALLED.findall(_COMMENT.sub("", named_query(name).sql)) if macro in owner}
        - {name}
        for name in names
    }
    ordered: list[str] = []
    while calls:
        ready = [name for name, callees in calls.items() if not callees - set(ordered)]
        if not ready:
            raise RuntimeError(f"macro files calling each other in a cycle: {', '.join(sorted(calls))}")
        ordered.extend(ready)
        for name in ready:
            del calls[name]
    return tuple(ordered)


@cache
def ledger_macro_files() -> tuple[str, ...]:
    """The files installed on every ledger, in install order."""
    return install_order(name for name in folder_files(*LEDGER_FOLDERS) if _STORED_MACRO.search(named_query(name).sql))


@cache
def _macro_graph() -> tuple[dict[str, str], dict[str, frozenset[str]]]:
    """The ledger macro file that defines each macro, and the files whose macros each file calls."""
    files = ledger_macro_files()
    owner = {macro: name for name in files for macro in _DEFINED.findall(named_query(name).sql)}
    calls = {}
    for name in files:
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
    return tuple(name for name in ledger_macro_files() if name in needed)


# DuckDB binds a macro's body when it is created, and with it every macro the body calls: creating all of
# them takes 0.2–0.4 s, longer than a report's query at a million invoices, and every ledger (each
# command, each app store, each test) would pay it. So they are created once per version of the code in a
# small DuckDB file of the user's cache, built aside and renamed into place, and a ledger attaches it
# read-only (≈ 10 ms) with the catalog on its search path. A macro's body is bound where it is called, so
# its tables are the ledger's own (the cache's empty tables come after them on the path and are never
# reached). Without a usable cache (no writable cache folder), the macros are created in the connection.
MACROS_CATALOG = "encours_macros"
STALE_MACROS_SECONDS = 7 * 24 * 3600
# Read cursors of a ledger work in its in-memory database, whose catalog DuckDB names « memory ».
MACROS_SEARCH_PATH = f"SET search_path = 'memory.main,{MACROS_CATALOG}.main'"


def macro_cache_folder() -> Path:
    """Where the macro file lives: ENCOURS_CACHE_DIR, else the XDG cache folder of the user."""
    configured = os.environ.get("ENCOURS_CACHE_DIR")
    if configured:
        return Path(configured)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "encours"


@cache
def macro_signature() -> str:
    """What the cached file depends on: DuckDB's version (its storage), the schema and every macro file."""
    digest = hashlib.sha256(duckdb.__version__.encode())
    for name in ("schema", *ledger_macro_files()):
        digest.update(b"\0" + name.encode() + b"\0" + named_query(name).sql.encode())
    return digest.hexdigest()[:20]


def macro_database() -> Path | None:
    """The file holding every macro of this code, built now if it is not there yet; None if it cannot be."""
    try:
        folder = macro_cache_folder()
    except RuntimeError:  # no home folder to be found (Path.home)
        return None
    path = folder / f"macros-{macro_signature()}.duckdb"
    if path.is_file():
        return path
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)  # the user's own: its SQL runs in every query
        aside = folder / f".{path.name}.{os.getpid()}.{threading.get_ident()}"
        aside.unlink(missing_ok=True)
        try:
            connection = duckdb.connect(str(aside))
            try:
                create_schema(connection)  # the bodies are checked against the tables when created
                for name in ledger_macro_files():
                    connection.execute(named_query(name).sql)
                connection.execute("CHECKPOINT")
            finally:
                connection.close()
            os.replace(aside, path)  # atomic: a reader attaches the old file or the whole new one
        finally:
            aside.unlink(missing_ok=True)
            Path(f"{aside}.wal").unlink(missing_ok=True)
    except (OSError, duckdb.Error):
        return None
    # Files of earlier versions, unless another checkout may still use them (a process that has one
    # attached keeps its inode anyway).
    for stale in folder.glob("macros-*.duckdb"):
        with suppress(OSError):
            if stale != path and time.time() - stale.stat().st_mtime > STALE_MACROS_SECONDS:
                stale.unlink()
    return path


def install_macros(connection: duckdb.DuckDBPyConnection) -> bool:
    """Make every KPI macro callable on this in-memory connection: they follow the code, never a stored workspace.

    Returns whether they come from the cached macro file: then it is attached and on the connection's
    search path, and a cursor made from the connection, which starts with the default path, must
    execute MACROS_SEARCH_PATH first (Ledger.cursor does). Otherwise they are created in the connection.
    """
    database = macro_database()
    if database is not None:
        try:
            connection.execute(f"ATTACH $path AS {MACROS_CATALOG} (READ_ONLY)", {"path": str(database)})
            connection.execute(MACROS_SEARCH_PATH)
            return True
        except duckdb.Error:
            pass  # a damaged or vanished file: the macros are created below
    for name in ledger_macro_files():
        connection.execute(named_query(name).sql)
    return False
