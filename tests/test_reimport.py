"""The same files imported again are answered from the import that stored them: not parsed a second time."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

import kpi.importers
from kpi.importers import ImportReport, read_files
from kpi.store import native
from kpi.store.workspace import Workspace

DATA = Path(__file__).parent / "data"
WORKED = sorted((DATA / "worked").glob("*.csv"))
FEC = DATA / "importers" / "real" / "fec" / "000000000FEC20231231.txt"


def _no_reading(monkeypatch):
    """Make every way of reading files fail, so that a test sees whether an import read them."""

    def refuse(*args, **kwargs):
        raise AssertionError("the files were read again")

    monkeypatch.setattr(kpi.importers, "read_files", refuse)
    monkeypatch.setattr(native, "plan", refuse)


@pytest.mark.parametrize("files", [WORKED, [FEC]], ids=["canonical pair", "FEC"])
def test_files_already_imported_are_answered_without_reading_them(tmp_path, monkeypatch, files):
    workspace = Workspace(tmp_path / "ws")
    first = workspace.import_files(files)
    assert not first.already_imported and first.documents > 0
    _no_reading(monkeypatch)
    again = workspace.import_files(files)
    assert again.already_imported and again.import_id == first.import_id
    assert (again.documents, again.settlements, again.skipped_identical) == (0, 0, 0)
    # The very report of the first import: its figures, its warnings, its messages in both languages.
    assert again.report == first.report
    assert again.report.to_text("fr") == first.report.to_text("fr")
    assert again.report.to_text("en") == first.report.to_text("en")
    assert workspace.open().counts() == {"documents": first.documents, "settlements": first.settlements}


def test_the_stored_report_gives_back_messages_decimals_and_dates():
    report = read_files([FEC]).report
    restored = ImportReport.from_stored(report.stored_json())
    assert restored == report
    (file,) = restored.files
    # The FEC's balance and classes keep their types, and an explanation stays a message in both languages.
    assert file.amount_in_file == report.files[0].amount_in_file and type(file.amount_in_file) is type(
        report.files[0].amount_in_file
    )
    assert [w.render("en") for w in restored.warnings] == [w.render("en") for w in report.warnings]


def test_an_import_stored_before_reports_kept_their_state_is_read_again(tmp_path, monkeypatch):
    workspace = Workspace(tmp_path / "ws")
    first = workspace.import_files(WORKED)
    connection = duckdb.connect(str(workspace.database))
    (stored,) = connection.execute("SELECT report FROM imports").fetchall()[0]
    plain = json.loads(stored)
    del plain["state"]
    connection.execute("UPDATE imports SET report = $r", {"r": json.dumps(plain)})
    connection.close()
    reads = []
    monkeypatch.setattr(native, "plan", lambda *args, **kwargs: reads.append(args) or None)
    again = workspace.import_files(WORKED)
    assert reads, "an import without its stored state must read the files to answer"
    assert again.already_imported and again.import_id == first.import_id
    assert again.report == first.report


def test_files_with_other_bytes_are_read(tmp_path):
    # The fingerprint is the files' bytes (names aside): one more row makes them new files, read and stored.
    workspace = Workspace(tmp_path / "ws")
    first = workspace.import_files(WORKED)
    changed = tmp_path / "changed"
    changed.mkdir()
    for path in WORKED:
        shutil.copy(path, changed / path.name)
    documents = changed / "documents.csv"
    header = documents.read_text(encoding="utf-8").splitlines()[0].split(",")
    row = {
        "document_id": "F-NEW",
        "customer_id": "C1",
        "customer_name": "Client 1",
        "issue_date": "2026-03-30",
        "due_date": "2026-04-29",
        "amount": "10.00",
        "activity": "Services",
    }
    with documents.open("a", encoding="utf-8") as out:
        out.write(",".join(row.get(column, "") for column in header) + "\n")
    again = workspace.import_files(sorted(changed.iterdir()))
    assert not again.already_imported and again.import_id == first.import_id + 1 and again.documents == 1


@pytest.mark.parametrize("native_read", ["1", "0"], ids=["native read", "Python readers"])
def test_an_import_hashes_its_files_once(tmp_path, monkeypatch, native_read):
    import kpi.store.workspace as workspace_module

    monkeypatch.setenv(native.SWITCH, native_read)
    workspace = Workspace(tmp_path / "ws")
    workspace.import_files([WORKED[0]])  # a workspace that exists: the already-imported lookup hashes first
    hashed = []
    real = workspace_module._fingerprint
    monkeypatch.setattr(workspace_module, "_fingerprint", lambda paths: hashed.append(paths) or real(paths))
    stored = workspace.import_files(WORKED)
    assert not stored.already_imported and len(hashed) == 1
