"""Which layout a file is in (FEC, invoice list, payments file, canonical pair) and the mapping to read it with."""

from __future__ import annotations

from dataclasses import dataclass

from kpi.importers.activity import ACTIVITY_LAYOUTS, detect_activity
from kpi.importers.errors import ImportIssue
from kpi.importers.headers import (
    CANONICAL_DOCUMENT_HEADERS,
    CANONICAL_SETTLEMENT_HEADERS,
    PAYMENT_WORDS,
    is_fec,
    normal_form,
)
from kpi.importers.mapping import ColumnMapping, entry_fits, guess_mapping, mapping_from_entry
from kpi.importers.options import ImportOptions
from kpi.importers.report import LAYOUTS
from kpi.importers.saved_mappings import saved_entry
from kpi.importers.tables import TextTable
from kpi.text.messages import Message

LAYOUT_LABELS = {name: Message(f"layout.{name}") for name in LAYOUTS}


@dataclass(frozen=True)
class Detected:
    layout: str  # 'fec' | 'invoices' | 'payments' | 'canonical-documents' | 'canonical-settlements'
    mapping: ColumnMapping | None  # None for the FEC, whose columns are fixed by law


def _invoice_ready(mapping: ColumnMapping) -> bool:
    return all(mapping.has(f) for f in ("document_id", "issue_date", "amount")) and (
        mapping.has("customer_id") or mapping.has("customer_name")
    )


def _payment_ready(mapping: ColumnMapping) -> bool:
    return (
        mapping.has("date")
        and mapping.has("amount")
        and (mapping.has("document_id") or mapping.has("customer_id") or mapping.has("customer_name"))
    )


def _sounds_like_payments(table: TextTable, payments: ColumnMapping) -> bool:
    words = normal_form(table.file).split() + [
        w for f in ("date", "amount") if (h := payments.header(f)) for w in normal_form(h).split()
    ]
    return any(w.startswith(p) for w in words for p in PAYMENT_WORDS)


def _canonical_name(table: TextTable, mapping: ColumnMapping) -> str:
    headers = set(table.headers)
    if mapping.layout == "payments" and set(CANONICAL_SETTLEMENT_HEADERS) <= headers:
        return "canonical-settlements"
    if mapping.layout == "invoices" and set(CANONICAL_DOCUMENT_HEADERS) <= headers:
        return "canonical-documents"
    return mapping.layout


def detect(table: TextTable, options: ImportOptions, user_entries: list[dict]) -> Detected:
    """The layout forced by the options, else the one a mapping file or a saved mapping gives, else guessed."""
    forced = options.layout
    if forced == "fec" or (forced is None and is_fec(table.headers)):
        return Detected("fec", None)
    names = tuple(table.cells.column_names)  # a second « Montant TTC » is « Montant TTC (2) »
    if user_entries:
        fitting = [entry for entry in user_entries if entry_fits(table.headers, entry, names)]
        # With no entry that fits, the closest one is applied so that its absent columns are named.
        entry = (
            fitting[0]
            if fitting
            else max(user_entries, key=lambda e: sum(h in table.headers for h in e["columns"].values()))
        )
        mapping = mapping_from_entry(table.file, table.headers, entry, "fichier", names)
        return Detected(_canonical_name(table, mapping), mapping)
    saved = saved_entry(options.mappings_dir, table.headers)
    if saved is not None and forced in (None, "canonical", saved.get("layout")):
        mapping = mapping_from_entry(table.file, table.headers, saved, "enregistrée", names)
        return Detected(_canonical_name(table, mapping), mapping)
    if forced in ACTIVITY_LAYOUTS:
        return Detected(forced, guess_mapping(table.headers, forced))
    activity = detect_activity(table) if forced is None else None
    if activity is not None:
        return Detected(activity.layout, activity)
    invoices = guess_mapping(table.headers, "invoices")
    payments = guess_mapping(table.headers, "payments")
    if forced == "invoices":
        return Detected("invoices", invoices)
    if forced == "payments":
        return Detected("payments", payments)
    if "settlement_id" in table.headers or (forced == "canonical" and "settlement_id" in table.headers):
        return Detected("canonical-settlements", payments)
    issue_date = next((c for c in invoices.choices if c.field == "issue_date"), None)
    if issue_date is not None and issue_date.confidence == 1.0:
        # A column named like « Date facture » makes it an invoice list, complete or not.
        return Detected(_canonical_name(table, invoices), invoices)
    if _invoice_ready(invoices):
        carries_payment_only = not (
            invoices.has("due_date") or invoices.has("paid_date") or invoices.has("paid_amount")
        )
        if _payment_ready(payments) and carries_payment_only and _sounds_like_payments(table, payments):
            return Detected("payments", payments)
        return Detected(_canonical_name(table, invoices), invoices)
    if _payment_ready(payments):
        return Detected("payments", payments)
    return Detected("invoices", invoices)  # reading it as invoices names the missing columns


def unknown_layout_issue(table: TextTable) -> ImportIssue:
    return ImportIssue(table.file, Message("layout.unknown", headers=", ".join(table.headers)))
