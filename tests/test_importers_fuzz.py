"""Invoice lists written every way exports write them (separators, encodings, decimal marks, groupings, signs,
currency signs, date forms), some with garbage cells: read_files never fails with anything but ImportFailed,
and what it accepts holds exactly the generated ids, amounts and dates."""

from __future__ import annotations

import csv
import io
import os
import tempfile
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pyarrow.compute as pc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpi.importers import ImportFailed, read_files

# A few seconds in CI, the same examples every run; ENCOURS_FUZZ_EXAMPLES=2000 explores afresh.
EXAMPLES = int(os.environ.get("ENCOURS_FUZZ_EXAMPLES", "0"))
FUZZ = settings(
    max_examples=EXAMPLES or 60,
    deadline=None,
    derandomize=not EXAMPLES,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

HEADERS = {
    "fr": (
        "N° facture",
        "Code client",
        "Date facture",
        "Date échéance",
        "Montant TTC",
        "Date règlement",
        "Montant réglé",
    ),
    "en": ("invoiceNumber", "customerID", "InvoiceDate", "DueDate", "InvoiceAmount", "SettledDate", "PaidAmount"),
}
DAY_FIRST_FORMS = ("%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%Y-%m-%d", "%Y%m%d", "%d/%m/%y")
MONTH_FIRST_FORMS = ("%m/%d/%Y", "%Y-%m-%d", "%Y%m%d")
DATE_COLUMNS = (2, 3, 5)
AMOUNT_COLUMNS = (4, 6)
# Cells a careless export or a hostile sender writes; none of them is a valid date.
GARBAGE = (
    "",
    " ",
    "Total",
    "TOTAL",
    "Sous-total",
    "=1+2",
    "+",
    "-",
    "—",
    "N/A",
    "#N/A",
    "NaN",
    "inf",
    "-inf",
    "1e308",
    "12EUR34,00",
    "1€2€3,45",
    "$",
    "£5",
    "2026-13-45",
    "31/02/2026",
    "00/00/0000",
    "1.500",
    "1,234",
    "(",
    ")",
    "--1",
    "+-3",
    "１２３",
    "\u00a0",
    "0x1F",
    "9" * 40,
    "1 2 3",
    "12,5x",
    "2026-03-05 n'importe quoi",
    "15/03/69",
    "TOTAL-2026-001",
    "Total Energies",
    '"',
    "'",
    ";",
    ",",
    "|",
    "\t",
    "ÿ",
    "€",
    "1 000,00 $",
)


@dataclass(frozen=True)
class Invoice:
    document_id: str
    customer_id: str
    issue: date
    due: date | None
    cents: int
    paid: date | None
    paid_cents: int | None


ids = st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ0123456789-/_.", min_size=1, max_size=10).filter(
    lambda text: text[0].isalnum()
)


@st.composite
def invoices(draw) -> list[Invoice]:
    numbers = draw(st.lists(ids, min_size=1, max_size=12, unique_by=str.upper))
    rows = []
    for number in numbers:
        issue = draw(st.dates(date(2000, 1, 1), date(2030, 12, 31)))
        due = draw(st.one_of(st.none(), st.integers(0, 120).map(lambda d, i=issue: i + timedelta(days=d))))
        cents = draw(st.integers(-(10**9), 10**11).filter(lambda c: c != 0))
        paid = (
            None
            if cents < 0
            else draw(st.one_of(st.none(), st.integers(0, 200).map(lambda d, i=issue: i + timedelta(days=d))))
        )
        paid_cents = None if paid is None else draw(st.one_of(st.none(), st.integers(1, cents)))
        customer = draw(st.sampled_from(["C1", "C2", "Société Générale", "TotalEnergies", "O'Neil", "C-3"]))
        rows.append(Invoice(number, customer, issue, due, cents, paid, paid_cents))
    return rows


@dataclass(frozen=True)
class Form:
    """How one file writes its cells."""

    language: str
    separator: str
    encoding: str
    decimal: str  # ',' or '.'
    grouping: str  # '' or a thousands separator
    negative: str  # '-x', 'x-' or '(x)'
    currency: str  # '', ' €', 'EUR '…
    date_forms: tuple[str, str, str]  # issue, due, paid columns
    short_decimals: bool  # 12,5 and 12 rather than 12,50 and 12,00
    total_row: str  # '' or where a « Total » row at the foot writes its label: 'id' or 'customer'


@st.composite
def forms(draw) -> Form:
    decimal = draw(st.sampled_from([",", "."]))
    grouping = draw(st.sampled_from(["", " ", "\u00a0", "'", "." if decimal == "," else ","]))
    separator = draw(st.sampled_from([";", ",", "\t", "|"]))
    day_first = draw(st.booleans())
    pool = DAY_FIRST_FORMS if day_first else MONTH_FIRST_FORMS
    return Form(
        language=draw(st.sampled_from(["fr", "en"])),
        separator=separator,
        encoding=draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"])),
        decimal=decimal,
        grouping=grouping,
        negative=draw(st.sampled_from(["-x", "x-", "(x)"])),
        currency=draw(st.sampled_from(["", " €", "€", "EUR ", " EUR", " euros"])),
        date_forms=tuple(draw(st.sampled_from(pool)) for _ in range(3)),
        short_decimals=draw(st.booleans()),
        total_row=draw(st.sampled_from(["", "", "id", "customer"])),
    )


def _amount(cents: int, form: Form) -> str:
    units, hundredths = divmod(abs(cents), 100)
    whole = f"{units:,}".replace(",", "\x00").replace("\x00", form.grouping)
    if form.short_decimals and hundredths == 0:
        text = whole
    elif form.short_decimals and hundredths % 10 == 0:
        text = f"{whole}{form.decimal}{hundredths // 10}"
    else:
        text = f"{whole}{form.decimal}{hundredths:02d}"
    if cents < 0:
        text = {"-x": f"-{text}", "x-": f"{text}-", "(x)": f"({text})"}[form.negative]
    return (
        form.currency.replace("€", text + "€", 1)
        if form.currency == "€"
        else (f"{text}{form.currency}" if form.currency.startswith(" ") else f"{form.currency}{text}")
    )


def _cells(invoice: Invoice, form: Form) -> list[str]:
    def day(value: date | None, which: int) -> str:
        return "" if value is None else value.strftime(form.date_forms[which])

    return [
        invoice.document_id,
        invoice.customer_id,
        day(invoice.issue, 0),
        day(invoice.due, 1),
        _amount(invoice.cents, form),
        day(invoice.paid, 2),
        "" if invoice.paid_cents is None else _amount(invoice.paid_cents, form),
    ]


garbage = st.one_of(
    st.sampled_from(GARBAGE),
    st.text(alphabet=st.characters(codec="cp1252", exclude_categories=("Cc", "Cs")), max_size=12).filter(
        lambda text: any(c.isalpha() for c in text)
    ),
)


@st.composite
def mutations(draw, rows: int) -> dict[tuple[int, int], str]:
    """At most two cells replaced by garbage: (row, column) -> text."""
    count = draw(st.integers(0, 2))
    return {(draw(st.integers(0, rows - 1)), draw(st.integers(0, 6))): draw(garbage) for _ in range(count)}


def _write(folder: Path, invoices: list[Invoice], form: Form, garbage_cells: dict) -> Path | None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=form.separator, lineterminator="\r\n")
    writer.writerow(HEADERS[form.language])
    for index, invoice in enumerate(invoices):
        cells = _cells(invoice, form)
        for (row, column), text in garbage_cells.items():
            if row == index:
                cells[column] = text
        writer.writerow(cells)
    if form.total_row:
        label = ["Total", ""] if form.total_row == "id" else ["", "TOTAL :"]
        writer.writerow([*label, "", "", _amount(sum(i.cents for i in invoices), form), "", ""])
    try:
        data = buffer.getvalue().encode(form.encoding)
    except UnicodeEncodeError:
        return None  # a name cp1252 cannot write: no export would hold it
    path = folder / "factures.csv"
    path.write_bytes(data)
    return path


def _check_exact(result, invoices: list[Invoice], mutated_rows: set[int]) -> None:
    documents = {row["document_id"]: row for row in result.ledger.documents.to_pylist()}
    settlements = result.ledger.settlements.filter(pc.equal(result.ledger.settlements.column("kind"), "cash"))
    paid = {}
    for row in settlements.to_pylist():
        paid.setdefault(row["document_id"], []).append((row["date"], row["amount"]))
    expected_ids = {invoice.document_id for index, invoice in enumerate(invoices) if index not in mutated_rows}
    assert expected_ids <= set(documents), expected_ids - set(documents)
    assert len(documents) <= len(invoices)  # a total row is never an invoice
    for index, invoice in enumerate(invoices):
        if index in mutated_rows:
            continue
        read = documents[invoice.document_id]
        assert read["customer_id"] == invoice.customer_id
        assert read["amount"] == Decimal(invoice.cents).scaleb(-2), (invoice, read)
        assert read["issue_date"] == invoice.issue, (invoice, read)
        if invoice.due is not None:
            assert read["due_date"] == invoice.due, (invoice, read)
        if invoice.paid is not None and invoice.cents > 0:
            cents = invoice.paid_cents if invoice.paid_cents is not None else invoice.cents
            assert paid.get(invoice.document_id) == [(invoice.paid, Decimal(cents).scaleb(-2))], (invoice, paid)
        else:
            assert invoice.document_id not in paid


@FUZZ
@given(st.data(), invoices(), forms())
def test_invoice_lists_are_read_exactly_or_refused_with_a_message(data, rows, form):
    garbage_cells = data.draw(mutations(len(rows))) if data.draw(st.booleans()) else {}
    with tempfile.TemporaryDirectory() as folder:
        path = _write(Path(folder), rows, form, garbage_cells)
        if path is None:
            return
        try:
            result = read_files([path])
        except ImportFailed as refused:
            # A refusal names its file, and each issue reads as a sentence (no traceback, no repr of an object).
            assert refused.issues and all(issue.file == "factures.csv" for issue in refused.issues)  # noqa: PT017
            assert all(issue.message and "Traceback" not in issue.message for issue in refused.issues)  # noqa: PT017
            if not garbage_cells and form.date_forms[0] != "%d/%m/%y":
                _explained(refused, rows, form)
            return
    _check_exact(result, rows, {row for row, _ in garbage_cells})


def _explained(refused: ImportFailed, rows: list[Invoice], form: Form) -> None:
    """A clean file is refused only for what cannot be told from its cells: a day/month order no value settles,
    a decimal mark no value settles, or amounts beyond what DECIMAL(18,2) sums."""
    reasons = " ".join(issue.message for issue in refused.issues)
    assert any(
        why in reasons
        for why in ("date ambiguë", "séparateur décimal ambigu", "hors de portée", "année sur deux chiffres")
    ), (reasons, rows, form)
