"""Excel 97-2003 workbooks (.xls) are read like XLSX ones: values as the user sees them, rows as Excel numbers them."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from kpi.importers import ImportFailed, read_files

LEGACY = Path(__file__).parent / "data/importers/legacy"


def test_a_real_xls_invoice_list_is_read_exactly():
    parsed = read_files([LEGACY / "factures_excel97.xls"])
    documents = parsed.ledger.documents.to_pylist()
    assert [(d["document_id"], d["customer_id"], d["issue_date"], d["due_date"], d["amount"]) for d in documents] == [
        ("F-2026-001", "411001", date(2026, 1, 15), date(2026, 2, 14), Decimal("1200.00")),
        ("F-2026-002", "411002", date(2026, 1, 20), date(2026, 2, 19), Decimal("845.50")),
        ("F-2026-003", "411001", date(2026, 2, 3), date(2026, 3, 5), Decimal("2310.40")),
        ("F-2026-004", "C-ZEN", date(2026, 3, 1), date(2026, 3, 31), Decimal("10.10")),
    ]
    assert documents[3]["customer_name"] == "Zénith Événements"
    settlements = parsed.ledger.settlements.to_pylist()
    assert sorted((s["document_id"], s["date"], s["amount"]) for s in settlements) == [
        ("F-2026-001", date(2026, 2, 10), Decimal("1200.00")),
        ("F-2026-003", date(2026, 3, 20), Decimal("1000.00")),
    ]


def test_a_bad_value_in_an_xls_names_the_row_excel_shows():
    """The title row above the header counts: Excel's row 4 is the second invoice."""
    with pytest.raises(ImportFailed) as refused:
        read_files([LEGACY / "factures_excel97_bad_amount.xls"])
    (issue,) = refused.value.issues
    assert (issue.file, issue.row, issue.column, issue.value) == (
        "factures_excel97_bad_amount.xls",
        4,
        "Montant TTC",
        "845,5O",
    )


def test_a_sheet_is_chosen_by_name_and_an_unknown_one_is_named():
    assert read_files([LEGACY / "factures_excel97.xls"], sheet="Factures").ledger.documents.num_rows == 4
    with pytest.raises(ImportFailed, match="feuille « Clients » introuvable — feuilles du classeur : « Factures »"):
        read_files([LEGACY / "factures_excel97.xls"], sheet="Clients")


def test_an_ole2_file_that_is_not_a_workbook_is_refused_by_name(tmp_path):
    path = tmp_path / "export.xls"
    path.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 1024)
    with pytest.raises(ImportFailed, match=r"export\.xls : classeur protégé par un mot de passe ou abîmé"):
        read_files([path])
