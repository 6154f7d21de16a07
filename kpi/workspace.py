"""Workspaces: a directory per client holding one DuckDB file, written by imports in one transaction."""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kpi.canonical import ACTIVITY_SCHEMAS, CanonicalLedger
from kpi.importers import ImportFailed, ImportIssue, ImportReport, read_files
from kpi.ledger import Ledger, insert_canonical
from kpi.registry import create_schema, migrate_schema, missing_columns, refresh_document_status

DATABASE_NAME = "ledger.duckdb"
DEMO_DIRECTORY = Path(__file__).resolve().parent.parent / "data" / "demo"
DEMO_WORKSPACE = "demo"
# A writer in another process holds DuckDB's file lock only for the few seconds of an import.
LOCK_RETRIES = 20
LOCK_WAIT_SECONDS = 0.25


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


class WorkspaceBusy(Exception):
    """Another process is writing to the workspace."""


class Workspace:
    """A directory with `ledger.duckdb`; readers take in-memory snapshots, imports write atomically."""

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
        """Changes whenever the stored ledger changes: a cache key for the app."""
        stat = self.database.stat()
        return f"{self.database}:{stat.st_mtime_ns}:{stat.st_size}"

    # -- reading ---------------------------------------------------------------------------

    def open(self, *, snapshot: bool = True) -> Ledger:
        if not self.exists():
            raise FileNotFoundError(f"no workspace at {self.path} (create it with `python -m kpi import {self.path} FILES…`)")
        self.migrate()
        return _retry_on_lock(lambda: Ledger.attach(self.database, snapshot=snapshot))

    def migrate(self) -> bool:
        """Bring a workspace written by an earlier release to the current schema, in place.

        Returns whether it was migrated. A workspace that cannot be written (read-only file or
        folder) is left as it is: readers see the columns added since then empty.
        """
        with self._read() as connection:
            if not missing_columns(connection):
                return False
        try:
            with self._write():  # every write connection migrates first
                return True
        except (duckdb.IOException, duckdb.PermissionException, WorkspaceBusy, OSError):
            return False

    def imports(self) -> pd.DataFrame:
        with self._read() as connection:
            return connection.sql(
                "SELECT import_id, imported_at, sources, documents, settlements, documents_total, settlements_total"
                " FROM imports ORDER BY import_id"
            ).to_arrow_table().to_pandas()

    def settings(self) -> dict:
        with self._read() as connection:
            return {key: json.loads(value) for key, value in connection.execute("SELECT key, value FROM settings").fetchall()}

    # -- writing ---------------------------------------------------------------------------

    def create(self) -> Workspace:
        self.path.mkdir(parents=True, exist_ok=True)
        with self._write() as connection:
            create_schema(connection)
        return self

    def save_settings(self, values: dict) -> None:
        with self._write() as connection:
            for key, value in values.items():
                connection.execute(
                    "INSERT OR REPLACE INTO settings VALUES ($key, $value)", {"key": key, "value": json.dumps(value)}
                )

    def import_files(self, paths: list[Path], **options) -> StoredImport:
        """Read files and store them in one transaction: all of them, or nothing."""
        if not self.exists():
            self.create()
        paths = [Path(p) for p in paths]
        fingerprint = _fingerprint(paths)
        # Parse before taking the write lock: reading a large file must not block other imports.
        with self._read() as connection:
            previous = connection.execute(
                "SELECT import_id FROM imports WHERE fingerprint = $f", {"f": fingerprint}
            ).fetchall()
            # With each document's amount and the credit applications already drawn on it, so that
            # a credit note is never applied beyond its amount across imports.
            known = connection.sql(
                "SELECT d.document_id, d.customer_id, d.issue_date, d.amount, a.credit_applications"
                " FROM documents AS d LEFT JOIN ("
                "   SELECT source_document_id AS document_id,"
                "          list({'settlement_id': settlement_id, 'amount': amount}) AS credit_applications"
                "   FROM settlements WHERE kind = 'credit' GROUP BY ALL) AS a USING (document_id)"
            ).to_arrow_table()
        result = read_files(paths, known_documents=known, mappings_dir=self.mappings_dir, **options)
        if previous:
            return StoredImport(previous[0][0], True, result.report, 0, 0, 0)
        with self._write() as connection:
            create_schema(connection)  # a workspace made before a canonical table existed gains it
            connection.execute("BEGIN TRANSACTION")
            try:
                stored = _store(connection, result.ledger, result.report, fingerprint)
                connection.execute("COMMIT")
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            return stored

    def remove_import(self, import_id: int) -> None:
        with self._write() as connection:
            connection.execute("BEGIN TRANSACTION")
            try:
                found = connection.execute("SELECT count(*) FROM imports WHERE import_id = $i", {"i": import_id}).fetchall()[0][0]
                if not found:
                    raise ValueError(f"no import #{import_id} in workspace {self.name}")
                for table in ("settlements", "documents", *ACTIVITY_SCHEMAS, "imports"):
                    connection.execute(f"DELETE FROM {table} WHERE import_id = $i", {"i": import_id})
                refresh_document_status(connection)
                connection.execute("COMMIT")
            except BaseException:
                connection.execute("ROLLBACK")
                raise

    def _write(self) -> duckdb.DuckDBPyConnection:
        connection = _retry_on_lock(lambda: duckdb.connect(str(self.database)))
        try:
            migrate_schema(connection)
        except BaseException:
            connection.close()
            raise
        return connection

    def _read(self) -> duckdb.DuckDBPyConnection:
        return _retry_on_lock(lambda: duckdb.connect(str(self.database), read_only=True))


def _retry_on_lock(open_connection):
    for attempt in range(LOCK_RETRIES):
        try:
            return open_connection()
        except duckdb.IOException as error:
            if "lock" not in str(error).lower() or attempt == LOCK_RETRIES - 1:
                raise WorkspaceBusy(
                    "l'espace de travail est en cours d'écriture par un autre programme ; réessayez dans un instant"
                ) from error
            time.sleep(LOCK_WAIT_SECONDS)
    raise AssertionError("unreachable")


def _fingerprint(paths: list[Path]) -> str:
    digests = sorted(hashlib.sha256(path.read_bytes()).hexdigest() for path in paths)
    return hashlib.sha256("\n".join(digests).encode()).hexdigest()


def _store(connection: duckdb.DuckDBPyConnection, canonical: CanonicalLedger, report: ImportReport, fingerprint: str) -> StoredImport:
    """Insert the rows that are new; identical rows already stored are skipped, differing ones refused."""
    import_id = connection.execute("SELECT coalesce(max(import_id), 0) + 1 FROM imports").fetchall()[0][0]
    _refuse_conflicts(connection, canonical)
    activity_before = _activity_rows(connection)
    documents, settlements = insert_canonical(connection, canonical, import_id)
    activity = _activity_rows(connection) - activity_before
    incoming_activity = sum(table.num_rows for table in canonical.activity_tables().values())
    skipped = (canonical.documents.num_rows + canonical.settlements.num_rows + incoming_activity
               - documents - settlements - activity)
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
            "report": json.dumps(_report_dict(report), default=str),
        },
    )
    return StoredImport(import_id, False, report, documents, settlements, skipped, activity)


def _activity_rows(connection: duckdb.DuckDBPyConnection) -> int:
    return sum(connection.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0] for table in ACTIVITY_SCHEMAS)


def _total(table: pa.Table) -> Decimal:
    return pc.sum(table.column("amount")).as_py() or Decimal("0.00")


def _refuse_conflicts(connection: duckdb.DuckDBPyConnection, canonical: CanonicalLedger) -> None:
    """An id already stored with other content means a corrected export: the user must choose."""
    connection.register("incoming_documents", canonical.documents)
    connection.register("incoming_settlements", canonical.settlements)
    try:
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
    finally:
        connection.unregister("incoming_documents")
        connection.unregister("incoming_settlements")
    conflicts += _activity_conflicts(connection, canonical)
    if conflicts:
        raise ImportFailed(
            [
                ImportIssue(
                    ", ".join(canonical.sources) or "import",
                    f"la pièce {identifier} est déjà enregistrée (import n° {owner}) avec un contenu différent ;"
                    " supprimez cet import avant de réimporter une version corrigée",
                    column="document_id",
                    value=identifier,
                )
                for identifier, owner in conflicts
            ]
        )


def _activity_conflicts(connection: duckdb.DuckDBPyConnection, canonical: CanonicalLedger) -> list[tuple]:
    """A dispute stored open and now imported resolved (same id, other content) is a corrected log too."""
    conflicts = []
    for table, incoming in canonical.activity_tables().items():
        if incoming.num_rows == 0:
            continue
        key, *content = ACTIVITY_SCHEMAS[table].names
        connection.register("incoming_activity", incoming)
        try:
            conflicts += connection.execute(
                f"SELECT i.{key}, s.import_id FROM incoming_activity i JOIN {table} s USING ({key})"
                f" WHERE ({', '.join('i.' + c for c in content)}) IS DISTINCT FROM ({', '.join('s.' + c for c in content)})"
                " LIMIT 20"
            ).fetchall()
        finally:
            connection.unregister("incoming_activity")
    return conflicts


def _report_dict(report: ImportReport) -> dict:
    to_dict = getattr(report, "to_dict", None)
    if to_dict is not None:
        return to_dict()
    return {"files": [vars(f) for f in report.files]}


def ensure_demo_workspace(home: Path | None = None) -> Workspace:
    """The demo workspace, created from data/demo on first use."""
    workspace = Workspace(Path(home or default_home()) / DEMO_WORKSPACE)
    if not workspace.exists():
        workspace.import_files(sorted(DEMO_DIRECTORY.glob("*.csv")))
    return workspace
