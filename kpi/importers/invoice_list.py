"""An invoice list (one row per invoice, perhaps with a paid date and a paid amount) read as documents and settlements.

A paid date without a paid amount means paid in full on that date; a paid amount below the
invoice amount is a partial payment; a paid amount above it is an overpayment (see validation).
A credit note's row may name the invoice it applies to (« Facture d'origine »): the row then asks
for a `credit` application of the whole credit note, undated, that validation caps at what the
invoice has left open once every file of the import is read, and dates (KPI-SPEC §1).

An invoice due before its issue date is refused (the message says by how many days: a typo, or day and
month swapped); a credit note may be, as some software gives it its invoice's due date, and is kept so.
Total rows (« Total », « Sous-total ») are set aside before, by total_rows.py.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kpi.importers.activity import disputes_from_flags
from kpi.importers.errors import ImportIssue
from kpi.importers.fields import FIELD_LABELS, FieldReader
from kpi.importers.headers import NOT_GROSS_AMOUNT, normal_form
from kpi.importers.mapping import ColumnMapping
from kpi.importers.parsed import DOCUMENTS_WITH_ORIGIN, SETTLEMENTS_WITH_ORIGIN, ParsedFile, with_origin
from kpi.importers.payments import settlement_ids
from kpi.importers.tables import TextTable
from kpi.importers.terms import PaymentTerms
from kpi.model.canonical import MONEY
from kpi.model.names import UNASSIGNED_ACTIVITY
from kpi.text.messages import Message


def _missing_columns(table: TextTable, mapping: ColumnMapping) -> list[ImportIssue]:
    issues = []
    present = [Message("quoted", text=h) for h in table.headers]
    for name in ("document_id", "issue_date", "amount"):
        if mapping.has(name):
            continue
        hint = ""
        if name == "amount":
            net = [
                h for h in table.headers if any(set(w.split()) <= set(normal_form(h).split()) for w in NOT_GROSS_AMOUNT)
            ]
            if net:
                hint = Message("invoices.not_gross", header=net[0])
        issues.append(
            ImportIssue(
                table.file, Message("invoices.missing_column", field=FIELD_LABELS[name], hint=hint, present=present)
            )
        )
    if not mapping.has("customer_id") and not mapping.has("customer_name"):
        issues.append(ImportIssue(table.file, Message("invoices.missing_customer", present=present)))
    return issues


def _currency(reader: FieldReader) -> str | None:
    values = reader.text("currency")
    if values is None:
        return None
    filled = pc.utf8_upper(values).filter(pc.not_equal(values, ""))
    distinct = pc.unique(filled).to_pylist()
    if len(distinct) > 1:
        first = distinct[0]
        index = pc.indices_nonzero(pc.and_(pc.not_equal(pc.utf8_upper(values), first), pc.not_equal(values, "")))
        at = index[0].as_py()
        reader.issue(
            Message("invoices.mixed_currencies", currencies=", ".join(sorted(distinct))),
            at,
            reader.mapping.header("currency"),
            values[at].as_py(),
        )
        return None
    return {"€": "EUR", "EURO": "EUR", "EUROS": "EUR"}.get(distinct[0], distinct[0]) if distinct else None


def read_invoice_list(
    table: TextTable, mapping: ColumnMapping, reader: FieldReader, terms: PaymentTerms
) -> ParsedFile | None:
    issues = reader.issues
    if reader.refuse(_missing_columns(table, mapping)):
        return None
    before = reader.start
    n = table.num_rows
    document_id = reader.required_text("document_id")
    customer_id = reader.required_text("customer_id" if mapping.has("customer_id") else "customer_name")
    customer_name = reader.text("customer_name")
    issue_date = reader.dates("issue_date", required=True)
    due_date = reader.dates("due_date", required=False)
    amount = reader.amounts("amount", required=True)
    paid_date = reader.dates("paid_date", required=False)
    paid_amount = reader.amounts("paid_amount", required=False)
    applies_to = reader.text("applies_to")
    currency = _currency(reader)
    if len(issues) > before:
        return None
    warnings: list[ImportIssue] = []
    if due_date is not None:
        _due_before_issue(table, mapping, issue_date, due_date, amount, issues, warnings)
        if len(issues) > before:
            return None
    if customer_name is None:
        customer_name = customer_id
    else:
        customer_name = pc.if_else(pc.equal(customer_name, ""), customer_id, customer_name)
    activity = reader.text("activity")
    if activity is None:
        activity = pa.array([""] * n, pa.string())
    no_activity = pc.equal(activity, "")
    if n and pc.any(no_activity).as_py():
        count = pc.sum(no_activity).as_py()
        warnings.append(
            ImportIssue(
                table.file,
                Message("invoices.no_activity", count=count, activity=UNASSIGNED_ACTIVITY),
                severity="warning",
                column=mapping.header("activity"),
            )
        )
    activity = pc.if_else(no_activity, UNASSIGNED_ACTIVITY, activity)
    if due_date is None:
        due_date = pa.nulls(n, pa.date32())
    derived = pc.is_null(due_date)
    if n and pc.any(derived).as_py():
        count = pc.sum(derived).as_py()
        warnings.append(
            ImportIssue(
                table.file, Message("invoices.no_due_date", count=count, terms=terms.describe()), severity="warning"
            )
        )
        due_date = pc.coalesce(due_date, terms.due_dates(issue_date))
    rows = reader.rows()
    documents = pa.table(
        {
            "document_id": document_id,
            "customer_id": customer_id,
            "customer_name": customer_name,
            "activity": activity,
            "issue_date": issue_date,
            "due_date": due_date,
            "amount": amount,
            "due_date_derived": derived,
            "source_file": pa.array([table.file] * n, pa.string()),
            "source_row": rows,
        }
    )
    settlements = with_origin(
        _paid_columns(table, mapping, documents, paid_date, paid_amount, issues, warnings), SETTLEMENTS_WITH_ORIGIN
    )
    requested = _credit_references(table, mapping, documents, applies_to, issues)
    disputes = disputes_from_flags(reader, documents, paid_date)
    if disputes is None or len(issues) > before:  # None has said why
        return None
    return ParsedFile(
        table.file,
        "invoices",
        with_origin(documents, DOCUMENTS_WITH_ORIGIN),
        pa.concat_tables([settlements, requested]) if requested.num_rows else settlements,
        rows_read=n,
        warnings=tuple(warnings),
        details={"documents_in_file": _sum(amount), "settlements_in_file": _sum(settlements.column("amount"))},
        currency=currency,
        columns={**mapping.fields, "date": mapping.header("paid_date")},
        activity={"disputes": disputes} if disputes.num_rows else {},
    )


def _due_before_issue(
    table: TextTable,
    mapping: ColumnMapping,
    issue_date: pa.Array,
    due_date: pa.Array,
    amount: pa.Array,
    issues: list[ImportIssue],
    warnings: list[ImportIssue],
) -> None:
    early = np.asarray(pc.fill_null(pc.less(due_date, issue_date), False).to_numpy(zero_copy_only=False), dtype=bool)
    if not early.any():
        return
    credit_note = np.asarray(
        pc.fill_null(pc.less(amount, pa.scalar(Decimal("0.00"), MONEY)), False).to_numpy(zero_copy_only=False),
        dtype=bool,
    )
    invoices = np.flatnonzero(early & ~credit_note)
    header = mapping.header("due_date")
    assert header is not None  # the due dates were read from it
    if len(invoices):
        index = int(invoices[0])
        due, issued = due_date[index].as_py(), issue_date[index].as_py()
        more = Message("invoices.in_this_case", count=len(invoices)) if len(invoices) > 1 else ""
        issues.append(
            ImportIssue(
                table.file,
                Message("invoices.due_before_issue", due=due, count=(issued - due).days, issued=issued, more=more),
                table.row_of(index),
                header,
                table.column(header)[index].as_py(),
            )
        )
        return
    notes = np.flatnonzero(early)
    warnings.append(
        ImportIssue(
            table.file,
            Message("invoices.credit_notes_due_early", count=len(notes)),
            table.row_of(int(notes[0])),
            header,
            severity="warning",
        )
    )


def _sum(values) -> Decimal:
    total = pc.sum(values).as_py() if len(values) else None
    return Decimal(total or 0).quantize(Decimal("0.01"))


def _paid_columns(
    table: TextTable,
    mapping: ColumnMapping,
    documents: pa.Table,
    paid_date,
    paid_amount,
    issues: list[ImportIssue],
    warnings: list[ImportIssue],
) -> pa.Table:
    n = documents.num_rows
    if paid_date is None and paid_amount is None:
        return SETTLEMENTS_WITH_ORIGIN.empty_table()
    amount = documents.column("amount").combine_chunks()
    if paid_date is None:
        paid_date = pa.nulls(n, pa.date32())
    if paid_amount is None:
        paid_amount = pa.nulls(n, MONEY)
    zero = pa.scalar(Decimal("0.00"), MONEY)
    undated = pc.and_(pc.is_null(paid_date), pc.fill_null(pc.not_equal(paid_amount, zero), False))
    if pc.any(undated).as_py():
        index = pc.indices_nonzero(undated)[0].as_py()
        header = mapping.header("paid_date") or mapping.header("paid_amount")
        issues.append(
            ImportIssue(
                table.file,
                Message("invoices.paid_without_date"),
                table.row_of(index),
                header,
                str(paid_amount[index].as_py()),
            )
        )
        return SETTLEMENTS_WITH_ORIGIN.empty_table()
    negative_paid = pc.fill_null(pc.less(paid_amount, zero), False)
    if pc.any(negative_paid).as_py():
        index = pc.indices_nonzero(negative_paid)[0].as_py()
        issues.append(
            ImportIssue(
                table.file,
                Message("invoices.negative_paid"),
                table.row_of(index),
                mapping.header("paid_amount"),
                str(paid_amount[index].as_py()),
            )
        )
        return SETTLEMENTS_WITH_ORIGIN.empty_table()
    paid = pc.coalesce(paid_amount, pc.if_else(pc.is_valid(paid_date), amount, pa.scalar(None, MONEY)))
    credit_note_paid = pc.and_(pc.less(amount, zero), pc.is_valid(paid_date))
    if pc.any(credit_note_paid).as_py():
        count = pc.sum(credit_note_paid).as_py()
        warnings.append(ImportIssue(table.file, Message("invoices.credit_notes_paid", count=count), severity="warning"))
    keep = pc.and_(
        pc.and_(pc.is_valid(paid_date), pc.greater(pc.fill_null(paid, zero), zero)), pc.invert(credit_note_paid)
    )
    chosen = documents.filter(keep)
    chosen_paid = paid.filter(keep)
    chosen_date = paid_date.filter(keep)
    document_id = chosen.column("document_id").combine_chunks()
    return pa.table(
        {
            "settlement_id": settlement_ids(document_id, chosen_date, chosen_paid),
            "document_id": document_id,
            "customer_id": chosen.column("customer_id"),
            "date": chosen_date,
            "amount": chosen_paid,
            "kind": pa.array(["cash"] * chosen.num_rows, pa.string()),
            "source_file": chosen.column("source_file"),
            "source_row": chosen.column("source_row"),
        }
    )


def _credit_references(
    table: TextTable,
    mapping: ColumnMapping,
    documents: pa.Table,
    applies_to: pa.Array | None,
    issues: list[ImportIssue],
) -> pa.Table:
    """The `credit` applications the « Facture d'origine » column asks for, one per credit note that names
    an invoice: undated, for the credit note's whole amount (validation caps and dates them, as only the
    whole import tells what each invoice has left open).  An invoice naming an invoice is refused."""
    if applies_to is None or documents.num_rows == 0:
        return SETTLEMENTS_WITH_ORIGIN.empty_table()
    header = mapping.header("applies_to")
    named = pc.not_equal(pc.utf8_trim_whitespace(applies_to), "")
    amount = documents.column("amount").combine_chunks()
    zero = pa.scalar(Decimal("0.00"), MONEY)
    on_invoice = pc.indices_nonzero(pc.and_(named, pc.greater(amount, zero)))
    if len(on_invoice):
        index = on_invoice[0].as_py()
        more = Message("rows.in_this_case", count=len(on_invoice)) if len(on_invoice) > 1 else ""
        issues.append(
            ImportIssue(
                table.file,
                Message(
                    "invoices.invoice_with_origin",
                    document=documents.column("document_id")[index].as_py(),
                    amount=amount[index].as_py(),
                    more=more,
                ),
                table.row_of(index),
                header,
                applies_to[index].as_py(),
            )
        )
        return SETTLEMENTS_WITH_ORIGIN.empty_table()
    chosen = pc.and_(named, pc.less(amount, zero))
    credit_notes = documents.filter(chosen)
    invoice = pc.utf8_trim_whitespace(applies_to.filter(chosen))
    credit_note = credit_notes.column("document_id").combine_chunks()
    return with_origin(
        pa.table(
            {
                "settlement_id": pc.binary_join_element_wise(credit_note, invoice, "→"),
                "document_id": invoice,
                "customer_id": credit_notes.column("customer_id"),
                "date": pa.nulls(credit_notes.num_rows, pa.date32()),  # the sign of a request: dated once resolved
                "amount": pc.negate(credit_notes.column("amount")),
                "kind": pa.array(["credit"] * credit_notes.num_rows, pa.string()),
                "source_document_id": credit_note,
                "source_file": credit_notes.column("source_file"),
                "source_row": credit_notes.column("source_row"),
            }
        ),
        SETTLEMENTS_WITH_ORIGIN,
    )
