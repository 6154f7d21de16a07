"""Workspaces under faults: damaged, read-only, full, busy, and the same import run twice at once.

How each fault is made:
- damaged: the real ledger.duckdb truncated, overwritten with random bytes, emptied, or with bytes
  changed inside its data blocks (DuckDB's checksums then fail);
- read-only: for real, the CLI run as `nobody` (setpriv) on a copy chmod-ed read-only when the tests run
  as root (root writes through any mode), as the user itself otherwise; and in process, `os.access`
  denied (the check made before parsing) or DuckDB's own refusals raised with the words DuckDB 2.0 uses;
- full disk: for real, RLIMIT_FSIZE in a child process (every write past the limit fails with EFBIG,
  the path a full disk takes through DuckDB: WAL write or checkpoint), and a 3 MB tmpfs where mounting
  one is allowed; in process, a write and a COMMIT failing with « No space left on device »;
- busy: a process holding DuckDB's write lock, as an import does during its write phase.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest
from ledgers import STORED_TABLES
from lock_holder import write_lock_held
from sample_files import MATCHING, MATCHING_FILES, WORKED_FILES

import kpi.importers
import kpi.store.workspace
from kpi.importers import ImportFailed
from kpi.metrics.report import period_report
from kpi.model.periods import Period
from kpi.store.workspace import DATABASE_NAME, Workspace
from kpi.text.errors import DiskFull, WorkspaceBusy, WorkspaceCorrupted, WorkspaceReadOnly

ROOT = Path(__file__).resolve().parent.parent
DEMO_FILES = sorted((ROOT / "data" / "demo").glob("*.csv"))


def child_environment(**extra) -> dict:
    return {**os.environ, "PYTHONPATH": str(ROOT), **extra}


def cli(*argv: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kpi", *map(str, argv)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=child_environment(),
        timeout=timeout,
    )


def contents(workspace: Workspace) -> dict:
    """Every stored row, in order: what must not change when a write fails."""
    with duckdb.connect(str(workspace.database), read_only=True) as connection:
        present = {row[0] for row in connection.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        return {
            table: connection.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()
            for table in STORED_TABLES
            if table in present
        }


@pytest.fixture
def stored(tmp_path) -> Workspace:
    workspace = Workspace(tmp_path / "ws")
    workspace.import_files(WORKED_FILES)
    return workspace


# -- damaged ---------------------------------------------------------------------------------------


def damage(database: Path, how: str) -> None:
    data = bytearray(database.read_bytes())
    if how == "truncated":
        data = data[:5000]
    elif how == "random bytes":
        data = bytearray(random.Random(10).randbytes(len(data)))
    elif how == "emptied":
        data = bytearray()
    else:  # bytes changed inside the data blocks, headers intact
        for offset in range(3 * 4096 + 100, len(data), 262_144):
            data[offset : offset + 64] = b"\x13" * 64
    database.write_bytes(bytes(data))


@pytest.mark.parametrize("how", ["truncated", "random bytes", "emptied", "blocks overwritten"])
def test_a_damaged_ledger_is_said_to_be_damaged_and_left_as_it_is(stored, how):
    damage(stored.database, how)
    damaged = stored.database.read_bytes()
    for attempt in (stored.open, stored.imports, lambda: stored.import_files(MATCHING_FILES)):
        with pytest.raises(WorkspaceCorrupted) as error:
            attempt()
        message = str(error.value)
        assert str(stored.database) in message and "endommagé" in message and "sauvegarde" in message
        assert "en cours d'écriture" not in message
    assert stored.database.read_bytes() == damaged  # kept for a recovery: never written to
    result = cli("report", stored.path, "--from", "2026-03-01", "--to", "2026-03-31")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "endommagé" in result.stderr and str(stored.database) in result.stderr


# -- read-only -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("denied", "reason"),
    [("file", "ledger.duckdb n'est pas modifiable"), ("folder", "le dossier n'accepte pas de nouveau fichier")],
)
def test_a_read_only_workspace_is_read_and_refuses_imports_before_parsing(stored, monkeypatch, denied, reason):
    target = stored.database if denied == "file" else stored.path
    real_access = os.access

    def access(path, mode, *args, **kwargs):
        return False if mode & os.W_OK and Path(path) == target else real_access(path, mode, *args, **kwargs)

    parsed = []
    monkeypatch.setattr(os, "access", access)
    monkeypatch.setattr(kpi.importers, "read_files", lambda *a, **k: parsed.append(a))
    before = contents(stored)
    with pytest.raises(WorkspaceReadOnly) as error:
        stored.import_files(MATCHING_FILES)
    assert (
        reason in str(error.value)
        and "lecture seule" in str(error.value)
        and "rapports restent lisibles" in str(error.value)
    )
    assert not parsed and contents(stored) == before
    assert period_report(stored.open(), Period.month(2026, 3)).closing_ar == 6500


class CommitRefused:
    """A connection whose COMMIT fails as DuckDB's does: the transaction is over when the error comes."""

    def __init__(self, connection, message: str, error=duckdb.TransactionException):
        self._connection, self._message, self._error = connection, message, error

    def execute(self, sql, *args, **kwargs):
        if sql.strip().upper() == "COMMIT":
            self._connection.execute("ROLLBACK")
            raise self._error(self._message)
        return self._connection.execute(sql, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._connection, name)


def refuse_writes(monkeypatch, message: str, *, at: str) -> None:
    """DuckDB refusing to write the workspace: when connecting read-write, or when committing."""
    real_connect = duckdb.connect

    def connect(database=":memory:", read_only=False, **kwargs):
        if read_only or not str(database).endswith(DATABASE_NAME):
            return real_connect(database, read_only=read_only, **kwargs)
        if at == "connect":
            raise duckdb.IOException(message.format(path=database))
        return CommitRefused(real_connect(database, read_only=read_only, **kwargs), message.format(path=database))

    monkeypatch.setattr(kpi.store.workspace.duckdb, "connect", connect)


@pytest.mark.parametrize(
    ("at", "message", "reason"),
    [
        # What DuckDB 2.0 says, run as an unprivileged user: a read-only file, then a read-only folder (the WAL).
        ("connect", 'IO Error: Cannot open file "{path}": Permission denied', "droits insuffisants"),
        (
            "commit",
            'TransactionContext Error: Failed to commit: Cannot open file "{path}.wal": Permission denied',
            "le dossier n'accepte pas de nouveau fichier",
        ),
        ("connect", 'IO Error: Cannot open file "{path}": Read-only file system', "monté en lecture seule"),
    ],
)
def test_duckdbs_own_refusals_are_read_only_messages(stored, monkeypatch, at, message, reason):
    before = contents(stored)
    refuse_writes(monkeypatch, message, at=at)
    with pytest.raises(WorkspaceReadOnly) as error:
        stored.import_files(MATCHING_FILES)
    assert reason in str(error.value) and "cannot rollback" not in str(error.value)
    assert isinstance(error.value.__cause__, duckdb.Error)
    monkeypatch.undo()
    assert contents(stored) == before


@contextmanager
def unprivileged_copy(source: Workspace):
    """A copy of the workspace that the user running the CLI owns, and a command prefix running as that user."""
    base = Path(tempfile.mkdtemp(prefix="encours-read-only-"))
    try:
        base.chmod(0o755)
        copy = base / source.path.name
        shutil.copytree(source.path, copy)
        shutil.copy(MATCHING_FILES[0], base / "documents.csv")
        prefix = []
        if os.geteuid() == 0:  # root writes through any mode: the CLI runs as nobody, who owns the copy
            for path in (copy, *copy.rglob("*"), base / "documents.csv"):
                os.chown(path, 65534, 65534)
            prefix = [shutil.which("setpriv") or "/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        yield base, copy, prefix
    finally:
        for path in (base, *base.rglob("*")):
            path.chmod(0o755 if path.is_dir() else 0o644)
        shutil.rmtree(base)


@pytest.mark.parametrize("denied", ["file", "folder"])
def test_a_read_only_workspace_for_real(stored, denied):
    with unprivileged_copy(stored) as (base, copy, prefix):
        (copy / DATABASE_NAME if denied == "file" else copy).chmod(0o444 if denied == "file" else 0o555)
        before = (copy / DATABASE_NAME).read_bytes()

        def run(*argv):
            return subprocess.run(
                [*prefix, sys.executable, "-m", "kpi", *map(str, argv)],
                cwd=ROOT,
                capture_output=True,
                text=True,
                env=child_environment(HOME=str(base)),
                timeout=120,
            )

        refused = run("import", copy, base / "documents.csv")
        assert refused.returncode == 2 and "Traceback" not in refused.stderr, refused.stderr
        assert "lecture seule" in refused.stderr and str(copy) in refused.stderr
        report = run("report", copy, "--from", "2026-03-01", "--to", "2026-03-31", "--format", "json")
        assert report.returncode == 0 and '"closing_ar": 6500.0' in report.stdout, report.stderr
        assert (copy / DATABASE_NAME).read_bytes() == before


# -- full disk -------------------------------------------------------------------------------------

FILE_SIZE_LIMITED = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG, as on a full disk
resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[1]), resource.RLIM_INFINITY))
import kpi.store.workspace
rollback = kpi.store.workspace._rollback_quietly

def said(connection):  # which of DuckDB's failures this run met, for the test to know the path it took
    print("first failure:", type(sys.exc_info()[1]).__name__, file=sys.stderr)
    rollback(connection)

kpi.store.workspace._rollback_quietly = said
from kpi.cli.main import main
sys.exit(main(sys.argv[2:]))
"""


@pytest.fixture(scope="module")
def larger_ledgers(tmp_path_factory):
    """Files large enough for DuckDB to write rows into the database file before the commit."""
    from kpi.demo.files import write_demo

    folder = tmp_path_factory.mktemp("larger")
    rows = folder / "rows" / "documents.csv"
    rows.parent.mkdir()
    with rows.open("w", encoding="utf-8") as out:
        out.write("document_id,customer_id,customer_name,activity,issue_date,due_date,amount\n")
        out.writelines(f"G{i},C{i % 500},Client {i % 500},S,2026-01-01,2026-01-31,100.00\n" for i in range(130_000))
    write_demo(folder / "demo", seed=1, invoices=40_000, customers=300)
    return {"rows": [rows], "demo": sorted((folder / "demo").glob("*.csv"))}


def import_with_file_size_limit(limit: int, workspace: Path, files) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", FILE_SIZE_LIMITED, str(limit), "import", str(workspace), *map(str, files)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=child_environment(),
        timeout=120,
    )


@pytest.mark.parametrize(
    ("room", "files", "failure"),
    [
        (0, "matching", "TransactionException"),  # the WAL cannot be written at COMMIT: DuckDB ends the transaction
        (300_000, "rows", "IOException"),  # rows written into the file during the INSERT, until it cannot grow
        (1_000_000, "demo", "FatalException"),  # the checkpoint of the COMMIT fails: DuckDB invalidates the database
    ],
)
def test_a_full_disk_rolls_back_and_leaves_the_workspace_as_it_was(stored, larger_ledgers, room, files, failure):
    files = MATCHING_FILES if files == "matching" else larger_ledgers[files]
    before, data = contents(stored), stored.database.read_bytes()
    limit = len(data) + room if room else 0
    result = import_with_file_size_limit(limit, stored.path, files)
    assert result.returncode == 2, result.stderr
    assert f"first failure: {failure}" in result.stderr
    assert "Traceback" not in result.stderr and "cannot rollback" not in result.stderr
    assert (
        "plus de place" in result.stderr
        and "rien n'a été enregistré" in result.stderr
        and str(stored.path) in result.stderr
    )
    assert stored.database.read_bytes() == data  # byte for byte: the space it took is given back
    assert contents(stored) == before
    assert not stored.import_files(files).already_imported  # with room again, the same import goes through


def test_a_full_disk_during_a_first_import_leaves_no_workspace(tmp_path):
    result = import_with_file_size_limit(100_000, tmp_path / "new" / "ws", DEMO_FILES)
    assert result.returncode == 2 and "plus de place" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "new").exists()


def test_a_write_failing_for_want_of_space_is_rolled_back(stored, monkeypatch):
    monkeypatch.setenv("ENCOURS_NATIVE_READ", "0")  # the Python readers' _store (the native one: test_native_read.py)
    before = contents(stored)
    real_store = kpi.store.workspace._store

    def store_then_fail(connection, *args):
        real_store(connection, *args)  # every row inserted, then the disk is full
        raise duckdb.IOException('IO Error: Could not write file "ledger.duckdb.wal": No space left on device')

    monkeypatch.setattr(kpi.store.workspace, "_store", store_then_fail)
    with pytest.raises(DiskFull) as error:
        stored.import_files(MATCHING_FILES)
    assert "il reste" in str(error.value) and "resté tel qu'il était" in str(error.value)
    monkeypatch.undo()
    assert contents(stored) == before


def test_a_commit_failing_for_want_of_space_is_not_followed_by_a_rollback_error(stored, monkeypatch):
    before = contents(stored)
    refuse_writes(
        monkeypatch,
        'TransactionContext Error: Failed to commit: Could not write file "{path}.wal": No space left on device',
        at="commit",
    )
    with pytest.raises(DiskFull) as error:
        stored.import_files(MATCHING_FILES)
    assert "no transaction is active" not in repr(error.value.__context__)
    monkeypatch.undo()
    assert contents(stored) == before


@pytest.fixture
def small_disk(tmp_path):
    """A 3 MB tmpfs: a disk that really fills up (mounting one needs CAP_SYS_ADMIN)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)], capture_output=True).returncode:
        pytest.skip("mounting a tmpfs needs CAP_SYS_ADMIN; RLIMIT_FSIZE covers the same paths above")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def test_a_disk_that_really_fills_up(small_disk):
    workspace = Workspace(small_disk / "ws")
    workspace.import_files(WORKED_FILES)
    before, data = contents(workspace), workspace.database.read_bytes()
    result = cli("import", workspace.path, *DEMO_FILES)
    assert result.returncode == 2 and "Traceback" not in result.stderr and "cannot rollback" not in result.stderr
    assert "plus de place" in result.stderr
    assert workspace.database.read_bytes() == data and contents(workspace) == before
    assert shutil.disk_usage(small_disk).free > 500_000  # the file gave back what it had taken
    new = cli("import", small_disk / "new", *DEMO_FILES)
    assert new.returncode == 2 and "plus de place" in new.stderr and not (small_disk / "new").exists()


# -- busy ------------------------------------------------------------------------------------------


def test_a_busy_workspace_is_waited_for_then_said_busy(stored, monkeypatch):
    monkeypatch.setattr(kpi.store.workspace, "LOCK_RETRIES", 2)
    before = contents(stored)
    with write_lock_held(stored.database):
        for attempt in (stored.open, stored.imports, lambda: stored.import_files(MATCHING_FILES)):
            with pytest.raises(WorkspaceBusy) as error:
                attempt()
            assert "est pris par un autre programme" in str(error.value) and "« ws »" in str(error.value)
    assert contents(stored) == before
    stored.import_files(MATCHING_FILES)  # free again


def test_a_report_during_an_imports_write_phase_waits_then_says_busy(stored):
    with write_lock_held(stored.database):
        started = time.monotonic()
        result = cli("report", stored.path, "--from", "2026-03-01", "--to", "2026-03-31")
        waited = time.monotonic() - started
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "est pris par un autre programme" in result.stderr and "réessayez" in result.stderr
    assert waited >= kpi.store.workspace.LOCK_RETRIES * kpi.store.workspace.LOCK_WAIT_SECONDS * 0.8


# -- commands racing each other -------------------------------------------------------------------

# A process that runs one CLI command per trial, each as soon as its signal file appears (after an
# optional delay): the interpreter starts once, and every trial's commands start at the same instant.
RACER = """
import contextlib, io, json, os, pathlib, sys, time, traceback
from kpi.cli.main import main
folder, delay, commands = pathlib.Path(sys.argv[1]), float(sys.argv[2]), json.loads(sys.argv[3])
print("ready", flush=True)
for trial, argv in enumerate(commands):
    go = folder / f"go-{trial}"
    while not go.exists():
        time.sleep(0.001)
    time.sleep(delay * trial)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err):
        try:
            status = main(argv, out)
        except BaseException:
            status, err = 1, io.StringIO(err.getvalue() + traceback.format_exc())
    done = folder / f"done-{trial}-{os.getpid()}.json"
    done.with_suffix(".part").write_text(json.dumps({"status": status, "out": out.getvalue(), "err": err.getvalue()}),
                                         encoding="utf-8")
    done.with_suffix(".part").rename(done)
"""


class Racers:
    """Processes running, trial after trial, their commands at the same instant."""

    def __init__(self, folder: Path, *command_lists: list[list], delays: tuple[float, ...] = ()):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.children = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    RACER,
                    str(folder),
                    str(delay),
                    json.dumps([[str(a) for a in argv] for argv in commands]),
                ],
                cwd=ROOT,
                env=child_environment(),
                stdout=subprocess.PIPE,
                text=True,
            )
            for commands, delay in zip(command_lists, delays or (0.0,) * len(command_lists))
        ]
        for child in self.children:
            assert child.stdout.readline().strip() == "ready"

    def trial(self, number: int, timeout: float = 120) -> list[dict]:
        (self.folder / f"go-{number}").touch()
        deadline = time.monotonic() + timeout
        done = [self.folder / f"done-{number}-{child.pid}.json" for child in self.children]
        while not all(path.exists() for path in done):
            assert time.monotonic() < deadline
            assert not any(c.poll() is not None and not p.exists() for c, p in zip(self.children, done)), "a racer died"
            time.sleep(0.01)
        return [json.loads(path.read_text(encoding="utf-8")) for path in done]

    def close(self) -> None:
        for child in self.children:
            child.wait(timeout=60)


def test_reports_racing_a_real_import_end_in_numbers_or_busy(tmp_path):
    workspaces = [Workspace(tmp_path / f"ws-{trial}") for trial in range(4)]
    for workspace in workspaces:
        workspace.import_files(WORKED_FILES)
    racers = Racers(
        tmp_path / "race",
        [["import", w.path, *DEMO_FILES] for w in workspaces],
        [["report", w.path, "--from", "2026-03-01", "--to", "2026-03-31", "--format", "json"] for w in workspaces],
        delays=(0.0, 0.3),
    )  # the report starts 0, 0.3, 0.6 then 0.9 s after the import
    statuses = []
    for trial in range(len(workspaces)):
        imported, report = racers.trial(trial)
        assert imported["status"] == 0 and "Traceback" not in imported["err"], imported["err"]
        assert report["status"] in (0, 2) and "Traceback" not in report["err"], report["err"]
        if report["status"]:
            assert "est pris par un autre programme" in report["err"]
        else:
            assert json.loads(report["out"])["period"]["start"] == "2026-03-01"
        statuses.append(report["status"])
    racers.close()
    print("report exit statuses:", statuses)


def test_the_same_import_started_twice_at_once_is_stored_once(tmp_path):
    def rows_of(*imports) -> dict:
        reference = Workspace(tmp_path / f"reference-{len(imports)}")
        for files in imports:
            reference.import_files(files)
        return {table: rows for table, rows in contents(reference).items() if table != "imports"}

    files = [*WORKED_FILES]
    expected = {0: rows_of(files), 1: rows_of([MATCHING / "documents.csv"], files)}
    workspaces = [Workspace(tmp_path / f"trial-{trial}") for trial in range(10)]
    for trial, workspace in enumerate(workspaces):
        if trial % 2:  # half the trials race in an existing workspace, half on its creation
            workspace.import_files([MATCHING / "documents.csv"])
    commands = [["import", w.path, *files] for w in workspaces]
    racers = Racers(tmp_path / "race", commands, commands)
    outcomes = []
    for trial, workspace in enumerate(workspaces):
        results = racers.trial(trial)
        for result in results:
            assert result["status"] in (0, 2) and "Traceback" not in result["err"], result["err"]
            assert "Duplicate key" not in result["err"]
            if result["status"]:
                assert "est pris par un autre programme" in result["err"]
        said = sorted("Déjà importé" in r["out"] for r in results if r["status"] == 0)
        assert said in ([False], [False, True]), [r["out"][-200:] for r in results]
        outcomes.append(tuple(r["status"] for r in results))
        stored = contents(workspace)
        assert len(stored["imports"]) == 1 + trial % 2
        assert {table: rows for table, rows in stored.items() if table != "imports"} == expected[trial % 2]
        assert not list(workspace.path.glob(".*.new*"))  # no database left aside
    racers.close()
    print("exit statuses of the 10 trials:", outcomes)


def test_an_import_committed_while_another_parses_is_validated_against(tmp_path, monkeypatch):
    """A-101 (−400) applied in full by settlements.csv, stored by another process while this import read
    a file applying it again: validated against the stale rows, it would be applied twice."""
    # The Python readers parse before taking the lock (native imports check under it: test_native_read.py).
    monkeypatch.setenv("ENCOURS_NATIVE_READ", "0")
    workspace = Workspace(tmp_path / "ws")
    workspace.import_files([MATCHING / "documents.csv"])
    extra = tmp_path / "more-settlements.csv"
    extra.write_text(
        "settlement_id,document_id,customer_id,date,amount,kind,source_document_id\n"
        "C-102,F-102,M1,2026-03-20,100.00,credit,A-101\n",
        encoding="utf-8",
    )
    real_read_files = kpi.importers.read_files
    reads = []

    def read_while_another_commits(paths, **options):
        reads.append([Path(p).name for p in paths])
        result = real_read_files(paths, **options)
        if len(reads) == 1:
            Workspace(workspace.path).import_files([MATCHING / "settlements.csv"])
        return result

    monkeypatch.setattr(kpi.importers, "read_files", read_while_another_commits)
    with pytest.raises(ImportFailed) as refused:
        workspace.import_files([extra])
    assert "A-101" in str(refused.value)
    assert reads[0] == reads[-1] == ["more-settlements.csv"] and len(reads) == 3  # read again after the commit
    assert len(workspace.imports()) == 2


def test_a_refused_first_import_leaves_no_folder(tmp_path):
    bad = tmp_path / "factures.csv"
    bad.write_text("document_id,customer_id\nX,Y\n", encoding="utf-8")
    with pytest.raises(ImportFailed):
        Workspace(tmp_path / "home" / "client" / "ws").import_files([bad])
    assert not (tmp_path / "home").exists()
    home = tmp_path / "existing"
    home.mkdir()
    with pytest.raises(ImportFailed):
        Workspace(home / "ws").import_files([bad])
    assert home.exists() and not list(home.iterdir())


AT_THE_SIGNAL = """
import pathlib, sys, time
from kpi.cli.main import main
print("ready", flush=True)
go = pathlib.Path(sys.argv[1])
while not go.exists():
    time.sleep(0.001)
sys.exit(main(sys.argv[2:]))
"""


def test_an_interrupted_first_import_leaves_no_folder(tmp_path):
    go = tmp_path / "go"
    child = subprocess.Popen(
        [sys.executable, "-c", AT_THE_SIGNAL, str(go), "import", str(tmp_path / "ws"), *map(str, DEMO_FILES)],
        cwd=ROOT,
        env=child_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout.readline().strip() == "ready"
    go.touch()
    time.sleep(0.1)  # reading the demo files takes longer
    child.send_signal(signal.SIGINT)
    _out, err = child.communicate(timeout=120)
    assert "Traceback" not in err
    if child.returncode == 130:
        assert "interrompu" in err and not (tmp_path / "ws").exists()
    else:  # it had finished: exit 0, or the signal came while Python was shutting down (its default action)
        assert child.returncode in (0, -signal.SIGINT) and Workspace(tmp_path / "ws").exists()
