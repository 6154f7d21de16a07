"""kpi.store.sandbox: reads and imports in a child process under a memory and time budget; results cross intact."""

from __future__ import annotations

import os
import pickle
import time
from decimal import Decimal
from pathlib import Path

import pytest
from sample_files import DATA, MATCHING_FILES, WORKED_FILES

from kpi.importers import ImportFailed, inspect_files, read_files
from kpi.store import sandbox
from kpi.store.workspace import DATABASE_NAME, Workspace
from kpi.text.errors import (
    DiskFull,
    ImportAborted,
    ImportNotFound,
    NotAWorkspace,
    OutputNotWritable,
    SourceNotFound,
    UsageError,
    WorkspaceBusy,
    WorkspaceCorrupted,
    WorkspaceNotFound,
    WorkspaceReadOnly,
)

BAD = DATA / "bad"


def huge_invoice_list(path: Path, rows: int = 600_000) -> Path:
    """About 33 MB of plain, valid rows: reading them needs about 900 MB of address space here."""
    with path.open("w", encoding="utf-8") as out:
        out.write("document_id,customer_id,customer_name,activity,issue_date,due_date,amount\n")
        out.writelines(f"F{i},C{i % 500},Client {i % 500},S,2026-01-01,2026-01-31,100.00\n" for i in range(rows))
    return path


def test_a_read_in_a_child_returns_exactly_what_read_files_returns():
    here = read_files(WORKED_FILES)
    there = sandbox.run_read(WORKED_FILES)
    assert there.ledger.documents.equals(here.ledger.documents)
    assert there.ledger.settlements.equals(here.ledger.settlements)
    assert there.report == here.report  # every file report, its Decimal figures and its warnings
    assert there.report.warnings and all(type(w).__name__ == "ImportIssue" for w in there.report.warnings)


def test_a_dry_run_in_one_child_says_how_each_file_is_read_and_what_importing_it_would_give():
    here = inspect_files(WORKED_FILES)
    looked = sandbox.run_dry_run(WORKED_FILES)
    assert looked.report == read_files(WORKED_FILES).report
    assert [(f.file, f.layout, f.mapping) for f in looked.inspection.files] == [
        (f.file, f.layout, f.mapping) for f in here.files
    ]
    assert [f.layout for f in looked.inspection.files] == ["canonical-documents", "canonical-settlements"]


def test_a_refused_dry_run_still_says_how_each_file_is_read():
    bad = sorted((BAD / "amount_letters").iterdir())
    with pytest.raises(ImportFailed) as here:
        read_files(bad)
    looked = sandbox.run_dry_run(bad)
    assert isinstance(looked.report, ImportFailed)
    assert looked.report.issues == here.value.issues and looked.report.issues
    assert [f.file for f in looked.inspection.files] == [p.name for p in bad]


def test_a_refused_file_raises_import_failed_with_the_same_issues():
    bad = sorted((BAD / "amount_letters").iterdir())
    with pytest.raises(ImportFailed) as here:
        read_files(bad)
    with pytest.raises(ImportFailed) as there:
        sandbox.run_read(bad)
    assert there.value.issues == here.value.issues and there.value.warnings == here.value.warnings
    issue = there.value.issues[0]
    assert (issue.file, issue.row, issue.column, issue.value) == ("factures.csv", 3, "Montant TTC", "12,5x")
    assert str(there.value) == str(here.value)


def test_an_import_in_a_child_stores_once_and_says_so_the_second_time(tmp_path):
    stored = sandbox.run_import(tmp_path / "ws", MATCHING_FILES)
    assert not stored.already_imported and stored.import_id == 1
    assert Workspace(tmp_path / "ws").open().counts() == {
        "documents": stored.documents,
        "settlements": stored.settlements,
    }
    again = sandbox.run_import(tmp_path / "ws", MATCHING_FILES)
    assert again.already_imported and again.import_id == 1
    assert again.report == stored.report


def test_a_refused_first_import_in_a_child_leaves_no_folder(tmp_path):
    with pytest.raises(ImportFailed):
        sandbox.run_import(tmp_path / "new" / "ws", sorted((BAD / "amount_letters").iterdir()))
    assert not (tmp_path / "new").exists()


def test_workspace_errors_cross_as_themselves(tmp_path):
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / DATABASE_NAME).write_bytes(os.urandom(40_000))
    with pytest.raises(WorkspaceCorrupted) as error:
        sandbox.run_import(broken, WORKED_FILES)
    assert error.value.path == broken and "endommagé" in str(error.value)


def test_the_time_budget_stops_the_child_and_names_the_file(tmp_path):
    started = time.monotonic()
    with pytest.raises(ImportAborted) as error:
        sandbox.run_read(WORKED_FILES, seconds=0.2)  # less than the child needs to start
    assert time.monotonic() - started < 3
    assert error.value.reason == "time" and error.value.files == ("documents.csv", "settlements.csv")
    assert "plus de 0,2 s" in str(error.value) and "documents.csv" in str(error.value)


def test_the_memory_budget_stops_a_file_too_big_for_it_and_names_it(tmp_path):
    huge = huge_invoice_list(tmp_path / "énorme.csv")
    with pytest.raises(ImportAborted) as error:
        sandbox.run_import(tmp_path / "ws", [WORKED_FILES[0], huge], memory_mb=600)
    assert error.value.reason == "memory" and error.value.files == ("énorme.csv",)
    assert "énorme.csv" in str(error.value) and "600 Mo" in str(error.value)
    assert not (tmp_path / "ws").exists()  # nothing was stored, no workspace left
    # The page's dry run (inspection and check in one child) stops at the same limit, said the same way.
    with pytest.raises(ImportAborted) as error:
        sandbox.run_dry_run([WORKED_FILES[0], huge], memory_mb=600)
    assert error.value.reason == "memory" and error.value.files == ("énorme.csv",)
    # The default budget reads it: the limit is what stopped it, not the file.
    assert sandbox.run_dry_run([huge]).report.files[0].rows_imported == 600_000


def test_a_bug_in_the_child_is_not_disguised_as_a_users_error():
    with pytest.raises(sandbox.ChildCrashed) as error:
        sandbox.run_read(WORKED_FILES, {"no_such_option": 1})
    assert "Traceback" in str(error.value) and "no_such_option" in str(error.value)
    assert not isinstance(error.value, ImportAborted)


def test_what_a_killed_import_left_is_removed(tmp_path):
    """A child killed while building a first import's database leaves `.ledger.duckdb.<pid>.new`."""
    workspace = Workspace(tmp_path / "a" / "ws")
    (workspace.path / "mappings").mkdir(parents=True)
    (workspace.path / f".{DATABASE_NAME}.4242.new").write_bytes(b"half")
    (workspace.path / f".{DATABASE_NAME}.4242.new.wal").write_bytes(b"half")
    workspace.discard_remains(4242, tmp_path / "a")
    assert not (tmp_path / "a").exists()
    kept = Workspace(tmp_path / "kept")
    kept.import_files(WORKED_FILES)
    kept.discard_remains(4242, tmp_path / "kept")  # a workspace lives there: nothing of it is touched
    assert kept.open().counts() == {"documents": 13, "settlements": 9}


@pytest.mark.parametrize(
    "error",
    [
        SourceNotFound([Path("a.csv")]),
        NotAWorkspace(Path("/d")),
        WorkspaceNotFound(Path("/w")),
        WorkspaceBusy(Path("/w")),
        WorkspaceReadOnly(Path("/w"), "r"),
        WorkspaceCorrupted(Path("/w"), "c"),
        DiskFull(Path("/w"), "d"),
        ImportNotFound(Path("/w"), 7),
        ImportAborted(("x.xlsx",), "memory", 600),
        OutputNotWritable(Path("/o.csv"), "Permission denied"),
        UsageError("u"),
    ],
)
def test_every_user_error_pickles_to_itself(error):
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error) and str(copy) == str(error) and vars(copy) == vars(error)


def test_results_and_issues_pickle_to_themselves(tmp_path):
    result = read_files(MATCHING_FILES)
    copy = pickle.loads(pickle.dumps(result))
    assert copy.report == result.report and copy.ledger.documents.equals(result.ledger.documents)
    assert copy.ledger.currency == result.ledger.currency and copy.ledger.sources == result.ledger.sources
    stored = Workspace(tmp_path / "ws").import_files(MATCHING_FILES)
    assert pickle.loads(pickle.dumps(stored)) == stored


def test_the_overhead_of_a_child_for_a_small_file():
    """A fresh interpreter importing pandas, pyarrow and DuckDB: about a second on the 2-core machine."""
    started = time.perf_counter()
    read_files(WORKED_FILES)
    in_process = time.perf_counter() - started
    started = time.perf_counter()
    sandbox.run_read(WORKED_FILES)
    in_child = time.perf_counter() - started
    print(f"read_files: {in_process:.2f} s in process, {in_child:.2f} s in a child")
    assert in_child - in_process < 10


def test_the_default_budget_grows_with_the_files():
    size = sum(p.stat().st_size for p in WORKED_FILES)
    assert sandbox.default_memory_mb(WORKED_FILES) == (
        sandbox.BASE_MEMORY_MB
        + sandbox.THREAD_STACKS_MB * os.cpu_count()
        + sandbox.MEMORY_PER_INPUT_MB * -(-size // 1_000_000)
    )
    # One path given as a string, not a list of paths.
    assert sandbox.run_dry_run(str(WORKED_FILES[0])).report.files[0].amount_imported == Decimal("14050.00")
