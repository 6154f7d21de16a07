"""The aged balance as XLSX and as CSV for French Excel (kpi/exports/aged_balance.py), on the worked example."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest

from kpi.exports.aged_balance import ExportHeader, aged_balance_csv, aged_balance_xlsx, describe_filters
from kpi.metrics.aging import aged_balance
from kpi.metrics.report import period_report
from kpi.model.periods import Period

AS_OF = date(2026, 3, 31)


@pytest.fixture(scope="module")
def balances(worked_ledger):
    return aged_balance(worked_ledger, AS_OF), aged_balance(worked_ledger, AS_OF, by="document")


def _header(lang="fr", **changes):
    values = {
        "workspace": "Client Dupont",
        "as_of": AS_OF,
        "basis": "due",
        "edges": (30, 60, 90, 120),
        "filters": describe_filters(["Garage Dupont"], [], lang),
        "lang": lang,
        "generated": datetime(2026, 4, 2, 9, 30),
    }
    values.update(changes)
    return ExportHeader(**values)


def _workbook(balances, lang="fr"):
    data = aged_balance_xlsx(*balances, _header(lang))
    return openpyxl.load_workbook(io.BytesIO(data)), openpyxl.load_workbook(io.BytesIO(data), data_only=True)


def _find_row(sheet, text):
    return next(row for row in sheet.iter_rows() if row[0].value == text)


def test_workbook_has_a_sheet_by_customer_and_one_by_document(balances):
    formulas, _ = _workbook(balances)
    assert formulas.sheetnames == ["Par client", "Par pièce"]
    assert _workbook(balances, "en")[0].sheetnames == ["By customer", "By document"]


def test_header_block_states_workspace_date_basis_edges_and_filters(balances):
    _, values = _workbook(balances)
    sheet = values["Par client"]
    header = {sheet.cell(row, 1).value: sheet.cell(row, 2).value for row in range(2, 9)}
    assert sheet["A1"].value == "Balance âgée clients"
    assert header["Espace de travail"] == "Client Dupont"
    assert header["Au"] == "31/03/2026"
    assert header["Ancienneté depuis"] == "l'échéance"
    assert header["Limites des tranches"] == "30, 60, 90, 120 j"
    assert header["Filtres"] == "Clients : Garage Dupont"


def test_total_row_equals_closing_ar_of_the_report(balances, worked_ledger):
    closing_ar = period_report(worked_ledger, Period.month(2026, 3)).closing_ar
    assert closing_ar == Decimal("6500.00")
    formulas, values = _workbook(balances)
    for name in ("Par client", "Par pièce"):
        sheet = values[name]
        titles = [cell.value for cell in _find_row(sheet, "Client")]
        total_row = _find_row(sheet, "Total")
        assert total_row[titles.index("Total")].value == pytest.approx(float(closing_ar))
        assert total_row[titles.index("Non échu")].value == pytest.approx(5500.0)
        assert total_row[titles.index("Avoirs non imputés")].value == pytest.approx(-300.0)
        assert total_row[titles.index("Règlements non lettrés")].value == pytest.approx(-250.0)  # P-07
        # The total is a SUM the user can audit, not a pasted number.
        formula_row = _find_row(formulas[name], "Total")
        assert str(formula_row[titles.index("Total")].value).startswith("=SUM(")


def test_percent_row_and_formats(balances):
    _formulas, values = _workbook(balances)
    sheet = values["Par client"]
    titles = [cell.value for cell in _find_row(sheet, "Client")]
    share = _find_row(sheet, "% du total")
    assert share[titles.index("Non échu")].value == pytest.approx(5500 / 6500)
    assert share[titles.index("Non échu")].number_format == "0.0%"
    first_customer = sheet.cell(_find_row(sheet, "Client")[0].row + 1, titles.index("Total") + 1)
    assert "€" in first_customer.number_format and "#,##0.00" in first_customer.number_format


def test_header_row_is_frozen(balances):
    formulas, _ = _workbook(balances)
    sheet = formulas["Par client"]
    header_row = _find_row(sheet, "Client")[0].row
    assert sheet.freeze_panes == f"C{header_row + 1}"


def test_document_sheet_has_dates_as_dates(balances):
    _, values = _workbook(balances)
    sheet = values["Par pièce"]
    titles = [cell.value for cell in _find_row(sheet, "Client")]
    f002 = next(row for row in sheet.iter_rows() if row[titles.index("Pièce")].value == "F-002")
    assert f002[titles.index("Date de facture")].value == datetime(2026, 1, 15)
    assert f002[titles.index("Date de facture")].number_format == "dd/mm/yyyy"
    assert f002[titles.index("31–60\u00a0j")].value == pytest.approx(300.0)


def test_french_csv_has_bom_semicolons_and_decimal_commas(balances):
    data = aged_balance_csv(balances[0], _header())
    assert data.startswith("\ufeff".encode("utf-8"))
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Client", "Code client", "Non échu"]
    dupont = next(row for row in rows if row[1] == "C2")
    assert dupont[rows[0].index("1–30\u00a0j")] == "800,00"
    assert dupont[rows[0].index("Avoirs non imputés")] == "-300,00"
    assert dupont[rows[0].index("Règlements non lettrés")] == "0,00"
    totals = [Decimal(row[rows[0].index("Total")].replace(",", ".")) for row in rows[1:]]
    assert sum(totals) == Decimal("6500.00")


def test_csv_quotes_names_with_quotes(balances):
    data = aged_balance_csv(balances[0], _header()).decode("utf-8-sig")
    assert '"Café ""Le Zinc"""' in data


def test_english_csv_uses_commas_and_points(balances):
    data = aged_balance_csv(balances[1], _header("en"), dialect="en").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data)))
    f002 = next(row for row in rows if "F-002" in row)
    assert "300.00" in f002 and "15/01/2026" in f002
