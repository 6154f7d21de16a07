"""Ledger-wide checks: what blocks an import and what is only a warning."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from kpi.importers import ImportFailed, read_files
from kpi.importers.options import SETTLEMENT_BEFORE_ISSUE_TOLERANCE_DAYS

HEADER = "N° facture;Code client;Date facture;Montant TTC;Date règlement;Montant réglé"


def write(tmp_path, *rows, name="factures.csv", header=HEADER):
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_tolerance_is_seven_days():
    assert SETTLEMENT_BEFORE_ISSUE_TOLERANCE_DAYS == 7


def test_payment_up_to_the_tolerance_before_its_invoice_is_accepted(tmp_path):
    path = write(tmp_path, "F-1;C1;15/01/2024;100,00;08/01/2024;100,00")
    assert read_files([path]).ledger.settlements.column("date").to_pylist() == [date(2024, 1, 8)]
    late = write(tmp_path, "F-1;C1;15/01/2024;100,00;07/01/2024;100,00", name="b.csv")
    with pytest.raises(ImportFailed) as refused:
        read_files([late])
    issue = refused.value.issues[0]
    assert (issue.row, issue.column, issue.value) == (2, "Date règlement", "07/01/2024")
    assert read_files([late], tolerance_days=30).ledger.settlements.num_rows == 1


def test_overpayment_is_a_warning_and_the_excess_stays_as_credit(tmp_path):
    path = write(tmp_path, "F-1;C1;15/01/2024;100,00;20/01/2024;130,00")
    result = read_files([path])
    assert result.ledger.settlements.column("amount").to_pylist() == [Decimal("130.00")]
    warning = next(w for w in result.report.warnings if "au-delà du montant" in w.message)
    assert (warning.row, warning.severity) == (2, "warning")
    assert "trop-perçu Σ 30,00" in warning.message


def test_duplicate_document_with_different_content_names_both_rows(tmp_path):
    path = write(tmp_path, "F-1;C1;15/01/2024;100,00;;", "F-2;C1;15/01/2024;10,00;;", "F-1;C1;15/01/2024;101,00;;")
    with pytest.raises(ImportFailed) as refused:
        read_files([path])
    issue = refused.value.issues[0]
    assert issue.row == 4 and "déjà lu ligne 2 de factures.csv" in issue.message


def test_errors_are_all_reported_at_once_and_nothing_is_returned(tmp_path):
    path = write(tmp_path, "F-1;C1;15/13/2024;10,00;;", "F-2;C1;15/01/2024;1O,00;;")
    with pytest.raises(ImportFailed) as refused:
        read_files([path])
    columns = sorted(i.column for i in refused.value.issues)
    assert columns == ["Date facture", "Montant TTC"]
    assert str(refused.value).startswith("Import refusé :")


def test_unknown_option_is_a_programming_error(tmp_path):
    with pytest.raises(TypeError, match="unknown option"):
        read_files([write(tmp_path, "F-1;C1;15/01/2024;10,00;;")], seperator=";")


def test_known_documents_keep_amounts_and_stored_credit_applications_when_given():
    import pyarrow as pa

    from kpi.importers.validation import KnownDocuments

    typed = KnownDocuments.from_option(
        pa.table(
            {
                "document_id": ["F-1", "A-1"],
                "issue_date": [date(2024, 1, 5), date(2024, 1, 9)],
                "customer_id": ["C1", "C1"],
                "amount": [Decimal("90.00"), Decimal("-40.00")],
                "credit_applications": [None, [{"settlement_id": "C-1", "amount": Decimal("15.00")}]],
            }
        )
    )
    assert typed.table.column("amount").to_pylist() == [Decimal("90.00"), Decimal("-40.00")]
    assert typed.applications.to_pylist() == [
        {"source_document_id": "A-1", "settlement_id": "C-1", "amount": Decimal("15.00")}
    ]
    text_dates = KnownDocuments.from_option(
        pa.table({"document_id": ["F-1"], "issue_date": ["2024-01-05"], "amount": ["90.00"]})
    )
    assert text_dates.table.to_pylist() == [
        {"document_id": "F-1", "issue_date": date(2024, 1, 5), "customer_id": None, "amount": Decimal("90.00")}
    ]
    # What an older workspace passes: no amount, no applications; nothing to check them against.
    bare = KnownDocuments.from_option({"F-1": date(2024, 1, 5)})
    assert bare.table.column("amount").null_count == 1 and bare.applications.num_rows == 0
