"""The import preview speaks the user's language: product labels over the file's own headers, never field names."""

from pathlib import Path

import pytest

from kpi.importers.inspection import display_preview, inspect_files

DATA = Path(__file__).parent / "data"


def preview(path: str, lang: str):
    """The one file read at `path` (below tests/data), and its preview as shown in `lang`."""
    (found,) = inspect_files([DATA / path]).files
    return found, display_preview(found, lang)


@pytest.mark.parametrize(
    ("path", "lang", "columns"),
    [
        (
            "importers/legacy/factures_excel97.xls",
            "en",
            [
                "Document (N° facture)",
                "Customer code (Code client)",
                "Customer (Client)",
                "Activity",
                "Invoice date (Date facture)",
                "Due date (Date échéance)",
                "Amount incl. VAT (Montant TTC)",
                "Due date computed",
                "File row",
            ],
        ),
        # This file's own headers are the canonical names: they show in brackets, after the product's label.
        (
            "matching/settlements.csv",
            "fr",
            [
                "Référence (settlement_id)",
                "Pièce (document_id)",
                "Code client (customer_id)",
                "Date",
                "Montant TTC (amount)",
                "Nature (kind)",
                "Avoir imputé (source_document_id)",
                "Ligne du fichier",
            ],
        ),
    ],
)
def test_the_preview_names_every_column_with_the_products_label_and_the_files_header(path, lang, columns):
    _, frame = preview(path, lang)
    assert list(frame.columns) == columns


def test_an_invoice_list_preview_in_english_translates_its_values():
    _, frame = preview("importers/legacy/factures_excel97.xls", "en")
    assert frame.iloc[0].tolist()[3] == "No activity" and frame["Due date computed"].tolist() == ["No"] * 4
    assert frame["File row"].tolist() == [3, 4, 5, 6]


def test_a_settlements_preview_in_french_translates_its_values():
    found, frame = preview("matching/settlements.csv", "fr")
    assert frame["Nature (kind)"].tolist()[:2] == ["Avoir imputé", "Règlement"]
    # The raw preview (JSON of `inspect --format json`) keeps the canonical names.
    assert "document_id" in found.preview.columns
