"""Workspaces: a directory per client holding one DuckDB file, written by imports in one transaction."""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import duckdb

from kpi.model.names import ACTIVITY_TABLES, MANUAL_MATCHES, SUPPLIER_TABLES
from kpi.sql.registry import create_schema, migrate_schema, missing_columns, refresh_document_status
from kpi.store.ledger import Ledger, insert_canonical, registered
from kpi.store.store import WORKSPACE_ALIAS, serving
from kpi.text.errors import (
    DiskFull,
    EncoursError,
    ImportNotFound,
    WorkspaceBusy,
    WorkspaceCorrupted,
    WorkspaceError,
    WorkspaceNotFound,
    WorkspaceReadOnly,
)
from kpi.text.messages import Message

if TYPE_CHECKING:  # the importers and pandas load only when a file is read: opening a workspace needs neither
    import pandas as pd
    import pyarrow as pa

    from kpi.importers import ImportReport, ImportResult
    from kpi.model.canonical import CanonicalLedger
    from kpi.store import native

__all__ = [
    "DATABASE_NAME",
    "StoredImport",
    "Workspace",
    "WorkspaceBusy",
    "default_home",
    "ensure_demo_workspace",
    "is_workspace",
    "list_workspaces",
]

DATABASE_NAME = "ledger.duckdb"
DEMO_DIRECTORY = Path(__file__).resolve().parents[2] / "data" / "demo"
DEMO_WORKSPACE = "demo"
# A writer in another process holds DuckDB's file lock only for the few seconds of an import.
LOCK_RETRIES = 20
LOCK_WAIT_SECONDS = 0.25
# An import parses its files before taking the write lock; if another import commits meanwhile,
# the files are read again against what it stored (at most this many times, then "busy").
STALE_RETRIES = 3
# A first import builds its database under this name, then links it into place: a workspace
# appears whole, with its first import, or not at all.
UNBORN_SUFFIX = ".new"

# How DuckDB 2.0 and the system word each fault (each checked in tests/test_workspace_faults.py).
DISK_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
DISK_FULL_SIGNS = {
    "no space left on device": "",
    "disk quota exceeded": Message("workspace.reason.quota"),
    "file too large": Message("workspace.reason.file_too_large"),
}
READ_ONLY_ERRNOS = {errno.EACCES, errno.EPERM, errno.EROFS}
READ_ONLY_SIGNS = ("permission denied", "read-only file system", "operation not permitted")
CORRUPTION_SIGNS = {
    "not a valid duckdb database file": Message("workspace.reason.not_duckdb"),
    "could not read enough bytes": Message("workspace.reason.truncated"),
    "corrupt database file": Message("workspace.reason.checksum"),
}
LOCK_SIGNS = ("could not set lock", "conflicting lock")

T = TypeVar("T")
# Write connections open in this process, by database: DuckDB shares one instance between them, so
# a failed import gives space back only when it was the only one (see _SpaceGuard).
_WRITERS: dict[str, int] = {}
_WRITERS_LOCK = threading.Lock()


def default_home() -> Path:
    return Path(os.environ.get("ENCOURS_HOME") or Path.home() / ".encours")


def is_workspace(path: Path) -> bool:
    return (Path(path) / DATABASE_NAME).is_file()


def list_workspaces(home: Path | None = None) -> list[str]:
    home = Path(home or default_home())
    if not home.is_dir():
        return []
    return sorted(child.name for child in home.iterdir() if is_workspace(child))


@dataclass(frozen=True)
class StoredImport:
    """What one call to `Workspace.import_files` stored, or found already stored."""

    import_id: int
    already_imported: bool
    report: ImportReport
    documents: int
    settlements: int
    skipped_identical: int
    activity_rows: int = 0  # disputes, reminders, plan installments and costs stored


class Workspace:
    """A directory with `ledger.duckdb`; readers take in-memory snapshots, imports write atomically.

    Storage faults come out as `kpi.text.errors` classes that say what happened and what to do:
    WorkspaceBusy (another process writes), WorkspaceReadOnly, WorkspaceCorrupted, DiskFull.
    """

    def __init__(self, path: Path):
        self.path = Path(path)

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def database(self) -> Path:
        return self.path / DATABASE_NAME

    @property
    def mappings_dir(self) -> Path:
        return self.path / "mappings"

    def exists(self) -> bool:
        return is_workspace(self.path)

    def version(self) -> str:
        """Changes whenever the stored ledger changes: a cache key for the app.

        A commit may only reach the write-ahead log (`ledger.duckdb.wal`) until DuckDB checkpoints it
        into the file: the log counts too.
        """
        stat = self.database.stat()
        try:
            log = self.database.with_name(self.database.name + ".wal").stat()
            logged = f"{log.st_mtime_ns}:{log.st_size}"
        except FileNotFoundError:
            logged = "-"
        return f"{self.database}:{stat.st_mtime_ns}:{stat.st_size}:{logged}"

    def explain(self, error: BaseException) -> WorkspaceError | None:
        """What a storage error raised while using this workspace means for the user; None if it is a bug.

        The first error of a chain is the cause: after a failed write DuckDB refuses everything else
        (« Current transaction is aborted »), and that refusal may be what surfaces.
        """
        causes: list[BaseException] = []
        link: BaseException | None = error
        while link is not None and len(causes) < 8:
            causes.append(link)
            link = link.__cause__ or link.__context__
        for cause in reversed(causes):
            explained = self._explain_one(cause)
            if explained is not None:
                return explained
        return None

    def _explain_one(self, error: BaseException) -> WorkspaceError | None:
        text = str(error).lower()
        number = getattr(error, "errno", None)
        if number in DISK_FULL_ERRNOS or any(sign in text for sign in DISK_FULL_SIGNS):
            reason = next((why for sign, why in DISK_FULL_SIGNS.items() if sign in text), "")
            if number == errno.EFBIG:
                reason = DISK_FULL_SIGNS["file too large"]
            return DiskFull(self.path, reason or _free_space(self.path))
        for sign, reason in CORRUPTION_SIGNS.items():
            if sign in text:
                return WorkspaceCorrupted(self.path, reason)
        if any(sign in text for sign in LOCK_SIGNS):
            return WorkspaceBusy(self.path)
        if number in READ_ONLY_ERRNOS or any(sign in text for sign in READ_ONLY_SIGNS):
            if number == errno.EROFS or "read-only file system" in text:
                return WorkspaceReadOnly(self.path, Message("workspace.reason.read_only_fs"))
            if ".wal" in text or Path(getattr(error, "filename", None) or "") == self.path:
                return WorkspaceReadOnly(self.path, Message("workspace.reason.folder_closed"))
            return WorkspaceReadOnly(self.path, Message("workspace.reason.permissions"))
        return None

    # -- reading ---------------------------------------------------------------------------

    def open(self, *, snapshot: bool = True) -> Ledger:
        if not self.exists():
            raise WorkspaceNotFound(self.path)
        shared = serving(self.database)
        if shared is not None:
            return shared.ledger  # this process reads the file through its store only
        ledger = self.retry_on_lock(lambda: Ledger.attach(self.database, snapshot=snapshot))
        if ledger.stale_schema:  # an earlier release's workspace: migrated in place if it can be written
            ledger.close()
            self.migrate()
            ledger = self.retry_on_lock(lambda: Ledger.attach(self.database, snapshot=snapshot))
        return ledger

    def migrate(self) -> bool:
        """Bring a workspace written by an earlier release to the current schema, in place.

        Returns whether it was migrated. A workspace that cannot be written (read-only file or
        folder, full disk, another writer) is left as it is: readers see the columns added since
        then empty.
        """
        with self._read() as connection:
            if not missing_columns(connection):
                return False
        try:
            with self._write():  # every write connection migrates first
                return True
        except (WorkspaceReadOnly, WorkspaceBusy, DiskFull, duckdb.IOException, duckdb.PermissionException, OSError):
            return False

    def imports(self) -> pd.DataFrame:
        with self._read() as connection:
            imports: pd.DataFrame = (
                connection.sql(
                    "SELECT import_id, imported_at, sources, documents, settlements, documents_total, settlements_total"
                    " FROM imports ORDER BY import_id"
                )
                .to_arrow_table()
                .to_pandas()
            )
            return imports

    def settings(self) -> dict[str, Any]:
        with self._read() as connection:
            return {
                key: json.loads(value)
                for key, value in connection.execute("SELECT key, value FROM settings").fetchall()
            }

    # -- writing ---------------------------------------------------------------------------

    def create(self) -> Workspace:
        with self._explained():
            self.path.mkdir(parents=True, exist_ok=True)
        with self._write() as connection:
            create_schema(connection)
        return self

    def save_settings(self, values: dict[str, Any]) -> None:
        with self._write() as connection, _transaction(connection):
            for key, value in values.items():
                connection.execute(
                    "INSERT OR REPLACE INTO settings VALUES ($key, $value)", {"key": key, "value": json.dumps(value)}
                )

    def import_files(
        self, paths: Iterable[str | Path], *, read: Callable[..., ImportResult] | None = None, **options: Any
    ) -> StoredImport:
        """Read files and store them in one transaction: all of them, or nothing.

        The same files imported twice, even at the same time from two processes, are stored once
        (the second finds them already imported). A refused or failed first import leaves no
        workspace behind. `read` parses the files (`read_files`'s arguments): the app passes one that
        runs in a child process under limits (kpi.store.sandbox), and stores what it returns through the
        connection its sessions read.
        """
        files = [Path(p) for p in paths]
        fingerprint = _Fingerprint(files)
        self._check_writable()
        unborn = first_missing_folder(self.path)
        if unborn is None and self.exists():
            self.migrate()  # an earlier release's workspace: its columns brought up to date before anything reads them
        try:
            # The same files again are answered from the import that stored them, without reading them.
            stored = self._already_imported(fingerprint) if self.exists() else None
            if stored is not None:
                return stored
            # Canonical files DuckDB reads itself, unless the caller parses them its own way (the app, in a sandbox).
            stored = self._import_native(files, fingerprint, options) if read is None else None
            if stored is not None:
                return stored
            for _ in range(STALE_RETRIES):
                stored = self._import_once(files, fingerprint, options, read)
                if stored is not None:
                    return stored
            raise WorkspaceBusy(self.path)
        except BaseException:
            if unborn is not None:
                self._remove_unborn(unborn)
            raise

    def import_text(self, name: str, text: str, **options: Any) -> StoredImport:
        """`text` imported as one file called `name` (a line typed in the app, a letter's log line): read and checked
        by the importers like any file, listed and removable like any import, its name the import's source."""
        import tempfile

        with tempfile.TemporaryDirectory(prefix="encours-text-") as folder:
            path = Path(folder) / name
            path.write_text(text, encoding="utf-8")
            return self.import_files([path], **options)

    def remove_import(self, import_id: int) -> None:
        with self._write() as connection, _transaction(connection):
            found = connection.execute(
                "SELECT count(*) FROM imports WHERE import_id = $i", {"i": import_id}
            ).fetchall()[0][0]
            if not found:
                raise ImportNotFound(self.path, import_id)
            for table in ("settlements", "documents", *ACTIVITY_TABLES, *SUPPLIER_TABLES, MANUAL_MATCHES, "imports"):
                connection.execute(f"DELETE FROM {table} WHERE import_id = $i", {"i": import_id})
            refresh_document_status(connection)

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A write connection to the stored tables, its block in one transaction (committed at its end, rolled
        back if it raises), the schema brought up to date first: for a writer of its own, such as the
        manual matching (kpi/store/matching.py)."""
        with self._write() as connection:
            create_schema(connection)
            with _transaction(connection):
                yield connection

    # -- inside an import --------------------------------------------------------------------

    def _already_imported(self, fingerprint: _Fingerprint) -> StoredImport | None:
        """The import that stored these very files (same names, same bytes), with the report it stored; None
        when they are new, or were stored before reports kept their state (then they are parsed as always,
        and the store's own check under the write lock says they are there)."""
        from kpi.importers import ImportReport

        with self._read() as connection:
            found = connection.execute(
                "SELECT import_id, report FROM imports WHERE fingerprint = $f", {"f": fingerprint.value()}
            ).fetchall()
        report = ImportReport.from_stored(found[0][1]) if found else None
        return None if report is None else StoredImport(found[0][0], True, report, 0, 0, 0)

    def _import_native(
        self, paths: list[Path], fingerprint: _Fingerprint, options: dict[str, Any]
    ) -> StoredImport | None:
        """Canonical files DuckDB reads and checks itself (kpi/store/native.py), stored in one transaction
        as `_import_once` stores them; None when they need the Python readers, which then read them as always
        and word any refusal.  Reading happens under the write lock here: the files are checked against the
        rows stored, in the transaction that stores them."""
        from kpi.store import native

        if serving(self.database) is not None:
            return None  # the app's server stores through its shared connection, files parsed in a sandbox
        if self.exists():
            stored_currency = self.settings().get("currency")
            if stored_currency and "currency" not in options:
                options = {**options, "currency": stored_currency}
        plan = native.plan(paths, options, mappings_dir=self.mappings_dir)
        if plan is None:
            return None
        digest = fingerprint.value()
        if self.exists():
            with _SpaceGuard(self.database) as guard, self._write() as connection:
                create_schema(connection)
                guard.remember()
                done = _native_transaction(connection, plan, digest)
        else:
            # None when another process was first: the usual path then finds what it stored.
            done = self._build_aside(lambda connection: _native_transaction(connection, plan, digest))
        return done

    def _import_once(
        self,
        paths: list[Path],
        fingerprint: _Fingerprint,
        options: dict[str, Any],
        read: Callable[..., ImportResult] | None = None,
    ) -> StoredImport | None:
        """Parse, then store unless another import changed the workspace meanwhile (then None)."""
        from kpi.importers import read_files

        state, known = None, None
        if self.exists():
            # A workspace holds one currency: amounts in another are refused, not stored as euros.
            stored_currency = self.settings().get("currency")
            if stored_currency and "currency" not in options:
                options = {**options, "currency": stored_currency}
            # With each document's amount and the credit applications already drawn on it, so that
            # a credit note is never applied beyond its amount across imports.
            with self._read() as connection:
                state = _import_state(connection)
                known = connection.sql(
                    "SELECT d.document_id, d.customer_id, d.issue_date, d.amount, a.credit_applications"
                    " FROM documents AS d LEFT JOIN ("
                    "   SELECT source_document_id AS document_id,"
                    "          list({'settlement_id': settlement_id, 'amount': amount}) AS credit_applications"
                    "   FROM settlements WHERE kind = 'credit' GROUP BY ALL) AS a USING (document_id)"
                ).to_arrow_table()
        # Parse before taking the write lock: reading a large file must not block other imports.
        result = (read or read_files)(paths, known_documents=known, mappings_dir=self.mappings_dir, **options)
        digest = fingerprint.value()
        if state is None:
            return self._create_with(result, digest)
        with _SpaceGuard(self.database) as guard, self._write() as connection:
            create_schema(connection)  # a workspace made before a canonical table existed gains it
            guard.remember()  # given back once the connection is closed, if the import fails
            connection.execute("BEGIN TRANSACTION")
            try:
                # Checked under the lock: the same files imported at the same time by another process.
                previous = connection.execute(
                    "SELECT import_id FROM imports WHERE fingerprint = $f", {"f": digest}
                ).fetchall()
                if previous:
                    connection.execute("ROLLBACK")
                    return StoredImport(previous[0][0], True, result.report, 0, 0, 0)
                if _import_state(connection) != state:
                    connection.execute("ROLLBACK")
                    return None  # validated against rows that have changed: read the files again
                stored = _store(connection, result.ledger, result.report, digest)
                connection.execute("COMMIT")
            except BaseException:
                _rollback_quietly(connection)
                raise
        return stored

    def _create_with(self, result: ImportResult, fingerprint: str) -> StoredImport | None:
        """The first import: a database built aside, then linked into place unless another process was first."""

        def store(connection: duckdb.DuckDBPyConnection) -> StoredImport:
            with _transaction(connection):
                return _store(connection, result.ledger, result.report, fingerprint)

        return self._build_aside(store)

    def _build_aside(self, fill: Callable[[duckdb.DuckDBPyConnection], T | None]) -> T | None:
        """A new database filled by `fill` under a name of its own, then linked into place as the workspace's:
        what `fill` returned, or None when it returned None or another process published first."""
        with self._explained():
            self.path.mkdir(parents=True, exist_ok=True)
        unborn = self.path / f".{DATABASE_NAME}.{os.getpid()}{UNBORN_SUFFIX}"
        _remove_database_files(unborn)
        try:
            with self._explained():
                connection = duckdb.connect(str(unborn))
                try:
                    create_schema(connection)
                    filled = fill(connection)
                    connection.execute("CHECKPOINT")  # everything in the one file that is linked
                finally:
                    with suppress(duckdb.Error):
                        connection.close()
                return filled if filled is not None and _publish(unborn, self.database) else None
        finally:
            _remove_database_files(unborn)

    def discard_remains(self, pid: int, created_from: Path | None) -> None:
        """What an import killed in process `pid` left: its database built aside, and the folders it made
        (from `created_from` down, as `first_missing_folder` gave before the import) unless a workspace lives there."""
        _remove_database_files(self.path / f".{DATABASE_NAME}.{pid}{UNBORN_SUFFIX}")
        if created_from is not None:
            self._remove_unborn(created_from)

    def _remove_unborn(self, top: Path) -> None:
        """Undo the folders a failed first import made, unless a workspace now lives there."""
        if self.exists():
            return
        shutil.rmtree(self.mappings_dir, ignore_errors=True)  # saved while reading: a cache, never data
        folder = self.path
        while True:
            with suppress(OSError):
                folder.rmdir()  # only when empty: another import's files keep it
            if folder == top or folder.parent == folder:
                return
            folder = folder.parent

    def _check_writable(self) -> None:
        """Refuse at once, before a long parse, what cannot be written (the real errors are classified too)."""
        if self.exists():
            if not os.access(self.database, os.W_OK):
                raise WorkspaceReadOnly(self.path, Message("workspace.reason.ledger_read_only"))
            if not os.access(self.path, os.W_OK):
                raise WorkspaceReadOnly(self.path, Message("workspace.reason.folder_closed"))
            return
        existing = self.path
        while not existing.exists() and existing.parent != existing:
            existing = existing.parent
        if not os.access(existing, os.W_OK):
            raise WorkspaceReadOnly(self.path, Message("workspace.reason.cannot_create", folder=str(existing)))

    # -- connections -------------------------------------------------------------------------

    def raise_read_only(self) -> None:
        raise WorkspaceReadOnly(self.path, Message("workspace.reason.ledger_read_only"))

    @contextmanager
    def _write(self) -> Iterator[duckdb.DuckDBPyConnection]:
        shared = serving(self.database)
        if shared is not None:
            # The file is this process's store's: a transaction on a cursor of it, one writer at a time.
            with shared.writing, shared.cursor(write=True) as cursor, self._explained():
                migrate_schema(cursor)
                yield cursor
            return
        key = str(self.database)
        with _WRITERS_LOCK:
            _WRITERS[key] = _WRITERS.get(key, 0) + 1
        try:
            connection = self.retry_on_lock(lambda: duckdb.connect(str(self.database)))
            try:
                with self._explained():
                    migrate_schema(connection)
                    yield connection
            finally:
                with suppress(duckdb.Error):
                    connection.close()
        finally:
            with _WRITERS_LOCK:
                _WRITERS[key] -= 1

    @contextmanager
    def _read(self) -> Iterator[duckdb.DuckDBPyConnection]:
        if not self.exists():
            raise WorkspaceNotFound(self.path)
        shared = serving(self.database)
        if shared is not None:
            with shared.cursor(write=False) as cursor, self._explained():
                cursor.execute(
                    f"USE {WORKSPACE_ALIAS}"
                )  # the stored tables themselves, as a connection to the file sees them
                yield cursor
            return
        connection = self.retry_on_lock(lambda: duckdb.connect(str(self.database), read_only=True))
        try:
            with self._explained():
                yield connection
        finally:
            with suppress(duckdb.Error):
                connection.close()

    @contextmanager
    def _explained(self) -> Iterator[None]:
        try:
            yield
        except (duckdb.Error, OSError) as error:
            if isinstance(error, EncoursError):
                raise
            explained = self.explain(error)
            if explained is None:
                raise
            raise explained from error

    def retry_on_lock(self, open_connection: Callable[[], T]) -> T:
        """Open, waiting a little while another process holds the write lock; other faults are said at once."""
        for attempt in range(LOCK_RETRIES):
            try:
                return open_connection()
            except duckdb.Error as error:
                explained = self.explain(error)
                if explained is None:
                    raise
                if not isinstance(explained, WorkspaceBusy) or attempt == LOCK_RETRIES - 1:
                    raise explained from error
            time.sleep(LOCK_WAIT_SECONDS)
        raise AssertionError("unreachable")


class _SpaceGuard:
    """Gives back the space a failed import claimed in the database file.

    A large import writes its rows into the file before it commits; when the disk fills up, the
    rollback leaves the file as large as it had grown, and the disk full. Once DuckDB's connection
    is closed, the file is cut back to its size before the import, but only when its headers (which
    say which blocks hold data) are still those from before and no one else has it open: no other
    process (DuckDB's own POSIX lock is taken, without waiting) and no other writer of this process.
    """

    HEADERS = 3 * 4096  # DuckDB's main header and its two database headers; data blocks follow

    def __init__(self, database: Path):
        self.database = database
        self.descriptor: int | None = None
        self.size: int | None = None
        self.headers = b""

    def __enter__(self) -> _SpaceGuard:
        with suppress(OSError):
            self.descriptor = os.open(self.database, os.O_RDWR)
        return self

    def __exit__(self, failure: type | None, *exc: object) -> None:
        if self.descriptor is None:
            return
        try:
            if failure is not None and self.size is not None:
                self._give_back(self.descriptor, self.size)
        finally:
            os.close(self.descriptor)

    def remember(self) -> None:
        """Called once the import holds the write lock, before it writes."""
        if self.descriptor is not None:
            self.size = os.fstat(self.descriptor).st_size
            self.headers = os.pread(self.descriptor, self.HEADERS, 0)

    def _give_back(self, descriptor: int, size: int) -> None:
        with _WRITERS_LOCK:
            if _WRITERS.get(str(self.database)) or serving(self.database) is not None:
                return  # another writer of this process, or its store, has the file open
            try:
                fcntl.lockf(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                return  # another process has the database open
            try:
                if os.fstat(descriptor).st_size > size and os.pread(descriptor, self.HEADERS, 0) == self.headers:
                    os.ftruncate(descriptor, size)
            except OSError:
                pass  # the space stays taken; the data is as it was all the same
            finally:
                fcntl.lockf(descriptor, fcntl.LOCK_UN)


def _native_transaction(
    connection: duckdb.DuckDBPyConnection, plan: native.Plan, fingerprint: str
) -> StoredImport | None:
    """Files staged and checked by kpi/store/native.py, then stored in one transaction: committed when stored,
    rolled back otherwise (already imported; or an id the Python path must refuse, then None)."""
    from kpi.store import native

    state = _import_state(connection)
    prepared = native.prepare(connection, plan)
    if prepared is None:
        return None
    try:
        connection.execute("BEGIN TRANSACTION")
        try:
            # Checked under the lock, as _import_once does: another connection of this process may have stored.
            done = native.store(connection, prepared, fingerprint) if _import_state(connection) == state else None
            connection.execute("COMMIT" if done is not None and not done.already_imported else "ROLLBACK")
        except BaseException:
            _rollback_quietly(connection)
            raise
    finally:
        native.release(connection, prepared)
    return done


def _import_state(connection: duckdb.DuckDBPyConnection) -> list[tuple[int, str]]:
    """Which imports the workspace holds: an import validated against another state must read its files again."""
    return (
        connection.execute("SELECT list((import_id, fingerprint) ORDER BY import_id) FROM imports").fetchall()[0][0]
        or []
    )


@contextmanager
def _transaction(connection: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """The block's writes in one transaction: committed at its end, rolled back if it raises."""
    connection.execute("BEGIN TRANSACTION")
    try:
        yield
        connection.execute("COMMIT")
    except BaseException:
        _rollback_quietly(connection)
        raise


def _rollback_quietly(connection: duckdb.DuckDBPyConnection) -> None:
    """Roll back if a transaction is still open: DuckDB ends it itself when a COMMIT fails, and a fatal
    error (a full disk during a checkpoint) invalidates the connection; the first error is the one to say."""
    with suppress(duckdb.Error):
        connection.execute("ROLLBACK")


def _publish(unborn: Path, database: Path) -> bool:
    """Put a newly built database in place unless one is already there (then False)."""
    try:
        os.link(unborn, database)  # atomic, and fails if another process published first
    except FileExistsError:
        return False
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EMLINK):
            raise
        if database.exists():  # a file system without hard links: a small race remains
            return False
        os.replace(unborn, database)
    return True


def _remove_database_files(database: Path) -> None:
    for path in (database, database.with_name(database.name + ".wal")):
        with suppress(FileNotFoundError):
            path.unlink()


def first_missing_folder(path: Path) -> Path | None:
    """The highest folder of `path` that does not exist yet (path itself, or a parent), or None."""
    path = path.absolute()
    if path.exists():
        return None
    while not path.parent.exists() and path.parent != path:
        path = path.parent
    return path


def _free_space(path: Path) -> Message | str:
    while not path.exists() and path.parent != path:
        path = path.parent
    try:
        free = shutil.disk_usage(path).free
    except OSError:
        return ""
    return Message("workspace.reason.free_space", megabytes=round(free / 1_000_000, 1))


class _Fingerprint:
    """The fingerprint of one import's files, hashed the first time it is asked for and only then (a file
    missing is said by whoever reads the files first)."""

    def __init__(self, paths: list[Path]) -> None:
        self._paths = paths
        self._value: str | None = None

    def value(self) -> str:
        if self._value is None:
            from kpi.importers.tables import expand_paths

            self._value = _fingerprint(expand_paths(self._paths))
        return self._value


def _fingerprint(paths: list[Path]) -> str:
    """What identifies a set of files whatever their order: a file is hashed in a stream, never held whole."""
    digests = []
    for path in paths:
        with path.open("rb") as stream:
            digests.append(hashlib.file_digest(stream, "sha256").hexdigest())
    digests.sort()
    return hashlib.sha256("\n".join(digests).encode()).hexdigest()


def _store(
    connection: duckdb.DuckDBPyConnection, canonical: CanonicalLedger, report: ImportReport, fingerprint: str
) -> StoredImport:
    """Insert the rows that are new; identical rows already stored are skipped, differing ones refused."""
    import_id = connection.execute("SELECT coalesce(max(import_id), 0) + 1 FROM imports").fetchall()[0][0]
    _refuse_conflicts(connection, canonical)
    activity_before = _activity_rows(connection)
    documents, settlements = insert_canonical(connection, canonical, import_id)
    activity = _activity_rows(connection) - activity_before
    incoming_activity = sum(table.num_rows for table in canonical.activity_tables().values())
    skipped = (
        canonical.documents.num_rows
        + canonical.settlements.num_rows
        + incoming_activity
        - documents
        - settlements
        - activity
    )
    connection.execute(
        "INSERT INTO imports VALUES ($id, $at, $sources, $fingerprint, $documents, $settlements,"
        " $documents_total, $settlements_total, $report)",
        {
            "id": import_id,
            "at": datetime.now(),
            "sources": list(canonical.sources),
            "fingerprint": fingerprint,
            "documents": documents,
            "settlements": settlements,
            "documents_total": _total(canonical.documents),
            "settlements_total": _total(canonical.settlements),
            "report": _stored_report(report),
        },
    )
    return StoredImport(import_id, False, report, documents, settlements, skipped, activity)


def _activity_rows(connection: duckdb.DuckDBPyConnection) -> int:
    return sum(connection.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0] for table in ACTIVITY_TABLES)


def _total(table: pa.Table) -> Decimal:
    import pyarrow.compute as pc

    return pc.sum(table.column("amount")).as_py() or Decimal("0.00")


def _refuse_conflicts(connection: duckdb.DuckDBPyConnection, canonical: CanonicalLedger) -> None:
    """An id already stored with other content means a corrected export: the user must choose."""
    from kpi.importers import ImportFailed, ImportIssue

    with registered(connection, incoming_documents=canonical.documents, incoming_settlements=canonical.settlements):
        conflicts = connection.execute(
            "SELECT i.document_id, d.import_id FROM incoming_documents i JOIN documents d USING (document_id)"
            " WHERE (i.customer_id, i.customer_name, i.activity, i.issue_date, i.due_date, i.amount)"
            "   IS DISTINCT FROM (d.customer_id, d.customer_name, d.activity, d.issue_date, d.due_date, d.amount)"
            " LIMIT 20"
        ).fetchall()
        conflicts += connection.execute(
            "SELECT i.settlement_id, s.import_id FROM incoming_settlements i JOIN settlements s USING (settlement_id)"
            " WHERE (i.document_id, i.customer_id, i.date, i.amount, i.kind, i.source_document_id)"
            "   IS DISTINCT FROM (s.document_id, s.customer_id, s.date, s.amount, s.kind, s.source_document_id)"
            " LIMIT 20"
        ).fetchall()
    from kpi.model.canonical import ACTIVITY_SCHEMAS, SUPPLIER_SCHEMAS

    conflicts += _row_conflicts(connection, canonical.activity_tables(), ACTIVITY_SCHEMAS)
    conflicts += _row_conflicts(connection, canonical.supplier_tables(), SUPPLIER_SCHEMAS)
    if conflicts:
        raise ImportFailed(
            [
                ImportIssue(
                    ", ".join(canonical.sources) or "import",
                    Message("workspace.conflict", identifier=identifier, import_id=owner),
                    column="document_id",
                    value=identifier,
                )
                for identifier, owner in conflicts
            ]
        )


def _row_conflicts(
    connection: duckdb.DuckDBPyConnection, tables: dict[str, pa.Table], schemas: dict[str, pa.Schema]
) -> list[tuple[Any, ...]]:
    """Rows of `tables` whose id (the first column of their schema) is stored with other content: a dispute
    stored open and now imported resolved, a supplier invoice corrected, is a corrected export too."""
    conflicts = []
    for table, incoming in tables.items():
        if incoming.num_rows == 0:
            continue
        key, *content = schemas[table].names
        with registered(connection, incoming_activity=incoming):
            conflicts += connection.execute(
                f"SELECT i.{key}, s.import_id FROM incoming_activity i JOIN {table} s USING ({key})"
                f" WHERE ({', '.join('i.' + c for c in content)}) IS DISTINCT FROM ({', '.join('s.' + c for c in content)})"
                " LIMIT 20"
            ).fetchall()
    return conflicts


def _stored_report(report: ImportReport) -> str:
    """The report as the imports table keeps it (ImportReport.stored_json); the plain dict alone when its
    state holds a value that JSON cannot give back (the same files are then parsed again)."""
    try:
        return report.stored_json()
    except TypeError:
        return json.dumps(_report_dict(report), default=str)


def _report_dict(report: ImportReport) -> dict[str, Any]:
    to_dict: Callable[[], dict[str, Any]] | None = getattr(report, "to_dict", None)
    if to_dict is not None:
        return to_dict()
    return {"files": [vars(f) for f in report.files]}


def ensure_demo_workspace(home: Path | None = None) -> Workspace:
    """The demo workspace, created from data/demo on first use."""
    workspace = Workspace(Path(home or default_home()) / DEMO_WORKSPACE)
    if not workspace.exists():
        workspace.import_files(sorted(DEMO_DIRECTORY.glob("*.csv")))
    return workspace
