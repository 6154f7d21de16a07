"""A workspace written by the previous release (tests/data/previous-release) opens, migrates in place and reports the same numbers."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from sample_files import DATA, MATCHING_FILES

from kpi.cli.main import main
from kpi.sql.registry import missing_columns
from kpi.store.workspace import Workspace

PREVIOUS = DATA / "previous-release"
PROMISE_KEYS = ("promises_open_count", "promises_open_amount", "promise_kept_rate", "broken_promises_amount")
PERIODS = (("2026-02-01", "2026-02-28"), ("2026-03-01", "2026-03-31"), ("2026-01-01", "2026-03-31"))


@pytest.fixture
def previous(tmp_path) -> Path:
    with zipfile.ZipFile(PREVIOUS / "workspace.zip") as archive:
        archive.extractall(tmp_path)
    return tmp_path / "ws"


def _stored_missing(path: Path) -> dict:
    with duckdb.connect(str(path / "ledger.duckdb"), read_only=True) as connection:
        return missing_columns(connection)


def _report(path: Path, start: str, end: str) -> dict:
    out = io.StringIO()
    assert main(["report", str(path), "--from", start, "--to", end, "--format", "json"], out) == 0
    return json.loads(out.getvalue())


def test_the_file_is_really_from_before_credit_applications(previous):
    assert _stored_missing(previous) == {"settlements": ["source_document_id", "reference"]}


@pytest.mark.parametrize(("start", "end"), PERIODS)
def test_it_reports_what_the_previous_release_reported(previous, start, end):
    expected = json.loads((PREVIOUS / f"report-{start}-{end}.json").read_text())
    report = _report(previous, start, end)
    # The promises log came later: its KPIs are null (no log), never 0; everything else is as it was.
    assert {key: report["activity"].pop(key) for key in PROMISE_KEYS} == dict.fromkeys(PROMISE_KEYS)
    assert report == expected
    assert _stored_missing(previous) == {}  # migrated in place on first open


def test_migration_keeps_every_row_and_setting_and_accepts_credits(previous):
    workspace = Workspace(previous)
    with duckdb.connect(str(workspace.database), read_only=True) as connection:
        before = connection.execute("SELECT count(*), sum(amount) FROM settlements").fetchall()
    assert workspace.migrate() is True
    assert workspace.migrate() is False  # once is enough
    with duckdb.connect(str(workspace.database), read_only=True) as connection:
        assert connection.execute("SELECT count(*), sum(amount) FROM settlements").fetchall() == before
        assert connection.execute(
            "SELECT count(*) FROM settlements WHERE source_document_id IS NOT NULL"
        ).fetchall() == [(0,)]
    assert workspace.settings()["bucket_edges"] == [15, 30, 60, 90]
    assert workspace.settings()["monthly_collection_cost"] == "1200.00"
    assert len(workspace.imports()) == 2
    # The new kind is accepted: the matching example's credit notes applied to its invoices.
    stored = workspace.import_files(MATCHING_FILES)
    assert stored.settlements == 8
    with duckdb.connect(str(workspace.database), read_only=True) as connection:
        assert connection.execute("SELECT count(*) FROM settlements WHERE kind = 'credit'").fetchall() == [(2,)]


def test_the_aged_balance_is_the_same_with_its_unapplied_column_split(previous, tmp_path):
    output = tmp_path / "aging.csv"
    assert (
        main(["aging", str(previous), "--as-of", "2026-03-31", "--format", "csv", "-o", str(output)], io.StringIO())
        == 0
    )

    def rows(path: Path) -> dict[str, dict[str, Decimal]]:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
        reader = csv.DictReader(
            lines[lines.index(next(line for line in lines if line.startswith("Client;"))) :], delimiter=";"
        )
        return {
            row["Code client"]: {
                k: Decimal(v.replace(",", ".")) for k, v in row.items() if k not in ("Client", "Code client")
            }
            for row in reader
        }

    old, new = rows(PREVIOUS / "aging-2026-03-31.csv"), rows(output)
    assert old.keys() == new.keys()
    for customer, amounts in old.items():
        split = new[customer]
        assert split["Avoirs non imputés"] + split["Règlements non lettrés"] == amounts.pop("Avoirs et non lettré")
        assert {k: split[k] for k in amounts} == amounts, customer


def test_a_workspace_that_cannot_be_written_is_read_without_migrating(previous, monkeypatch):
    """A read-only copy (a colleague's folder, a backup): opening it must not need to write it."""
    from kpi.metrics.report import period_reports
    from kpi.model.periods import Period

    def refuse(self):
        raise duckdb.IOException("IO Error: Cannot open file: Permission denied")

    monkeypatch.setattr(Workspace, "_write", refuse)
    expected = json.loads((PREVIOUS / "report-2026-03-01-2026-03-31.json").read_text())
    workspace = Workspace(previous)
    assert workspace.migrate() is False
    for snapshot in (True, False):
        with workspace.open(snapshot=snapshot) as ledger:
            report = period_reports(ledger, [Period.month(2026, 3)])[0].to_json_dict()
        assert {k: report[k] for k in ("closing_ar", "aging", "unapplied_credits", "dso")} == {
            k: expected[k] for k in ("closing_ar", "aging", "unapplied_credits", "dso")
        }
    assert _stored_missing(previous) == {"settlements": ["source_document_id", "reference"]}


def test_an_import_straight_into_it_migrates_it_first(previous, tmp_path):
    """Nothing opened it before: the import itself brings its columns up to date, then stores the log (a file the
    Python readers parse, checked against the stored documents: the query that failed on the missing column)."""
    log = tmp_path / "promesses.csv"
    log.write_text(
        "Code client,N° facture,Date promesse,Date promise,Montant promis\nC2,F-004,2026-03-02,2026-03-20,150.00\n"
    )
    out = io.StringIO()
    assert main(["import", str(previous), str(log), "--lang", "en"], out) == 0, out.getvalue()
    assert _stored_missing(previous) == {}
    with duckdb.connect(str(previous / "ledger.duckdb"), read_only=True) as connection:
        assert connection.execute("SELECT document_id, amount FROM promises").fetchall() == [
            ("F-004", Decimal("150.00"))
        ]
