"""The process-wide store of a workspace (kpi/store/store.py): one connection every session reads, writes
through it that readers never wait on, the file let go when idle so that another process can import."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

import pytest
from lock_holder import write_lock_held
from sample_files import MATCHING_FILES, WORKED_FILES
from test_workspace_faults import unprivileged_copy

import kpi.store.store
import kpi.store.workspace
from kpi.metrics.report import period_report
from kpi.model.periods import Period
from kpi.store.sandbox import import_parsed_in_child
from kpi.store.store import SharedLedger, serving, share
from kpi.store.workspace import Workspace
from kpi.text.errors import WorkspaceBusy

ROOT = Path(__file__).resolve().parent.parent
MARCH = Period.month(2026, 3)


@pytest.fixture
def workspace(tmp_path):
    workspace = Workspace(tmp_path / "client")
    workspace.import_files(WORKED_FILES)
    yield workspace
    store = serving(workspace.database)
    if store is not None:
        store.release()


@pytest.fixture
def quick_idle(monkeypatch):
    monkeypatch.setattr(kpi.store.store, "IDLE_SECONDS", 0.2)


def wait_until(condition, seconds=5.0):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition never met"
        time.sleep(0.05)


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kpi", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
    )


def test_one_store_per_workspace_and_its_ledger_reads_the_file(workspace):
    store = share(workspace)
    assert share(Workspace(workspace.path)) is store  # another Workspace object, the same file
    assert isinstance(workspace.open(), SharedLedger) and workspace.open() is store.ledger
    assert period_report(store.ledger, MARCH).closing_ar == Decimal("6500.00")  # worked example
    assert store.ledger.counts() == {"documents": 13, "settlements": 9}


def test_readers_see_an_import_once_committed_and_never_wait_on_it(workspace):
    store = share(workspace)
    reader = store.ledger
    before = workspace.version()
    seen_during = []

    def parse_then_read(paths, **options):
        # While the import runs, another session reads: the rows before the import, at once.
        from kpi.importers import read_files

        result = read_files(paths, **options)
        thread = threading.Thread(target=lambda: seen_during.append(reader.counts()["settlements"]))
        thread.start()
        thread.join(timeout=10)
        return result

    stored = workspace.import_files(MATCHING_FILES, read=parse_then_read)
    assert seen_during == [9]
    assert stored.documents > 0 and store.is_open
    assert reader.counts()["documents"] == 13 + stored.documents  # committed: read through the same connection
    assert workspace.version() != before  # every cached result keyed by version is recomputed


def test_a_reader_during_an_open_write_transaction_sees_the_committed_rows(workspace):
    store = share(workspace)
    with workspace._write() as writer:
        writer.execute("BEGIN TRANSACTION")
        writer.execute("DELETE FROM settlements")
        assert store.ledger.counts()["settlements"] == 9  # not blocked, not the uncommitted delete
        writer.execute("ROLLBACK")
    assert store.ledger.counts()["settlements"] == 9


def test_the_app_import_parses_in_a_child_and_stores_through_the_store(workspace):
    store = share(workspace)
    store.ledger.counts()  # the file is attached: a child could not write it
    stored = import_parsed_in_child(workspace, MATCHING_FILES)
    assert not stored.already_imported and stored.documents > 0
    assert store.ledger.counts()["documents"] == 13 + stored.documents
    assert list(workspace.imports()["import_id"]) == [1, 2]


def test_settings_and_removed_imports_go_through_the_store(workspace):
    store = share(workspace)
    workspace.save_settings({"currency": "EUR", "company_name": "Dupont SA"})
    assert store.ledger.settings()["company_name"] == "Dupont SA"
    workspace.remove_import(1)
    assert store.ledger.counts() == {"documents": 0, "settlements": 0}


def test_an_idle_store_lets_the_file_go_and_reads_another_process_import(workspace, quick_idle):
    store = share(workspace)
    assert store.ledger.counts()["documents"] == 13
    wait_until(lambda: not store.is_open)
    version = workspace.version()
    done = cli("import", str(workspace.path), *map(str, MATCHING_FILES))
    assert done.returncode == 0, done.stderr
    assert workspace.version() != version
    assert store.ledger.counts()["documents"] > 13  # the next read attaches the file again


def test_another_process_import_waits_for_a_busy_store_then_lands(workspace, quick_idle):
    store = share(workspace)
    store.ledger.counts()  # attached now; let go 0.2 s after, well within the importer's lock retries
    done = cli("import", str(workspace.path), *map(str, MATCHING_FILES))
    assert done.returncode == 0, done.stderr
    assert store.ledger.counts()["documents"] > 13


def test_a_store_whose_file_another_process_writes_says_busy(workspace, monkeypatch):
    monkeypatch.setattr(kpi.store.workspace, "LOCK_RETRIES", 2)
    monkeypatch.setattr(kpi.store.workspace, "LOCK_WAIT_SECONDS", 0.05)
    with write_lock_held(workspace.database), pytest.raises(WorkspaceBusy):
        share(workspace).ledger.counts()
    assert share(workspace).ledger.counts()["documents"] == 13  # the writer gone, the next read goes through


STORE_ON_READ_ONLY = """
import sys
from pathlib import Path
from kpi.text.errors import WorkspaceReadOnly
from kpi.store.store import share
from kpi.store.workspace import Workspace
workspace = Workspace(Path(sys.argv[1]))
print(share(workspace).ledger.counts()["documents"])
try:
    workspace.save_settings({"company_name": "Dupont SA"})
except WorkspaceReadOnly as error:
    print("read-only:", error)
"""


def test_a_read_only_workspace_is_read_through_the_store_and_a_write_says_why(workspace):
    with unprivileged_copy(workspace) as (base, copy, prefix):
        (copy / "ledger.duckdb").chmod(0o444)
        before = (copy / "ledger.duckdb").read_bytes()
        done = subprocess.run(
            [*prefix, sys.executable, "-c", STORE_ON_READ_ONLY, str(copy)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT), "HOME": str(base)},
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        lines = done.stdout.splitlines()
        assert lines[0] == "13" and lines[1].startswith("read-only:") and "lecture seule" in lines[1]
        assert (copy / "ledger.duckdb").read_bytes() == before
