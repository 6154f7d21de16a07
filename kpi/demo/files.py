"""The demo as files: the canonical pair documents.csv and settlements.csv, and the collection-activity logs."""

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from kpi.demo.ledger import generate_ledger
from kpi.demo.logs import ACTIVITY_CSV_COLUMNS, generate_activity_logs

_CSV_COLUMNS = {
    "documents.csv": ("document_id", "customer_id", "customer_name", "activity", "issue_date", "due_date", "amount"),
    "settlements.csv": ("settlement_id", "document_id", "customer_id", "date", "amount", "kind", "source_document_id"),
}


def _csv_field(column: pa.Array) -> pa.Array:
    """Text of a column, quoted only where CSV requires it (Arrow's writer quotes every string)."""
    text = pc.fill_null(pc.cast(column, pa.string()), "")
    quoted = pc.binary_join_element_wise('"', pc.replace_substring(text, '"', '""'), '"', "")
    return pc.if_else(pc.match_substring_regex(text, '[",\r\n]'), quoted, text)


def _write_csv(table: pa.Table, columns: tuple[str, ...], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(",".join(columns) + "\n")
        for batch in table.select(list(columns)).to_batches(max_chunksize=100_000):
            lines = pc.binary_join_element_wise(*(_csv_field(batch.column(name)) for name in columns), ",")
            out.write("".join(line + "\n" for line in lines.to_pylist()))


def write_demo(directory: Path, **kwargs) -> tuple[Path, Path]:
    """Write `generate_ledger(**kwargs)` as the canonical pair documents.csv, settlements.csv, and its
    collection-activity logs (`generate_activity_logs`) as litiges.csv, relances.csv, echeanciers.csv, frais.csv."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    ledger = generate_ledger(**kwargs)
    documents, settlements = directory / "documents.csv", directory / "settlements.csv"
    _write_csv(ledger.documents, _CSV_COLUMNS["documents.csv"], documents)
    _write_csv(ledger.settlements, _CSV_COLUMNS["settlements.csv"], settlements)
    for name, table in generate_activity_logs(ledger, **kwargs).items():
        _write_csv(table, ACTIVITY_CSV_COLUMNS[name], directory / name)
    return documents, settlements
