"""The overview page (AppTest): the client audit report of the period and filters in view, one click per format."""

import io
import re

import openpyxl
import pytest
from app_session import assert_clean, capture_downloads, metric, session
from pypdf import PdfReader

MARCH = {"ws": "worked", "from": "2026-03-01", "to": "2026-03-31"}
STEM = "audit-worked-2026-03-01_2026-03-31"


@pytest.fixture
def downloads(worked, monkeypatch):
    return capture_downloads(monkeypatch)


def _pdf_text(data: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"[ \u00a0\u202f]+", " ", text)


def test_the_overview_offers_the_audit_report_in_three_formats(downloads):
    app = session(MARCH)
    assert_clean(app)
    assert {f"{STEM}.{fmt}" for fmt in ("pdf", "html", "xlsx")} <= set(downloads)
    # Nothing is built until a click: the page stays as fast as without the report.
    assert app.text_input(key="overview_audit_client").value == "worked"
    assert app.text_input(key="overview_audit_author").value == ""
    book = openpyxl.load_workbook(io.BytesIO(downloads[f"{STEM}.xlsx"]()), data_only=True)
    closing = next(
        row for row in book["Indicateurs"].iter_rows(values_only=True) if row[0] == "Encours clients de clôture"
    )
    assert f"{closing[1]:.2f}" == "6500.00" and metric(app, "Encours clients de clôture") == "6\u202f500,00\u00a0€"


def test_client_and_author_typed_on_the_overview_reach_the_cover_and_the_file_name(downloads):
    app = session({**MARCH, "lang": "en"})
    app.text_input(key="overview_audit_client").input("Cabinet Martin & Fils").run()
    app.text_input(key="overview_audit_author").input("Claire Martin").run()
    assert_clean(app)
    name = "audit-cabinet-martin-fils-2026-03-01_2026-03-31.pdf"
    text = _pdf_text(downloads[name]())
    cover = re.sub(r"\s+", " ", text.split("\nFindings", 1)[0])
    for line in (
        "Client Cabinet Martin & Fils",
        "Period 01/03/2026 to 31/03/2026 (31 days)",
        "Credit matching Item by item, as matched",
        "Author Claire Martin",
    ):
        assert line in cover, line
    assert "DSO = closing receivables €6,500.00 ÷ the period's sales €6,100.00 × 31 days = 33.0 d" in text
    page = downloads["audit-cabinet-martin-fils-2026-03-01_2026-03-31.html"]().decode("utf-8")
    assert "Cabinet Martin &amp; Fils" in page and "Cabinet Martin & Fils" not in page
