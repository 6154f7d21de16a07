"""The aged balance page's downloads (AppTest): the XLSX total equals closing AR; the CSV is for French Excel."""

import io
from decimal import Decimal

import openpyxl
import pytest
from app_session import assert_clean, capture_downloads, metric, session

MARCH = {"ws": "worked", "from": "2026-03-01", "to": "2026-03-31"}


@pytest.fixture
def deferred_downloads(worked, monkeypatch):
    """Every st.download_button(data=callable) of a run, by file name: what a click would produce."""
    return capture_downloads(monkeypatch)


def _one(captured, suffix):
    # The overview's audit report downloads are not the aged balance's.
    names = [name for name in captured if name.endswith(suffix) and not name.startswith("audit-")]
    assert len(names) == 1, captured
    return names[0], captured[names[0]]()


def test_xlsx_total_equals_closing_ar_on_the_overview(deferred_downloads):
    app = session(MARCH)
    closing_ar = metric(app, "Encours clients de clôture")
    assert closing_ar == "6\u202f500,00\u00a0€"
    app.switch_page("app_pages/aged_balance.py").run()
    assert_clean(app)
    name, data = _one(deferred_downloads, ".xlsx")
    assert name == "balance-agee-worked-2026-03-31.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(data), data_only=True)["Par client"]
    header = next(row for row in sheet.iter_rows(values_only=True) if row[0] == "Client")
    total = next(row for row in sheet.iter_rows(values_only=True) if row[0] == "Total")
    assert Decimal(str(total[header.index("Total")])) == Decimal("6500")
    workspace_line = next(row for row in sheet.iter_rows(values_only=True) if row[0] == "Espace de travail")
    assert workspace_line[1] == "worked"


def test_xlsx_follows_the_filters(deferred_downloads):
    app = session({**MARCH, "customer": "C2"})
    app.switch_page("app_pages/aged_balance.py").run()
    _, data = _one(deferred_downloads, ".xlsx")
    values = list(openpyxl.load_workbook(io.BytesIO(data), data_only=True)["Par client"].iter_rows(values_only=True))
    header = next(row for row in values if row[0] == "Client")
    total = next(row for row in values if row[0] == "Total")
    assert total[header.index("Total")] == pytest.approx(500.0)  # expected-2026-03-customer-C2.json closing AR
    filters = next(row for row in values if row[0] == "Filtres")
    assert filters[1] == "Clients : Garage Dupont"


def test_french_csv_download(deferred_downloads):
    app = session(MARCH)
    app.switch_page("app_pages/aged_balance.py").run()
    _name, data = _one(deferred_downloads, ".csv")
    text = data.decode("utf-8")
    assert text.startswith("\ufeffClient;Code client;Non échu;")
    assert "Garage Dupont;C2;0,00;800,00;" in text


def test_bucket_editor_changes_the_columns(deferred_downloads):
    app = session(MARCH)
    app.switch_page("app_pages/aged_balance.py").run()
    app.text_input(key="aging_edges").set_value("15, 45").run()
    assert_clean(app)
    _, data = _one(deferred_downloads, ".csv")
    header = data.decode("utf-8-sig").splitlines()[0].split(";")
    assert header[2:] == [
        "Non échu",
        "1–15\u00a0j",
        "16–45\u00a0j",
        ">\u00a045\u00a0j",
        "Avoirs non imputés",
        "Règlements non lettrés",
        "Total",
    ]


def test_bad_bucket_edges_are_explained(deferred_downloads):
    app = session(MARCH)
    app.switch_page("app_pages/aged_balance.py").run()
    app.text_input(key="aging_edges").set_value("60, 30").run()
    assert [e.value for e in app.exception] == []
    assert "n'est pas une liste de limites valable" in app.error[0].value
