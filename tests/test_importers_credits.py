"""Invoice lists naming the invoice each credit note applies to: `credit` applications, capped and dated (KPI-SPEC §1)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pyarrow as pa
import pytest

from kpi.importers import ImportFailed, read_files
from kpi.metrics.aging import aged_balance
from kpi.metrics.report import period_report
from kpi.model.periods import Period
from kpi.store.ledger import Ledger

D = Decimal
FRENCH_HEADER = (
    "N° facture;Code client;Client;Date facture;Date échéance;Montant TTC;Date règlement;Montant réglé;"
    "Facture d'origine"
)
# One credit note cancels an invoice whole (AV-101), two share what another has left open (AV-102, then
# AV-105, listed first but issued later), one names an invoice paid in full (AV-103), one an invoice the
# export does not hold (AV-104). FA-104 stays open, not due at the end of March.
FRENCH_ROWS = (
    "FA-101;C1;Menuiserie Roux;10/01/2024;09/02/2024;1 200,00;;;",
    "AV-101;C1;Menuiserie Roux;25/01/2024;25/01/2024;-1 200,00;;;FA-101",
    "FA-102;C1;Menuiserie Roux;05/02/2024;06/03/2024;800,00;20/02/2024;300,00;",
    "AV-105;C1;Menuiserie Roux;20/02/2024;20/02/2024;-450,00;;;FA-102",
    "AV-102;C1;Menuiserie Roux;15/02/2024;15/02/2024;-200,00;;;FA-102",
    "FA-103;C2;Cave & Co;12/01/2024;11/02/2024;450,00;10/02/2024;;",
    "AV-103;C2;Cave & Co;01/03/2024;01/03/2024;-90,00;;;FA-103",
    "AV-104;C2;Cave & Co;05/03/2024;05/03/2024;-60,00;;;FA-099",
    "FA-104;C2;Cave & Co;01/03/2024;31/03/2024;1 000,00;;;",
)
# What the list asks for, worked out by hand:
#   AV-101 → FA-101: min(1 200, 1 200 − 0 paid) = 1 200, dated max(25/01, 10/01) = 25/01.
#   FA-102 has 800 − 300 paid = 500 open.  By credit-note issue date AV-102 (15/02) comes before AV-105 (20/02):
#   AV-102 → FA-102: min(200, 500) = 200, dated max(15/02, 05/02) = 15/02;
#   AV-105 → FA-102: min(450, 500 − 200) = 300, dated 20/02; AV-105 keeps 450 − 300 = 150 unapplied.
#   FA-103 is paid in full (paid date, no amount = 450): AV-103 has nothing to cancel and stays unapplied.
#   FA-099 is nowhere: AV-104 stays unapplied, with a warning naming its row (row 9).
EXPECTED_SETTLEMENTS = [
    ("AV-101→FA-101", "FA-101", "C1", date(2024, 1, 25), D("1200.00"), "credit", "AV-101"),
    ("AV-102→FA-102", "FA-102", "C1", date(2024, 2, 15), D("200.00"), "credit", "AV-102"),
    ("AV-105→FA-102", "FA-102", "C1", date(2024, 2, 20), D("300.00"), "credit", "AV-105"),
    ("FA-102/2024-02-20/300.00", "FA-102", "C1", date(2024, 2, 20), D("300.00"), "cash", None),
    ("FA-103/2024-02-10/450.00", "FA-103", "C2", date(2024, 2, 10), D("450.00"), "cash", None),
]
ENGLISH_HEADER = (
    "Invoice number,Customer ID,Customer name,Invoice date,Due date,Amount,Paid date,Paid amount,Original invoice"
)


def write(tmp_path, *rows, header=FRENCH_HEADER, name="factures.csv", encoding="cp1252"):
    path = tmp_path / name
    path.write_bytes(("\r\n".join([header, *rows]) + "\r\n").encode(encoding))
    return path


def english(row: str) -> str:
    """The same row as an English export writes it: commas, decimal point, month first."""
    cells = row.split(";")
    for i in (3, 4, 6):
        if cells[i]:
            day, month, year = cells[i].split("/")
            cells[i] = f"{month}/{day}/{year}"
    for i in (5, 7):
        cells[i] = cells[i].replace(" ", "").replace(",", ".")
    cells[2] = f'"{cells[2]}"'
    return ",".join(cells)


def settlement_rows(result) -> list[tuple]:
    return sorted(
        (
            s["settlement_id"],
            s["document_id"],
            s["customer_id"],
            s["date"],
            s["amount"],
            s["kind"],
            s["source_document_id"],
        )
        for s in result.ledger.settlements.to_pylist()
    )


def test_french_list_applies_credit_notes_to_what_each_invoice_has_left_open(tmp_path):
    result = read_files([write(tmp_path, *FRENCH_ROWS)])
    assert settlement_rows(result) == EXPECTED_SETTLEMENTS
    assert result.report.files[0].source["mapping"]["columns"]["applies_to"] == "Facture d'origine"
    assert result.report.files[0].source["mapping"]["confidence"]["applies_to"] == 1.0

    unknown = next(w for w in result.report.warnings if "FA-099" in w.message)
    assert (unknown.file, unknown.row, unknown.column, unknown.value) == (
        "factures.csv",
        9,
        "Facture d'origine",
        "FA-099",
    )
    assert "AV-104" in unknown.message and "reste non imputé" in unknown.message
    paid = next(w for w in result.report.warnings if "n'a plus rien à régler" in w.message)
    assert paid.message.startswith("1 avoir(s)") and (paid.row, paid.value) == (8, "FA-103")
    assert all(w.severity == "warning" for w in result.report.warnings)


def test_the_report_counts_credit_notes_applied_and_left_unapplied(tmp_path):
    file = read_files([write(tmp_path, *FRENCH_ROWS)]).report.files[0]
    # Applied: AV-101 1 200 + AV-102 200 + AV-105 300 = 1 700 (3 credit notes).
    # Left unapplied: AV-105 150 + AV-103 90 + AV-104 60 = 300 (3 credit notes; AV-105 is in both).
    assert file.details["credit_notes_applied"] == {"count": 3, "amount": D("1700.00")}
    assert file.details["credit_notes_unapplied"] == {"count": 3, "amount": D("300.00")}
    assert file.details["unapplied_writeoffs"] == {"count": 0, "amount": D("0.00")}
    # Documents: 1 200 − 1 200 + 800 − 450 − 200 + 450 − 90 − 60 + 1 000 = 1 450; money settled: 300 + 450 = 750.
    assert (file.amount_in_file, file.amount_imported, file.reconciled) == (D("1450.00"), D("1450.00"), True)
    assert file.details["settlements_in_file"] == file.details["settlements_imported"] == D("750.00")
    text = file.to_text()
    assert (
        "avoirs : imputés sur leur facture 3 (Σ 1 700,00) ; non imputés, en tout ou partie, 3 (reste Σ 300,00)" in text
    )
    assert "règlements : Σ fichier 750,00 ; Σ importé 750,00 ✓" in text
    assert (
        "credit notes: applied to their invoice 3 (Σ 1,700.00); not applied, in whole or in part, 3 (Σ left 300.00)"
        in file.to_text("en")
    )
    assert file.to_dict()["details"]["credit_notes_unapplied"] == {"count": 3, "amount": "300.00"}


def test_english_headers_give_the_same_applications(tmp_path):
    path = write(tmp_path, *map(english, FRENCH_ROWS), header=ENGLISH_HEADER, name="invoices.csv", encoding="utf-8")
    result = read_files([path])
    assert settlement_rows(result) == EXPECTED_SETTLEMENTS
    assert result.report.files[0].source["mapping"]["columns"]["applies_to"] == "Original invoice"
    assert next(w for w in result.report.warnings if "FA-099" in w.message).column == "Original invoice"


@pytest.mark.parametrize(
    "header", ["Avoir sur facture", "N° facture d'origine", "Facture liée", "Applies to", "Related invoice"]
)
def test_other_names_of_the_column(tmp_path, header):
    path = write(tmp_path, *FRENCH_ROWS[:2], header=FRENCH_HEADER.replace("Facture d'origine", header))
    result = read_files([path])
    assert result.report.files[0].source["mapping"]["columns"]["document_id"] == "N° facture"
    assert [s["settlement_id"] for s in result.ledger.settlements.to_pylist()] == ["AV-101→FA-101"]


def test_the_engine_no_longer_ages_a_cancelled_invoice(tmp_path):
    ledger = Ledger.in_memory(read_files([write(tmp_path, *FRENCH_ROWS)]).ledger)
    march = period_report(ledger, Period.month(2024, 3))
    # At 31/03/2024 only FA-104 is open (1 000, due that day: not due).  Credit notes keep AV-105 150 + AV-103 90
    # + AV-104 60 = 300 unapplied.  AR = Σ documents 1 450 − cash 750 = 700 = 1 000 − 300.
    assert march.aging == {"not_due": D("1000.00"), "1_30": 0, "31_60": 0, "61_90": 0, "91_120": 0, "over_120": 0}
    assert (march.closing_ar, march.unapplied_credits, march.closing_overdue_ar) == (D("700.00"), D("-300.00"), 0)
    by_document = aged_balance(ledger, date(2024, 3, 31), by="document").rows.set_index("document_id")
    # Without its credit note FA-101 (due 09/02) would sit 1 200 in 31_60 at the end of March (51 days late).
    assert "FA-101" not in by_document.index and "FA-102" not in by_document.index
    assert by_document.loc["AV-105", "credit_notes"] == D("-150.00")
    february = period_report(ledger, Period.month(2024, 2))
    # At 29/02: FA-102 800 − 300 paid − 200 − 300 applied = 0; FA-103 paid; FA-101 cancelled since 25/01.
    # Left: AV-105's 150 unapplied.  Σ documents issued ≤ 29/02 (1 200 − 1 200 + 800 − 450 − 200 + 450 = 600)
    # − cash 750 = −150.
    assert february.closing_ar == D("-150.00") and february.aging["31_60"] == 0 and february.aging["1_30"] == 0


def test_an_invoice_naming_an_invoice_is_refused(tmp_path):
    path = write(tmp_path, FRENCH_ROWS[0], "FA-106;C1;Menuiserie Roux;15/01/2024;;300,00;;;FA-101")
    with pytest.raises(ImportFailed) as refused:
        read_files([path])
    issue = refused.value.issues[0]
    assert (issue.file, issue.row, issue.column, issue.value) == ("factures.csv", 3, "Facture d'origine", "FA-101")
    assert "la facture « FA-106 » (montant 300,00)" in issue.message and "seul un avoir" in issue.message


def test_a_credit_note_of_another_customer_or_naming_a_credit_note_is_refused(tmp_path):
    other = write(tmp_path, FRENCH_ROWS[0], "AV-9;C2;Cave & Co;25/01/2024;;-100,00;;;FA-101")
    with pytest.raises(ImportFailed) as refused:
        read_files([other])
    issue = refused.value.issues[0]
    assert (issue.row, issue.column, issue.value) == (3, "Facture d'origine", "FA-101")
    assert "du client « C2 »" in issue.message and "du client « C1 »" in issue.message
    itself = write(tmp_path, "AV-9;C2;Cave & Co;25/01/2024;;-100,00;;;AV-9", name="b.csv")
    with pytest.raises(ImportFailed) as refused:
        read_files([itself])
    issue = refused.value.issues[0]
    assert (issue.file, issue.row, issue.column, issue.value) == ("b.csv", 2, "Facture d'origine", "AV-9")
    assert "qui est un avoir (montant -100,00)" in issue.message


def test_the_invoice_may_be_in_another_file_or_in_the_workspace(tmp_path):
    january = write(tmp_path, FRENCH_ROWS[0], name="janvier.csv")
    february = write(tmp_path, "AV-101;C1;Menuiserie Roux;25/01/2024;;-1 500,00;;;FA-101", name="fevrier.csv")
    result = read_files([january, february])
    # min(1 500, 1 200 open) = 1 200; the credit note keeps 300.
    assert settlement_rows(result) == [
        ("AV-101→FA-101", "FA-101", "C1", date(2024, 1, 25), D("1200.00"), "credit", "AV-101")
    ]
    assert result.report.files[1].details["credit_notes_unapplied"] == {"count": 1, "amount": D("300.00")}
    assert result.report.files[0].details["credit_notes_applied"] == {"count": 0, "amount": D("0.00")}

    stored = pa.table(
        {"document_id": ["FA-101"], "issue_date": [date(2024, 1, 10)], "customer_id": ["C1"], "amount": [D("1000.00")]}
    )
    alone = read_files([february], known_documents=stored)
    assert settlement_rows(alone)[0][3:5] == (date(2024, 1, 25), D("1000.00"))
    # A workspace that does not give amounts: the credit note is applied whole, and the user is told.
    blind = read_files([february], known_documents={"FA-101": date(2024, 1, 10)})
    assert settlement_rows(blind)[0][2:5] == ("C1", date(2024, 1, 25), D("1500.00"))
    assert any("dont le montant n'est pas connu" in w.message for w in blind.report.warnings)


def test_the_same_credit_note_in_two_exports_asks_once(tmp_path):
    first = write(tmp_path, *FRENCH_ROWS[:2], name="a.csv")
    second = write(tmp_path, FRENCH_ROWS[1], name="b.csv")
    result = read_files([first, second])
    assert [s["settlement_id"] for s in result.ledger.settlements.to_pylist()] == ["AV-101→FA-101"]


def test_without_the_column_credit_notes_stay_unapplied(tmp_path):
    header = FRENCH_HEADER.rsplit(";", 1)[0]
    path = write(tmp_path, *(row.rsplit(";", 1)[0] for row in FRENCH_ROWS), header=header)
    result = read_files([path])
    assert {s["kind"] for s in result.ledger.settlements.to_pylist()} == {"cash"}
    assert "applies_to" not in result.report.files[0].source["mapping"]["columns"]
    # 1 200 + 450 + 200 + 90 + 60 = 2 000 of credit notes, none applied.
    assert result.report.files[0].details["credit_notes_unapplied"] == {"count": 5, "amount": D("2000.00")}


def test_one_credit_note_naming_two_invoices_in_two_exports_is_refused(tmp_path):
    first = write(tmp_path, *FRENCH_ROWS[:3], name="a.csv")
    second = write(tmp_path, "AV-101;C1;Menuiserie Roux;25/01/2024;25/01/2024;-1 200,00;;;FA-102", name="b.csv")
    with pytest.raises(ImportFailed) as refused:
        read_files([first, second])
    issue = refused.value.issues[0]
    assert (issue.file, issue.row, issue.value) == ("b.csv", 2, "FA-102")
    assert "alors qu'il avait « FA-101 » ligne 3 de a.csv" in issue.message


def test_a_fec_report_keeps_its_411_line_and_says_opening_balances_and_unapplied_write_offs():
    from kpi.importers.report import FileReport

    figures = {
        "credit_notes_applied": {"count": 2, "amount": D("4303.52")},
        "credit_notes_unapplied": {"count": 1, "amount": D("95.00")},
        "unapplied_writeoffs": {"count": 1, "amount": D("0.01")},
        "opening_documents": {"count": 7, "amount": D("59146.90")},
    }
    file = FileReport(
        "FEC.txt",
        "fec",
        20,
        12,
        D("14416.52"),
        D("14416.52"),
        {"balance_date": "2022-12-31", "balance_411": D("14416.52"), "classes": {}, **figures},
    )
    lines = file.to_text().splitlines()
    assert lines[2:4] == [
        "  solde des comptes 411 du fichier au 31/12/2022 (Σ débit − Σ crédit) : 14 416,52",
        "  encours importé (Σ documents − Σ règlements) : 14 416,52 ✓",
    ]
    assert lines[5:] == [
        "  avoirs : imputés sur leur facture 2 (Σ 4 303,52) ; non imputés, en tout ou partie, 1 (reste Σ 95,00)",
        "  pertes sans facture (non lettrées), qui réduisent l'encours : 1 (Σ 0,01)",
        "  à-nouveaux (soldes d'ouverture, hors ventes de la période) : 7 (Σ 59 146,90)",
    ]
    assert "opening balances (à-nouveaux, not sales of the period): 7 (Σ 59,146.90)" in file.to_text("en")
    assert file.to_dict()["details"]["opening_documents"] == {"count": 7, "amount": "59146.90"}


def test_the_generic_figures_replace_what_a_reader_counted(tmp_path, monkeypatch):
    """The FEC reader may count credit notes itself; the report's figures come from the checked tables, and
    the à-nouveaux it counts are shown as it gives them."""
    from dataclasses import replace

    import kpi.importers.reading as reading

    fec_reader = reading.read_fec
    reader_counts = {
        "credit_notes_unapplied": {"count": 99, "amount": D("1.00")},
        "opening_documents": {"count": 0, "amount": D("0.00")},
    }
    monkeypatch.setattr(
        reading,
        "read_fec",
        lambda *args: replace(parsed := fec_reader(*args), details={**parsed.details, **reader_counts}),
    )
    path = tmp_path / "123456789FEC20241231.txt"
    header = (
        "JournalCode\tJournalLib\tEcritureNum\tEcritureDate\tCompteNum\tCompteLib\tCompAuxNum\tCompAuxLib\t"
        "PieceRef\tPieceDate\tEcritureLib\tDebit\tCredit\tEcritureLet\tDateLet\tValidDate\tMontantdevise\tIdevise"
    )
    lines = [header]
    for number, (piece, debit, credit) in enumerate([("F1", "120,00", "0,00"), ("A1", "0,00", "20,00")], start=1):
        lines.append(
            f"VE\tVentes\t{number}\t2024011{number}\t411000\tClients\tC1\tMartin\t{piece}\t2024011{number}\t"
            f"{piece}\t{debit}\t{credit}\t\t\t\t\t"
        )
        lines.append(
            f"VE\tVentes\t{number}\t2024011{number}\t706000\tVentes\t\t\t{piece}\t2024011{number}\t"
            f"{piece}\t{credit}\t{debit}\t\t\t\t\t"
        )
    lines.append("OD\tOD\t3\t20240120\t411000\tClients\tC1\tMartin\tOD1\t20240120\tEcart\t0,00\t0,01\t\t\t\t\t")
    lines.append("OD\tOD\t3\t20240120\t658000\tCharges\t\t\tOD1\t20240120\tEcart\t0,01\t0,00\t\t\t\t\t")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    file = read_files([path]).report.files[0]
    assert file.details["credit_notes_unapplied"] == {"count": 1, "amount": D("20.00")}
    # 120 − 20 − 0,01 written off: the 411 balance, to the cent.
    assert (file.amount_in_file, file.amount_imported) == (D("99.99"), D("99.99"))
    assert file.details["unapplied_writeoffs"] == {"count": 1, "amount": D("0.01")}
    assert "pertes sans facture (non lettrées), qui réduisent l'encours : 1 (Σ 0,01)" in file.to_text()
    assert "à-nouveaux (soldes d'ouverture, hors ventes de la période) : 0 (Σ 0,00)" in file.to_text()
