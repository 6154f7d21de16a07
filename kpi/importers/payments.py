"""A payments file (one row per payment, referring to an invoice number and/or a customer) read as settlements."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kpi.importers.errors import ImportIssue
from kpi.importers.fields import FIELD_LABELS, FieldReader
from kpi.importers.mapping import ColumnMapping
from kpi.importers.parsed import DOCUMENTS_WITH_ORIGIN, SETTLEMENTS_WITH_ORIGIN, ParsedFile, with_origin
from kpi.importers.tables import TextTable
from kpi.text.messages import Message

KIND_WORDS = {
    "cash": (
        "cash",
        "reglement",
        "règlement",
        "paiement",
        "encaissement",
        "payment",
        "virement",
        "cheque",
        "chèque",
        "cb",
        "carte",
        "especes",
        "espèces",
        "prelevement",
        "prélèvement",
        "effet",
        "lcr",
        "traite",
        "",
    ),
    "writeoff": (
        "writeoff",
        "write-off",
        "write off",
        "perte",
        "passage en perte",
        "pertes",
        "irrecouvrable",
        "irrécouvrable",
        "creance irrecouvrable",
        "créance irrécouvrable",
        "abandon",
        "abandon de creance",
        "abandon de créance",
        "bad debt",
    ),
    # A credit note applied to an invoice (KPI-SPEC §1): moves no money.
    "credit": (
        "credit",
        "crédit",
        "imputation d'avoir",
        "imputation avoir",
        "imputation",
        "avoir",
        "avoir impute",
        "avoir imputé",
        "credit note",
        "credit application",
    ),
}


def settlement_ids(document_id: pa.Array, date: pa.Array, amount: pa.Array) -> pa.Array:
    """Ids made of what the payment is (invoice/date/amount), so the same payment read twice, from an
    invoice list or from a payments file, is recognised as one; repeats get '#2', '#3'…"""
    base = pc.binary_join_element_wise(
        pc.fill_null(document_id, "non-lettré"), pc.cast(date, pa.string()), pc.cast(amount, pa.string()), "/"
    )
    codes = np.asarray(pc.dictionary_encode(base).indices.to_numpy(zero_copy_only=False), dtype=np.int64)
    if len(codes) == 0 or codes.max() == len(codes) - 1:
        return base  # as many distinct ids as payments: no repeats to number
    # Each payment's rank among its repeats, in reading order.
    order = np.argsort(codes, kind="stable")
    sorted_codes = codes[order]
    starts = np.r_[True, sorted_codes[1:] != sorted_codes[:-1]]
    first_of_group = np.maximum.accumulate(np.where(starts, np.arange(len(codes)), 0))
    occurrence = np.empty(len(codes), dtype=np.int64)
    occurrence[order] = np.arange(len(codes)) - first_of_group + 1
    repeat = occurrence > 1
    suffix = pa.array(np.where(repeat, "#" + occurrence.astype(str), ""), pa.string()) if repeat.any() else None
    return base if suffix is None else pc.binary_join_element_wise(base, suffix, "")


def kinds(reader: FieldReader) -> pa.Array | None:
    values = reader.text("kind")
    if values is None:
        return None
    normal = pc.utf8_lower(values)
    result = pa.array(np.full(len(values), None, dtype=object), pa.string())
    for kind, words in KIND_WORDS.items():
        result = pc.if_else(pc.is_in(normal, pa.array(words)), kind, result)
    unknown = pc.indices_nonzero(pc.is_null(result))
    if len(unknown):
        index = unknown[0].as_py()
        reader.issue(Message("payments.unknown_kind"), index, reader.mapping.header("kind"), values[index].as_py())
        return None
    return result


def _credit_sources(reader: FieldReader, kind: pa.Array, document: pa.Array) -> pa.Array:
    """The credit note each `credit` row applies: required on those rows, refused on any other."""
    n = len(kind)
    source = reader.text("source_document_id")
    source = (
        pa.nulls(n, pa.string())
        if source is None
        else pc.if_else(pc.equal(source, ""), pa.scalar(None, pa.string()), source)
    )
    is_credit = pc.equal(kind, "credit")
    header = reader.mapping.header("source_document_id") or "source_document_id"
    without = pc.indices_nonzero(pc.and_(is_credit, pc.or_(pc.is_null(source), pc.is_null(document))))
    if len(without):
        index = without[0].as_py()
        reader.issue(
            Message("payments.credit_without_documents"),
            index,
            header if source[index].as_py() is None else reader.mapping.header("document_id"),
            "",
        )
    stray = pc.indices_nonzero(pc.and_(pc.invert(is_credit), pc.is_valid(source)))
    if len(stray):
        index = stray[0].as_py()
        reader.issue(
            Message("payments.stray_credit_note", note=source[index].as_py(), kind=kind[index].as_py()),
            index,
            header,
            source[index].as_py(),
        )
    return source


def _references(reader: FieldReader, n: int) -> pa.Array:
    """The payments' labels or references when a column gives them (empty cells null), else all null."""
    labels = reader.text("reference")
    if labels is None:
        return pa.nulls(n, pa.string())
    labels = pc.utf8_trim_whitespace(labels)
    return pc.if_else(pc.equal(labels, ""), pa.scalar(None, pa.string()), labels)


def read_payments(table: TextTable, mapping: ColumnMapping, reader: FieldReader) -> ParsedFile | None:
    issues = reader.issues
    before = reader.start
    for name in ("date", "amount"):
        if not mapping.has(name):
            issues.append(
                ImportIssue(
                    table.file,
                    Message("payments.missing_column", field=FIELD_LABELS[name], present=", ".join(table.headers)),
                )
            )
    if not mapping.has("document_id") and not mapping.has("customer_id") and not mapping.has("customer_name"):
        issues.append(ImportIssue(table.file, Message("payments.missing_target", present=", ".join(table.headers))))
    if len(issues) > before:
        return None
    n = table.num_rows
    dates = reader.dates("date", required=True)
    amounts = reader.amounts("amount", required=True)
    kind = kinds(reader)
    document = reader.text("document_id")
    customer = reader.text("customer_id")
    if customer is None:
        customer = reader.text("customer_name")
    if dates is None or amounts is None or len(issues) > before:  # a required column left None has said why
        return None
    empty = pa.scalar(None, pa.string())
    document = pc.if_else(pc.equal(document, ""), empty, document) if document is not None else pa.nulls(n, pa.string())
    customer = pc.if_else(pc.equal(customer, ""), empty, customer) if customer is not None else pa.nulls(n, pa.string())
    orphan = pc.indices_nonzero(pc.and_(pc.is_null(document), pc.is_null(customer)))
    if len(orphan):
        index = orphan[0].as_py()
        issues.append(
            ImportIssue(table.file, Message("payments.orphan"), table.row_of(index), mapping.header("document_id"))
        )
    negative = pc.indices_nonzero(pc.less(amounts, pa.scalar(0, amounts.type)))
    if len(negative):
        index = negative[0].as_py()
        header = mapping.header("amount")
        assert header is not None  # the amounts were read from it
        issues.append(
            ImportIssue(
                table.file,
                Message("payments.negative"),
                table.row_of(index),
                header,
                table.column(header)[index].as_py(),
            )
        )
    if len(issues) > before:
        return None
    warnings = []
    zero = pc.equal(amounts, pa.scalar(0, amounts.type))
    if pc.any(zero).as_py():
        count = pc.sum(zero).as_py()
        warnings.append(ImportIssue(table.file, Message("payments.zero_ignored", count=count), severity="warning"))
    given_ids = reader.text("settlement_id")
    if given_ids is None:
        ids = settlement_ids(document, dates, amounts)
    elif pc.any(pc.equal(given_ids, "")).as_py():
        # Numbered over every payment, given an id or not, so that the ids made stay the same.
        ids = pc.if_else(pc.equal(given_ids, ""), settlement_ids(document, dates, amounts), given_ids)
    else:
        ids = given_ids
    kind = kind if kind is not None else pa.array(["cash"] * n, pa.string())
    source = _credit_sources(reader, kind, document)
    if len(issues) > before:
        return None
    settlements = pa.table(
        {
            "settlement_id": ids,
            "document_id": document,
            "customer_id": customer,
            "date": dates,
            "amount": amounts,
            "kind": kind,
            "source_document_id": source,
            "reference": _references(reader, n),
            "source_file": pa.array([table.file] * n, pa.string()),
            "source_row": reader.rows(),
        }
    ).filter(pc.invert(zero))
    # Money and credit applications are reconciled apart: an application moves no money (KPI-SPEC §1).
    is_credit = pc.equal(kind, "credit")
    details = {"settlements_in_file": pc.sum(amounts.filter(pc.invert(is_credit))).as_py() or 0}
    if pc.any(is_credit).as_py():
        details["credit_applications_in_file"] = pc.sum(amounts.filter(is_credit)).as_py() or 0
    return ParsedFile(
        table.file,
        "payments",
        DOCUMENTS_WITH_ORIGIN.empty_table(),
        with_origin(settlements, SETTLEMENTS_WITH_ORIGIN),
        rows_read=n,
        warnings=tuple(warnings),
        details=details,
        columns=mapping.fields,
    )
