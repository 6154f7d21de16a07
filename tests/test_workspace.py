"""Workspaces: import all-or-nothing, idempotent re-import, removing an import, readers never block writers."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from sample_files import WORKED_FILES

from kpi.importers import ImportFailed
from kpi.metrics.report import period_report
from kpi.model.periods import Period
from kpi.store.workspace import Workspace, ensure_demo_workspace, list_workspaces
from kpi.text.errors import ImportNotFound


@pytest.fixture
def workspace(tmp_path):
    return Workspace(tmp_path / "client")


def stored_counts(workspace):
    with duckdb.connect(str(workspace.database), read_only=True) as connection:
        return connection.execute(
            "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM settlements), (SELECT count(*) FROM imports)"
        ).fetchone()


def supplier_invoices(workspace):
    with duckdb.connect(str(workspace.database), read_only=True) as connection:
        return connection.execute("SELECT count(*), sum(amount) FROM supplier_documents").fetchone()


def refused_import(workspace: Workspace, path, text: str) -> str:
    """The message of the refusal of a file holding `text` (UTF-8) imported into the workspace."""
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ImportFailed) as refused:
        workspace.import_files([path])
    return str(refused.value)


def test_import_then_report_from_workspace(workspace):
    stored = workspace.import_files(WORKED_FILES)
    assert (stored.documents, stored.settlements, stored.already_imported) == (13, 9, False)
    ledger = workspace.open()
    assert period_report(ledger, Period.month(2026, 3)).closing_ar == Decimal("6500.00")
    imports = workspace.imports()
    assert imports["documents_total"].tolist() == [Decimal("14050.00")]
    assert imports["settlements_total"].tolist() == [Decimal("10050.00")]


def test_reimporting_the_same_files_adds_nothing(workspace):
    first = workspace.import_files(WORKED_FILES)
    again = workspace.import_files(WORKED_FILES)
    assert again.already_imported and again.import_id == first.import_id
    assert stored_counts(workspace) == (13, 9, 1)


def test_same_rows_in_another_file_are_skipped_not_duplicated(workspace, tmp_path):
    workspace.import_files(WORKED_FILES)
    copy = tmp_path / "copy"
    copy.mkdir()
    for path in WORKED_FILES:
        # Same rows, different bytes (a trailing blank line): not the same file, same content.
        (copy / path.name).write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    stored = workspace.import_files(sorted(copy.iterdir()))
    assert (stored.documents, stored.settlements, stored.skipped_identical) == (0, 0, 22)
    assert stored_counts(workspace)[:2] == (13, 9)


def test_conflicting_document_is_refused_and_nothing_is_written(workspace, tmp_path):
    workspace.import_files(WORKED_FILES)
    before = stored_counts(workspace)
    changed = tmp_path / "documents.csv"
    text = (
        WORKED_FILES[0]
        .read_text(encoding="utf-8")
        .replace(
            "F-001,C1,Boulangerie Martin,Services,2025-12-10,2026-01-09,1200.00",
            "F-001,C1,Boulangerie Martin,Services,2025-12-10,2026-01-09,1250.00",
        )
    )
    changed.write_text(text + "F-099,C9,Nouveau client,Services,2026-04-01,2026-05-01,10.00\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match="F-001"):
        workspace.import_files([changed])
    assert stored_counts(workspace) == before  # F-099 was not written either


def test_bad_file_leaves_workspace_untouched(workspace, tmp_path):
    workspace.import_files(WORKED_FILES)
    before = stored_counts(workspace)
    error = refused_import(
        workspace,
        tmp_path / "documents.csv",
        "document_id,customer_id,customer_name,activity,issue_date,due_date,amount\nX1,C1,A,S,2026-13-45,2026-01-01,10.00\n",
    )
    assert "issue_date" in error and "ligne 2" in error
    assert stored_counts(workspace) == before


def test_remove_import(workspace, tmp_path):
    workspace.import_files(WORKED_FILES)
    extra = tmp_path / "documents.csv"
    extra.write_text(
        "document_id,customer_id,customer_name,activity,issue_date,due_date,amount\nX1,C9,Client neuf,Services,2026-03-01,2026-03-31,100.00\n",
        encoding="utf-8",
    )
    second = workspace.import_files([extra])
    assert stored_counts(workspace) == (14, 9, 2)
    workspace.remove_import(second.import_id)
    assert stored_counts(workspace) == (13, 9, 1)
    with pytest.raises(ImportNotFound, match=r"pas d.import n° 99"):
        workspace.remove_import(99)


def test_a_snapshot_reader_does_not_block_an_import(workspace, tmp_path):
    workspace.import_files(WORKED_FILES[:1])
    reader = workspace.open(snapshot=True)
    workspace.import_files(WORKED_FILES[1:])  # would fail with a lock error if the reader held the file
    assert reader.counts() == {"documents": 13, "settlements": 0}
    assert workspace.open().counts() == {"documents": 13, "settlements": 9}
    assert workspace.version()


def test_settings_round_trip(workspace):
    workspace.create()
    workspace.save_settings({"terms": 45, "edges": [15, 30]})
    assert workspace.settings() == {"terms": 45, "edges": [15, 30]}


def test_demo_workspace_is_created_once(tmp_path):
    home = tmp_path / "home"
    demo = ensure_demo_workspace(home)
    assert list_workspaces(home) == ["demo"]
    counts = demo.open().counts()
    assert counts["documents"] > 4000
    ensure_demo_workspace(home)
    assert len(demo.imports()) == 1


def test_ledger_round_trips_through_canonical_tables(worked_ledger):
    from kpi.store.ledger import Ledger

    copy = Ledger.in_memory(worked_ledger.canonical())
    assert period_report(copy, Period.month(2026, 3)) == period_report(worked_ledger, Period.month(2026, 3))
    assert worked_ledger.canonical().documents.num_rows == 13


def test_a_credit_note_is_never_applied_beyond_its_amount_across_imports(tmp_path):
    """examples/matching stores A-101 (−400) applied in full to F-101 (C-101); a later file that
    applies A-101 again, to F-102, would use 400 + 100 > 400: refused, and nothing written."""
    from sample_files import MATCHING_FILES

    workspace = Workspace(tmp_path / "ws")
    workspace.import_files(MATCHING_FILES)
    error = refused_import(
        workspace,
        tmp_path / "more-settlements.csv",
        "settlement_id,document_id,customer_id,date,amount,kind,source_document_id\n"
        "C-102,F-102,M1,2026-03-20,100.00,credit,A-101\n",
    )
    assert "A-101" in error
    assert len(workspace.imports()) == 1
    # The same application read again (the same file re-imported) is not counted twice.
    assert workspace.import_files(MATCHING_FILES).already_imported


def test_a_workspace_in_euros_refuses_amounts_in_another_currency(tmp_path):
    """The workspace's currency (Paramètres) is the import's: « 250,00 CHF » is not stored as euros."""
    workspace = Workspace(tmp_path / "ws")
    workspace.import_files(WORKED_FILES)
    workspace.save_settings({"currency": "EUR"})
    error = refused_import(
        workspace,
        tmp_path / "factures.csv",
        "N° facture;Code client;Client;Date facture;Montant TTC\nCH-1;C9;Horlogerie Suisse;15/03/2026;250,00 CHF\n",
    )
    assert "CHF" in error and "EUR" in error
    assert len(workspace.imports()) == 1


def test_the_fingerprint_of_files_ignores_their_order_and_keeps_the_value_earlier_imports_stored(tmp_path):
    """Hashed in a stream now; a workspace stored before must still recognise the same files."""
    from kpi.store.workspace import _fingerprint

    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_bytes(b"document_id;amount\nF1;10,00\n" * 50_000)
    second.write_bytes(b"settlement_id\nS1\n")
    digests = sorted(hashlib.sha256(path.read_bytes()).hexdigest() for path in (first, second))
    stored_before = hashlib.sha256("\n".join(digests).encode()).hexdigest()
    assert _fingerprint([first, second]) == _fingerprint([second, first]) == stored_before
    second.write_bytes(b"settlement_id\nS2\n")
    assert _fingerprint([first, second]) != stored_before


def test_a_corrected_supplier_invoice_is_refused_like_a_customer_one(workspace, tmp_path):
    # tests/data/d441's FEC, then the same file with GAMMA's invoice C1 booked at 950 € instead of 900 €: the
    # supplier invoice's id is stored with other content, a corrected export the user must choose about.
    fec = Path(__file__).parent / "data" / "d441" / "123456789FEC20251231.txt"
    workspace.import_files([fec])
    before = supplier_invoices(workspace)
    # Invoices C2 1 500 + C1 900 + D1 300 + B1 2 400 + B2 360 + A2 600 + A1 1 200 = 7 260, credit note AV-B −120.
    assert before == (8, Decimal("7140.00"))
    corrected = tmp_path / fec.name
    text = fec.read_text(encoding="utf-8")
    for account, old, new in (
        ("4010000", "0,00\t900,00", "0,00\t950,00"),
        ("60700000", "750,00\t0,00", "800,00\t0,00"),
    ):
        line = next(row for row in text.splitlines() if "\tC1\t" in row and f"\t{account}\t" in row)
        text = text.replace(line, line.replace(old, new))
    corrected.write_text(text, encoding="utf-8")
    with pytest.raises(ImportFailed, match="C1"):
        workspace.import_files([corrected])
    assert supplier_invoices(workspace) == before
