"""One DuckDB connection per workspace for a whole process: the app's server shares it between every session.

A `SharedStore` attaches a workspace's file to one in-memory DuckDB connection, where the KPI macros
live. Every query runs on a cursor of that connection, so sessions share one copy of the data (DuckDB's
buffer cache) instead of each holding its own; every write (an import made in the app, a removed
import, saved settings) runs on a cursor of the same connection in one transaction, and DuckDB's
MVCC lets readers go on meanwhile and see it once committed.

Other processes (the CLI importing into the same workspace) need the file: DuckDB locks it while it
is attached. So the store lets it go after IDLE_SECONDS without a query, and attaches it again at the
next one, waiting a little if another process is writing, then saying « workspace busy »
(`Workspace._retry_on_lock`). What another process stored is then read: the workspace's version,
a stat of its files, has changed.

While a store serves a workspace, `Workspace` reads and writes through it (`serving`): in one
process, DuckDB refuses to open a file twice with different settings.
"""

from __future__ import annotations

import atexit
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from kpi.model.names import CANONICAL_TABLES
from kpi.sql.registry import MACROS_SEARCH_PATH, create_schema, install_macros, missing_columns
from kpi.store.ledger import Ledger, engine_connection, holds_manual_matches, stored_select
from kpi.text.errors import WorkspaceReadOnly

if TYPE_CHECKING:
    from kpi.store.workspace import Workspace

# Long enough that the reruns of one person's clicks find the file attached, short enough that an
# import from the command line waits less than its lock retries (kpi.store.workspace.LOCK_RETRIES).
IDLE_SECONDS = float(os.environ.get("ENCOURS_STORE_IDLE_SECONDS") or 3)
WORKSPACE_ALIAS = "workspace"  # the name kpi/store/ledger.py stored_select reads the file under

_STORES: dict[str, SharedStore] = {}
_STORES_LOCK = threading.Lock()


def share(workspace: Workspace) -> SharedStore:
    """The process's store of this workspace, made at the first call."""
    key = str(workspace.database.resolve())
    with _STORES_LOCK:
        store = _STORES.get(key)
        if store is None:
            store = _STORES[key] = SharedStore(workspace)
        return store


def serving(database: Path) -> SharedStore | None:
    """The store attached to this database file in this process, if any (open now or not)."""
    with _STORES_LOCK:
        return _STORES.get(str(Path(database).resolve()))


def close_all() -> None:
    """Let every file go (a server shutting down, a test ending)."""
    with _STORES_LOCK:
        stores = list(_STORES.values())
        _STORES.clear()
    for store in stores:
        store.release()


atexit.register(close_all)


class SharedStore:
    """A workspace's file attached to one connection, opened on demand and let go when idle."""

    def __init__(self, workspace: Workspace):
        self.workspace = workspace
        self.ledger = SharedLedger(self)
        self._state = threading.Lock()  # opening, closing, and the count of queries under way
        self.writing = threading.Lock()  # one write transaction at a time from this process
        self._connection: duckdb.DuckDBPyConnection | None = None
        self._writable = False
        self._attached = False
        self._cached_macros = False
        self._running = 0
        self._last_use = 0.0
        self._timer: threading.Timer | None = None

    @property
    def is_open(self) -> bool:
        """Whether the file is attached now (DuckDB's lock held)."""
        return self._connection is not None and self._attached

    @contextmanager
    def cursor(self, *, write: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor on the shared connection, attaching the file first if it was let go.

        A write cursor works on the workspace's own tables (`USE workspace`): what it changes is
        stored; a read cursor sees the canonical views and the macros.
        """
        with self._state:
            connection = self._open()
            self._running += 1
        try:
            cursor = connection.cursor()
            if write:
                if not self._writable:
                    self.workspace.raise_read_only()
                cursor.execute(f"USE {WORKSPACE_ALIAS}")
            elif self._cached_macros:
                cursor.execute(MACROS_SEARCH_PATH)
            yield cursor
        finally:
            with self._state:
                self._running -= 1
                self._last_use = time.monotonic()
                self._arm_timer()

    def release(self) -> None:
        """Detach the file now (queries under way finish first: the next one attaches it again)."""
        with self._state:
            self._close()

    # -- inside the state lock -----------------------------------------------------------------

    def _open(self) -> duckdb.DuckDBPyConnection:
        if self._connection is None:
            connection = engine_connection()
            try:
                self.workspace.retry_on_lock(lambda: self._attach(connection))
                self._cached_macros = install_macros(
                    connection
                )  # once: they outlive the file's detaching (views are named, not bound)
            except BaseException:
                connection.close()
                raise
            self._connection = connection
        elif not self._attached:
            attached = self._connection
            self.workspace.retry_on_lock(lambda: self._attach(attached))
        return self._connection

    def _attach(self, connection: duckdb.DuckDBPyConnection) -> None:
        path = {"path": str(self.workspace.database)}
        try:
            connection.execute(f"ATTACH $path AS {WORKSPACE_ALIAS}", path)
            self._writable = True
        except (duckdb.IOException, duckdb.PermissionException) as error:
            if not isinstance(self.workspace.explain(error), WorkspaceReadOnly):
                raise
            connection.execute(f"ATTACH $path AS {WORKSPACE_ALIAS} (READ_ONLY)", path)
            self._writable = False
        try:
            if self._writable:
                writer = connection.cursor()
                writer.execute(f"USE {WORKSPACE_ALIAS}")
                with suppress(duckdb.IOException, duckdb.PermissionException):  # a full disk: read as it is
                    create_schema(writer)  # a workspace of an earlier release is migrated in place
                writer.close()
            self._create_views(connection)
        except BaseException:
            with suppress(duckdb.Error):
                connection.execute(f"DETACH {WORKSPACE_ALIAS}")
            raise
        self._attached = True

    @staticmethod
    def _create_views(connection: duckdb.DuckDBPyConnection) -> None:
        stored = {
            row[0]
            for row in connection.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = $db", {"db": WORKSPACE_ALIAS}
            ).fetchall()
        }
        missing = missing_columns(connection, WORKSPACE_ALIAS)
        matched = holds_manual_matches(connection, stored)
        for table in CANONICAL_TABLES:
            if table in stored:
                connection.execute(f"CREATE OR REPLACE VIEW {table} AS {stored_select(table, missing, matched)}")
        create_schema(connection)  # IF NOT EXISTS: empty tables for what a read-only old file lacks

    def _arm_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer = threading.Timer(IDLE_SECONDS, self._close_if_idle)
        self._timer.daemon = True
        self._timer.start()

    def _close_if_idle(self) -> None:
        with self._state:
            if self._running == 0 and time.monotonic() - self._last_use >= IDLE_SECONDS * 0.9:
                self._detach()

    def _detach(self) -> None:
        """Let the file go, keeping the connection and its macros: attaching again takes milliseconds."""
        if self._connection is None or not self._attached:
            return
        try:
            self._connection.execute(f"DETACH {WORKSPACE_ALIAS}")
            self._attached = False
        except duckdb.Error:
            self._close()  # whatever kept it attached, closing the connection lets the file go

    def _close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._connection is not None:
            with suppress(duckdb.Error):
                self._connection.close()
            self._connection = None
            self._attached = False


class SharedLedger(Ledger):
    """The ledger every session reads: a cursor of its store per query, the file attached on demand."""

    def __init__(self, store: SharedStore):  # no connection of its own: the store's, when attached
        self.store = store

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with self.store.cursor() as cursor:
            yield cursor

    def close(self) -> None:
        """Sessions share it: closing one session's view of it lets nothing go."""
