"""A payments file next to an invoice list, or settling invoices already in the workspace."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pyarrow as pa
import pytest

from kpi.importers import ImportFailed, read_files

INVOICES = (
    "N° facture;Code client;Client;Date facture;Date échéance;Montant TTC\r\n"
    "F-1;C1;Martin;15/01/2024;14/02/2024;1 200,00\r\nF-2;C2;Dupont;20/01/2024;19/02/2024;500,00\r\n"
)


@pytest.fixture
def invoices(tmp_path):
    path = tmp_path / "factures.csv"
    path.write_text(INVOICES, encoding="utf-8")
    return path


def payments(tmp_path, text, name="reglements.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_payments_without_customer_take_it_from_their_invoice(tmp_path, invoices):
    file = payments(
        tmp_path,
        "N° facture;Date règlement;Montant réglé;Type\nF-1;10/02/2024;1 000,00;virement\n"
        "F-1;12/02/2024;200,00;perte\nF-2;21/02/2024;500,00;\n",
    )
    result = read_files([invoices, file])
    rows = [
        (s["document_id"], s["customer_id"], s["date"], s["amount"], s["kind"])
        for s in result.ledger.settlements.to_pylist()
    ]
    assert rows == [
        ("F-1", "C1", date(2024, 2, 10), Decimal("1000.00"), "cash"),
        ("F-1", "C1", date(2024, 2, 12), Decimal("200.00"), "writeoff"),
        ("F-2", "C2", date(2024, 2, 21), Decimal("500.00"), "cash"),
    ]
    report = result.report.files[1]
    assert (report.layout, report.amount_in_file, report.amount_imported) == (
        "payments",
        Decimal("1700.00"),
        Decimal("1700.00"),
    )


def test_payment_without_invoice_number_is_unapplied_cash(tmp_path, invoices):
    file = payments(tmp_path, "Référence paiement;N° facture;Code client;Date;Montant\nVIR-1;;C1;10/02/2024;50,00\n")
    settlement = read_files([invoices, file]).ledger.settlements.to_pylist()[0]
    assert (settlement["settlement_id"], settlement["document_id"], settlement["customer_id"]) == ("VIR-1", None, "C1")


def test_payments_to_invoices_already_in_the_workspace(tmp_path):
    file = payments(tmp_path, "N° facture;Date règlement;Montant réglé\nF-9;25/02/2024;80,00\n")
    with pytest.raises(ImportFailed):
        read_files([file])
    known = pa.table({"document_id": ["F-9"], "issue_date": [date(2024, 1, 31)], "customer_id": ["C7"]})
    settlement = read_files([file], known_documents=known).ledger.settlements.to_pylist()[0]
    assert (settlement["document_id"], settlement["customer_id"]) == ("F-9", "C7")


def test_known_documents_without_customer_need_a_customer_column(tmp_path):
    file = payments(tmp_path, "N° facture;Date règlement;Montant réglé\nF-9;25/02/2024;80,00\n")
    with pytest.raises(ImportFailed) as refused:
        read_files([file], known_documents={"F-9": date(2024, 1, 31)})
    assert "ajoutez une colonne client" in refused.value.issues[0].message
    with_customer = payments(
        tmp_path, "N° facture;Client;Date règlement;Montant réglé\nF-9;C7;25/02/2024;80,00\n", name="reglements2.csv"
    )
    assert read_files([with_customer], known_documents={"F-9"}).ledger.settlements.num_rows == 1


def test_same_payment_in_the_invoice_list_and_the_payments_file_counts_once(tmp_path):
    invoices = payments(
        tmp_path,
        "N° facture;Client;Date facture;Montant TTC;Date règlement\nF-1;Martin;15/01/2024;100,00;20/01/2024\n",
        name="factures.csv",
    )
    file = payments(tmp_path, "N° facture;Date règlement;Montant réglé\nF-1;20/01/2024;100,00\n")
    result = read_files([invoices, file])
    assert result.ledger.settlements.num_rows == 1
    assert result.report.files[1].explanations == (
        "1 ligne(s) en double à l'identique ignorée(s) (règlement, Σ 100,00)",
    )


def test_a_payments_file_is_recognised_by_its_name_or_headers(tmp_path, invoices):
    file = payments(tmp_path, "Facture;Client;Date;Montant\nF-1;C1;10/02/2024;100,00\n", name="encaissements.csv")
    result = read_files([invoices, file])
    assert result.report.files[1].layout == "payments"
    assert result.ledger.documents.num_rows == 2
