"""Reading a set of files into one checked canonical ledger: open, detect the layout, map, parse, validate, report."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kpi.importers.activity import ACTIVITY_LAYOUTS, activity_total, check_activity, read_activity
from kpi.importers.cents import cents_to_decimal, to_cents
from kpi.importers.dialect import SEPARATOR_NAMES
from kpi.importers.errors import ImportFailed, ImportIssue
from kpi.importers.fec import read_fec
from kpi.importers.fields import FieldReader
from kpi.importers.invoice_list import read_invoice_list
from kpi.importers.layout import Detected, detect
from kpi.importers.mapping import MappingFileError, mapping_ambiguities, read_mapping_file
from kpi.importers.options import ImportOptions
from kpi.importers.parsed import ParsedFile
from kpi.importers.payments import read_payments
from kpi.importers.report import FileReport, ImportReport, ImportResult
from kpi.importers.saved_mappings import save_mapping
from kpi.importers.tables import GivenPaths, TextTable, UnreadableFile, expand_paths, open_table
from kpi.importers.total_rows import set_aside_total_rows
from kpi.importers.validation import KnownDocuments, check_ledger, total
from kpi.model.canonical import DOCUMENTS_SCHEMA, MONEY, SETTLEMENTS_SCHEMA, CanonicalLedger
from kpi.model.names import SUPPLIER_TABLES
from kpi.text.messages import Message


@dataclass(frozen=True)
class OpenedFile:
    """One file opened and understood, before the ledger-wide checks."""

    table: TextTable
    detected: Detected
    reader: FieldReader | None
    parsed: ParsedFile | None


def user_mapping_entries(options: ImportOptions, issues: list[ImportIssue]) -> list[dict]:
    if options.mapping is None:
        return []
    try:
        return read_mapping_file(options.mapping)
    except MappingFileError as error:
        issues.append(error.issue)
        return []


def open_file(path: Path, options: ImportOptions, entries: list[dict], issues: list[ImportIssue]) -> OpenedFile | None:
    """Open, detect and parse one file; problems go to `issues` (and None is returned if it cannot be read)."""
    if not path.is_file():
        issues.append(ImportIssue(path.name, Message("reading.file_not_found", path=str(path))))
        return None
    try:
        table = open_table(path, encoding=options.encoding, separator=options.delimiter, sheet=options.sheet)
        detected = detect(table, options, entries)
    except UnreadableFile as error:
        issues.append(error.issue)
        return None
    except MappingFileError as error:
        issues.append(error.issue)
        return None
    issues.extend(table.notes)
    if detected.layout == "fec":
        return OpenedFile(table, detected, None, read_fec(table, options.terms, options.tolerance_days, issues))
    mapping = detected.mapping
    assert mapping is not None  # every layout but the FEC's is read through a mapping
    terms = options.terms
    if mapping.options.get("terms") and "terms" not in _given(options):
        from kpi.importers.terms import PaymentTerms

        terms = PaymentTerms.parse(mapping.options["terms"])
    ambiguous = mapping_ambiguities(table.file, table.headers, mapping)
    if ambiguous:
        issues.extend(ambiguous)
        return OpenedFile(table, detected, None, None)
    reader = FieldReader(
        table, mapping, issues, dayfirst=options.dayfirst, decimal=options.decimal, currency=options.currency
    )
    reader, totals = set_aside_total_rows(reader)
    table = reader.table
    if mapping.layout in ACTIVITY_LAYOUTS:
        parsed = read_activity(table, mapping, reader)
    elif mapping.layout == "payments":
        parsed = read_payments(table, mapping, reader)
    else:
        parsed = read_invoice_list(table, mapping, reader, terms)
    reader.check_years()
    if parsed is not None and totals.count:
        # Total rows were read, not imported: they count in the rows read, and the report says what they held.
        parsed = replace(
            parsed,
            warnings=(totals.note(table.file),) + parsed.warnings,
            rows_read=parsed.rows_read + totals.count,
            details={**parsed.details, "total_rows": {"count": totals.count, "amount": totals.amount}},
        )
    if parsed is not None:
        parsed = replace(parsed, layout=detected.layout)
    return OpenedFile(table, detected, reader, parsed)


@dataclass(frozen=True)
class Attempt:
    """A file as opened, with the problems that belong to it."""

    path: Path
    opened: OpenedFile | None
    issues: list[ImportIssue]


def open_files(paths: list[Path], options: ImportOptions, entries: list[dict]) -> list[Attempt]:
    """Open every file; one whose dates read both ways (03/04/2024) takes the day/month order the
    other files of the same import show, as they come from the same software."""
    attempts = []
    for path in paths:
        own: list[ImportIssue] = []
        attempts.append(Attempt(path, open_file(path, options, entries, own), own))
    orders = {
        a.opened.reader.date_formats.dayfirst
        for a in attempts
        if a.opened is not None and a.opened.reader is not None and a.opened.reader.date_formats is not None
    }
    orders.discard(None)
    if len(orders) != 1 or options.dayfirst is not None:
        return attempts
    dayfirst = orders.pop()
    retried = []
    for attempt in attempts:
        if attempt.opened is not None and attempt.opened.reader is not None and attempt.opened.reader.ambiguous_dates:
            own = []
            attempt = Attempt(
                attempt.path, open_file(attempt.path, replace(options, dayfirst=dayfirst), entries, own), own
            )
        retried.append(attempt)
    return retried


def _given(options: ImportOptions) -> set[str]:
    defaults = ImportOptions()
    return {name for name in options.__dataclass_fields__ if getattr(options, name) != getattr(defaults, name)}


def describe_source(opened: OpenedFile) -> dict:
    table = opened.table
    source: dict[str, Any] = {
        "format": table.format,
        "encoding": table.encoding,
        "separator": SEPARATOR_NAMES.get(table.separator, table.separator) if table.separator else None,
        "sheet": table.sheet,
    }
    if opened.detected.mapping is not None:
        source["mapping"] = opened.detected.mapping.to_dict()
    if opened.reader is not None:
        source["decimal"] = opened.reader.decimal
        if opened.reader.date_formats is not None:
            source["dates"] = opened.reader.date_formats.description
    return {k: v for k, v in source.items() if v is not None}


def _of_file(table: pa.Table, file: str) -> pa.Table:
    return table.filter(pc.equal(table.column("source_file"), file))


def _distinct_rows(*tables: pa.Table) -> int:
    """How many rows of the file the tables come from (an invoice row may also give a settlement)."""
    rows = np.concatenate([np.asarray(t.column("source_row").to_numpy(), dtype=np.int64) for t in tables])
    if not len(rows):
        return 0
    if rows.min() >= 0 and rows.max() <= 4 * len(rows):
        # Row numbers are dense: a bitmap counts them without the sort np.unique does.
        seen = np.zeros(int(rows.max()) + 1, dtype=bool)
        seen[rows] = True
        return int(seen.sum())
    return len(np.unique(rows))


def _cents(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))


def _mask(values) -> np.ndarray:
    return np.asarray(pc.fill_null(values, False).to_numpy(zero_copy_only=False), dtype=bool)


def _figure(cents: np.ndarray) -> dict:
    return {"count": int(np.count_nonzero(cents)), "amount": cents_to_decimal(int(cents.sum()))}


def credit_note_figures(documents: pa.Table, settlements: pa.Table) -> dict:
    """The credit notes among `documents`: how many are applied to invoices (Σ applied) and how many keep
    something unapplied (Σ of what they keep), from the `credit` settlements drawing on them.  A credit note
    applied in part counts in both."""
    credit_notes = documents.filter(pc.less(documents.column("amount"), pa.scalar(Decimal("0.00"), MONEY)))
    size = -to_cents(credit_notes.column("amount").combine_chunks())
    applied = np.zeros(len(size), dtype=np.int64)
    credits = settlements.filter(pc.equal(settlements.column("kind"), "credit"))
    if credits.num_rows and len(size):
        totals = credits.group_by("source_document_id").aggregate([("amount", "sum")])
        at = pc.index_in(credit_notes.column("document_id"), value_set=totals.column("source_document_id"))
        applied = to_cents(pc.cast(pc.take(totals.column("amount_sum"), at), MONEY).combine_chunks())
    return {"credit_notes_applied": _figure(applied), "credit_notes_unapplied": _figure(np.maximum(size - applied, 0))}


def unapplied_writeoffs(settlements: pa.Table) -> dict:
    """Write-offs matched to no document (a rounding difference booked to 658…): they reduce AR all the same."""
    alone = pc.and_(pc.equal(settlements.column("kind"), "writeoff"), pc.is_null(settlements.column("document_id")))
    return _figure(to_cents(settlements.filter(alone).column("amount").combine_chunks()))


def _file_report(
    opened: OpenedFile,
    documents: pa.Table,
    settlements: pa.Table,
    warnings: list[ImportIssue],
    explanations: Sequence[str],
) -> FileReport:
    parsed = _parsed(opened)
    if parsed.layout in ACTIVITY_LAYOUTS:
        rows = parsed.activity[parsed.layout]
        return FileReport(
            parsed.file,
            parsed.layout,
            parsed.rows_read,
            rows.num_rows,
            parsed.details["activity_in_file"],
            activity_total(rows),
            dict(parsed.details),
            tuple(warnings),
            tuple(explanations),
            describe_source(opened),
        )
    mine_documents = _of_file(documents, parsed.file)
    mine_settlements = _of_file(settlements, parsed.file)
    applications = _mask(pc.equal(mine_settlements.column("kind"), "credit"))
    # A credit application moves no money: it is neither in the money settled nor in AR (KPI-SPEC §2).
    money_settled = mine_settlements.filter(pa.array(~applications)) if applications.any() else mine_settlements
    documents_total, settlements_total = total(mine_documents), total(money_settled)
    details = dict(parsed.details)
    details["documents_imported"] = documents_total
    details["settlements_imported"] = settlements_total
    if applications.any() or "credit_applications_in_file" in details:
        details["credit_applications_imported"] = total(mine_settlements.filter(pa.array(applications)))
    # Computed here, the same way for every layout, over-riding what a reader may have counted itself.
    details.update(credit_note_figures(mine_documents, settlements))
    details["unapplied_writeoffs"] = unapplied_writeoffs(mine_settlements)
    rows = _distinct_rows(mine_documents, mine_settlements)
    if parsed.layout == "fec":
        in_file, imported = details["balance_411"], documents_total - settlements_total
        details["imported_ar"] = imported
    elif parsed.layout in ("payments", "canonical-settlements"):
        details["settlements_in_file"] = _cents(details["settlements_in_file"])
        in_file, imported = details["settlements_in_file"], settlements_total
        if "credit_applications_in_file" in details:
            details["credit_applications_in_file"] = _cents(details["credit_applications_in_file"])
            # Every row of the file counts in its total, so that an application left out shows as a difference.
            in_file += details["credit_applications_in_file"]
            imported += details["credit_applications_imported"]
    else:
        in_file, imported = details["documents_in_file"], documents_total
    return FileReport(
        parsed.file,
        parsed.layout,
        parsed.rows_read,
        rows,
        in_file,
        imported,
        details,
        tuple(warnings),
        tuple(explanations),
        describe_source(opened),
    )


def supplier_side(parsed: list[ParsedFile]) -> dict[str, pa.Table]:
    """The supplier (401) documents and settlements of the FECs among `parsed`, by canonical table name (none
    without a FEC holding supplier lines); a row two files both hold (overlapping exports) is kept once."""
    found = [p for p in parsed if p.supplier_documents is not None]
    if not found:
        return {}
    side = {}
    for name, key in SUPPLIER_TABLES.items():
        table = pa.concat_tables([getattr(p, name) for p in found])
        _, first = np.unique(np.asarray(table.column(key).to_numpy(zero_copy_only=False), dtype=str), return_index=True)
        side[name] = table.take(np.sort(first))
    return side


def _parsed(opened: OpenedFile) -> ParsedFile:
    """The file's rows as parsed: once no error was found, every file opened was parsed (one that could not be
    has said why, as an error)."""
    assert opened.parsed is not None, opened.table.file
    return opened.parsed


def read_files(paths: GivenPaths, **options: Any) -> ImportResult:
    """Read ledger files of any supported layout into one canonical ledger, or raise ImportFailed.

    Options (all optional): layout ('invoices'|'payments'|'fec'|'canonical'), mapping (path of a JSON
    mapping), sheet (XLSX sheet name or 1-based number), terms ('30', 'eom45', '45eom'), dayfirst
    (True/False), encoding, delimiter, decimal (',' or '.'), currency (the workspace's), mappings_dir
    (folder of saved mappings), known_documents (documents already stored that payments may settle:
    an Arrow table with document_id[, issue_date, customer_id], a dict id -> issue date, or a set of ids),
    tolerance_days (how long before its invoice a payment may be dated; default 7).
    """
    opts = ImportOptions.from_keywords(options)
    issues: list[ImportIssue] = []
    entries = user_mapping_entries(opts, issues)
    attempts = open_files(expand_paths(paths), opts, entries)
    for attempt in attempts:
        issues.extend(attempt.issues)
    opened = [a.opened for a in attempts if a.opened is not None]
    if not opened and not issues:
        issues.append(ImportIssue("", Message("reading.no_file")))
    if any(i.severity == "error" for i in issues):
        raise ImportFailed(issues)
    parsed = [_parsed(o) for o in opened]
    checked = check_ledger(
        parsed, known_documents=opts.known_documents, tolerance_days=opts.tolerance_days, currency=opts.currency
    )
    issues.extend(checked.issues)
    if any(p.activity for p in parsed):
        known = KnownDocuments.from_option(opts.known_documents).table
        activity, activity_issues = check_activity(
            parsed,
            checked.documents,
            set(known.column("document_id").drop_null().to_pylist()),
            set(known.column("customer_id").drop_null().to_pylist()),
        )
        issues.extend(activity_issues)
    else:
        activity = {}  # no log in these files: nothing to check against a million invoice ids
    if any(i.severity == "error" for i in issues):
        raise ImportFailed(issues)
    for p in parsed:
        issues.extend(p.warnings)
    reports = tuple(
        _file_report(
            o,
            checked.documents,
            checked.settlements,
            [i for i in issues if i.file == _parsed(o).file and i.severity != "error"],
            checked.adjustments.get(_parsed(o).file, []),
        )
        for o in opened
    )
    if opts.mappings_dir is not None:
        for o in opened:
            if o.detected.mapping is not None and o.detected.mapping.source == "fichier":
                save_mapping(opts.mappings_dir, o.table.headers, o.detected.mapping)
    ledger = CanonicalLedger(
        checked.documents.select(DOCUMENTS_SCHEMA.names),
        checked.settlements.select(SETTLEMENTS_SCHEMA.names),
        currency=checked.currency,
        sources=tuple(_parsed(o).file for o in opened),
        **activity,
        **supplier_side(parsed),
    )
    warnings = tuple(i for i in issues if i.severity != "error")
    return ImportResult(ledger, ImportReport(reports, warnings, checked.currency))
