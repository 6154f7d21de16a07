"""kpi/importers/activity.py: the collection-activity logs are recognised by their headers, read, and refused with file, row and column."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from kpi.importers import ImportFailed, read_files

ACTIVITY = Path(__file__).parent / "data" / "activity"
INVOICES = ACTIVITY / "factures.csv"


def _write(tmp_path: Path, name: str, *lines: str) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_each_log_is_recognised_by_its_headers():
    result = read_files(sorted(ACTIVITY.glob("*.csv")))
    layouts = {f.file: f.layout for f in result.report.files}
    assert layouts == {
        "echeanciers.csv": "payment_plans",
        "factures.csv": "invoices",
        "frais.csv": "collection_costs",
        "litiges.csv": "disputes",
        "reglements.csv": "payments",
        "relances.csv": "reminders",
    }
    reminders = result.ledger.reminders.to_pylist()
    assert [r["channel"] for r in reminders] == ["email", "email", "phone", "letter", "formal_notice", "agency"]
    assert reminders[2]["cost"] == Decimal("5.00") and reminders[5]["cost"] is None
    assert [c["category"] for c in result.ledger.collection_costs.to_pylist()] == ["staff", "agency", "staff"]
    f6 = next(d for d in result.ledger.disputes.to_pylist() if d["document_id"] == "F6")
    assert (f6["opened_date"], f6["resolved_date"], f6["amount"]) == (date(2026, 3, 20), None, None)


def test_english_headers_and_a_file_name_without_signature(tmp_path):
    reminders = _write(
        tmp_path,
        "dunning_2026.csv",
        "Date,Customer ID,Invoice,Type",
        "2026-03-02,C1,F2,Email",
        "2026-03-05,C1,,Final notice",
    )
    plans = _write(
        tmp_path, "plans.csv", "Payment plan,Customer ID,Due date,Installment amount", "P1,C4,2026-03-05,1000.00"
    )
    result = read_files([INVOICES, reminders, plans])
    assert [f.layout for f in result.report.files] == ["invoices", "reminders", "payment_plans"]
    assert [r["channel"] for r in result.ledger.reminders.to_pylist()] == ["email", "formal_notice"]
    assert result.ledger.payment_plans.column("amount").to_pylist() == [Decimal("1000.00")]


def test_a_reminder_about_a_document_takes_its_customer(tmp_path):
    reminders = _write(tmp_path, "relances.csv", "Date relance;N° facture;Canal", "02/03/2026;F5;Courrier")
    result = read_files([INVOICES, reminders])
    assert result.ledger.reminders.column("customer_id").to_pylist() == ["C3"]


def test_the_invoice_list_disputed_column_becomes_disputes(tmp_path):
    invoices = _write(
        tmp_path,
        "factures.csv",
        "N° facture;Client;Date facture;Montant TTC;Date règlement;Litige",
        "A1;X;01/03/2026;100,00;20/03/2026;Oui",
        "A2;X;02/03/2026;50,00;;non",
        "A3;Y;03/03/2026;70,00;;oui",
    )
    disputes = read_files([invoices]).ledger.disputes.to_pylist()
    assert [(d["document_id"], d["opened_date"], d["resolved_date"], d["amount"]) for d in disputes] == [
        ("A1", date(2026, 3, 1), date(2026, 3, 20), Decimal("100.00")),
        ("A3", date(2026, 3, 3), None, Decimal("70.00")),
    ]


def test_an_unknown_disputed_value_is_refused_with_its_row(tmp_path):
    invoices = _write(
        tmp_path,
        "factures.csv",
        "N° facture;Client;Date facture;Montant TTC;Litige",
        "A1;X;13/03/2026;100,00;oui",
        "A2;X;14/03/2026;50,00;peut-être",
    )
    with pytest.raises(ImportFailed) as failure:
        read_files([invoices])
    issue = failure.value.issues[0]
    assert (issue.row, issue.column, issue.value) == (3, "Litige", "peut-être")


def test_a_dispute_on_an_unknown_invoice_is_refused_and_nothing_is_read(tmp_path):
    disputes = _write(
        tmp_path, "litiges.csv", "N° facture;Date litige;Motif", "F1;10/03/2026;Prix", "F99;11/03/2026;Prix"
    )
    with pytest.raises(ImportFailed) as failure:
        read_files([INVOICES, disputes])
    issue = failure.value.issues[0]
    assert (issue.file, issue.row, issue.value) == ("litiges.csv", 3, "F99")
    assert "introuvable" in issue.message


def test_a_dispute_on_a_stored_invoice_is_accepted(tmp_path):
    disputes = _write(tmp_path, "litiges.csv", "N° facture;Date litige", "F1;13/03/2026")
    result = read_files([disputes], known_documents={"F1"})
    assert result.ledger.disputes.column("document_id").to_pylist() == ["F1"]


@pytest.mark.parametrize(
    ("lines", "row", "column", "words"),
    [
        (("N° facture;Date litige;Date résolution", "F1;10/03/2026;01/03/2026"), 2, "Date résolution", "résolu avant"),
        (("N° facture;Date litige;Montant litige", "F1;10/03/2026;abc"), 2, "Montant litige", ""),
        (("N° facture;Date litige", "F1;"), 2, "Date litige", "manquant"),
    ],
)
def test_bad_dispute_rows_name_file_row_and_column(tmp_path, lines, row, column, words):
    disputes = _write(tmp_path, "litiges.csv", *lines)
    with pytest.raises(ImportFailed) as failure:
        read_files([INVOICES, disputes])
    issue = failure.value.issues[0]
    assert (issue.file, issue.row, issue.column) == ("litiges.csv", row, column)
    assert words in issue.message


def test_an_unknown_reminder_channel_is_refused(tmp_path):
    reminders = _write(tmp_path, "relances.csv", "Date relance;Code client;Canal", "02/03/2026;C1;pigeon voyageur")
    with pytest.raises(ImportFailed) as failure:
        read_files([INVOICES, reminders])
    issue = failure.value.issues[0]
    assert (issue.row, issue.column, issue.value) == (2, "Canal", "pigeon voyageur")
    assert "mise en demeure" in issue.message


def test_a_plan_installment_must_be_positive(tmp_path):
    plans = _write(
        tmp_path, "echeanciers.csv", "N° échéancier;Code client;Date échéance;Montant échéance", "E1;C4;05/03/2026;0,00"
    )
    with pytest.raises(ImportFailed) as failure:
        read_files([INVOICES, plans])
    assert (failure.value.issues[0].row, failure.value.issues[0].column) == (2, "Montant échéance")


def test_forced_layout(tmp_path):
    costs = _write(tmp_path, "export.csv", "Date;Somme", "15/03/2026;350,00")
    result = read_files([costs], layout="frais")
    assert result.ledger.collection_costs.column("amount").to_pylist() == [Decimal("350.00")]
    assert result.ledger.collection_costs.column("category").to_pylist() == ["other"]
