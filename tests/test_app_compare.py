"""The Compare page (AppTest): two periods side by side on the worked example and on the demo; the audit report downloads."""

import io
from decimal import Decimal

import openpyxl
import pytest
from app_session import assert_clean, capture_downloads, metric, session

MARCH = {"ws": "worked", "from": "2026-03-01", "to": "2026-03-31"}


@pytest.fixture
def demo(demo_home):
    """A fresh copy of the demo data home (conftest.py: built once a session, not once a test)."""
    return demo_home


def _choice(app):
    return next(group for group in app.get("button_group") if group.key == "compare_choice")


def _row(table, label):
    return table.loc[table.iloc[:, 0] == label].iloc[0]


def test_march_against_february_on_the_worked_example(worked):
    app = session(MARCH)
    app.switch_page("app_pages/compare.py").run()
    assert_clean(app)
    assert app.title[0].value == "Comparer"
    table = app.dataframe[0].value
    assert list(table.columns) == [
        "Indicateur",
        "Référence (01/02/2026 – 28/02/2026)",
        "Comparée (01/03/2026 – 31/03/2026)",
        "Écart",
        "Écart relatif",
    ]
    dso = _row(table, "DSO")
    assert (dso.iloc[1], dso.iloc[2]) == ("83,3\u00a0j", "33,0\u00a0j")
    assert dso.iloc[3] == "-50,3\u00a0j"
    closing = _row(table, "Encours clients de clôture")
    assert closing.iloc[2] == "6\u202f500,00\u00a0€"
    # A rate's change is in points.
    assert _row(table, "Taux d'échu").iloc[3].endswith("\u00a0pt")
    assert len(app.get("vega_lite_chart")) == 2  # the bridge of each period, one per column


def test_custom_periods_and_english(worked):
    app = session({**MARCH, "lang": "en"})
    app.switch_page("app_pages/compare.py").run()
    _choice(app).set_value("custom").run()
    assert_clean(app)
    table = app.dataframe[0].value
    assert table.columns[1] == "Reference (01/02/2026 – 28/02/2026)"
    assert _row(table, "DSO").iloc[2] == "33.0\u00a0d"


@pytest.mark.parametrize("preset", ["quarter_vs_last_year", "year_vs_previous_year"])
def test_demo_presets_render(demo, preset):
    app = session()
    app.switch_page("app_pages/compare.py").run()
    _choice(app).set_value(preset).run()
    assert_clean(app)
    assert len(app.dataframe[0].value) > 20


# -- the audit report (one click per format) --------------------------------------------------------


@pytest.fixture
def deferred_downloads(worked, monkeypatch):
    """Every st.download_button(data=callable) of a run, by file name: what a click would produce."""
    return capture_downloads(monkeypatch)


@pytest.fixture
def demo_downloads(demo_home, monkeypatch):
    return capture_downloads(monkeypatch)


def _amount(text: str) -> Decimal:
    """A French money text of the overview (`1 234,56 €`) as a number."""
    return Decimal(text.replace("\u202f", "").replace("\u00a0€", "").replace(",", "."))


def test_demo_audit_xlsx_closing_ar_equals_the_overview_card(demo_downloads):
    app = session()
    closing_ar = _amount(metric(app, "Encours clients de clôture"))
    app.switch_page("app_pages/compare.py").run()
    assert_clean(app)
    name = next(name for name in demo_downloads if name.startswith("audit-demonstration-") and name.endswith(".xlsx"))
    data = demo_downloads[name]()
    assert len(data) > 0
    kpis = list(openpyxl.load_workbook(io.BytesIO(data), data_only=True)["Indicateurs"].iter_rows(values_only=True))
    closing = next(row for row in kpis if row[0] == "Encours clients de clôture")
    assert Decimal(str(closing[1])).quantize(Decimal("0.01")) == closing_ar


def test_audit_xlsx_closing_ar_equals_the_overview_card(deferred_downloads):
    app = session(MARCH)
    assert metric(app, "Encours clients de clôture") == "6\u202f500,00\u00a0€"
    app.switch_page("app_pages/compare.py").run()
    assert_clean(app)
    name = "audit-worked-2026-03-01_2026-03-31.xlsx"  # the workspace's name stands for the client
    data = deferred_downloads[name]()
    assert len(data) > 0
    book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    kpis = list(book["Indicateurs"].iter_rows(values_only=True))
    closing = next(row for row in kpis if row[0] == "Encours clients de clôture")
    assert Decimal(str(closing[1])) == Decimal("6500")
    aged = list(book["Balance âgée"].iter_rows(values_only=True))
    header = next(row for row in aged if row[1] == "Client")
    total = next(row for row in aged if row[1] == "Total")
    # The aged balance's total leaves out the credits apart; with them it is closing AR.
    assert Decimal(str(total[header.index("Total")])) == Decimal("6500")


def test_audit_pdf_and_html_downloads_on_the_worked_example(deferred_downloads):
    app = session({**MARCH, "lang": "en"})
    app.switch_page("app_pages/compare.py").run()
    assert_clean(app)
    stems = {name.rsplit(".", 1)[1]: name for name in deferred_downloads if name.startswith("audit-worked-")}
    assert set(stems) == {"xlsx", "pdf", "html"}
    assert deferred_downloads[stems["pdf"]]().startswith(b"%PDF")
    assert "€6,500.00" in deferred_downloads[stems["html"]]().decode("utf-8")
