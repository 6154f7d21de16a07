"""The « Délais de paiement » page on a FEC with supplier lines (AppTest): both sides of the D441-6 table, the
received one from the 401 accounts, and its XLSX and PDF downloads; see tests/test_d441.py for the arithmetic."""

import io
from pathlib import Path

import openpyxl
import pypdf
import pytest
from app_session import assert_clean, capture_downloads, imported_home, session, use_home

SUPPLIER_FEC = Path(__file__).parent / "data" / "d441" / "123456789FEC20251231.txt"
DECEMBER = {"ws": "fec", "from": "2025-12-01", "to": "2025-12-31"}


@pytest.fixture
def fec_home(tmp_path, monkeypatch):
    return use_home(imported_home(tmp_path / "home", "fec", [SUPPLIER_FEC]), monkeypatch)


@pytest.mark.parametrize(
    ("lang", "received", "issued", "amount", "money"),
    [
        (
            "fr",
            "Factures reçues",
            "Factures émises",
            "Montant total des factures concernées (TTC)",
            "4\u202f440,00\xa0€",
        ),
        (
            "en",
            "Invoices received",
            "Invoices issued",
            "Total amount of the invoices concerned (incl. VAT)",
            "€4,440.00",
        ),
    ],
)
def test_the_page_shows_the_received_side_beside_the_issued_one(
    fec_home, monkeypatch, lang, received, issued, amount, money
):
    downloads = capture_downloads(monkeypatch)
    app = session({**DECEMBER, "lang": lang})
    app.switch_page("app_pages/payment_delays.py").run()
    assert_clean(app)
    # The fiscal year by default: the twelve months to 31/12/2025, from 01/01/2025 as in tests/test_d441.py.
    first, second = (frame.value for frame in app.dataframe)
    assert (first.columns[0], second.columns[0]) == (received, issued)
    totals = first[first.iloc[:, 0] == amount].iloc[0, 1:]
    assert totals.iloc[-1] == money  # 600 + 240 + 2 400 + 1 200 overdue on 401
    labels = {"fr": ["Télécharger le tableau (XLSX)", "Télécharger le tableau (PDF)"]}
    labels["en"] = ["Download the table (XLSX)", "Download the table (PDF)"]
    assert [b.label for b in app.get("download_button")] == labels[lang]
    xlsx = next(build for name, build in downloads.items() if "D441-6" in name and name.endswith(".xlsx"))()
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx)).active
    assert sheet["B11"].value.startswith("Article D. 441 I. 1°")
    pdf = next(build for name, build in downloads.items() if "D441-6" in name and name.endswith(".pdf"))()
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "Article D. 441 I. 1°" in text and "Article D. 441 I. 2°" in text
