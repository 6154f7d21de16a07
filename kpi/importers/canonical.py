"""The canonical layout: a documents file and a settlements file, CSV or Parquet, as in KPI-SPEC §1."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from kpi.canonical import DOCUMENTS_SCHEMA, SETTLEMENTS_SCHEMA, CanonicalLedger, UNASSIGNED_ACTIVITY
from kpi.importers.errors import ImportFailed, ImportIssue
from kpi.importers.report import FileReport, ImportReport, ImportResult

DOCUMENT_REQUIRED = ("document_id", "customer_id", "issue_date", "amount")
SETTLEMENT_REQUIRED = ("settlement_id", "customer_id", "date", "amount", "kind")


def _read_table(path: Path) -> pa.Table:
    if path.suffix.lower() == ".parquet":
        return pq.read_table(path)
    # Everything as text first, so that a bad value is reported with its row, not as a parser crash.
    header = pacsv.read_csv(path, read_options=pacsv.ReadOptions(encoding="utf-8-sig")).column_names
    return pacsv.read_csv(
        path,
        read_options=pacsv.ReadOptions(encoding="utf-8-sig"),
        convert_options=pacsv.ConvertOptions(
            column_types={name: pa.string() for name in header}, strings_can_be_null=False
        ),
    )


def _as_text(table: pa.Table, name: str) -> pa.Array:
    return pc.cast(table.column(name), pa.string()).combine_chunks()


def _convert(file: str, table: pa.Table, name: str, target: pa.DataType, issues: list[ImportIssue]) -> pa.Array:
    column = table.column(name).combine_chunks()
    if column.type == target:
        return column
    text = pc.utf8_trim_whitespace(_as_text(table, name))
    try:
        return pc.cast(text, target)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        expected = "une date AAAA-MM-JJ" if target == pa.date32() else "un montant comme 1234.56"
        for index, value in enumerate(text.to_pylist()):
            try:
                pc.cast(pa.array([value]), target)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                issues.append(ImportIssue(file, f"attendu : {expected}", index + 2, name, value))
                break
        return pa.nulls(len(text), target)


def _check_required(file: str, table: pa.Table, required: tuple[str, ...], issues: list[ImportIssue]) -> bool:
    missing = [name for name in required if name not in table.column_names]
    for name in missing:
        issues.append(ImportIssue(file, "colonne obligatoire absente", None, name))
    return not missing


def _documents(file: str, table: pa.Table, issues: list[ImportIssue]) -> pa.Table | None:
    if not _check_required(file, table, DOCUMENT_REQUIRED, issues):
        return None
    n = table.num_rows
    issue_date = _convert(file, table, "issue_date", pa.date32(), issues)
    if "due_date" in table.column_names:
        due_text = pc.utf8_trim_whitespace(_as_text(table, "due_date"))
        missing_due = pc.equal(due_text, "")
        due_date = _convert(file, table.set_column(table.column_names.index("due_date"), "due_date",
                                                   pc.if_else(missing_due, pa.scalar(None, pa.string()), due_text)),
                            "due_date", pa.date32(), issues)
    else:
        missing_due = pa.array([True] * n)
        due_date = pa.nulls(n, pa.date32())
    derived = pc.fill_null(pc.is_null(due_date), True)
    default_due = pc.add(issue_date, pa.scalar(30 * 86400 * 1000, pa.duration("ms"))) if n else issue_date
    due_date = pc.if_else(derived, pc.cast(default_due, pa.date32()), due_date)
    name = _as_text(table, "customer_name") if "customer_name" in table.column_names else _as_text(table, "customer_id")
    activity = (
        pc.utf8_trim_whitespace(_as_text(table, "activity")) if "activity" in table.column_names else pa.array([""] * n)
    )
    activity = pc.if_else(pc.equal(activity, ""), UNASSIGNED_ACTIVITY, activity)
    return pa.table(
        {
            "document_id": pc.utf8_trim_whitespace(_as_text(table, "document_id")),
            "customer_id": pc.utf8_trim_whitespace(_as_text(table, "customer_id")),
            "customer_name": name,
            "activity": activity,
            "issue_date": issue_date,
            "due_date": due_date,
            "amount": _convert(file, table, "amount", DOCUMENTS_SCHEMA.field("amount").type, issues),
            "due_date_derived": derived,
        }
    )


def _settlements(file: str, table: pa.Table, issues: list[ImportIssue]) -> pa.Table | None:
    if not _check_required(file, table, SETTLEMENT_REQUIRED, issues):
        return None
    n = table.num_rows
    document_id = (
        pc.utf8_trim_whitespace(_as_text(table, "document_id")) if "document_id" in table.column_names
        else pa.array([""] * n)
    )
    document_id = pc.if_else(pc.equal(document_id, ""), pa.scalar(None, pa.string()), document_id)
    kind = pc.utf8_lower(pc.utf8_trim_whitespace(_as_text(table, "kind")))
    for index, value in enumerate(kind.to_pylist()):
        if value not in ("cash", "writeoff"):
            issues.append(ImportIssue(file, "attendu : cash ou writeoff", index + 2, "kind", value))
            break
    return pa.table(
        {
            "settlement_id": pc.utf8_trim_whitespace(_as_text(table, "settlement_id")),
            "document_id": document_id,
            "customer_id": pc.utf8_trim_whitespace(_as_text(table, "customer_id")),
            "date": _convert(file, table, "date", pa.date32(), issues),
            "amount": _convert(file, table, "amount", SETTLEMENTS_SCHEMA.field("amount").type, issues),
            "kind": kind,
        }
    )


def _total(table: pa.Table) -> Decimal:
    total = pc.sum(table.column("amount")).as_py()
    return Decimal(total or 0).quantize(Decimal("0.01"))


def read_canonical_files(paths) -> ImportResult:
    """Read one documents file and at most one settlements file of the canonical layout."""
    issues: list[ImportIssue] = []
    documents: list[pa.Table] = []
    settlements: list[pa.Table] = []
    reports: list[FileReport] = []
    for path in map(Path, paths):
        table = _read_table(path)
        is_settlements = "settlement_id" in table.column_names
        parsed = (_settlements if is_settlements else _documents)(path.name, table, issues)
        if parsed is None:
            continue
        (settlements if is_settlements else documents).append(parsed)
        reports.append(
            FileReport(
                file=path.name,
                layout="canonical-settlements" if is_settlements else "canonical-documents",
                rows_read=table.num_rows,
                rows_imported=parsed.num_rows,
                amount_in_file=_total(parsed),
                amount_imported=_total(parsed),
            )
        )
    if issues:
        raise ImportFailed(issues)
    documents_table = pa.concat_tables(documents) if documents else DOCUMENTS_SCHEMA.empty_table()
    settlements_table = pa.concat_tables(settlements) if settlements else SETTLEMENTS_SCHEMA.empty_table()
    ledger = CanonicalLedger(documents_table, settlements_table, sources=tuple(r.file for r in reports))
    return ImportResult(ledger, ImportReport(tuple(reports)))
