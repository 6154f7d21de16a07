"""The import preview speaks the user's language: product labels over the file's own headers, never field names."""

from pathlib import Path

from kpi.importers.inspection import display_preview, inspect_files

DATA = Path(__file__).parent / "data"


def test_an_invoice_list_preview_in_english_names_the_files_headers():
    (found,) = inspect_files([DATA / "importers/legacy/factures_excel97.xls"]).files
    frame = display_preview(found, "en")
    assert list(frame.columns) == [
        "Document (N° facture)",
        "Customer code (Code client)",
        "Customer (Client)",
        "Activity",
        "Invoice date (Date facture)",
        "Due date (Date échéance)",
        "Amount incl. VAT (Montant TTC)",
        "Due date computed",
        "File row",
    ]
    assert frame.iloc[0].tolist()[3] == "No activity" and frame["Due date computed"].tolist() == ["No"] * 4
    assert frame["File row"].tolist() == [3, 4, 5, 6]


def test_a_settlements_preview_in_french_labels_every_column():
    (found,) = inspect_files([DATA / "matching/settlements.csv"]).files
    frame = display_preview(found, "fr")
    # This file's own headers are the canonical names: they show in brackets, after the product's label.
    assert list(frame.columns) == [
        "Référence (settlement_id)",
        "Pièce (document_id)",
        "Code client (customer_id)",
        "Date",
        "Montant TTC (amount)",
        "Nature (kind)",
        "Avoir imputé (source_document_id)",
        "Ligne du fichier",
    ]
    assert frame["Nature (kind)"].tolist()[:2] == ["Avoir imputé", "Règlement"]
    # The raw preview (JSON of `inspect --format json`) keeps the canonical names.
    assert "document_id" in found.preview.columns
