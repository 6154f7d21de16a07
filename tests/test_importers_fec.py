"""FEC classification rules, lettrage and the 411 reconciliation, on small hand-written files."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from kpi.importers import read_files

HEADER = ("JournalCode|JournalLib|EcritureNum|EcritureDate|CompteNum|CompteLib|CompAuxNum|CompAuxLib|PieceRef|"
          "PieceDate|EcritureLib|Debit|Credit|EcritureLet|DateLet|ValidDate|Montantdevise|Idevise|")


def line(journal, number, day, account, debit="0,00", credit="0,00", aux="", piece="", label="", letter="",
         account_label=""):
    return (f"{journal}|{journal}|{number}|{day}|{account}|{account_label or account}|{aux}|{aux and 'Client ' + aux}|"
            f"{piece}|{day}|{label}|{debit}|{credit}|{letter}||{day}|||")


def write(tmp_path, *lines, encoding="iso-8859-15"):
    path = tmp_path / "123456789FEC20241231.txt"
    path.write_bytes(("\r\n".join([HEADER, *lines]) + "\r\n").encode(encoding))
    return path


def entries():
    return [
        line("ANO", 1, "20240101", "411000", "300,00", aux="C1", label="Report à nouveau"),
        line("ANO", 1, "20240101", "512000", credit="300,00", label="Report à nouveau"),
        line("ve", 7, "20240110", "411000", "1200,00", aux="C1", piece="F1", letter="AA"),
        line("ve", 7, "20240110", "706000", credit="1000,00", piece="F1", account_label="Prestations"),
        line("ve", 7, "20240110", "445710", credit="200,00", piece="F1"),
        line("ve", 8, "20240120", "411000", credit="120,00", aux="C1", piece="AV1", letter="AA"),
        line("ve", 8, "20240120", "709000", "100,00", piece="AV1", account_label="RRR accordés"),
        line("ve", 8, "20240120", "445710", "20,00", piece="AV1"),
        line("bq", 3, "20240205", "411000", credit="1080,00", aux="C1", piece="VIR", letter="AA"),
        line("bq", 3, "20240205", "512000", "1080,00", piece="VIR"),
        line("bq", 4, "20240206", "411000", credit="300,00", aux="C1", piece="CHQ", letter="AB"),
        line("bq", 4, "20240206", "512000", "300,00", piece="CHQ"),
        line("bq", 5, "20240210", "411000", credit="50,00", aux="C2", piece="VIR2"),
        line("bq", 5, "20240210", "512000", "50,00", piece="VIR2"),
        line("OD", 9, "20240301", "411000", credit="10,00", aux="C3", piece="PERTE"),
        line("OD", 9, "20240301", "654000", "10,00", piece="PERTE"),
        line("OD", 10, "20240302", "411000", "5,00", aux="C3", piece="REGUL"),
        line("OD", 10, "20240302", "471000", credit="5,00", piece="REGUL"),
        line("bq", 11, "20240303", "411000", "40,00", aux="C2", piece="REMB"),
        line("bq", 11, "20240303", "512000", credit="40,00", piece="REMB"),
    ]


def test_each_411_line_is_classified_by_its_counterparts(tmp_path):
    result = read_files([write(tmp_path, *entries())])
    documents = {d["document_id"]: d for d in result.ledger.documents.to_pylist()}
    assert documents["F1"]["amount"] == Decimal("1200.00")
    assert documents["F1"]["activity"] == "Prestations"
    assert documents["AV1"]["amount"] == Decimal("-120.00")  # credit note: revenue on the debit side
    opening = [d for d in documents.values() if d["issue_date"] == date(2024, 1, 1)]
    assert [d["amount"] for d in opening] == [Decimal("300.00")]
    assert documents["REMB"]["amount"] == Decimal("40.00")  # refund to a customer: a debit against the bank
    assert documents["REGUL"]["amount"] == Decimal("5.00")  # no known counterpart: listed in the report
    settlements = {(s["document_id"], s["kind"], s["amount"]) for s in result.ledger.settlements.to_pylist()}
    assert settlements == {("F1", "cash", Decimal("1080.00")), (opening[0]["document_id"], "cash", Decimal("300.00")),
                           (None, "cash", Decimal("50.00")), (None, "writeoff", Decimal("10.00"))}
    file = result.report.files[0]
    assert file.details["balance_411"] == file.details["imported_ar"] == Decimal("-15.00")
    assert file.reconciled
    assert [u["row"] for u in file.details["unclassified"]] == [18]
    assert file.details["unclassified"][0]["imported_as"].startswith("débits non classés")


def test_due_dates_come_from_the_terms(tmp_path):
    result = read_files([write(tmp_path, *entries())], terms="eom45")
    invoice = next(d for d in result.ledger.documents.to_pylist() if d["document_id"] == "F1")
    assert (invoice["due_date"], invoice["due_date_derived"]) == (date(2024, 3, 16), True)


def test_a_payment_splits_over_the_invoices_of_its_letter(tmp_path):
    rows = [
        line("VE", 1, "20240110", "411000", "100,00", aux="C1", piece="F1", letter="A"),
        line("VE", 1, "20240110", "706000", credit="100,00", piece="F1"),
        line("VE", 2, "20240115", "411000", "50,00", aux="C1", piece="F2", letter="A"),
        line("VE", 2, "20240115", "706000", credit="50,00", piece="F2"),
        line("VE", 3, "20240116", "411000", "70,00", aux="C1", piece="F3"),
        line("VE", 3, "20240116", "706000", credit="70,00", piece="F3"),
        line("BQ", 4, "20240201", "411000", credit="160,00", aux="C1", piece="VIR", letter="A"),
        line("BQ", 4, "20240201", "512000", "160,00", piece="VIR"),
    ]
    result = read_files([write(tmp_path, *rows)])
    parts = [(s["document_id"], s["amount"]) for s in result.ledger.settlements.to_pylist()]
    # Oldest first within the letter; what the letter cannot take goes to the customer's unlettered
    # documents (in real files, the opening balance the lettered payment was made for).
    assert parts == [("F1", Decimal("100.00")), ("F2", Decimal("50.00")), ("F3", Decimal("10.00"))]
    assert len({s["settlement_id"] for s in result.ledger.settlements.to_pylist()}) == 3


def test_entries_numbered_zero_are_split_where_they_balance(tmp_path):
    rows = [
        line("bq", 0, "20240201", "411000", credit="10,00", aux="C1", piece="REM"),
        line("bq", 0, "20240201", "512000", "10,00", piece="REM"),
        line("bq", 0, "20240201", "411000", "20,00", aux="C2", piece="REM"),
        line("bq", 0, "20240201", "706000", credit="20,00", piece="REM"),
    ]
    result = read_files([write(tmp_path, *rows)])
    assert result.ledger.settlements.column("amount").to_pylist() == [Decimal("10.00")]
    assert result.ledger.documents.column("amount").to_pylist() == [Decimal("20.00")]


def test_montant_and_sens_variant(tmp_path):
    path = tmp_path / "FEC.txt"
    path.write_text("JournalCode\tEcritureNum\tEcritureDate\tCompteNum\tCompAuxNum\tPieceRef\tMontant\tSens\n"
                    "VE\t1\t20240110\t411000\tC1\tF1\t120,00\tD\nVE\t1\t20240110\t706000\t\tF1\t120,00\tC\n",
                    encoding="utf-8")
    result = read_files([path])
    assert result.ledger.documents.column("amount").to_pylist() == [Decimal("120.00")]
    assert result.report.files[0].reconciled
