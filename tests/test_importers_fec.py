"""FEC classification rules, lettrage and the 411 reconciliation, on small hand-written files."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pyarrow.compute as pc
import pytest

from kpi.importers import read_files
from kpi.metrics.report import period_report
from kpi.model.filters import Filters
from kpi.model.periods import Period
from kpi.store.ledger import Ledger

HEADER = (
    "JournalCode|JournalLib|EcritureNum|EcritureDate|CompteNum|CompteLib|CompAuxNum|CompAuxLib|PieceRef|"
    "PieceDate|EcritureLib|Debit|Credit|EcritureLet|DateLet|ValidDate|Montantdevise|Idevise|"
)


def line(
    journal,
    number,
    day,
    account,
    debit="0,00",
    credit="0,00",
    aux="",
    piece="",
    label="",
    letter="",
    account_label="",
    piece_day="",
):
    return (
        f"{journal}|{journal}|{number}|{day}|{account}|{account_label or account}|{aux}|{aux and 'Client ' + aux}|"
        f"{piece}|{piece_day or day}|{label}|{debit}|{credit}|{letter}||{day}|||"
    )


def customer_entry(journal, number, day, other, debit="0,00", credit="0,00", aux="", piece="", letter=""):
    """A two-line entry: the 411 line (debit or credit, the customer, the letter) and its counterpart on `other`."""
    return [
        line(journal, number, day, "411000", debit, credit, aux=aux, piece=piece, letter=letter),
        line(journal, number, day, other, credit, debit, piece=piece),
    ]


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


def imported_ar(result) -> Decimal:
    """Σ documents − Σ cash and write-offs: a credit application moves no money (KPI-SPEC §2)."""
    settlements = result.ledger.settlements
    moving = settlements.filter(pc.invert(pc.equal(settlements.column("kind"), "credit")))
    return pc.sum(result.ledger.documents.column("amount")).as_py() - (pc.sum(moving.column("amount")).as_py() or 0)


def test_each_411_line_is_classified_by_its_counterparts(tmp_path):
    result = read_files([write(tmp_path, *entries())])
    documents = {d["document_id"]: d for d in result.ledger.documents.to_pylist()}
    assert documents["F1"]["amount"] == Decimal("1200.00")
    assert documents["F1"]["activity"] == "Prestations"
    assert documents["AV1"]["amount"] == Decimal("-120.00")  # credit note: revenue on the debit side
    opening = [d for d in documents.values() if d["issue_date"] == date(2023, 12, 31)]  # the day before the file
    assert [d["amount"] for d in opening] == [Decimal("300.00")]
    assert documents["REMB"]["amount"] == Decimal("40.00")  # refund to a customer: a debit against the bank
    assert documents["REGUL"]["amount"] == Decimal("5.00")  # no known counterpart: listed in the report
    settlements = {(s["document_id"], s["kind"], s["amount"]) for s in result.ledger.settlements.to_pylist()}
    assert settlements == {
        ("F1", "credit", Decimal("120.00")),
        ("F1", "cash", Decimal("1080.00")),
        (opening[0]["document_id"], "cash", Decimal("300.00")),
        (None, "cash", Decimal("50.00")),
        (None, "writeoff", Decimal("10.00")),
    }
    file = result.report.files[0]
    assert file.details["balance_411"] == imported_ar(result) == Decimal("-15.00")
    assert [u["row"] for u in file.details["unclassified"]] == [18]
    assert file.details["unclassified"][0]["imported_as"].startswith("débits non classés")


def test_the_import_report_reconciles_with_credit_applications(tmp_path):
    file = read_files([write(tmp_path, *entries())]).report.files[0]
    assert file.details["balance_411"] == file.details["imported_ar"] == Decimal("-15.00")
    assert file.reconciled


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
    path.write_text(
        "JournalCode\tEcritureNum\tEcritureDate\tCompteNum\tCompAuxNum\tPieceRef\tMontant\tSens\t"
        "EcritureLet\n"
        "VE\t1\t20240110\t411000\tC1\tF1\t120,00\tD\tA\nVE\t1\t20240110\t706000\t\tF1\t120,00\tC\t\n"
        "VE\t2\t20240112\t411000\tC1\tAV1\t20,00\tC\tA\nVE\t2\t20240112\t709000\t\tAV1\t20,00\tD\t\n",
        encoding="utf-8",
    )
    result = read_files([path])
    assert result.ledger.documents.column("amount").to_pylist() == [Decimal("120.00"), Decimal("-20.00")]
    [applied] = result.ledger.settlements.to_pylist()
    assert (applied["kind"], applied["document_id"], applied["source_document_id"], applied["amount"]) == (
        "credit",
        "F1",
        "AV1",
        Decimal("20.00"),
    )
    assert result.report.files[0].details["balance_411"] == imported_ar(result) == Decimal("100.00")


def settlements_of(result) -> list[dict]:
    return [
        {
            k: s[k]
            for k in ("settlement_id", "document_id", "source_document_id", "customer_id", "date", "amount", "kind")
        }
        for s in result.ledger.settlements.to_pylist()
    ]


def test_a_credit_note_lettered_with_its_invoice_is_applied_to_it(tmp_path):
    rows = [
        line("VE", 1, "20240110", "411000", "1200,00", aux="C1", piece="F1", letter="AA"),  # row 2
        line("VE", 1, "20240110", "706000", credit="1000,00", piece="F1"),
        line("VE", 1, "20240110", "445710", credit="200,00", piece="F1"),
        line("VE", 2, "20240125", "411000", credit="120,00", aux="C1", piece="AV1", letter="AA"),  # row 5
        line("VE", 2, "20240125", "709000", "100,00", piece="AV1"),
        line("VE", 2, "20240125", "445710", "20,00", piece="AV1"),
        line("BQ", 3, "20240205", "411000", credit="1080,00", aux="C1", piece="VIR", letter="AA"),  # row 8
        line("BQ", 3, "20240205", "512000", "1080,00", piece="VIR"),
        # A credit note issued before the invoice it is lettered with: applied on the invoice's day.
        line("VE", 4, "20240105", "411000", credit="50,00", aux="C2", piece="AV2", letter="X"),  # row 10
        line("VE", 4, "20240105", "709000", "50,00", piece="AV2"),
        line("VE", 5, "20240115", "411000", "80,00", aux="C2", piece="F2", letter="X"),
        line("VE", 5, "20240115", "706000", credit="80,00", piece="F2"),
    ]
    result = read_files([write(tmp_path, *rows)])
    assert settlements_of(result) == [
        {
            "settlement_id": "BQ-3-L8",
            "document_id": "F1",
            "source_document_id": None,
            "customer_id": "C1",
            "date": date(2024, 2, 5),
            "amount": Decimal("1080.00"),
            "kind": "cash",
        },
        {
            "settlement_id": "VE-4-L10",
            "document_id": "F2",
            "source_document_id": "AV2",
            "customer_id": "C2",
            "date": date(2024, 1, 15),
            "amount": Decimal("50.00"),
            "kind": "credit",
        },
        {
            "settlement_id": "VE-2-L5",
            "document_id": "F1",
            "source_document_id": "AV1",
            "customer_id": "C1",
            "date": date(2024, 1, 25),
            "amount": Decimal("120.00"),
            "kind": "credit",
        },
    ]
    details = result.report.files[0].details
    assert details["credit_notes_applied"] == {"count": 2, "amount": Decimal("170.00")}
    assert details["credit_notes_unapplied"] == {"count": 0, "amount": Decimal("0.00")}
    assert details["balance_411"] == imported_ar(result) == Decimal("30.00")
    report = period_report(Ledger.in_memory(result.ledger), Period(date(2024, 1, 1), date(2024, 6, 30)))
    # F1 is settled in full; F2 keeps 30 open, and neither credit note stays apart.
    assert (report.closing_ar, sum(report.aging.values()), report.unapplied_credits) == (
        Decimal("30.00"),
        Decimal("30.00"),
        Decimal("0.00"),
    )
    assert report.collected == Decimal("1080.00") and report.written_off == Decimal("0.00")


def test_a_lettered_credit_note_without_its_invoice_goes_to_unlettered_documents_oldest_first(tmp_path):
    rows = [
        line("ANO", 1, "20240101", "411000", "300,00", aux="C1", label="Report à nouveau"),
        line("ANO", 1, "20240101", "890000", credit="300,00", label="Report à nouveau"),
        line("VE", 2, "20240110", "411000", "200,00", aux="C1", piece="F1"),
        line("VE", 2, "20240110", "706000", credit="200,00", piece="F1"),
        line("VE", 3, "20240301", "411000", "500,00", aux="C1", piece="F3"),  # long after the credit note
        line("VE", 3, "20240301", "706000", credit="500,00", piece="F3"),
        line("VE", 4, "20240115", "411000", credit="600,00", aux="C1", piece="AV1", letter="ZZ"),  # row 8
        line("VE", 4, "20240115", "709000", "600,00", piece="AV1"),
        line("VE", 5, "20240116", "411000", credit="25,00", aux="C9", piece="AV9", letter="ZY"),  # nothing to cancel
        line("VE", 5, "20240116", "709000", "25,00", piece="AV9"),
    ]
    result = read_files([write(tmp_path, *rows)])
    opening = result.ledger.documents.to_pylist()[0]
    assert (opening["issue_date"], opening["amount"]) == (date(2023, 12, 31), Decimal("300.00"))
    # The opening balance first, then F1; F3 is issued more than 7 days after the credit note.
    assert [(s["settlement_id"], s["document_id"], s["date"], s["amount"]) for s in settlements_of(result)] == [
        ("VE-4-L8/1", opening["document_id"], date(2024, 1, 15), Decimal("300.00")),
        ("VE-4-L8/2", "F1", date(2024, 1, 15), Decimal("200.00")),
    ]
    details = result.report.files[0].details
    assert details["credit_notes_applied"] == {"count": 1, "amount": Decimal("500.00")}
    assert details["credit_notes_unapplied"] == {"count": 2, "amount": Decimal("125.00")}
    warnings = " ".join(w.message for w in result.report.files[0].warnings)
    assert "500,00 d'avoirs lettrés sans facture dans leur lettrage imputés aux documents non lettrés" in warnings
    assert "125,00 d'avoirs lettrés sans facture à annuler dans leur lettrage" in warnings


@pytest.mark.parametrize("account", ["654000", "658000", "6714000", "6718000", "678000", "665000"])
def test_a_411_credit_against_a_loss_account_is_a_writeoff(tmp_path, account):
    rows = [
        line("OD", 1, "20240301", "411000", credit="10,00", aux="C3", piece="PERTE"),
        line("OD", 1, "20240301", account, "10,00", piece="PERTE"),
    ]
    [settlement] = read_files([write(tmp_path, *rows)]).ledger.settlements.to_pylist()
    assert (settlement["kind"], settlement["document_id"], settlement["amount"]) == ("writeoff", None, Decimal("10.00"))


def test_writeoffs_lettered_and_unlettered(tmp_path):
    rows = [
        # C1 pays 100.00 for 100.01; the cent is written off and lettered with both.
        *customer_entry("VE", 1, "20240110", "706000", debit="100,01", aux="C1", piece="F1", letter="A"),
        *customer_entry("BQ", 2, "20240201", "512000", credit="100,00", aux="C1", piece="VIR", letter="A"),
        *customer_entry("OD", 3, "20240202", "658000", credit="0,01", aux="C1", piece="ECART", letter="A"),
        # C2 pays 56.04 for 56.05; the cent is written off against 678, nothing lettered.
        *customer_entry("VE", 4, "20240110", "706000", debit="56,05", aux="C2", piece="F2"),
        *customer_entry("BQ", 5, "20240201", "512000", credit="56,04", aux="C2", piece="VIR2"),
        *customer_entry("OD", 6, "20240203", "678000", credit="0,01", aux="C2", piece="ECART2"),  # its 411 line: row 12
    ]
    result = read_files([write(tmp_path, *rows)])
    writeoffs = [(s["document_id"], s["amount"]) for s in settlements_of(result) if s["kind"] == "writeoff"]
    assert writeoffs == [("F1", Decimal("0.01")), (None, Decimal("0.01"))]
    details = result.report.files[0].details
    assert details["unapplied_writeoffs"] == {"count": 1, "amount": Decimal("0.01")}
    assert details["balance_411"] == imported_ar(result) == Decimal("0.00")
    ledger = Ledger.in_memory(result.ledger)
    report = period_report(ledger, Period(date(2024, 2, 1), date(2024, 2, 29)))
    # The unapplied cent reduces AR: C2's F2 stays open in matched mode, netted by its unapplied cash and write-off.
    assert (report.closing_ar, report.written_off, report.unapplied_credits) == (
        Decimal("0.00"),
        Decimal("0.02"),
        Decimal("-56.05"),
    )
    oldest = period_report(ledger, Period(date(2024, 2, 1), date(2024, 2, 29)), Filters(matching="oldest"))
    assert (oldest.closing_ar, sum(oldest.aging.values())) == (Decimal("0.00"), Decimal("0.00"))


def test_a_payment_short_by_an_ecart_booked_in_its_entry_is_cash_and_writeoff(tmp_path):
    rows = [
        line("VE", 1, "20240110", "411000", "100,00", aux="C1", piece="F1", letter="B"),
        line("VE", 1, "20240110", "706000", credit="100,00", piece="F1"),
        line("BQ", 2, "20240201", "411000", credit="100,00", aux="C1", piece="VIR", letter="B"),  # row 4
        line("BQ", 2, "20240201", "512000", "99,99", piece="VIR"),
        line("BQ", 2, "20240201", "658000", "0,01", piece="VIR"),
    ]
    result = read_files([write(tmp_path, *rows)])
    assert [(s["settlement_id"], s["document_id"], s["kind"], s["amount"]) for s in settlements_of(result)] == [
        ("BQ-2-L4/1", "F1", "cash", Decimal("99.99")),
        ("BQ-2-L4/2", "F1", "writeoff", Decimal("0.01")),
    ]
    assert result.report.files[0].details["classes"]["payment"]["amount"] == "100.00"


def test_ecarts_and_exceptional_income_are_documents_of_their_sign(tmp_path):
    rows = [
        # An invoice with a rounding line is still an invoice, its activity the sale's.
        line("VE", 1, "20240110", "411000", "100,01", aux="C1", piece="F1", letter="A"),
        line("VE", 1, "20240110", "706000", credit="100,00", piece="F1", account_label="Prestations"),
        line("VE", 1, "20240110", "758000", credit="0,01", piece="F1", account_label="Produits divers"),
        line("OD", 2, "20240203", "411000", "0,01", aux="C2", piece="ECART", letter="A"),
        line("OD", 2, "20240203", "778000", credit="0,01", piece="ECART", account_label="Produits exceptionnels"),
        line("OD", 3, "20240204", "411000", credit="3,00", aux="C2", piece="GESTE"),
        line("OD", 3, "20240204", "758000", "3,00", piece="GESTE", account_label="Produits divers"),
    ]
    result = read_files([write(tmp_path, *rows)])
    documents = {d["document_id"]: (d["amount"], d["activity"]) for d in result.ledger.documents.to_pylist()}
    assert documents == {
        "F1": (Decimal("100.01"), "Prestations"),
        "ECART": (Decimal("0.01"), "Unassigned"),
        "GESTE": (Decimal("-3.00"), "Unassigned"),
    }
    assert result.report.files[0].details["classes"]["adjustment"]["lines"] == 2
    assert result.ledger.settlements.num_rows == 0


def test_opening_balances_are_issued_the_day_before_the_first_day(tmp_path):
    rows = [
        line("ANO", 1, "20240101", "411000", "300,00", aux="C1", label="Report à nouveau"),
        line("ANO", 1, "20240101", "411000", "70,00", aux="C2", piece="F2023-9", piece_day="20231115"),
        line("ANO", 1, "20240101", "411000", credit="40,00", aux="C3", label="Report à nouveau"),
        line("ANO", 1, "20240101", "890000", credit="330,00", label="Report à nouveau"),
        line("VE", 2, "20240105", "411000", "50,00", aux="C3", piece="F1"),
        line("VE", 2, "20240105", "706000", credit="50,00", piece="F1"),
    ]
    result = read_files([write(tmp_path, *rows)], terms="30")
    documents = [
        (d["customer_id"], d["issue_date"], d["due_date"], d["due_date_derived"], d["amount"])
        for d in result.ledger.documents.to_pylist()
    ]
    assert documents == [
        ("C1", date(2023, 12, 31), date(2024, 1, 30), True, Decimal("300.00")),
        ("C2", date(2023, 11, 15), date(2023, 12, 15), True, Decimal("70.00")),  # its own earlier piece date
        ("C3", date(2023, 12, 31), date(2024, 1, 30), True, Decimal("-40.00")),
        ("C3", date(2024, 1, 5), date(2024, 2, 4), True, Decimal("50.00")),
    ]
    details = result.report.files[0].details
    assert details["opening_documents"] == {"count": 3, "amount": Decimal("330.00")}
    report = period_report(Ledger.in_memory(result.ledger), Period(date(2024, 1, 1), date(2024, 1, 31)))
    assert (report.opening_ar, report.sales, report.closing_ar) == (
        Decimal("330.00"),
        Decimal("50.00"),
        Decimal("380.00"),
    )


def test_detailed_opening_balances_keep_their_own_days(tmp_path):
    """Some software carries each open invoice into the new year on its own day (« à nouveaux détaillés »):
    the opening entry's day, not the earliest of those, is the file's first day."""
    rows = [
        line("AN", 1, "20230920", "411000", "70,00", aux="C1", piece="F2023-9"),
        line("AN", 1, "20230920", "890000", credit="70,00"),
        line("AN", 2, "20240101", "512000", "1000,00"),
        line("AN", 2, "20240101", "101000", credit="1000,00"),
        line("VE", 3, "20240105", "411000", "50,00", aux="C1", piece="F1"),
        line("VE", 3, "20240105", "706000", credit="50,00", piece="F1"),
    ]
    result = read_files([write(tmp_path, *rows)])
    assert [d["issue_date"] for d in result.ledger.documents.to_pylist()] == [date(2023, 9, 20), date(2024, 1, 5)]


def test_settlement_ids_are_unique_and_the_same_on_every_import(tmp_path):
    rows = [
        *entries(),
        *customer_entry("VE", 20, "20240115", "706000", debit="80,00", aux="C1", piece="F5", letter="AC"),
        *customer_entry("VE", 21, "20240116", "709000", credit="100,00", aux="C1", piece="AV5", letter="AC"),
    ]
    first = read_files([write(tmp_path, *rows)]).ledger.settlements
    again = read_files([write(tmp_path, *rows)]).ledger.settlements
    assert first.equals(again)
    assert pc.count_distinct(first.column("settlement_id")).as_py() == first.num_rows
