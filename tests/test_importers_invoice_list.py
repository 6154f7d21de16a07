"""Invoice lists: paid date and paid amount semantics, derived due dates, activity, totals."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq

from kpi.importers import read_files

HEADER = "N° facture;Code client;Client;Activité;Date facture;Date échéance;Montant TTC;Date règlement;Montant réglé"


def write(tmp_path, *rows, header=HEADER, name="factures.csv"):
    path = tmp_path / name
    path.write_bytes(("\r\n".join([header, *rows]) + "\r\n").encode("cp1252"))
    return path


def test_paid_date_alone_means_paid_in_full_and_partial_amounts_stay_open(tmp_path):
    path = write(
        tmp_path,
        "F-1;C1;Martin;Services;15/01/2024;14/02/2024;1 200,00;10/02/2024;",
        "F-2;C1;Martin;Services;20/01/2024;19/02/2024;800,00;25/02/2024;500,00",
        "F-3;C2;Dupont;Produits;25/01/2024;24/02/2024;300,00;;",
        "AV-1;C2;Dupont;Produits;26/01/2024;;-50,00;;",
    )
    result = read_files([path])
    settlements = result.ledger.settlements.to_pylist()
    assert [(s["document_id"], s["amount"], s["date"], s["kind"]) for s in settlements] == [
        ("F-1", Decimal("1200.00"), date(2024, 2, 10), "cash"),
        ("F-2", Decimal("500.00"), date(2024, 2, 25), "cash"),
    ]
    assert settlements[0]["settlement_id"] == "F-1/2024-02-10/1200.00"
    credit_note = result.ledger.documents.to_pylist()[3]
    assert credit_note["amount"] == Decimal("-50.00")
    assert credit_note["due_date"] == date(2024, 2, 25) and credit_note["due_date_derived"] is True
    file = result.report.files[0]
    assert file.details["documents_in_file"] == file.details["documents_imported"] == Decimal("2250.00")
    assert file.details["settlements_in_file"] == file.details["settlements_imported"] == Decimal("1700.00")


def test_due_dates_derived_from_terms_are_flagged(tmp_path):
    path = write(tmp_path, "F-1;C1;Martin;;31/01/2024;;100,00;;", "F-2;C1;Martin;;31/01/2024;15/03/2024;100,00;;")
    result = read_files([path], terms="45eom")
    documents = result.ledger.documents.to_pylist()
    assert (documents[0]["due_date"], documents[0]["due_date_derived"]) == (date(2024, 3, 31), True)
    assert (documents[1]["due_date"], documents[1]["due_date_derived"]) == (date(2024, 3, 15), False)
    assert documents[0]["activity"] == "Unassigned"
    messages = [w.message for w in result.report.warnings]
    assert any("échéance absente sur 1 facture" in m and "45 jours fin de mois" in m for m in messages)
    assert any("activité vide sur 2 facture" in m for m in messages)


def test_customer_name_falls_back_to_code_and_code_to_name(tmp_path):
    only_name = write(tmp_path, "F-1;Martin;15/01/2024;10,00", header="Facture;Client;Date;Montant", name="a.csv")
    document = read_files([only_name]).ledger.documents.to_pylist()[0]
    assert (document["customer_id"], document["customer_name"]) == ("Martin", "Martin")


def test_identical_repeated_rows_are_kept_once_and_explained(tmp_path):
    row = "F-1;C1;Martin;Services;15/01/2024;14/02/2024;100,00;;"
    result = read_files([write(tmp_path, row, row)])
    file = result.report.files[0]
    assert result.ledger.documents.num_rows == 1
    assert (file.amount_in_file, file.amount_imported, file.reconciled) == (Decimal("200.00"), Decimal("100.00"), False)
    assert file.explanations == ("1 ligne(s) en double à l'identique ignorée(s) (numéro de facture, Σ 100,00)",)


def test_total_and_blank_rows_do_not_become_invoices(tmp_path):
    path = write(tmp_path, "F-1;C1;Martin;Services;15/01/2024;;100,00;;", ";;;;;;;;", ";;Total;;;;100,00;;")
    result = read_files([path])
    assert result.ledger.documents.num_rows == 1
    file = result.report.files[0]
    assert (file.rows_read, file.rows_imported, file.reconciled) == (2, 1, True)
    assert any(
        w.message == "1 ligne(s) de total mise(s) de côté (Σ 100,00) : chacune vaut la somme des lignes au-dessus"
        and w.row == 4
        for w in file.warnings
    )
    assert file.details["total_rows"] == {"count": 1, "amount": Decimal("100.00")}


def test_xlsx_with_a_title_row_dates_and_float_amounts(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Export"
    workbook.create_sheet("Factures")
    other = workbook["Factures"]
    for row in (
        ["Relevé au 31/01/2024"],
        [],
        ["N° facture", "Client", "Date facture", "Montant TTC", "Réglé le"],
        [1001, "Martin", date(2024, 1, 15), 0.1 + 0.2, None],
        ["1002", "Dupont", "16/01/2024", 1234.5, date(2024, 1, 20)],
    ):
        other.append(row)
    path = tmp_path / "factures.xlsx"
    workbook.save(path)
    result = read_files([path], sheet="Factures")
    documents = result.ledger.documents.to_pylist()
    assert [d["document_id"] for d in documents] == ["1001", "1002"]
    assert [d["amount"] for d in documents] == [Decimal("0.30"), Decimal("1234.50")]
    assert documents[0]["issue_date"] == date(2024, 1, 15)
    assert result.ledger.settlements.column("amount").to_pylist() == [Decimal("1234.50")]
    assert result.report.files[0].source["sheet"] == "Factures"
    assert read_files([path], sheet=2).ledger.documents.equals(result.ledger.documents)


def test_parquet_with_typed_columns(tmp_path):
    path = tmp_path / "factures.parquet"
    pq.write_table(
        pa.table(
            {
                "invoice_number": pa.array(["0001", "0002"]),
                "customer": pa.array(["Martin", "Dupont"]).dictionary_encode(),
                "invoice_date": pa.array([date(2024, 1, 15), date(2024, 1, 16)]),
                "amount": pa.array([Decimal("10.10"), Decimal("-2.50")], pa.decimal128(12, 2)),
                "paid_amount": pa.array([10.1, None]),
                "paid_date": pa.array([datetime(2024, 2, 1, 9, 30), None], pa.timestamp("ms")),
            }
        ),
        path,
    )
    result = read_files([path])
    documents = result.ledger.documents.to_pylist()
    assert [d["document_id"] for d in documents] == ["0001", "0002"]
    assert [d["amount"] for d in documents] == [Decimal("10.10"), Decimal("-2.50")]
    assert result.ledger.settlements.column("amount").to_pylist() == [Decimal("10.10")]


def test_parquet_typed_columns_read_as_their_text_would_be(tmp_path, monkeypatch):
    from kpi.importers import ImportFailed, tables

    def outcome(path, **options):
        try:
            result = read_files([path], **options)
            return result.ledger.documents.to_pylist(), result.ledger.settlements.to_pylist(), result.report.to_dict()
        except ImportFailed as error:
            return [str(issue) for issue in error.issues]

    cases = [
        (pa.array([date(2024, 1, 15), None]), pa.array([Decimal("10.10"), Decimal("-2.50")], pa.decimal128(12, 2)), {}),
        (pa.array([date(2024, 1, 15), date(2024, 1, 16)]), pa.array([1010, -250], pa.int32()), {"decimal": ","}),
        (
            pa.array([date(2024, 1, 15), date(2024, 1, 16)]),
            pa.array([Decimal("1.10"), Decimal("2")], pa.decimal128(12, 2)),
            {"decimal": ","},
        ),
        (
            pa.array([date(1850, 1, 15), date(2024, 1, 16)]),
            pa.array([Decimal(1), Decimal(2)], pa.decimal128(38, 0)),
            {},
        ),
        (
            pa.array([datetime(2024, 1, 15), datetime(2024, 1, 16)], pa.timestamp("ms")),
            pa.array([Decimal(10) ** 20, Decimal(2)], pa.decimal128(38, 2)),
            {},
        ),
    ]
    for number, (issued, amount, options) in enumerate(cases):
        path = tmp_path / f"factures{number}.parquet"
        pq.write_table(
            pa.table(
                {
                    "invoice_number": ["0001", "0002"],
                    "customer": ["Martin", "Dupont"],
                    "invoice_date": issued,
                    "due_date": issued,
                    "amount": amount,
                }
            ),
            path,
        )
        typed = outcome(path, **options)
        with monkeypatch.context() as text_only:
            text_only.setattr(tables.TextTable, "typed_column", lambda self, name: None)
            assert typed == outcome(path, **options), number
