"""Writes the corpus of broken files and EXPECTED.json (the message each must produce).

Run `python tests/data/bad/generate.py` after changing a case; the files are committed so that
the test reads exactly the bytes a user would give.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

HERE = Path(__file__).parent
HEADER = "N° facture;Code client;Client;Activité;Date facture;Date échéance;Montant TTC"
FEC_HEADER = (
    "JournalCode\tJournalLib\tEcritureNum\tEcritureDate\tCompteNum\tCompteLib\tCompAuxNum\tCompAuxLib\t"
    "PieceRef\tPieceDate\tEcritureLib\tDebit\tCredit\tEcritureLet\tDateLet\tValidDate\tMontantdevise\tIdevise"
)


def invoices(*rows: str, header: str = HEADER) -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode("cp1252")


def fec(*rows: str, header: str = FEC_HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


GOOD_ROW = "F-001;C1;Boulangerie Martin;Services;15/01/2024;14/02/2024;1 200,00"
FEC_SALE = (
    "VE\tVentes\t1\t20240115\t411000\tClients\tC1\tMartin\tF1\t20240115\tFacture F1\t{d}\t0,00\t\t\t\t\t",
    "VE\tVentes\t1\t20240115\t706000\tPrestations\t\t\tF1\t20240115\tFacture F1\t0,00\t1000,00\t\t\t\t\t",
    "VE\tVentes\t1\t{date}\t445710\tTVA collectée\t\t\tF1\t20240115\tFacture F1\t0,00\t200,00\t\t\t\t\t",
)


def xlsx(rows: list[list], sheet: str = "Feuil1") -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    for row in rows:
        worksheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def parquet(columns: dict) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    buffer = io.BytesIO()
    pq.write_table(pa.table(columns), buffer)
    return buffer.getvalue()


def two_invoices_parquet(first_issue_date: str, second_issue_date: str) -> bytes:
    """A Parquet file of two invoices of C1, F-001 (10.00) and F-002 (20.00), issued on these days (as text)."""
    return parquet(
        {
            "document_id": ["F-001", "F-002"],
            "customer_id": ["C1", "C1"],
            "issue_date": [first_issue_date, second_issue_date],
            "amount": ["10.00", "20.00"],
        }
    )


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    return buffer.getvalue()


PAYMENTS_HEADER = "N° facture;Date règlement;Montant réglé"
PAYMENTS_WITH_CUSTOMER = "N° facture;Code client;Date règlement;Montant réglé"

CREDIT_DOCUMENTS = (
    b"document_id,customer_id,customer_name,activity,issue_date,due_date,amount\n"
    b"F-001,C1,Martin,Services,2024-01-15,2024-02-14,100.00\n"
    b"F-002,C1,Martin,Services,2024-01-16,2024-02-15,60.00\n"
    b"A-001,C1,Martin,Services,2024-01-20,2024-01-20,-40.00\n"
    b"A-002,C2,Dupont,Services,2024-01-20,2024-01-20,-40.00\n"
    b"A-003,C1,Martin,Services,2024-01-21,2024-01-21,-10.00\n"
)
CREDIT_SETTLEMENTS = b"settlement_id,document_id,customer_id,date,amount,kind,source_document_id\n"


def invoice_list(*rows: str, header: str = HEADER) -> dict[str, bytes]:
    """A case's one file, the invoice list factures.csv of these rows."""
    return {"factures.csv": invoices(*rows, header=header)}


def payment(row: str, header: str = PAYMENTS_HEADER) -> dict[str, bytes]:
    """An invoice list of GOOD_ROW (F-001, C1, 1 200,00) and a payments file of one row."""
    return {"factures.csv": invoices(GOOD_ROW), "reglements.csv": invoices(row, header=header)}


def credits(*settlements: bytes) -> dict[str, bytes]:
    """The canonical CREDIT_DOCUMENTS (invoices and credit notes of C1 and C2) and a settlements file of these rows."""
    return {"documents.csv": CREDIT_DOCUMENTS, "settlements.csv": CREDIT_SETTLEMENTS + b"".join(settlements)}


def refused(message: str, row: int | None = None, column: str | None = None, value: str | None = None) -> dict:
    """What a case must produce: the message (a part of it), then where it points (row, column, value) as far as
    it says."""
    where = {"row": row, "column": column, "value": value}
    return {"message": message, **{key: part for key, part in where.items() if part is not None}}


def case(files: dict[str, bytes], expected: dict, **options: str) -> tuple[dict[str, bytes], dict, dict]:
    """A case: its files {name: bytes}, what it must produce, and the options it is read with."""
    return files, expected, options


def second_row_refused(row: str, message: str, column: str, value: str | None = None) -> tuple:
    """A case: an invoice list of GOOD_ROW and this row, refused at the second one (the file's row 3) in `column`,
    with the value the message quotes when there is one."""
    return case(invoice_list(GOOD_ROW, row), refused(message, 3, column, value))


def settlement_refused(settlement: bytes, message: str, column: str, value: str | None = None) -> tuple:
    """A case: the canonical CREDIT_DOCUMENTS and one settlement, refused at it (the file's row 2) in `column`."""
    return case(credits(settlement), refused(message, 2, column, value))


CASES: dict[str, tuple[dict[str, bytes], dict, dict]] = {
    "amount_letters": second_row_refused(
        "F-002;C1;Martin;Services;16/01/2024;15/02/2024;12,5x", "montant illisible", "Montant TTC", "12,5x"
    ),
    "amount_three_decimals": second_row_refused(
        "F-002;C1;Martin;Services;16/01/2024;;12,345", "plus de deux décimales", "Montant TTC"
    ),
    "amount_mixed_marks": case(
        invoice_list("F-001;C1;M;S;15/01/2024;;1.50", "F-002;C1;M;S;16/01/2024;;2,50"),
        refused("mélange la virgule et le point", row=3, column="Montant TTC"),
    ),
    "amount_ambiguous_mark": case(
        invoice_list("F-001;C1;M;S;15/01/2024;;1,234", "F-002;C1;M;S;16/01/2024;;2,500"),
        refused("séparateur décimal ambigu", row=2, column="Montant TTC"),
    ),
    "amount_empty": second_row_refused(
        "F-002;C1;Martin;Services;16/01/2024;15/02/2024;", "montant TTC manquant", "Montant TTC"
    ),
    "amount_too_big": case(
        invoice_list("F-001;C1;M;S;15/01/2024;;99999999999999999,00"),
        refused("montant trop grand", row=2, column="Montant TTC"),
    ),
    "amount_bad_grouping": case(
        invoice_list(GOOD_ROW, "F-002;C1;M;S;16/01/2024;;12 34,50"),
        refused("montant illisible", row=3, value="12 34,50"),
    ),
    "amount_two_signs": second_row_refused("F-002;C1;M;S;16/01/2024;;--12,50", "montant illisible", "Montant TTC"),
    "date_unreadable": second_row_refused(
        "F-002;C1;M;S;le 16 janvier;;10,00", "date illisible", "Date facture", "le 16 janvier"
    ),
    "date_impossible": second_row_refused("F-002;C1;M;S;30/02/2024;;10,00", "date impossible", "Date facture"),
    "date_ambiguous": case(
        invoice_list("F-001;C1;M;S;03/04/2024;;10,00", "F-002;C1;M;S;05/06/2024;;10,00"),
        refused("--dayfirst", row=2, column="Date facture", value="03/04/2024"),
    ),
    "date_order_inconsistent": case(
        invoice_list("F-001;C1;M;S;13/01/2024;;10,00", "F-002;C1;M;S;01/13/2024;;10,00"),
        refused("ordre jour/mois incohérent", row=3, column="Date facture"),
    ),
    "date_year_implausible": second_row_refused(
        "F-002;C1;M;S;16/01/0024;;10,00", "année invraisemblable", "Date facture"
    ),
    "date_issue_missing": second_row_refused("F-002;C1;M;S;;;10,00", "date de facture manquant", "Date facture"),
    "date_due_impossible": second_row_refused(
        "F-002;C1;M;S;16/01/2024;32/01/2024;10,00", "date impossible", "Date échéance"
    ),
    "column_amount_missing": case(
        invoice_list(
            "F-001;C1;M;S;15/01/2024;;x",
            header="N° facture;Code client;Client;Activité;Date facture;Date échéance;Commentaire",
        ),
        refused("colonne obligatoire absente : montant TTC"),
    ),
    "column_only_ht": case(
        invoice_list("F-001;C1;15/01/2024;100,00", header="N° facture;Code client;Date facture;Montant HT"),
        refused("« Montant HT » n'est pas un montant TTC"),
    ),
    "column_document_missing": case(
        invoice_list("C1;M;15/01/2024;100,00", header="Code client;Client;Date facture;Montant TTC"),
        refused("colonne obligatoire absente : numéro de facture"),
    ),
    "column_customer_missing": case(
        invoice_list("F-001;15/01/2024;100,00", header="N° facture;Date facture;Montant TTC"),
        refused("colonne obligatoire absente : code ou nom du client"),
    ),
    "document_id_empty": second_row_refused(";C1;M;S;16/01/2024;;10,00", "numéro de facture manquant", "N° facture"),
    "customer_empty": second_row_refused("F-002;;M;S;16/01/2024;;10,00", "code client manquant", "Code client"),
    "duplicate_different_content": case(
        invoice_list(GOOD_ROW, "F-001;C1;Boulangerie Martin;Services;15/01/2024;14/02/2024;1 250,00"),
        refused("« F-001 » en double avec un contenu différent", row=3),
    ),
    "paid_amount_without_date": case(
        invoice_list(
            "F-001;C1;M;15/01/2024;100,00;;40,00",
            header="N° facture;Code client;Client;Date facture;Montant TTC;Date règlement;Montant réglé",
        ),
        refused("montant réglé sans date de règlement", row=2),
    ),
    "paid_amount_negative": case(
        invoice_list(
            "F-001;C1;M;15/01/2024;100,00;20/01/2024;-40,00",
            header="N° facture;Code client;Client;Date facture;Montant TTC;Date règlement;Montant réglé",
        ),
        refused("montant réglé négatif", row=2, column="Montant réglé"),
    ),
    "currency_mixed_in_file": case(
        invoice_list(
            "F-001;C1;15/01/2024;100,00;EUR",
            "F-002;C1;16/01/2024;50,00;USD",
            header="N° facture;Code client;Date facture;Montant TTC;Devise",
        ),
        refused("devises mélangées", row=3, column="Devise", value="USD"),
    ),
    "currency_mixed_between_files": case(
        {
            "factures_eur.csv": invoices(
                "F-001;C1;15/01/2024;100,00;EUR", header="N° facture;Code client;Date facture;Montant TTC;Devise"
            ),
            "factures_usd.csv": invoices(
                "F-002;C1;15/01/2024;100,00;USD", header="N° facture;Code client;Date facture;Montant TTC;Devise"
            ),
        },
        refused("devises mélangées entre fichiers"),
    ),
    "currency_not_workspace": case(
        invoice_list("F-001;C1;15/01/2024;100,00;USD", header="N° facture;Code client;Date facture;Montant TTC;Devise"),
        refused("alors que l'espace de travail est en EUR"),
        currency="EUR",
    ),
    "payment_unknown_invoice": case(
        payment("F-999;20/01/2024;100,00"), refused("facture inconnue « F-999 »", row=2, column="N° facture")
    ),
    "payment_long_before_invoice": case(
        payment("F-001;01/12/2023;100,00"),
        refused("plus de 7 jours avant la facture « F-001 »", row=2, column="Date règlement", value="01/12/2023"),
    ),
    "payment_wrong_customer": case(
        payment("F-001;C2;20/01/2024;100,00", header=PAYMENTS_WITH_CUSTOMER),
        refused("alors que la facture est au client « C1 »", row=2, column="Code client"),
    ),
    "payment_negative": case(
        payment("F-001;20/01/2024;-100,00"), refused("montant de règlement négatif", row=2, column="Montant réglé")
    ),
    "payment_without_reference": case(
        payment(";;20/01/2024;100,00", header=PAYMENTS_WITH_CUSTOMER), refused("ni client", row=2)
    ),
    "payment_unknown_kind": case(
        payment("F-001;20/01/2024;100,00;ristourne", header=PAYMENTS_HEADER + ";Type"),
        refused("type de règlement inconnu", row=2, column="Type", value="ristourne"),
    ),
    "payment_unreadable_date": case(
        payment("F-001;20/13/2024;100,00"), refused("date impossible", row=2, column="Date règlement")
    ),
    "duplicate_across_files": case(
        {
            "factures_janvier.csv": invoices(GOOD_ROW),
            "factures_fevrier.csv": invoices("F-001;C1;Boulangerie Martin;Services;15/02/2024;;99,00"),
        },
        refused("en double avec un contenu différent"),
    ),
    "canonical_settlement_unknown_document": case(
        {
            "documents.csv": b"document_id,customer_id,customer_name,activity,issue_date,due_date,amount\n"
            b"F-001,C1,Martin,Services,2024-01-15,2024-02-14,100.00\n",
            "settlements.csv": b"settlement_id,document_id,customer_id,date,amount,kind\n"
            b"P-1,F-002,C1,2024-01-20,100.00,cash\n",
        },
        refused("facture inconnue « F-002 »", row=2),
    ),
    "canonical_bad_kind": case(
        {
            "documents.csv": b"document_id,customer_id,customer_name,activity,issue_date,due_date,amount\n"
            b"F-001,C1,Martin,Services,2024-01-15,2024-02-14,100.00\n",
            "settlements.csv": b"settlement_id,document_id,customer_id,date,amount,kind\n"
            b"P-1,F-001,C1,2024-01-20,100.00,refund\n",
        },
        refused("type de règlement inconnu", row=2, column="kind", value="refund"),
    ),
    "canonical_credit_source_not_credit_note": settlement_refused(
        b"C-1,F-001,C1,2024-01-25,40.00,credit,F-002\n", "« F-002 » n'est pas un avoir", "source_document_id", "F-002"
    ),
    "canonical_credit_other_customer": settlement_refused(
        b"C-1,F-001,C1,2024-01-25,40.00,credit,A-002\n",
        "l'avoir « A-002 » est au client « C2 » alors que l'imputation est au client « C1 »",
        "source_document_id",
        "A-002",
    ),
    "canonical_credit_target_credit_note": settlement_refused(
        b"C-1,A-003,C1,2024-01-25,5.00,credit,A-001\n",
        "imputation d'avoir sur « A-003 », qui n'est pas une facture",
        "document_id",
        "A-003",
    ),
    "canonical_credit_over_applied": case(
        credits(b"C-1,F-001,C1,2024-01-25,30.00,credit,A-001\n", b"C-2,F-002,C1,2024-01-26,20.00,credit,A-001\n"),
        refused("Σ 50,00 imputé pour un avoir de 40,00", row=3, column="source_document_id", value="A-001"),
    ),
    "canonical_credit_unknown_source": settlement_refused(
        b"C-1,F-001,C1,2024-01-25,10.00,credit,A-999\n",
        "imputation d'un avoir inconnu « A-999 »",
        "source_document_id",
        "A-999",
    ),
    "canonical_credit_without_source": settlement_refused(
        b"C-1,F-001,C1,2024-01-25,10.00,credit,\n",
        "imputation d'avoir (credit) sans l'avoir imputé",
        "source_document_id",
    ),
    "invoice_list_applies_to_on_invoice": case(
        invoice_list(
            GOOD_ROW + ";",
            "F-002;C1;Boulangerie Martin;Services;16/01/2024;15/02/2024;50,00;F-001",
            header=HEADER + ";Facture d'origine",
        ),
        refused(
            "seul un avoir (montant négatif) s'impute sur une facture", row=3, column="Facture d'origine", value="F-001"
        ),
    ),
    "invoice_list_credit_note_other_customer": case(
        invoice_list(
            GOOD_ROW + ";",
            "AV-001;C2;Dupont;Services;20/01/2024;;-50,00;F-001",
            header=HEADER + ";Facture d'origine",
        ),
        refused("un avoir s'impute sur une facture du même client", row=3, column="Facture d'origine", value="F-001"),
    ),
    "invoice_list_credit_note_names_a_credit_note": case(
        invoice_list(
            GOOD_ROW + ";",
            "AV-001;C1;Boulangerie Martin;Services;20/01/2024;;-50,00;AV-002",
            "AV-002;C1;Boulangerie Martin;Services;21/01/2024;;-20,00;",
            header=HEADER + ";Facture d'origine",
        ),
        refused("qui est un avoir (montant -20,00)", row=3, column="Facture d'origine", value="AV-002"),
    ),
    "csv_field_count": case(
        invoice_list(GOOD_ROW, "F-002;C1;M;S;16/01/2024;;10;50"), refused("8 champs au lieu de 7", row=3)
    ),
    "csv_empty": case({"factures.csv": b""}, refused("fichier vide")),
    "csv_one_column": case({"factures.csv": b"Factures de janvier\nF-001\n"}, refused("une seule colonne")),
    "csv_utf16": case({"factures.csv": HEADER.encode("utf-16") + b"\n\x00"}, refused("UTF-16")),
    "csv_is_a_workbook": case({"factures.csv": zip_bytes()}, refused("classeur Excel")),
    "xls_legacy": case({"factures.xls": b"\xd0\xcf\x11\xe0" + b"\x00" * 60}, refused(".xls")),
    "xlsx_damaged": case({"factures.xlsx": b"PK\x03\x04 this is not a workbook"}, refused("classeur XLSX illisible")),
    "xlsx_amount_text": case(
        {
            "factures.xlsx": xlsx(
                [
                    ["Relevé des factures"],
                    [],
                    ["N° facture", "Client", "Date facture", "Montant TTC"],
                    ["F-001", "Martin", "15/01/2024", 100.5],
                    ["F-002", "Martin", "16/01/2024", "cent euros"],
                ]
            )
        },
        refused("montant illisible", row=5, column="Montant TTC", value="cent euros"),
    ),
    "xlsx_sheet_missing": case(
        {
            "factures.xlsx": xlsx(
                [["N° facture", "Client", "Date facture", "Montant TTC"], ["F-001", "Martin", "15/01/2024", 100.5]]
            )
        },
        refused("feuille « Factures » introuvable"),
        sheet="Factures",
    ),
    "xlsx_float_cents": case(
        {
            "factures.xlsx": xlsx(
                [["N° facture", "Client", "Date facture", "Montant TTC"], ["F-001", "Martin", "15/01/2024", 100.125]]
            )
        },
        refused("plus de deux décimales", row=2, column="Montant TTC"),
    ),
    "parquet_bad_date": case(
        {"factures.parquet": two_invoices_parquet("2024-01-15", "2024-13-01")},
        refused("date impossible", row=2, column="issue_date"),
    ),
    "fec_bad_amount": case(
        {"FEC.txt": fec(FEC_SALE[0].format(d="1200,0O"), FEC_SALE[1], FEC_SALE[2].format(date="20240115"))},
        refused("montant illisible", row=2, column="Debit", value="1200,0O"),
    ),
    "fec_bad_date": case(
        {"FEC.txt": fec(FEC_SALE[0].format(d="1200,00"), FEC_SALE[1], FEC_SALE[2].format(date="2024011"))},
        refused("attendu une date FEC AAAAMMJJ", row=4, column="EcritureDate"),
    ),
    "fec_missing_entry_number": case(
        {
            "FEC.txt": fec(
                "VE\t20240115\t411000\t1200,00\t0,00", header="JournalCode\tEcritureDate\tCompteNum\tDebit\tCredit"
            )
        },
        refused("obligatoire(s) absente(s) : EcritureNum"),
    ),
    "mapping_header_absent": case(
        invoice_list(GOOD_ROW),
        refused("colonne « Montant » de la correspondance absente du fichier"),
        mapping="mapping.json",
    ),
    "mapping_unknown_field": case(
        invoice_list(GOOD_ROW), refused("champ « montant » inconnu"), mapping="mapping_field.json"
    ),
    "terms_unreadable": case(
        invoice_list(GOOD_ROW),
        {"exception": "ValueError", "message": "conditions de paiement « 30 jours net »"},
        terms="30 jours net",
    ),
}

MAPPINGS = {
    "mapping_header_absent": (
        "mapping.json",
        {"layout": "invoices", "columns": {"document_id": "N° facture", "amount": "Montant"}},
    ),
    "mapping_unknown_field": ("mapping_field.json", {"layout": "invoices", "columns": {"montant": "Montant TTC"}}),
}


def write_corpus(here: Path, cases: dict, mappings: dict | None = None) -> None:
    """One folder per case holding its files, the saved mappings beside them, and EXPECTED.json: each case's
    expected outcome with the options it is read with."""
    expected = {}
    for case, (files, outcome, options) in cases.items():
        folder = here / case
        folder.mkdir(exist_ok=True)
        for old in folder.iterdir():
            old.unlink()
        for name, content in files.items():
            (folder / name).write_bytes(content)
        if mappings and case in mappings:
            name, content = mappings[case]
            (here / name).write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
        expected[case] = {**outcome, "options": options}
    (here / "EXPECTED.json").write_text(json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def main() -> None:
    write_corpus(HERE, CASES, MAPPINGS)


if __name__ == "__main__":
    main()
