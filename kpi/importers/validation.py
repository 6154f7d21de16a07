"""Checks that need the whole ledger: duplicates, payments to unknown invoices, dates, currencies, overpayments,
credit notes applied to invoices.

Blocking: a document id repeated with different content, a payment to an invoice found neither in
the files nor in the workspace, a payment whose customer is not its invoice's, a payment dated more
than `tolerance_days` (7 by default) before its invoice, several currencies; a `credit` application
whose source is not a credit note of the same customer, whose target is not an invoice, or that takes
a credit note beyond its amount (KPI-SPEC §1).
Not blocking (warnings): identical repeated rows (kept once), overpayments (kept as given: the
negative outstanding counts in unapplied credits, KPI-SPEC §2), payments after the last invoice, a
credit note of an invoice list whose invoice is unknown or has nothing left open (left unapplied).

An invoice list's « Facture d'origine » column reaches here as undated `credit` rows of the credit
note's whole amount: only the whole import tells what each invoice has left open, so they are
capped and dated here (_listed_credit_notes) before being checked like any other application.
The checks run on the Arrow tables (hash lookups, numpy running sums); only rows whose key repeats
are compared value by value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kpi.importers.cents import cents_to_decimal, from_cents, to_cents
from kpi.importers.errors import ImportIssue
from kpi.importers.fields import money_total_issue
from kpi.importers.parsed import DOCUMENTS_WITH_ORIGIN, SETTLEMENTS_WITH_ORIGIN, ParsedFile
from kpi.model.canonical import DOCUMENTS_SCHEMA, MONEY, SETTLEMENTS_SCHEMA
from kpi.text.messages import Message

DOCUMENT_CONTENT = [f for f in DOCUMENTS_SCHEMA.names if f != "document_id"]
# A payment's label is no part of what it settles: two files giving one payment with other labels agree.
SETTLEMENT_CONTENT = [f for f in SETTLEMENTS_SCHEMA.names if f not in ("settlement_id", "reference")]


KNOWN_APPLICATIONS_SCHEMA = pa.schema(
    [("source_document_id", pa.string()), ("settlement_id", pa.string()), ("amount", MONEY)]
)


@dataclass(frozen=True)
class KnownDocuments:
    """Documents already stored in the workspace that payments and credit applications of this import may use.

    Given as an Arrow table: document_id[, issue_date, customer_id, amount, credit_applications]. The
    optional `amount` tells invoices from credit notes; the optional `credit_applications` (a list of
    {settlement_id, amount} per credit note: its stored applications) lets a credit note be checked
    against what it already gave.  What is absent is not checked.
    """

    table: pa.Table  # document_id (string), issue_date (date32), customer_id (string), amount (MONEY); nulls unknown
    # The stored credit applications: source_document_id, settlement_id, amount (KNOWN_APPLICATIONS_SCHEMA).
    applications: pa.Table = field(default_factory=KNOWN_APPLICATIONS_SCHEMA.empty_table)

    @classmethod
    def from_option(cls, value) -> KnownDocuments:
        applications = _stored_applications(value) if isinstance(value, pa.Table) else None
        applications = KNOWN_APPLICATIONS_SCHEMA.empty_table() if applications is None else applications
        if isinstance(value, pa.Table) and _typed_dates(value):
            table = pa.table(
                {
                    "document_id": pc.cast(value.column("document_id"), pa.string()),
                    "issue_date": _optional(value, "issue_date", pa.date32()),
                    "customer_id": _optional(value, "customer_id", pa.string()),
                    "amount": _optional(value, "amount", MONEY),
                }
            )
            return cls(table, applications)
        return cls(_known_from_python(value), applications)


def _optional(table: pa.Table, name: str, kind: pa.DataType) -> pa.ChunkedArray | pa.Array:
    if name not in table.column_names:
        return pa.nulls(table.num_rows, kind)
    return pc.cast(table.column(name), kind)


def _stored_applications(table: pa.Table) -> pa.Table | None:
    """The `credit_applications` lists of a known-documents table, one row per stored application."""
    if "credit_applications" not in table.column_names or table.num_rows == 0:
        return None
    lists = table.column("credit_applications").combine_chunks()
    owners = pc.list_parent_indices(lists)
    items = pc.list_flatten(lists)
    if len(items) == 0:
        return None
    return pa.table(
        {
            "source_document_id": pc.take(pc.cast(table.column("document_id"), pa.string()), owners),
            "settlement_id": pc.cast(pc.struct_field(items, "settlement_id"), pa.string()),
            "amount": pc.cast(pc.struct_field(items, "amount"), MONEY),
        }
    )


def _typed_dates(value: pa.Table) -> bool:
    if "issue_date" not in value.column_names:
        return True
    kind = value.schema.field("issue_date").type
    return pa.types.is_date(kind) or pa.types.is_timestamp(kind) or pa.types.is_null(kind)


def _known_from_python(value) -> pa.Table:
    """Ids and dates given as Python values (a dict, a set, a table of text dates): read as pandas reads dates."""
    amount = None
    if value is None:
        frame = pd.DataFrame({"document_id": [], "issue_date": [], "customer_id": []})
    elif isinstance(value, pa.Table):
        frame = pd.DataFrame(
            {
                "document_id": value.column("document_id").to_pylist(),
                "issue_date": value.column("issue_date").to_pylist()
                if "issue_date" in value.column_names
                else [None] * value.num_rows,
                "customer_id": value.column("customer_id").to_pylist()
                if "customer_id" in value.column_names
                else [None] * value.num_rows,
            }
        )
        amount = _optional(value, "amount", MONEY)
    elif isinstance(value, dict):
        frame = pd.DataFrame(
            {"document_id": list(value), "issue_date": list(value.values()), "customer_id": [None] * len(value)}
        )
    else:
        ids = list(value)
        frame = pd.DataFrame({"document_id": ids, "issue_date": [None] * len(ids), "customer_id": [None] * len(ids)})
    days = pd.to_datetime(frame["issue_date"]).to_numpy(dtype="datetime64[D]")
    return pa.table(
        {
            "document_id": pa.array(frame["document_id"].astype(object), pa.string(), from_pandas=True),
            "issue_date": pa.array(days, pa.date32()),
            "customer_id": pa.array(frame["customer_id"].astype(object), pa.string(), from_pandas=True),
            "amount": amount if amount is not None else pa.nulls(len(frame), MONEY),
        }
    )


@dataclass(frozen=True)
class Checked:
    documents: pa.Table
    settlements: pa.Table
    currency: str
    issues: list[ImportIssue]
    # Per file: what was set aside or moved, to explain any difference between file and import totals.
    adjustments: dict[str, list[Message]] = field(default_factory=dict)


def _concat(tables: list[pa.Table], schema: pa.Schema) -> pa.Table:
    # Files that add no rows are left out: a lone table is then used as it is, not copied.
    tables = [t.cast(schema) for t in tables if t.num_rows] or [schema.empty_table()]
    table = pa.concat_tables(tables)
    return table if all(c.num_chunks <= 1 for c in table.columns) else table.combine_chunks()


def _numpy(table: pa.Table, name: str, dtype=None) -> np.ndarray:
    values = table.column(name).combine_chunks().to_numpy(zero_copy_only=False)
    return values if dtype is None else np.asarray(values, dtype=dtype)


def _mask(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """A boolean Arrow column as numpy, null counting as False."""
    return np.asarray(pc.fill_null(values, False).to_numpy(zero_copy_only=False), dtype=bool)


def _days(values) -> np.ndarray:
    """date32 as int64 days since 1970 (nulls as the smallest int64: never after, never before by accident)."""
    days = pc.fill_null(pc.cast(values, pa.int32()), pa.scalar(np.iinfo(np.int32).min, pa.int32()))
    return np.asarray(days.to_numpy(zero_copy_only=False), dtype=np.int64)


def _where(table: pa.Table, index: int) -> tuple[str, int]:
    return table.column("source_file")[index].as_py(), int(table.column("source_row")[index].as_py())


def _column(headers: dict[str, dict], file: str, name: str) -> str:
    """The file's own header for a canonical field, so the message points at a column the user sees."""
    return headers.get(file, {}).get(name, name)


def _refuse_applications(
    listed: pa.Table,
    refused: np.ndarray,
    key: str,
    values: dict[str, pa.Array],
    issues: list[ImportIssue],
    headers: dict[str, dict],
) -> None:
    """One issue for the listed credit notes at positions `refused`: the first one's `values` named in the
    message `key`, with how many more there are."""
    if not len(refused):
        return
    first = int(refused[0])
    file, line = _where(listed, first)
    more = Message("ledger.notes_in_this_case", count=len(refused)) if len(refused) > 1 else ""
    issues.append(
        ImportIssue(
            file,
            Message(key, **{name: column[first].as_py() for name, column in values.items()}, more=more),
            line,
            _column(headers, file, "applies_to"),
            values["invoice"][first].as_py(),
        )
    )


def _codes(values) -> np.ndarray:
    """Dense int64 codes of a column, equal values (nulls included) sharing a code, numbered by first appearance."""
    values = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    return np.asarray(
        pc.dictionary_encode(values, null_encoding="encode").indices.to_numpy(zero_copy_only=False), dtype=np.int64
    )


def _row_codes(table: pa.Table, names: list[str]) -> np.ndarray:
    """One code per distinct combination of the named columns' values."""
    combined = _codes(table.column(names[0]))
    for name in names[1:]:
        codes = _codes(table.column(name))
        combined = _codes(pa.array(combined * (int(codes.max()) + 1) + codes))
    return combined


def _first_occurrences(codes: np.ndarray) -> np.ndarray:
    """True where a code appears for the first time."""
    first = np.zeros(len(codes), dtype=bool)
    first[np.unique(codes, return_index=True)[1]] = True
    return first


def _duplicates(
    table: pa.Table,
    key: str,
    content: list[str],
    what: Message,
    issues: list[ImportIssue],
    adjustments: dict[str, list[Message]],
) -> pa.Table:
    """Rows sharing a key: identical ones kept once (a warning), different ones refused.  Only the rows whose
    key repeats are compared, so a ledger without repeats costs one hash pass."""
    codes = _codes(table.column(key))
    repeated = np.bincount(codes, minlength=1)[codes] > 1 if len(codes) else np.zeros(0, dtype=bool)
    if not repeated.any():
        return table
    positions = np.flatnonzero(repeated)
    rows = table.take(pa.array(positions))
    key_codes = _codes(rows.column(key))
    same = ~_first_occurrences(_row_codes(rows, [key] + content))  # an earlier row has the same key and content
    versions = np.flatnonzero(~same)
    conflicting = versions[~_first_occurrences(key_codes[versions])]
    first_seen = np.unique(key_codes, return_index=True)[1]  # codes are 0…k-1: position = code
    keys, files, lines = rows.column(key), rows.column("source_file"), rows.column("source_row")
    for index in conflicting[:20]:
        original = int(first_seen[key_codes[index]])
        value = keys[int(index)].as_py()
        issues.append(
            ImportIssue(
                files[int(index)].as_py(),
                Message(
                    "ledger.duplicate_conflict",
                    what=what,
                    value=value,
                    row=lines[original].as_py(),
                    file=files[original].as_py(),
                ),
                lines[int(index)].as_py(),
                None,
                value,
            )
        )
    dropped = np.flatnonzero(same)
    if len(dropped):
        dropped_files = np.asarray(files.take(pa.array(dropped)).to_pylist(), dtype=object)
        cents = to_cents(rows.column("amount").combine_chunks())[dropped]
        for file in sorted(set(dropped_files)):
            mine = dropped[dropped_files == file]
            total = cents_to_decimal(int(cents[dropped_files == file].sum()))
            adjustments.setdefault(file, []).append(
                Message("ledger.duplicates_ignored_total", count=len(mine), what=what, total=total)
            )
            issues.append(
                ImportIssue(
                    file,
                    Message("ledger.duplicates_ignored", count=len(mine), what=what),
                    lines[int(mine[0])].as_py(),
                    severity="warning",
                )
            )
    keep = np.ones(table.num_rows, dtype=bool)
    keep[positions[same]] = False
    return table.filter(pa.array(keep))


def _catalogue(documents: pa.Table, known: KnownDocuments) -> pa.Table:
    """The documents payments and credit applications may name: this import's documents first, then the
    stored ones not re-imported."""
    stored = known.table
    if stored.num_rows:
        stored = stored.filter(
            pc.invert(
                pc.fill_null(pc.is_in(stored.column("document_id"), value_set=documents.column("document_id")), False)
            )
        )
    own = documents.select(["document_id", "issue_date", "customer_id", "amount"])
    return pa.concat_tables([own, stored.select(own.column_names).cast(own.schema)]).combine_chunks()


def _link_payments(
    catalogue: pa.Table,
    settlements: pa.Table,
    tolerance_days: int,
    issues: list[ImportIssue],
    headers: dict[str, dict],
) -> pa.Table:
    # index_in answers the first position of an id, as the catalogue keeps the first of repeated ids.
    document_id = settlements.column("document_id").combine_chunks()
    position = pc.index_in(document_id, value_set=catalogue.column("document_id"))
    found = _mask(pc.is_valid(position))
    applied = _mask(pc.is_valid(document_id))
    unknown = np.flatnonzero(applied & ~found)
    if len(unknown):
        first = int(unknown[0])
        file, line = _where(settlements, first)
        value = document_id[first].as_py()
        more = Message("ledger.settlements_in_this_case", count=len(unknown)) if len(unknown) > 1 else ""
        issues.append(
            ImportIssue(
                file,
                Message("ledger.unknown_invoice", value=value, more=more),
                line,
                _column(headers, file, "document_id"),
                value,
            )
        )
        return settlements

    invoice_customer = pc.take(catalogue.column("customer_id"), position)
    own_customer = settlements.column("customer_id").combine_chunks()
    no_customer = _mask(pc.is_null(own_customer))
    customer = pc.coalesce(own_customer, invoice_customer)
    settlements = settlements.set_column(settlements.schema.get_field_index("customer_id"), "customer_id", customer)
    still_missing = np.flatnonzero(_mask(pc.is_null(customer)))
    if len(still_missing):
        file, line = _where(settlements, int(still_missing[0]))
        issues.append(ImportIssue(file, Message("ledger.unknown_customer"), line))
    mismatch = np.flatnonzero(applied & ~no_customer & _mask(pc.not_equal(own_customer, invoice_customer)))
    if len(mismatch):
        first = int(mismatch[0])
        file, line = _where(settlements, first)
        issues.append(
            ImportIssue(
                file,
                Message(
                    "ledger.customer_mismatch",
                    document=document_id[first].as_py(),
                    customer=own_customer[first].as_py(),
                    invoice_customer=invoice_customer[first].as_py(),
                ),
                line,
                _column(headers, file, "customer_id"),
                own_customer[first].as_py(),
            )
        )
    issued = pc.take(catalogue.column("issue_date"), position)
    paid = _days(settlements.column("date"))
    limit = _days(issued) - tolerance_days
    early = np.flatnonzero(
        applied & _mask(pc.is_valid(issued)) & _mask(pc.is_valid(settlements.column("date"))) & (paid < limit)
    )
    if len(early):
        first = int(early[0])
        file, line = _where(settlements, first)
        paid_on = settlements.column("date")[first].as_py()
        issued_on = issued[first].as_py()
        issues.append(
            ImportIssue(
                file,
                Message(
                    "ledger.paid_before_issue",
                    paid_on=paid_on,
                    count=tolerance_days,
                    document=document_id[first].as_py(),
                    issued_on=issued_on,
                ),
                line,
                _column(headers, file, "date"),
                f"{paid_on:%d/%m/%Y}",
            )
        )
    return settlements


ZERO = pa.scalar(Decimal("0.00"), MONEY)
LISTED_REPORT_LIMIT = 20  # rows named one by one per file; the others are counted


def _cents(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return to_cents(values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values)


def _sum_by(table: pa.Table, key: str, ids: pa.Array) -> np.ndarray:
    """Σ of the table's amounts whose `key` is each of `ids`, in cents (0 where none)."""
    if not table.num_rows:
        return np.zeros(len(ids), dtype=np.int64)
    totals = table.group_by(key).aggregate([("amount", "sum")])
    at = pc.index_in(ids, value_set=totals.column(key))
    return _cents(pc.cast(pc.take(totals.column("amount_sum"), at), MONEY))


def _group_running(group: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Σ of the values before each one within its group (the rows already sorted by group)."""
    running = np.cumsum(values)
    group_start = np.r_[True, group[1:] != group[:-1]] if len(group) else np.zeros(0, dtype=bool)
    opening = np.maximum.accumulate(np.where(group_start, np.arange(len(group)), 0))
    return running - values - np.where(opening > 0, running[opening - 1], 0)


def _one_reference_per_credit_note(listed: pa.Table, issues: list[ImportIssue]) -> pa.Table:
    """A credit note read twice (two overlapping exports) asks once; naming two invoices is refused."""
    codes = _codes(listed.column("source_document_id"))
    first = _first_occurrences(codes)
    if first.all():
        return listed
    first_at = np.unique(codes, return_index=True)[1]
    invoice = listed.column("document_id").combine_chunks()
    for index in map(int, np.flatnonzero(~first)):
        original = int(first_at[codes[index]])
        if invoice[index].as_py() != invoice[original].as_py():
            file, line = _where(listed, index)
            original_file, original_line = _where(listed, original)
            issues.append(
                ImportIssue(
                    file,
                    Message(
                        "ledger.two_origins",
                        note=listed.column("source_document_id")[index].as_py(),
                        invoice=invoice[index].as_py(),
                        original=invoice[original].as_py(),
                        row=original_line,
                        file=original_file,
                    ),
                    line,
                    None,
                    invoice[index].as_py(),
                )
            )
            break
    return listed.filter(pa.array(first))


def _listed_credit_notes(
    listed: pa.Table,
    documents: pa.Table,
    settlements: pa.Table,
    known: KnownDocuments,
    issues: list[ImportIssue],
    headers: dict[str, dict],
) -> pa.Table:
    """The applications invoice lists ask for (undated, for the credit note's whole amount) made real.

    Each takes min(|credit note|, what its invoice has left open): the invoice's amount − every other
    settlement of it in this import (the list's paid amounts, payments files, canonical applications)
    − the earlier listed credit notes applied to it, earlier meaning by credit-note issue date, then
    file, then row.  It is dated the later of the two issue dates (KPI-SPEC §1) and keeps the credit
    note's customer.  A credit note whose invoice is found nowhere, or has nothing left open, stays
    unapplied (a warning); one naming a credit note, or another customer's invoice, is refused.
    """
    listed = _one_reference_per_credit_note(listed, issues)
    catalogue = _catalogue(documents, known)
    invoice_id = listed.column("document_id").combine_chunks()
    position = pc.index_in(invoice_id, value_set=catalogue.column("document_id"))
    found = _mask(pc.is_valid(position))
    if not found.all():
        _unknown_invoices(listed.filter(pa.array(~found)), issues, headers)
        listed, position = listed.filter(pa.array(found)), position.filter(pa.array(found))
    if not listed.num_rows:
        return listed
    before = len(issues)
    target_amount = pc.take(catalogue.column("amount"), position)
    target_customer = pc.take(catalogue.column("customer_id"), position)
    invoice_id = listed.column("document_id").combine_chunks()
    credit_note_id = listed.column("source_document_id").combine_chunks()
    customer = listed.column("customer_id").combine_chunks()
    # Applications refused: to a credit note (an amount ≤ 0), or to another customer's invoice.
    _refuse_applications(
        listed,
        np.flatnonzero(_mask(pc.less_equal(target_amount, ZERO))),
        "ledger.origin_is_credit_note",
        {"note": credit_note_id, "invoice": invoice_id, "amount": target_amount},
        issues,
        headers,
    )
    _refuse_applications(
        listed,
        np.flatnonzero(_mask(pc.not_equal(target_customer, customer))),
        "ledger.origin_other_customer",
        {"note": credit_note_id, "customer": customer, "invoice": invoice_id, "invoice_customer": target_customer},
        issues,
        headers,
    )
    if len(issues) > before:
        return listed.schema.empty_table()

    # What each invoice has left open before the listed credit notes: its amount − its other settlements.
    other_settled = _sum_by(settlements, "document_id", invoice_id)
    amount_known = _mask(pc.is_valid(target_amount))
    unbounded = (
        np.iinfo(np.int64).max // 4
    )  # a stored invoice given without its amount: the credit note is applied whole
    left_open = np.where(amount_known, np.maximum(_cents(target_amount) - other_settled, 0), unbounded)

    own = pc.index_in(credit_note_id, value_set=documents.column("document_id"))
    credit_issued = pc.take(documents.column("issue_date"), own)
    files = list(headers)
    file_rank = np.asarray(
        pc.index_in(listed.column("source_file"), value_set=pa.array(files, pa.string())).to_numpy(
            zero_copy_only=False
        ),
        dtype=np.int64,
    )
    invoice_code = _codes(invoice_id)
    order = np.lexsort((_numpy(listed, "source_row", np.int64), file_rank, _days(credit_issued), invoice_code))
    wanted = to_cents(listed.column("amount").combine_chunks())[order]
    earlier = _group_running(invoice_code[order], wanted)
    limit = left_open[order]
    applied = np.empty(listed.num_rows, dtype=np.int64)
    applied[order] = np.maximum(np.minimum(earlier + wanted, limit) - np.minimum(earlier, limit), 0)

    invoice_issued = pc.take(catalogue.column("issue_date"), position)
    date = pc.max_element_wise(credit_issued, pc.coalesce(invoice_issued, credit_issued))
    listed = listed.set_column(listed.schema.get_field_index("date"), "date", pc.cast(date, pa.date32()))
    listed = listed.set_column(listed.schema.get_field_index("amount"), "amount", from_cents(applied))
    if not amount_known.all():
        _applied_whole(listed.filter(pa.array(~amount_known)), issues)
    nothing_left = applied == 0
    if nothing_left.any():
        _nothing_left_open(listed.filter(pa.array(nothing_left)), issues, headers)
    return listed.filter(pa.array(~nothing_left))


def _unknown_invoices(unknown: pa.Table, issues: list[ImportIssue], headers: dict[str, dict]) -> None:
    """An export often starts after the invoice a credit note cancels: the credit note stays unapplied."""
    files = np.asarray(unknown.column("source_file").to_pylist(), dtype=object)
    for file in dict.fromkeys(files):
        mine = np.flatnonzero(files == file)
        for index in mine[:LISTED_REPORT_LIMIT]:
            row = unknown.take([int(index)]).to_pylist()[0]
            issues.append(
                ImportIssue(
                    file,
                    Message("ledger.origin_not_found", note=row["source_document_id"], invoice=row["document_id"]),
                    row["source_row"],
                    _column(headers, file, "applies_to"),
                    row["document_id"],
                    severity="warning",
                )
            )
        if len(mine) > LISTED_REPORT_LIMIT:
            issues.append(
                ImportIssue(
                    file,
                    Message("ledger.more_origins_not_found", count=len(mine) - LISTED_REPORT_LIMIT),
                    severity="warning",
                )
            )


def _nothing_left_open(unapplied: pa.Table, issues: list[ImportIssue], headers: dict[str, dict]) -> None:
    files = np.asarray(unapplied.column("source_file").to_pylist(), dtype=object)
    for file in dict.fromkeys(files):
        mine = np.flatnonzero(files == file)
        first = int(mine[0])
        file, line = _where(unapplied, first)
        issues.append(
            ImportIssue(
                file,
                Message("ledger.origin_settled", count=len(mine)),
                line,
                _column(headers, file, "applies_to"),
                unapplied.column("document_id")[first].as_py(),
                severity="warning",
            )
        )


def _applied_whole(rows: pa.Table, issues: list[ImportIssue]) -> None:
    files = np.asarray(rows.column("source_file").to_pylist(), dtype=object)
    for file in dict.fromkeys(files):
        mine = np.flatnonzero(files == file)
        file, line = _where(rows, int(mine[0]))
        issues.append(ImportIssue(file, Message("ledger.applied_whole", count=len(mine)), line, severity="warning"))


def _credit_applications(
    catalogue: pa.Table,
    settlements: pa.Table,
    known: KnownDocuments,
    tolerance_days: int,
    issues: list[ImportIssue],
    headers: dict[str, dict],
) -> None:
    """Every `credit` row, of any layout: its source a credit note of the settlement's customer, found in the
    files or the workspace, its target an invoice, and no credit note applied beyond its amount (counting
    the applications the workspace already holds, when it says which)."""
    at = np.flatnonzero(_mask(pc.equal(settlements.column("kind"), "credit")))
    if not len(at):
        return
    credits = settlements.take(pa.array(at))
    source = credits.column("source_document_id").combine_chunks()
    target = credits.column("document_id").combine_chunks()
    customer = credits.column("customer_id").combine_chunks()
    date = credits.column("date").combine_chunks()
    before = len(issues)

    def refuse(mask: np.ndarray, column: str, message) -> None:
        where = np.flatnonzero(mask)
        if not len(where):
            return
        first = int(where[0])
        file, line = _where(credits, first)
        more = Message("ledger.applications_in_this_case", count=len(where)) if len(where) > 1 else ""
        value = {"source_document_id": source, "document_id": target}.get(column)
        value = value[first].as_py() if value is not None else f"{date[first].as_py():%d/%m/%Y}"
        issues.append(
            ImportIssue(
                file,
                Message("with_more", message=message(first), more=more),
                line,
                _column(headers, file, column),
                value,
            )
        )

    source_at = pc.index_in(source, value_set=catalogue.column("document_id"))
    found = _mask(pc.is_valid(source_at))
    refuse(~found, "source_document_id", lambda i: Message("ledger.unknown_credit_note", note=source[i].as_py()))
    source_amount = pc.take(catalogue.column("amount"), source_at)
    source_customer = pc.take(catalogue.column("customer_id"), source_at)
    refuse(
        _mask(pc.greater_equal(source_amount, ZERO)),
        "source_document_id",
        lambda i: Message("ledger.source_not_credit_note", note=source[i].as_py(), amount=source_amount[i].as_py()),
    )
    refuse(
        _mask(pc.not_equal(source_customer, customer)),
        "source_document_id",
        lambda i: Message(
            "ledger.application_other_customer",
            note=source[i].as_py(),
            note_customer=source_customer[i].as_py(),
            customer=customer[i].as_py(),
        ),
    )
    target_amount = pc.take(catalogue.column("amount"), pc.index_in(target, value_set=catalogue.column("document_id")))
    refuse(
        _mask(pc.less_equal(target_amount, ZERO)),
        "document_id",
        lambda i: Message("ledger.target_not_invoice", target=target[i].as_py(), amount=target_amount[i].as_py()),
    )
    source_issued = pc.take(catalogue.column("issue_date"), source_at)
    early = (
        _mask(pc.is_valid(source_issued))
        & _mask(pc.is_valid(date))
        & (_days(date) < _days(source_issued) - tolerance_days)
    )
    refuse(
        early,
        "date",
        lambda i: Message(
            "ledger.applied_before_issue",
            day=date[i].as_py(),
            count=tolerance_days,
            note=source[i].as_py(),
            issued_on=source_issued[i].as_py(),
        ),
    )
    if len(issues) > before:
        return
    _over_applied(credits, source, pc.take(catalogue.column("amount"), source_at), settlements, known, issues, headers)


def _over_applied(
    credits: pa.Table,
    source: pa.Array,
    source_amount: pa.Array,
    settlements: pa.Table,
    known: KnownDocuments,
    issues: list[ImportIssue],
    headers: dict[str, dict],
) -> None:
    """Σ of a credit note's applications ≤ its absolute amount (KPI-SPEC §1), applications in date order."""
    bounded = _mask(pc.is_valid(source_amount))
    if not bounded.any():
        return
    applications = known.applications
    if applications.num_rows:
        # An application stored and imported again is skipped when stored: it counts once.
        again = _mask(pc.is_in(applications.column("settlement_id"), value_set=settlements.column("settlement_id")))
        applications = applications.filter(pa.array(~again))
    stored = _sum_by(applications, "source_document_id", source)
    code = _codes(source)
    dates = np.where(_mask(pc.is_valid(credits.column("date"))), _days(credits.column("date")), np.iinfo(np.int64).max)
    order = np.lexsort((_numpy(credits, "source_row", np.int64), dates, code))
    amount = to_cents(credits.column("amount").combine_chunks())
    running = np.empty(len(source), dtype=np.int64)
    running[order] = _group_running(code[order], amount[order]) + amount[order]
    capacity = -_cents(source_amount)
    over = bounded & (running + stored > capacity)
    if not over.any():
        return
    over_sorted = order[over[order]]
    named = set()
    for index in over_sorted:
        if code[index] in named:
            continue
        named.add(code[index])
        index = int(index)
        file, line = _where(credits, index)
        total_applied = cents_to_decimal(int(running[index] + stored[index]))
        already = (
            Message("ledger.already_applied", amount=cents_to_decimal(int(stored[index]))) if stored[index] else ""
        )
        issues.append(
            ImportIssue(
                file,
                Message(
                    "ledger.over_applied",
                    note=source[index].as_py(),
                    total=total_applied,
                    already=already,
                    capacity=cents_to_decimal(int(capacity[index])),
                ),
                line,
                _column(headers, file, "source_document_id"),
                source[index].as_py(),
            )
        )
        if len(named) >= LISTED_REPORT_LIMIT:
            break


def _overpayments(
    documents: pa.Table, settlements: pa.Table, issues: list[ImportIssue], adjustments: dict[str, list[Message]]
) -> None:
    """Settlements beyond their document's amount are kept as given: the document's outstanding turns
    negative, which KPI-SPEC §2 counts in unapplied credits.  The user is told, per file.

    A credit note applied to an invoice settles it as a payment does (an invoice cancelled by a credit
    note, then paid, is overpaid), but it is no money: beyond what was left it is told apart, not as a
    « trop-perçu »."""
    position = pc.index_in(settlements.column("document_id"), value_set=documents.column("document_id"))
    local = np.flatnonzero(_mask(pc.is_valid(position)) & _mask(pc.is_valid(settlements.column("document_id"))))
    if not len(local):
        return
    document = np.asarray(position.to_numpy(zero_copy_only=False)[local], dtype=np.int64)
    document_amount = to_cents(documents.column("amount").combine_chunks())[document]
    amount = to_cents(settlements.column("amount").combine_chunks())[local]
    source_row = _numpy(settlements, "source_row", np.int64)[local]
    date = _days(settlements.column("date"))[local]
    date = np.where(_mask(pc.is_valid(settlements.column("date")))[local], date, np.iinfo(np.int64).max)
    # Each document's settlements in date order (then row, then reading order), as they were applied.
    ordered = np.lexsort((source_row, date))
    by_document = ordered[np.argsort(document[ordered], kind="stable")]
    running = np.cumsum(amount[by_document])
    group_start = np.r_[True, document[by_document][1:] != document[by_document][:-1]]
    opening = np.maximum.accumulate(np.where(group_start, np.arange(len(by_document)), 0))
    settled_before = running - amount[by_document] - np.where(opening > 0, running[opening - 1], 0)
    applicable = np.maximum(np.maximum(document_amount[by_document], 0) - settled_before, 0)
    excess = np.zeros(len(local), dtype=np.int64)
    excess[by_document] = np.maximum(amount[by_document] - applicable, 0)
    over = ordered[excess[ordered] > 0]
    if not len(over):
        return
    files = np.asarray(
        settlements.column("source_file").combine_chunks().take(pa.array(local[over])).to_pylist(), dtype=object
    )
    is_credit = _mask(pc.equal(settlements.column("kind"), "credit"))[local]
    document_ids = settlements.column("document_id")
    for file in sorted(set(files)):
        paid = over[(files == file) & ~is_credit[over]]
        if len(paid):
            first = int(paid[0])
            excess_total = cents_to_decimal(int(excess[paid].sum()))
            what = "ledger.overpaid_credit_note" if document_amount[first] <= 0 else "ledger.overpaid_invoice"
            issues.append(
                ImportIssue(
                    file,
                    Message(what, count=len(paid), excess=excess_total),
                    int(source_row[first]),
                    "document_id",
                    document_ids[int(local[first])].as_py(),
                    severity="warning",
                )
            )
            adjustments.setdefault(file, []).append(Message("ledger.overpaid_adjustment", excess=excess_total))
        credited = over[(files == file) & is_credit[over]]
        if len(credited):
            first = int(credited[0])
            excess_total = cents_to_decimal(int(excess[credited].sum()))
            issues.append(
                ImportIssue(
                    file,
                    Message("ledger.over_credited", count=len(credited), excess=excess_total),
                    int(source_row[first]),
                    "document_id",
                    document_ids[int(local[first])].as_py(),
                    severity="warning",
                )
            )
            adjustments.setdefault(file, []).append(Message("ledger.over_credited_adjustment", excess=excess_total))


def _late_payments(documents: pa.Table, settlements: pa.Table, issues: list[ImportIssue]) -> None:
    last_invoice = pc.max(documents.column("issue_date")).as_py()
    if last_invoice is None:
        return
    # A credit application moves no money: it says nothing about the payments the export may lack.
    late = np.flatnonzero(
        _mask(pc.greater(settlements.column("date"), pa.scalar(last_invoice, pa.date32())))
        & ~_mask(pc.equal(settlements.column("kind"), "credit"))
    )
    if not len(late):
        return
    # The same sort pandas' sort_values does, so the row named is the one it always named.
    rows = _numpy(settlements, "source_row", np.int64)[late]
    first = int(late[np.argsort(rows, kind="quicksort")[0]])
    file, line = _where(settlements, first)
    issues.append(
        ImportIssue(file, Message("ledger.late_payments", count=len(late), day=last_invoice), line, severity="warning")
    )


def _beyond_money(documents: pa.Table, settlements: pa.Table, known: KnownDocuments, issues: list[ImportIssue]) -> None:
    """Σ |amounts| of the documents (with those the workspace holds, when given) and of the settlements must fit
    DECIMAL(18,2), or no report could add them up: each file may fit and the import not.  Checked before any
    sum in cents (int64) is taken; the row named holds the import's largest amount."""
    stored = known.table.column("amount").combine_chunks().cast(MONEY).drop_null()
    for table, what, also in ((documents, "documents", stored), (settlements, "settlements", None)):
        if not table.num_rows:
            continue
        amounts = table.column("amount").combine_chunks().cast(MONEY)
        with_stored = also is not None and len(also) > 0
        whose = Message(f"amount.of_{what}_{'import_and_workspace' if with_stored else 'import'}")
        beyond = money_total_issue(
            pa.concat_arrays([amounts, also]) if with_stored else amounts, whose, Message("amount.cited_largest_row")
        )
        if beyond is None:
            continue
        file, line = _where(table, pc.index(pc.abs(amounts), pc.max(pc.abs(amounts))).as_py())
        issues.append(ImportIssue(file, beyond, line))


def check_ledger(
    parsed: list[ParsedFile], *, known_documents=None, tolerance_days: int = 7, currency: str | None = None
) -> Checked:
    issues: list[ImportIssue] = []
    adjustments: dict[str, list[Message]] = {}
    headers = {p.file: p.columns for p in parsed}
    currencies = {p.currency for p in parsed if p.currency}
    if currency:
        wanted = currency.upper()
        for p in parsed:
            if p.currency and p.currency != wanted:
                issues.append(ImportIssue(p.file, Message("ledger.other_currency", currency=p.currency, wanted=wanted)))
    elif len(currencies) > 1:
        for p in parsed:
            if p.currency:
                issues.append(
                    ImportIssue(
                        p.file,
                        Message(
                            "ledger.mixed_currencies", currencies=", ".join(sorted(currencies)), currency=p.currency
                        ),
                    )
                )
    ledger_currency = (currency or (currencies.pop() if len(currencies) == 1 else None) or "EUR").upper()
    documents = _concat([p.documents for p in parsed], DOCUMENTS_WITH_ORIGIN)
    settlements = _concat([p.settlements for p in parsed], SETTLEMENTS_WITH_ORIGIN)
    known = KnownDocuments.from_option(known_documents)
    _beyond_money(documents, settlements, known, issues)
    if any(i.severity == "error" for i in issues):
        return Checked(documents, settlements, ledger_currency, issues, adjustments)
    documents = _duplicates(
        documents, "document_id", DOCUMENT_CONTENT, Message("ledger.what.document"), issues, adjustments
    )
    if any(i.severity == "error" for i in issues):
        return Checked(documents, settlements, ledger_currency, issues, adjustments)
    # Undated `credit` rows are what an invoice list's « Facture d'origine » column asks for: resolved
    # once every other settlement is linked and counted once.
    listed = _mask(pc.and_(pc.equal(settlements.column("kind"), "credit"), pc.is_null(settlements.column("date"))))
    requested = None
    if listed.any():
        requested, settlements = settlements.filter(pa.array(listed)), settlements.filter(pa.array(~listed))
    # The documents settlements may name, this import's and the workspace's: the same for every check below.
    catalogue = _catalogue(documents, known)
    settlements = _link_payments(catalogue, settlements, tolerance_days, issues, headers)
    # After linking, so that a payment read without its customer compares equal to the same payment
    # read from an invoice list.
    settlements = _duplicates(
        settlements, "settlement_id", SETTLEMENT_CONTENT, Message("ledger.what.settlement"), issues, adjustments
    )
    if requested is not None and not any(i.severity == "error" for i in issues):
        resolved = _listed_credit_notes(requested, documents, settlements, known, issues, headers)
        settlements = _concat([settlements, resolved], SETTLEMENTS_WITH_ORIGIN)
    if not any(i.severity == "error" for i in issues):
        _credit_applications(catalogue, settlements, known, tolerance_days, issues, headers)
    if not any(i.severity == "error" for i in issues):
        _overpayments(documents, settlements, issues, adjustments)
        if documents.num_rows and settlements.num_rows:
            _late_payments(documents, settlements, issues)
    return Checked(documents, settlements, ledger_currency, issues, adjustments)


def total(table: pa.Table) -> Decimal:
    # Arrow sums decimal128(18,2) into decimal128(38,2): exact, and no cents array to build.
    return (pc.sum(table.column("amount")).as_py() or Decimal(0)).quantize(Decimal("0.01"))
