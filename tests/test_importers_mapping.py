"""Column mapping: synonyms with a confidence, mapping files, saved mappings found by header signature."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from kpi.importers import ImportFailed, read_files
from kpi.importers.headers import normal_form
from kpi.importers.mapping import ColumnChoice, ColumnMapping, guess_mapping
from kpi.importers.saved_mappings import header_signature, save_mapping, saved_entry

FRENCH = (
    "N° facture",
    "Code client",
    "Client",
    "Activité",
    "Date facture",
    "Date échéance",
    "Montant TTC",
    "Date règlement",
    "Montant réglé",
)


def test_normal_form():
    assert normal_form("N° Facture") == "n facture"
    assert normal_form("invoiceNumber") == "invoice number"
    assert normal_form("  Date_ÉCHÉANCE ") == "date echeance"


def test_french_invoice_list_headers_map_with_full_confidence():
    mapping = guess_mapping(FRENCH, "invoices")
    assert mapping.fields == {
        "document_id": "N° facture",
        "customer_id": "Code client",
        "customer_name": "Client",
        "activity": "Activité",
        "issue_date": "Date facture",
        "due_date": "Date échéance",
        "amount": "Montant TTC",
        "paid_date": "Date règlement",
        "paid_amount": "Montant réglé",
    }
    assert {c.confidence for c in mapping.choices} == {1.0}


def test_english_headers_and_generic_words_get_lower_confidence():
    mapping = guess_mapping(
        (
            "invoiceNumber",
            "customerID",
            "InvoiceDate",
            "DueDate",
            "InvoiceAmount",
            "SettledDate",
            "PaperlessDate",
            "countryCode",
        ),
        "invoices",
    )
    assert mapping.fields["paid_date"] == "SettledDate"
    assert mapping.fields["issue_date"] == "InvoiceDate"
    assert "PaperlessDate" not in mapping.fields.values()
    confidence = {c.field: c.confidence for c in mapping.choices}
    assert confidence["activity"] < 1.0 and confidence["amount"] == 1.0


def test_contained_words_and_look_alikes():
    mapping = guess_mapping(
        ("Numéro de la facture client", "Nom du client", "Date de la facture", "Total TTC", "Date d'echance"),
        "invoices",
    )
    assert mapping.header("issue_date") == "Date de la facture"
    assert mapping.header("amount") == "Total TTC"
    assert mapping.header("due_date") == "Date d'echance"
    assert 0.5 <= next(c.confidence for c in mapping.choices if c.field == "due_date") < 0.7


@pytest.mark.parametrize(
    ("header", "confidence"),
    [
        ("Facture d'origine", 1.0),
        ("Avoir sur facture", 1.0),
        ("N° facture d'origine", 1.0),
        ("Facture liée", 1.0),
        ("Original invoice", 1.0),
        ("Applies to", 1.0),
        ("Related invoice", 1.0),
        ("N° de la facture d'origine", 0.7),
    ],
)
def test_the_invoice_a_credit_note_applies_to_never_takes_the_invoice_number(header, confidence):
    for headers in (FRENCH + (header,), (header,) + FRENCH):
        mapping = guess_mapping(headers, "invoices")
        assert mapping.header("applies_to") == header and mapping.header("document_id") == "N° facture"
        assert next(c.confidence for c in mapping.choices if c.field == "applies_to") == confidence
    bare = guess_mapping((header, "Facture", "Client", "Date", "Montant"), "invoices")
    assert (bare.header("document_id"), bare.header("applies_to")) == ("Facture", header)


def test_files_without_it_map_as_before():
    for headers in (
        ("Facture", "Client", "Date", "Montant", "Pièce"),
        ("invoiceNumber", "customerID", "InvoiceDate", "InvoiceAmount", "Reference"),
        ("Numéro", "Client", "Date", "Montant", "Origine"),
    ):
        assert "applies_to" not in guess_mapping(headers, "invoices").fields


def test_net_and_tax_columns_are_never_the_amount():
    mapping = guess_mapping(("Facture", "Client", "Date", "Montant HT", "TVA", "Montant TTC"), "invoices")
    assert mapping.header("amount") == "Montant TTC"
    assert guess_mapping(("Facture", "Client", "Date", "Total HT"), "invoices").header("amount") is None


def test_mapping_file_is_used_and_saved_for_the_next_file(tmp_path):
    data = tmp_path / "export.csv"
    data.write_text("Réf;Tiers;Le;Valeur\nA1;Martin;15/01/2024;10,00\n", encoding="utf-8")
    mapping = tmp_path / "mapping.json"
    mapping.write_text(
        json.dumps(
            {
                "layout": "invoices",
                "columns": {"document_id": "Réf", "customer_name": "Tiers", "issue_date": "Le", "amount": "Valeur"},
                "terms": "eom45",
            }
        ),
        encoding="utf-8",
    )
    with pytest.raises(ImportFailed):
        read_files([data])  # « Le » and « Valeur » mean nothing on their own
    saved = tmp_path / "mappings"
    result = read_files([data], mapping=mapping, mappings_dir=saved)
    assert result.ledger.documents.column("amount").to_pylist() == [Decimal("10.00")]
    assert str(result.ledger.documents.column("due_date")[0]) == "2024-03-16"  # terms from the mapping file
    assert result.report.files[0].source["mapping"]["source"] == "fichier"
    again = read_files([data], mappings_dir=saved)
    assert again.report.files[0].source["mapping"]["source"] == "enregistrée"
    assert again.ledger.documents.equals(result.ledger.documents)


def test_header_signature_ignores_order_case_and_accents():
    assert header_signature(("Date facture", "Montant TTC")) == header_signature(("MONTANT ttc", "Date Facture"))
    assert header_signature(("Date facture",)) != header_signature(("Date échéance",))


def test_saved_mapping_round_trip(tmp_path):
    mapping = ColumnMapping("payments", (ColumnChoice("date", "Le", 1.0, "app"),), "app", {"dayfirst": True})
    path = save_mapping(tmp_path, ("Le", "Combien"), mapping)
    entry = saved_entry(tmp_path, ("combien", "le"))
    assert path.exists()
    assert entry["layout"] == "payments" and entry["columns"] == {"date": "Le"} and entry["dayfirst"] is True
    assert saved_entry(tmp_path, ("autre",)) is None
    assert saved_entry(None, ("Le",)) is None


def test_two_columns_that_fit_a_field_equally_are_rivals():
    twice = guess_mapping(("N° facture", "Client", "Date facture", "Montant TTC", "Montant TTC"), "invoices")
    assert [(r.field, r.chosen_position, r.other_position) for r in twice.rivals] == [("amount", 4, 5)]
    synonyms = guess_mapping(("N° facture", "Client", "Date facture", "Montant TTC", "Net à payer"), "invoices")
    assert [(r.field, r.chosen, r.other) for r in synonyms.rivals] == [("amount", "Montant TTC", "Net à payer")]
    # A name or a label read from the first of two synonyms changes no figure: not a rival.
    described = guess_mapping(
        ("N° facture", "Client", "Raison sociale", "Activité", "Service", "Date facture", "Montant TTC"), "invoices"
    )
    assert described.rivals == ()
    # A column another field takes is no rival: « Montant réglé » is the paid amount.
    assert (
        guess_mapping(("N° facture", "Client", "Date facture", "Montant TTC", "Montant réglé"), "invoices").rivals == ()
    )
