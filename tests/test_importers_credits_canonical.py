"""Canonical settlements with `credit` rows: what is refused, what is only told, and how they reconcile."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from kpi.importers import ImportFailed, read_files
from kpi.metrics.aging import aged_balance
from kpi.metrics.report import period_report
from kpi.model.canonical import SETTLEMENTS_SCHEMA
from kpi.model.periods import Period
from kpi.store.ledger import Ledger

D = Decimal
DOCUMENTS = """document_id,customer_id,customer_name,activity,issue_date,due_date,amount
F-1,C1,Martin,Services,2024-01-10,2024-02-09,1000.00
F-2,C1,Martin,Services,2024-01-20,2024-02-19,500.00
A-1,C1,Martin,Services,2024-02-01,2024-02-01,-400.00
A-2,C1,Martin,Services,2024-02-05,2024-02-05,-100.00
F-3,C2,Dupont,Produits,2024-01-15,2024-02-14,300.00
A-3,C2,Dupont,Produits,2024-02-10,2024-02-10,-300.00
"""
HEADER = "settlement_id,document_id,customer_id,date,amount,kind,source_document_id"
# A-1 is applied 250 to F-1 and 150 to F-2: its whole 400.  A-3 cancels F-3.  F-1's 750 left is paid;
# a 0,01 rounding difference of C2 is written off against no invoice.
SETTLEMENTS = (
    "C-1,F-1,C1,2024-02-01,250.00,credit,A-1",
    "C-2,F-2,C1,2024-02-03,150.00,credit,A-1",
    "C-3,F-3,C2,2024-02-10,300.00,credit,A-3",
    "P-1,F-1,C1,2024-02-15,750.00,cash,",
    "W-1,,C2,2024-02-28,0.01,writeoff,",
)


def write_pair(tmp_path, *rows):
    documents = tmp_path / "documents.csv"
    documents.write_text(DOCUMENTS, encoding="utf-8")
    settlements = tmp_path / "settlements.csv"
    settlements.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return [documents, settlements]


def test_credit_rows_import_exactly_and_reconcile_apart_from_money(tmp_path):
    result = read_files(write_pair(tmp_path, *SETTLEMENTS))
    rows = {s["settlement_id"]: s for s in result.ledger.settlements.to_pylist()}
    assert rows["C-2"] == {
        "settlement_id": "C-2",
        "document_id": "F-2",
        "customer_id": "C1",
        "date": date(2024, 2, 3),
        "amount": D("150.00"),
        "kind": "credit",
        "source_document_id": "A-1",
        "reference": None,  # the canonical pair has no label column
    }
    assert rows["P-1"]["source_document_id"] is None and rows["W-1"]["document_id"] is None
    assert not [w for w in result.report.warnings if "au-delà" in w.message]
    documents, settlements = result.report.files
    # Credit notes of the documents file: A-1 400 and A-3 300 applied (700); A-2 keeps its 100.
    assert documents.details["credit_notes_applied"] == {"count": 2, "amount": D("700.00")}
    assert documents.details["credit_notes_unapplied"] == {"count": 1, "amount": D("100.00")}
    # The settlements file: money 750 + 0,01 = 750,01, applications 250 + 150 + 300 = 700; every row counts.
    assert settlements.details["settlements_in_file"] == settlements.details["settlements_imported"] == D("750.01")
    assert settlements.details["credit_applications_in_file"] == D("700.00")
    assert (settlements.amount_in_file, settlements.amount_imported, settlements.reconciled) == (
        D("1450.01"),
        D("1450.01"),
        True,
    )
    assert settlements.details["unapplied_writeoffs"] == {"count": 1, "amount": D("0.01")}
    text = settlements.to_text()
    assert "règlements : Σ fichier 750,01 ; Σ importé 750,01 ✓" in text
    assert "imputations d'avoirs : Σ fichier 700,00 ; Σ importé 700,00 ✓" in text
    assert "pertes sans facture (non lettrées), qui réduisent l'encours : 1 (Σ 0,01)" in text
    assert "write-offs matched to no invoice, reducing AR: 1 (Σ 0.01)" in settlements.to_text("en")

    ledger = Ledger.in_memory(result.ledger)
    february = period_report(ledger, Period.month(2024, 2))
    # At 29/02: F-1 1 000 − 250 − 750 = 0; F-2 500 − 150 = 350, due 19/02 (10 days late); F-3 cancelled;
    # A-2 −100 and the 0,01 write-off unapplied.  AR = Σ documents 1 000 − cash 750 − write-off 0,01 = 249,99.
    assert february.aging["1_30"] == D("350.00") and february.aging["31_60"] == 0
    assert (february.closing_ar, february.unapplied_credits) == (D("249.99"), D("-100.01"))
    assert february.collected == D("750.00") and february.written_off == D("0.01")
    rows = aged_balance(ledger, date(2024, 2, 29), by="document").rows.set_index("document_id")
    assert "F-3" not in rows.index and "A-1" not in rows.index


def test_the_same_ledger_from_parquet(tmp_path):
    csv_paths = write_pair(tmp_path, *SETTLEMENTS)
    expected = read_files(csv_paths).ledger
    folder = tmp_path / "parquet"
    folder.mkdir()
    documents = pacsv.read_csv(csv_paths[0])
    pq.write_table(documents, folder / "documents.parquet")
    pq.write_table(expected.settlements, folder / "settlements.parquet")
    result = read_files([folder / "documents.parquet", folder / "settlements.parquet"])
    assert result.ledger.settlements.sort_by("settlement_id").equals(expected.settlements.sort_by("settlement_id"))
    assert result.ledger.documents.sort_by("document_id").equals(expected.documents.sort_by("document_id"))


REFUSED = {
    "source_not_a_credit_note": (
        "C-9,F-1,C1,2024-02-01,100.00,credit,F-2",
        "source_document_id",
        "F-2",
        "« F-2 » n'est pas un avoir (montant 500,00)",
    ),
    "source_of_another_customer": (
        "C-9,F-1,C1,2024-02-10,100.00,credit,A-3",
        "source_document_id",
        "A-3",
        "l'avoir « A-3 » est au client « C2 » alors que l'imputation est au client « C1 »",
    ),
    "target_is_a_credit_note": (
        "C-9,A-2,C1,2024-02-05,100.00,credit,A-1",
        "document_id",
        "A-2",
        "imputation d'avoir sur « A-2 », qui n'est pas une facture (montant -100,00)",
    ),
    "source_unknown": (
        "C-9,F-1,C1,2024-02-01,10.00,credit,A-99",
        "source_document_id",
        "A-99",
        "imputation d'un avoir inconnu « A-99 »",
    ),
    # C-1 250 + C-2 150 + C-9 50 = 450 taken from a credit note of 400: refused on C-9, the row that goes beyond.
    "over_applied": (
        "C-9,F-2,C1,2024-02-20,50.00,credit,A-1",
        "source_document_id",
        "A-1",
        "imputations de l'avoir « A-1 » au-delà de son montant : Σ 450,00 imputé pour un avoir de 400,00",
    ),
    "dated_before_its_credit_note": (
        "C-9,F-2,C1,2024-01-20,50.00,credit,A-2",
        "date",
        "20/01/2024",
        "plus de 7 jours avant l'avoir « A-2 » du 05/02/2024",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_each_wrong_application_is_refused_naming_file_row_column_value(tmp_path, case):
    row, column, value, message = REFUSED[case]
    with pytest.raises(ImportFailed) as refused:
        read_files(write_pair(tmp_path, *SETTLEMENTS[:2], row))
    issue = next(i for i in refused.value.issues if message in i.message)
    assert (issue.file, issue.row, issue.column, issue.value) == ("settlements.csv", 4, column, value)
    assert str(issue).startswith("settlements.csv, ligne 4, colonne")


def test_applications_already_stored_count_once(tmp_path):
    settlements = tmp_path / "settlements.csv"
    known = pa.table(
        {
            "document_id": ["F-9", "A-9"],
            "issue_date": [date(2024, 1, 5), date(2024, 1, 25)],
            "customer_id": ["C1", "C1"],
            "amount": [D("900.00"), D("-400.00")],
            "credit_applications": [None, [{"settlement_id": "C-0", "amount": D("300.00")}]],
        }
    )
    # 300 stored + 150 now = 450 > 400.
    settlements.write_text(f"{HEADER}\nC-5,F-9,C1,2024-02-01,150.00,credit,A-9\n", encoding="utf-8")
    with pytest.raises(ImportFailed) as refused:
        read_files([settlements], known_documents=known)
    issue = refused.value.issues[0]
    assert "Σ 450,00 imputé, dont 300,00 déjà imputé dans l'espace de travail, pour un avoir de 400,00" in issue.message
    assert (issue.row, issue.column, issue.value) == (2, "source_document_id", "A-9")
    # The stored C-0 read again is skipped when stored: 300 + 100 = 400, within the credit note.
    settlements.write_text(
        f"{HEADER}\nC-0,F-9,C1,2024-01-31,300.00,credit,A-9\nC-5,F-9,C1,2024-02-01,100.00,credit,A-9\n",
        encoding="utf-8",
    )
    assert read_files([settlements], known_documents=known).ledger.settlements.num_rows == 2
    # Without amounts the workspace cannot tell a credit note: nothing to check the source against.
    without_amounts = known.drop_columns(["amount", "credit_applications"])
    assert read_files([settlements], known_documents=without_amounts).ledger.settlements.num_rows == 2


def test_an_invoice_cancelled_by_a_credit_note_then_paid_is_overpaid(tmp_path):
    documents = tmp_path / "documents.csv"
    documents.write_text(
        "document_id,customer_id,customer_name,activity,issue_date,due_date,amount\n"
        "F-1,C1,Martin,Services,2024-01-10,2024-02-09,1000.00\n"
        "A-1,C1,Martin,Services,2024-02-01,2024-02-01,-1000.00\n",
        encoding="utf-8",
    )
    settlements = tmp_path / "settlements.csv"
    settlements.write_text(
        f"{HEADER}\nC-1,F-1,C1,2024-02-01,1000.00,credit,A-1\nP-1,F-1,C1,2024-02-15,1000.00,cash,\n", encoding="utf-8"
    )
    result = read_files([documents, settlements])
    warning = next(w for w in result.report.warnings if "au-delà" in w.message)
    # The invoice was nothing left to pay after the credit note: the payment is the excess, as money.
    assert warning.message.startswith("1 règlement(s) au-delà du montant de leur facture (trop-perçu Σ 1 000,00)")
    assert (warning.row, warning.value) == (3, "F-1")
    # Paid first, then cancelled: the excess is the credit note's, and it is no money received.
    settlements.write_text(
        f"{HEADER}\nP-1,F-1,C1,2024-01-20,1000.00,cash,\nC-1,F-1,C1,2024-02-01,1000.00,credit,A-1\n", encoding="utf-8"
    )
    result = read_files([documents, settlements])
    warnings = [w for w in result.report.warnings if "au-delà" in w.message]
    assert len(warnings) == 1 and "trop-perçu" not in warnings[0].message
    assert warnings[0].message.startswith(
        "1 imputation(s) d'avoir au-delà de ce qui restait dû sur leur facture (Σ 1 000,00)"
    )
    assert warnings[0].row == 3
    # Neither case counts the credit application as money collected.
    report = period_report(Ledger.in_memory(result.ledger), Period.month(2024, 2))
    assert report.collected == 0 and report.closing_ar == D("-1000.00")


def test_a_settlement_id_repeated_with_another_credit_note_is_refused(tmp_path):
    with pytest.raises(ImportFailed) as refused:
        read_files(
            write_pair(tmp_path, "C-1,F-1,C1,2024-02-01,50.00,credit,A-1", "C-1,F-1,C1,2024-02-01,50.00,credit,A-2")
        )
    issue = refused.value.issues[0]
    assert "« C-1 » en double avec un contenu différent" in issue.message and issue.row == 3


def test_an_application_is_not_a_late_payment(tmp_path):
    # C-1 is dated after the last document (10/02): it says nothing of payments missing from the export.
    result = read_files(write_pair(tmp_path, "C-1,F-1,C1,2024-03-31,50.00,credit,A-1"))
    assert not any("après la dernière facture" in w.message for w in result.report.warnings)
    assert SETTLEMENTS_SCHEMA.field("source_document_id").nullable


# The query kpi/store/workspace.py would run to describe what it holds (see KnownDocuments): amounts and the
# credit applications already stored, per credit note.
KNOWN_DOCUMENTS_SQL = (
    "SELECT d.document_id, d.customer_id, d.issue_date, d.amount, a.credit_applications FROM documents AS d"
    " LEFT JOIN (SELECT source_document_id AS document_id, list({'settlement_id': settlement_id, 'amount': amount})"
    " AS credit_applications FROM settlements WHERE kind = 'credit' GROUP BY ALL) AS a USING (document_id)"
)


def test_a_workspace_describing_its_documents_lets_the_next_import_be_checked(tmp_path):
    first = read_files(write_pair(tmp_path, *SETTLEMENTS[:1]))  # A-1 gives 250 of its 400 to F-1
    known = Ledger.in_memory(first.ledger).connection.sql(KNOWN_DOCUMENTS_SQL).to_arrow_table()
    later = tmp_path / "later"
    later.mkdir()
    settlements = later / "settlements.csv"
    # The same file again (C-1 is skipped when stored) with 150 more: 250 + 150 = 400, the whole credit note.
    settlements.write_text("\n".join([HEADER, SETTLEMENTS[0], SETTLEMENTS[1]]) + "\n", encoding="utf-8")
    assert read_files([settlements], known_documents=known).ledger.settlements.num_rows == 2
    settlements.write_text(f"{HEADER}\nC-8,F-2,C1,2024-02-03,150.01,credit,A-1\n", encoding="utf-8")
    with pytest.raises(ImportFailed) as refused:
        read_files([settlements], known_documents=known)
    assert (
        "Σ 400,01 imputé, dont 250,00 déjà imputé dans l'espace de travail, pour un avoir de 400,00"
        in refused.value.issues[0].message
    )
    # A stored credit note of another customer, a stored invoice as the source: refused as in one import.
    settlements.write_text(f"{HEADER}\nC-8,F-2,C1,2024-02-03,10.00,credit,A-3\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match="l'avoir « A-3 » est au client « C2 »"):
        read_files([settlements], known_documents=known)


def test_a_payments_file_may_apply_credit_notes_of_an_invoice_list(tmp_path):
    invoices = tmp_path / "factures.csv"
    invoices.write_text(
        "N° facture;Code client;Client;Date facture;Montant TTC\n"
        "F-1;C1;Martin;15/01/2024;1 200,00\nAV-1;C1;Martin;20/01/2024;-200,00\n",
        encoding="utf-8",
    )
    payments = tmp_path / "reglements.csv"
    payments.write_text(
        "N° facture;Avoir imputé;Date règlement;Montant réglé;Type\n"
        "F-1;AV-1;20/01/2024;200,00;imputation d'avoir\nF-1;;15/02/2024;1 000,00;virement\n",
        encoding="utf-8",
    )
    result = read_files([invoices, payments])
    credit = next(s for s in result.ledger.settlements.to_pylist() if s["kind"] == "credit")
    assert (credit["document_id"], credit["source_document_id"], credit["customer_id"]) == ("F-1", "AV-1", "C1")
    report = result.report.files[1]
    # Money 1 000 and the application 200 are reconciled apart; the file's total holds both rows: 1 200.
    assert (report.amount_in_file, report.amount_imported) == (D("1200.00"), D("1200.00"))
    assert "règlements : Σ fichier 1 000,00 ; Σ importé 1 000,00 ✓" in report.to_text()
    assert "imputations d'avoirs : Σ fichier 200,00 ; Σ importé 200,00 ✓" in report.to_text()
    assert result.report.files[0].details["credit_notes_applied"] == {"count": 1, "amount": D("200.00")}
