"""A random canonical ledger written out in every supported layout reads back identical."""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kpi.importers import read_files
from kpi.model.canonical import DOCUMENTS_SCHEMA, SETTLEMENTS_SCHEMA

CUSTOMERS = {"C001": "Boulangerie Émile", "C002": "Garage Dupont & Fils", "0042": "Œuvre Solidaire", "C9": "Zoé SARL"}
ACTIVITIES = ("Services", "Produits", "Maintenance", "Unassigned")
SETTINGS = settings()  # the profile's examples (tests/conftest.py)


@st.composite
def ledgers(draw):
    count = draw(st.integers(1, 6))
    documents, settlements = [], []
    for number in range(count):
        issue = date(2023, 1, 1) + timedelta(days=draw(st.integers(0, 700)))
        cents = draw(st.integers(1, 9_999_999))
        credit_note = draw(st.booleans()) and number % 3 == 2
        customer = draw(st.sampled_from(sorted(CUSTOMERS)))
        document_id = f"F-{number:04d}" if number % 2 else f"{number:06d}"
        documents.append(
            {
                "document_id": document_id,
                "customer_id": customer,
                "customer_name": CUSTOMERS[customer],
                "activity": draw(st.sampled_from(ACTIVITIES)),
                "issue_date": issue,
                "due_date": issue + timedelta(days=draw(st.sampled_from([0, 30, 45, 60]))),
                "amount": Decimal(-cents if credit_note else cents) / 100,
                "due_date_derived": False,
            }
        )
        if credit_note:
            continue
        left = cents
        for part in range(draw(st.integers(0, 2))):
            paid = draw(st.integers(1, left)) if left > 1 else left
            if paid <= 0:
                break
            left -= paid
            settlements.append(
                {
                    "settlement_id": f"P-{number}-{part}",
                    "document_id": document_id,
                    "customer_id": customer,
                    "date": issue + timedelta(days=draw(st.integers(0, 120))),
                    "amount": Decimal(paid) / 100,
                    "kind": draw(st.sampled_from(["cash", "cash", "writeoff"])),
                }
            )
    return documents, settlements


@st.composite
def ledgers_with_credits(draw):
    """A ledger whose credit notes are applied, whole or in part, to invoices of their customer."""
    documents, settlements = draw(ledgers())
    for note in (d for d in documents if d["amount"] < 0):
        left = int(-note["amount"] * 100)
        invoices = [d for d in documents if d["amount"] > 0 and d["customer_id"] == note["customer_id"]]
        for number, invoice in enumerate(invoices[:2]):
            if left <= 0 or not draw(st.booleans()):
                continue
            cents = draw(st.integers(1, left))
            left -= cents
            settlements.append(
                {
                    "settlement_id": f"C-{note['document_id']}-{number}",
                    "document_id": invoice["document_id"],
                    "customer_id": note["customer_id"],
                    "date": max(note["issue_date"], invoice["issue_date"]) + timedelta(days=draw(st.integers(0, 30))),
                    "amount": Decimal(cents) / 100,
                    "kind": "credit",
                    "source_document_id": note["document_id"],
                }
            )
    return documents, settlements


# Always tried, whatever hypothesis draws: an invoice part cancelled by a credit note, part paid.
WITH_CREDIT = (
    [
        {
            "document_id": "F-0001",
            "customer_id": "C001",
            "customer_name": CUSTOMERS["C001"],
            "activity": "Services",
            "issue_date": date(2023, 1, 10),
            "due_date": date(2023, 2, 9),
            "amount": Decimal("100.00"),
            "due_date_derived": False,
        },
        {
            "document_id": "000002",
            "customer_id": "C001",
            "customer_name": CUSTOMERS["C001"],
            "activity": "Produits",
            "issue_date": date(2023, 2, 1),
            "due_date": date(2023, 2, 1),
            "amount": Decimal("-40.00"),
            "due_date_derived": False,
        },
    ],
    [
        {
            "settlement_id": "C-000002-0",
            "document_id": "F-0001",
            "customer_id": "C001",
            "date": date(2023, 2, 1),
            "amount": Decimal("30.00"),
            "kind": "credit",
            "source_document_id": "000002",
        },
        {
            "settlement_id": "P-1-0",
            "document_id": "F-0001",
            "customer_id": "C001",
            "date": date(2023, 3, 1),
            "amount": Decimal("70.00"),
            "kind": "cash",
            "source_document_id": None,
        },
    ],
)


def french(amount: Decimal) -> str:
    text = f"{amount:,.2f}".replace(",", "\u00a0").replace(".", ",")
    return text


def comparable(table: pa.Table, drop=()) -> list[dict]:
    rows = [{k: v for k, v in row.items() if k not in drop} for row in table.to_pylist()]
    return sorted(rows, key=lambda r: tuple(str(v) for v in r.values()))


def expected(documents, settlements, drop_documents=(), drop_settlements=("settlement_id",)):
    return (
        comparable(pa.Table.from_pylist(documents, DOCUMENTS_SCHEMA), drop_documents),
        comparable(pa.Table.from_pylist(settlements, SETTLEMENTS_SCHEMA), drop_settlements),
    )


def read_back(paths, drop_documents=(), drop_settlements=("settlement_id",), **options):
    result = read_files(paths, **options)
    assert all(f.reconciled for f in result.report.files)
    return (
        comparable(result.ledger.documents, drop_documents),
        comparable(result.ledger.settlements, drop_settlements),
    )


# How each canonical format writes its documents and its settlements: a CSV pair has no due_date_derived
# column (its reader derives it), a Parquet pair keeps the canonical schema whole.
CANONICAL_WRITERS = {
    "csv": (lambda table, path: pa.csv.write_csv(table.drop_columns(["due_date_derived"]), path), pa.csv.write_csv),
    "parquet": (pq.write_table, pq.write_table),
}


@pytest.mark.parametrize("suffix", sorted(CANONICAL_WRITERS))
@given(ledgers_with_credits())
@example(WITH_CREDIT)
@SETTINGS
def test_canonical_pair(suffix, ledger):
    write_documents, write_settlements = CANONICAL_WRITERS[suffix]
    documents, settlements = ledger
    with tempfile.TemporaryDirectory() as folder:
        paths = [Path(folder) / f"documents.{suffix}", Path(folder) / f"settlements.{suffix}"]
        write_documents(pa.Table.from_pylist(documents, DOCUMENTS_SCHEMA), paths[0])
        write_settlements(pa.Table.from_pylist(settlements, SETTLEMENTS_SCHEMA), paths[1])
        assert read_back(paths, drop_settlements=()) == expected(documents, settlements, drop_settlements=())


def write_windows_csv(path: Path, header: str, lines: list[str]) -> Path:
    """A file as French Windows software writes it: cp1252, CRLF line ends."""
    path.write_bytes(("\r\n".join([header, *lines]) + "\r\n").encode("cp1252"))
    return path


def write_french_lists(folder: Path, documents, settlements) -> list[Path]:
    invoices = [
        f"{d['document_id']};{d['customer_id']};{d['customer_name']};{d['activity']};"
        f"{d['issue_date']:%d/%m/%Y};{d['due_date']:%d/%m/%Y};{french(d['amount'])}"
        for d in documents
    ]
    payments = [
        f"{s['document_id']};{s['date']:%d/%m/%Y};{french(s['amount'])} €;"
        f"{'perte' if s['kind'] == 'writeoff' else 'virement'}"
        for s in settlements
    ]
    return [
        write_windows_csv(
            folder / "factures.csv",
            "N° facture;Code client;Client;Activité;Date facture;Date échéance;Montant TTC",
            invoices,
        ),
        write_windows_csv(folder / "reglements.csv", "N° facture;Date règlement;Montant réglé;Type", payments),
    ]


@given(ledgers())
@SETTINGS
def test_french_invoice_list_and_payments_file_semicolon_cp1252_decimal_comma(ledger):
    documents, settlements = ledger
    with tempfile.TemporaryDirectory() as folder:
        paths = write_french_lists(Path(folder), documents, settlements)
        assert read_back(paths, dayfirst=True) == expected(documents, settlements)


@given(ledgers())
@SETTINGS
def test_single_invoice_list_with_paid_columns(ledger):
    documents, settlements = ledger
    first = {}
    for s in settlements:
        if s["kind"] == "cash":
            first.setdefault(s["document_id"], s)
    settlements = list(first.values())
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "factures.csv"
        lines = [
            "invoiceNumber,customerID,customerName,activity,InvoiceDate,DueDate,InvoiceAmount,SettledDate,PaidAmount"
        ]
        for d in documents:
            paid = first.get(d["document_id"])
            lines.append(
                f'{d["document_id"]},{d["customer_id"]},"{d["customer_name"]}",{d["activity"]},'
                f"{d['issue_date']:%m/%d/%Y},{d['due_date']:%m/%d/%Y},{d['amount']},"
                f"{paid['date'].strftime('%m/%d/%Y') if paid else ''},{paid['amount'] if paid else ''}"
            )
        path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
        assert read_back([path], dayfirst=False) == expected(documents, settlements)


@given(ledgers())
@SETTINGS
def test_xlsx_lists(ledger):
    documents, settlements = ledger
    with tempfile.TemporaryDirectory() as folder:
        invoices, payments = openpyxl.Workbook(), openpyxl.Workbook()
        invoices.active.append(
            ["N° facture", "Code client", "Client", "Activité", "Date facture", "Échéance", "Montant TTC"]
        )
        for d in documents:
            invoices.active.append(
                [
                    d["document_id"],
                    d["customer_id"],
                    d["customer_name"],
                    d["activity"],
                    d["issue_date"],
                    d["due_date"],
                    float(d["amount"]),
                ]
            )
        payments.active.append(["N° facture", "Date règlement", "Montant réglé", "Type"])
        for s in settlements:
            payments.active.append([s["document_id"], s["date"], float(s["amount"]), s["kind"]])
        paths = [Path(folder) / "factures.xlsx", Path(folder) / "reglements.xlsx"]
        invoices.save(paths[0])
        payments.save(paths[1])
        assert read_back(paths) == expected(documents, settlements)


def fec_amount(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


@given(ledgers())
@SETTINGS
def test_fec_with_lettrage(ledger):
    """The FEC has no due date (derived from terms) and names activities after revenue accounts."""
    documents, settlements = ledger
    lines = [
        "JournalCode\tJournalLib\tEcritureNum\tEcritureDate\tCompteNum\tCompteLib\tCompAuxNum\tCompAuxLib\t"
        "PieceRef\tPieceDate\tEcritureLib\tDebit\tCredit\tEcritureLet\tDateLet\tValidDate\tMontantdevise\tIdevise"
    ]
    letters = {d["document_id"]: f"L{i}" for i, d in enumerate(documents)}

    def add(journal, number, day, account, label, aux, piece, debit, credit, letter=""):
        lines.append(
            f"{journal}\t{journal}\t{number}\t{day:%Y%m%d}\t{account}\t{label}\t{aux}\t"
            f"{CUSTOMERS.get(aux, '')}\t{piece}\t{day:%Y%m%d}\t{piece}\t{fec_amount(debit)}\t"
            f"{fec_amount(credit)}\t{letter}\t\t\t\t"
        )

    zero = Decimal("0")
    for number, d in enumerate(documents, start=1):
        amount = d["amount"]
        debit, credit = (amount, zero) if amount > 0 else (zero, -amount)
        add(
            "VE",
            number,
            d["issue_date"],
            "411000",
            "Clients",
            d["customer_id"],
            d["document_id"],
            debit,
            credit,
            letters[d["document_id"]] if amount > 0 else "",
        )
        add("VE", number, d["issue_date"], "706000", d["activity"], "", d["document_id"], credit, debit)
    for number, s in enumerate(settlements, start=1000):
        counterpart = "654000" if s["kind"] == "writeoff" else "512000"
        add(
            "BQ",
            number,
            s["date"],
            "411000",
            "Clients",
            s["customer_id"],
            f"R{number}",
            zero,
            s["amount"],
            letters[s["document_id"]],
        )
        add("BQ", number, s["date"], counterpart, "Contrepartie", "", f"R{number}", s["amount"], zero)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "123456789FEC20251231.txt"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        drop = ("due_date", "due_date_derived")
        # A FEC payment carries its PieceRef and label as its reference (« R1000 R1000 » here); the rows written
        # had none: compared apart.
        unlabelled = ("settlement_id", "reference")
        assert read_back([path], drop_documents=drop, drop_settlements=unlabelled) == expected(
            documents, settlements, drop_documents=drop, drop_settlements=unlabelled
        )
        references = read_files([path]).ledger.settlements.column("reference").to_pylist()
        assert len(references) == len(settlements)
        assert all(reference == f"{reference.split()[0]} {reference.split()[0]}" for reference in references)
