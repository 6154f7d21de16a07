"""Canonical files DuckDB reads itself: the fast path of `read_files` and of imports, for clean files only.

The canonical pair as this product writes it — `documents` and `settlements`, CSV (UTF-8, `,`, the
canonical header exactly) or Parquet (the canonical schema) — is loaded by DuckDB with explicit types
and checked with SQL over the loaded rows.  The checks are *sufficient*, not exhaustive: they hold only
when the Python readers (reading.py, validation.py) would read the same rows and have nothing to say
but the few warnings reproduced here (overpayments, payments after the last invoice, documents
without activity, credit notes due before their issue).  Whenever one fails — an option given, a
saved mapping, a BOM, CRLF, a quote, a blank cell, a date or an amount written otherwise than
`2026-03-31` / `-1234.50`, a duplicate id, an unknown invoice, a credit note over-applied, a file past
a limit, anything DuckDB refuses — the fast path answers None and the caller reads the files the
Python way, which gives its exact messages: they cannot differ, since this path never words a refusal.

`ENCOURS_NATIVE_READ=0` in the environment turns the fast path off (tests compare both paths with it).

CSV files are also checked byte by byte (`_plain_lines`): no control character but the line feed, no
quote, none of the characters the readers strip or trim (C1 controls, U+FEFF, U+200B, U+2060, Unicode
spaces), lead bytes of rare or invalid UTF-8 forms refused outright, and as many separators on every line
as in the header; and each line must be a row DuckDB read (`_csv_lines`, `_files_plain`).
"""

from __future__ import annotations

import os
import re
import uuid
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import duckdb

from kpi.importers import limits
from kpi.importers.dates import YEAR_FIRST_LABEL
from kpi.importers.dialect import SEPARATOR_NAMES
from kpi.importers.errors import ImportIssue
from kpi.importers.fields import MAX_TOTAL
from kpi.importers.report import FileReport, ImportReport
from kpi.importers.tables import PARQUET_SUFFIXES
from kpi.model.names import UNASSIGNED_ACTIVITY
from kpi.text.messages import Message

if TYPE_CHECKING:
    from kpi.importers.mapping import ColumnMapping
    from kpi.importers.options import ImportOptions
    from kpi.importers.tables import GivenPaths
    from kpi.store.ledger import Ledger
    from kpi.store.workspace import StoredImport

SWITCH = "ENCOURS_NATIVE_READ"  # "0": every file goes through the Python readers

DOCUMENT_COLUMNS = ("document_id", "customer_id", "customer_name", "activity", "issue_date", "due_date", "amount")
SETTLEMENT_COLUMNS = ("settlement_id", "document_id", "customer_id", "date", "amount", "kind", "source_document_id")
# The headers taken, in this order exactly: as the demo, the worked examples and the benchmarks write them
# (`due_date_derived` is ignored by the readers; a pair written before credit applications has no
# `source_document_id`; one written from the canonical schema ends with the payments' `reference`).
HEADERS = {
    "documents": (DOCUMENT_COLUMNS, DOCUMENT_COLUMNS + ("due_date_derived",)),
    "settlements": (SETTLEMENT_COLUMNS, SETTLEMENT_COLUMNS[:-1], (*SETTLEMENT_COLUMNS, "reference")),
}
LAYOUTS = {"documents": "canonical-documents", "settlements": "canonical-settlements"}
DATE_COLUMNS = {"documents": ("issue_date", "due_date"), "settlements": ("date",)}
CSV_SUFFIXES = (".csv",)

# The only forms of dates and amounts taken: each reads the same in DuckDB and in the Python readers
# (dates.py's and amounts.py's fast paths), to the day and to the cent.
PLAIN_AMOUNT = r"-?(0|[1-9]\d{0,15})(\.\d{1,2})?"
FIRST_YEAR, LAST_YEAR = 1900, 2199  # dates.py refuses other years
# In a Parquet file's text: what tables.py strips (controls, U+FEFF, U+200B, U+2060) or trims (Unicode
# spaces, anywhere here but the plain space, which only counts at either end of a value).
PARQUET_UNSEEN = (
    r"[\x{00}-\x{1F}\x{7F}-\x{A0}\x{1680}\x{2000}-\x{200B}\x{2028}\x{2029}\x{202F}\x{205F}"
    r"\x{2060}\x{3000}\x{FEFF}]"
)

# CSV bytes: those the canonical files never need.  Controls but the line feed (a CR, a tab), the quote
# (tables.py would switch to quoted reading), DEL, and UTF-8 lead bytes of overlong, surrogate, emoji-plane
# or invalid forms; the leads of legitimate but suspect sequences are looked at more closely.
_REFUSED = bytes(b for b in range(0x20) if b != 0x0A) + b'"\x7f\xc0\xc1\xe0\xed\xf0' + bytes(range(0xF4, 0x100))
_SUSPECT_LEADS = b"\xc2\xe1\xe2\xe3\xef"
_SEPARATORS = b",\n"
# Deleted from a file's bytes, these leave its separators and whatever must be looked at.
_ORDINARY = bytes(b for b in range(0x100) if b not in _REFUSED + _SUSPECT_LEADS + _SEPARATORS)
# After those leads: C1 controls and U+00A0 (C2 80–A0), U+1680, U+2000–U+200B, U+2028, U+2029, U+202F,
# U+205F, U+2060, U+3000, U+FEFF.
_STRIPPED_OR_TRIMMED = {
    0xC2: re.compile(rb"\xc2[\x80-\xa0]"),
    0xE1: re.compile(rb"\xe1\x9a\x80"),
    0xE2: re.compile(rb"\xe2(?:\x80[\x80-\x8b\xa8\xa9\xaf]|\x81[\x9f\xa0])"),
    0xE3: re.compile(rb"\xe3\x80\x80"),
    0xEF: re.compile(rb"\xef\xbb\xbf"),
}
CENT = Decimal("0.01")
# What DuckDB raises on a file it cannot read as declared (a wrong number of fields, invalid UTF-8, a damaged
# Parquet file): the Python readers then say what is wrong.  Any other error is a bug or a fault of the
# machine (a full disk), and is raised for the caller to explain.
UNREADABLE = (duckdb.InvalidInputException, duckdb.ConversionException)


def enabled() -> bool:
    return os.environ.get(SWITCH, "1").strip().lower() not in ("0", "false", "no", "off")


# --- which files -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CanonicalFile:
    """One file the fast path may read, and how the Python readers would describe it."""

    path: Path
    kind: str  # 'documents' | 'settlements'
    format: str  # 'csv' | 'parquet'
    headers: tuple[str, ...]
    mapping: ColumnMapping

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def first_row(self) -> int:
        """The row a spreadsheet shows for the first record (tables.py: header = row 1 in CSV)."""
        return 2 if self.format == "csv" else 1


@dataclass(frozen=True)
class Plan:
    files: tuple[CanonicalFile, ...]
    currency: str | None  # as given; a workspace's own comes in at import
    tolerance_days: int

    def of_kind(self, kind: str) -> list[tuple[int, CanonicalFile]]:
        return [(index, file) for index, file in enumerate(self.files) if file.kind == kind]


def plan(paths: GivenPaths, options: dict[str, Any], *, mappings_dir: Path | None = None) -> Plan | None:
    """The files, if every one is a canonical file read with no option that could change its reading; else None.

    Cheap: names, sizes, the first bytes and the Parquet footer only.  `mappings_dir` is where an import
    keeps saved mappings: a mapping saved for the canonical headers would change the reading.
    """
    if not enabled():
        return None
    from kpi.importers.options import ImportOptions
    from kpi.importers.tables import expand_paths

    try:
        chosen = ImportOptions.from_keywords(dict(options))
    except (TypeError, ValueError):
        return None  # the Python path refuses the options with its own words
    if (
        chosen.layout is not None
        or chosen.mapping is not None
        or chosen.encoding is not None
        or chosen.delimiter is not None
        or chosen.decimal is not None
        or chosen.dayfirst is not None
        or chosen.known_documents is not None
    ):
        return None
    if chosen.mappings_dir is not None:
        mappings_dir = chosen.mappings_dir
    try:
        expanded = expand_paths(paths)
    except OSError:
        return None
    if not expanded or len({p.name for p in expanded}) != len(expanded):
        return None  # warnings and reports go by file name
    files = []
    for path in expanded:
        file = _canonical_file(path, chosen, mappings_dir)
        if file is None:
            return None
        files.append(file)
    return Plan(tuple(files), chosen.currency, chosen.tolerance_days)


def _canonical_file(path: Path, options: ImportOptions, mappings_dir: Path | None) -> CanonicalFile | None:
    suffix = path.suffix.lower()
    try:
        if not path.is_file() or path.stat().st_size > limits.MAX_FILE_BYTES:
            return None
        if suffix in CSV_SUFFIXES:
            fmt, headers = "csv", _csv_headers(path)
        elif suffix in PARQUET_SUFFIXES:
            fmt, headers = "parquet", _parquet_headers(path)
        else:
            return None
    except OSError:
        return None
    if headers is None:
        return None
    kind = next((k for k, variants in HEADERS.items() if headers in variants), None)
    if kind is None:
        return None
    mapping = _detected_mapping(path.name, fmt, headers, kind, options, mappings_dir)
    return None if mapping is None else CanonicalFile(path, kind, fmt, headers, mapping)


def _csv_headers(path: Path) -> tuple[str, ...] | None:
    with path.open("rb") as stream:
        line = stream.readline(4096)
    if not line.endswith(b"\n") or not re.fullmatch(rb"[a-z_,]+\n", line):
        return None
    return tuple(line[:-1].decode("ascii").split(","))


def _parquet_headers(path: Path) -> tuple[str, ...] | None:
    """The columns of a Parquet file of the canonical schema, within the limits tables.py checks first."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    with path.open("rb") as stream:
        if stream.read(4) != b"PAR1":
            return None
    try:
        parquet = pq.ParquetFile(path)
        metadata, schema = parquet.metadata, parquet.schema_arrow
    except (pa.ArrowException, OSError):
        return None
    inflated = sum(metadata.row_group(i).total_byte_size for i in range(metadata.num_row_groups))
    if metadata.num_rows > limits.MAX_ROWS or len(schema) > limits.MAX_COLUMNS or inflated > limits.MAX_INFLATED_BYTES:
        return None
    for field in schema:
        kind = field.type
        if field.name in ("issue_date", "due_date", "date"):
            fits = pa.types.is_date32(kind)
        elif field.name == "amount":
            fits = pa.types.is_decimal(kind) and kind.scale == 2 and kind.precision <= 18
        elif field.name == "due_date_derived":
            fits = pa.types.is_boolean(kind)
        else:
            fits = pa.types.is_string(kind) or pa.types.is_large_string(kind)
        if not fits:
            return None
    return tuple(schema.names)


def _detected_mapping(
    name: str, fmt: str, headers: tuple[str, ...], kind: str, options: ImportOptions, mappings_dir: Path | None
) -> ColumnMapping | None:
    """The mapping layout.detect gives these headers under this file name, when it is the plain canonical one."""
    from dataclasses import replace

    import numpy as np
    import pyarrow as pa

    from kpi.importers.layout import detect
    from kpi.importers.mapping import mapping_ambiguities
    from kpi.importers.tables import TextTable

    # pa.nulls, not pa.array([]): pa.array looks for pandas, and loading it costs a third of a second.
    empty = TextTable(
        name, fmt, headers, pa.table({h: pa.nulls(0, pa.string()) for h in headers}), np.zeros(0, dtype=np.int64)
    )
    detected = detect(empty, replace(options, mappings_dir=mappings_dir), [])
    mapping = detected.mapping
    wanted = {column: column for column in headers if column != "due_date_derived"}
    if (
        detected.layout != LAYOUTS[kind]
        or mapping is None
        or mapping.source != "auto"
        or mapping.options
        or mapping.fields != wanted
        or mapping_ambiguities(name, headers, mapping)
    ):
        return None
    return mapping


# --- loading -----------------------------------------------------------------------------------------

# Staged rows: the canonical columns, then what the checks read.  A ledger in memory keeps the staged rows as
# its tables, once the checks' columns are dropped: there they also carry the ledger's own columns, in its
# order (`_LEDGER_COLUMNS`); an import stores them with its id instead, and leaves them out of memory.
_DOCUMENT_COLUMNS = (
    "document_id VARCHAR",
    "customer_id VARCHAR",
    "customer_name VARCHAR",
    "activity VARCHAR",
    "issue_date DATE",
    "due_date DATE",
    "amount DECIMAL(18,2)",
)
_SETTLEMENT_COLUMNS = (
    "settlement_id VARCHAR",
    "document_id VARCHAR",
    "customer_id VARCHAR",
    "date DATE",
    "amount DECIMAL(18,2)",
    "kind VARCHAR",
)
_STAGED = {
    "documents": _DOCUMENT_COLUMNS,
    "settlements": (*_SETTLEMENT_COLUMNS, "source_document_id VARCHAR", "reference VARCHAR"),
}
_LEDGER_COLUMNS = {
    "documents": (
        *_DOCUMENT_COLUMNS,
        "due_date_derived BOOLEAN DEFAULT false",
        "import_id INTEGER DEFAULT 0",
        "open_until DATE",
    ),
    "settlements": (
        *_SETTLEMENT_COLUMNS,
        "import_id INTEGER DEFAULT 0",
        "source_document_id VARCHAR",
        "reference VARCHAR",
    ),
}
_CHECKED = {
    "documents": ("file_index USMALLINT", "no_activity BOOLEAN", "pointed BOOLEAN", "fault BOOLEAN"),
    "settlements": ("file_index USMALLINT", "pointed BOOLEAN", "fault BOOLEAN"),
}
# Columns that hold free text (dates and amounts are checked by their form).
_TEXT = {
    "documents": ("document_id", "customer_id", "customer_name", "activity"),
    "settlements": ("settlement_id", "document_id", "customer_id", "kind", "source_document_id", "reference"),
}
# The id that, blank or reading « Total », would make a row a total row (total_rows.py): refused when it
# merely contains the word, which is broader than the readers' rule.
_ID = {"documents": "document_id", "settlements": "settlement_id"}


@dataclass(frozen=True)
class Staged:
    """A file loaded: its rows in the staged table from rowid `start` on, in the file's order."""

    index: int
    file: CanonicalFile
    start: int
    rows: int
    lines: int  # CSV: the file's lines, header included


def _plain_lines(data: bytes, width: int) -> int | None:
    """The lines of a CSV file whose bytes hold nothing the readers would strip, trim, unquote or decode otherwise,
    and each line of which holds `width` − 1 separators; None otherwise.

    One pass deletes every ordinary byte: what is left is the separators, line by line, and any byte to look at.
    """
    found = data.translate(None, _ORDINARY)
    separators = found.translate(None, _REFUSED + _SUSPECT_LEADS)
    if len(separators) != len(found):
        leads = set(found.translate(None, _SEPARATORS))
        if leads - set(_SUSPECT_LEADS) or any(_STRIPPED_OR_TRIMMED[lead].search(data) for lead in leads):
            return None
    line = b"," * (width - 1) + b"\n"
    lines = separators.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    expected = line * lines if data.endswith(b"\n") else line * (lines - 1) + line[:-1]
    return lines if separators == expected else None


def _text_checks(kind: str, fmt: str) -> list[str]:
    checks = []
    for column in _TEXT[kind]:
        clean = f"NOT ({column} LIKE ' %' OR {column} LIKE '% ')"
        if fmt == "parquet":
            clean += f" AND NOT regexp_matches({column}, '{PARQUET_UNSEEN}')"
        checks.append(f"coalesce({clean}, true)")
    identifier = _ID[kind]
    checks.append(f"{identifier} NOT ILIKE '%tota%'")
    return checks


def _date_checks(kind: str, fmt: str) -> list[str]:
    checks = []
    for column in DATE_COLUMNS[kind]:
        if fmt == "csv":
            # Written back, the date is the text read: the text was 2026-03-31, with nothing else.
            checks.append(f"typed_{column}::VARCHAR = raw_{column}")
        checks.append(f"typed_{column} BETWEEN DATE '{FIRST_YEAR}-01-01' AND DATE '{LAST_YEAR}-12-31'")
    return checks


def _select(kind: str, file: CanonicalFile, index: int) -> str:
    """The SELECT that stages one file: the canonical columns typed, and the row's verdict.

    Inside, each cell as read is `raw_<header>`, each text as the readers take it `<header>` (empty = NULL)
    and each date and amount typed as `typed_<header>`.
    """
    fmt, headers = file.format, file.headers
    raw = ", ".join(f"{h} AS raw_{h}" for h in headers)
    if fmt == "csv":
        columns = ", ".join(f"'{h}': 'VARCHAR'" for h in headers)
        source = (
            f"read_csv($path, header = true, columns = {{{columns}}}, delim = ',', quote = '', escape = '',"
            " comment = '', strict_mode = true, null_padding = false, auto_detect = false)"
        )
        texts = ", ".join(f"{h}" for h in _TEXT[kind] if h in headers)
        typed = ", ".join(
            [f"TRY_CAST({c} AS DATE) AS typed_{c}" for c in DATE_COLUMNS[kind]]
            + ["TRY_CAST(amount AS DECIMAL(18,2)) AS typed_amount"]
        )
        amount_form = f"regexp_full_match(raw_amount, '{PLAIN_AMOUNT}') AND typed_amount IS NOT NULL"
        # amounts.py reports the decimal mark the text shows: a point, or none in a file of whole amounts.
        pointed = "contains(raw_amount, '.')"
    else:
        source = "read_parquet($path)"
        # Parquet keeps an empty text empty; tables.py reads a missing value as empty too.
        texts = ", ".join(f"nullif({h}, '') AS {h}" for h in _TEXT[kind] if h in headers)
        typed = ", ".join([f"{c} AS typed_{c}" for c in DATE_COLUMNS[kind]] + ["amount::DECIMAL(18,2) AS typed_amount"])
        amount_form = "typed_amount IS NOT NULL"
        pointed = "true"  # a decimal type of two places: amounts.typed_decimal_mark says '.'
    for optional in ("source_document_id", "reference"):
        if kind == "settlements" and optional not in headers:
            texts += f", NULL::VARCHAR AS {optional}"
    if kind == "documents":
        checks = [
            "document_id IS NOT NULL",
            "customer_id IS NOT NULL",
            amount_form,
            *_date_checks(kind, fmt),
            *_text_checks(kind, fmt),
            # An invoice due before its issue is refused (a credit note so is only warned about).
            "NOT (typed_due_date < typed_issue_date AND typed_amount >= 0)",
        ]
        body = (
            "document_id, customer_id, coalesce(customer_name, customer_id) AS customer_name,"
            f" coalesce(activity, '{UNASSIGNED_ACTIVITY}') AS activity, typed_issue_date AS issue_date,"
            f" typed_due_date AS due_date, typed_amount AS amount, {index} AS file_index,"
            " activity IS NULL AS no_activity"
        )
    else:
        checks = [
            "settlement_id IS NOT NULL",
            "customer_id IS NOT NULL",
            amount_form,
            "typed_amount > 0",
            "kind IN ('cash', 'writeoff', 'credit')",
            "(kind = 'credit') = (source_document_id IS NOT NULL)",
            "(kind <> 'credit' OR document_id IS NOT NULL)",
            *_date_checks(kind, fmt),
            *_text_checks(kind, fmt),
        ]
        body = (
            "settlement_id, document_id, customer_id, typed_date AS date, typed_amount AS amount, kind,"
            f" source_document_id, reference, {index} AS file_index"
        )
    verdict = " AND ".join(f"({check})" for check in checks)
    return (
        f"SELECT {body}, {pointed} AS pointed, NOT coalesce({verdict}, false) AS fault"
        f" FROM (SELECT {raw}, {texts}, {typed} FROM {source})"
    )


def _stage(connection: duckdb.DuckDBPyConnection, plan: Plan, schema: str) -> list[Staged] | None:
    """Load every file into staged_documents / staged_settlements, created in `schema` (a prefix: "" or
    "staging."); None when a file is not plain enough."""
    staged = []
    for kind in _STAGED:
        found = _stage_kind(connection, plan, kind, schema)
        if found is None:
            return None
        staged += found
    return staged


def _stage_kind(
    connection: duckdb.DuckDBPyConnection, plan: Plan, kind: str, schema: str, ledger: bool = False
) -> list[Staged] | None:
    """The files of one kind into staged_<kind>.  `ledger`: with the ledger's own columns, each document with its
    open_until, from the `settlements` table already in place (a ledger in memory stages its settlements first)."""
    columns = ", ".join((*(_LEDGER_COLUMNS if ledger else _STAGED)[kind], *_CHECKED[kind]))
    connection.execute(f"CREATE OR REPLACE TABLE {schema}staged_{kind} ({columns})")
    staged = []
    for index, file in plan.of_kind(kind):
        lines = 0
        if file.format == "csv":
            counted = _csv_lines(file)
            if counted is None:
                return None
            lines = counted
        select = _select(kind, file, index)
        if ledger and kind == "documents":
            select = (
                f"SELECT i.*, document_open_until(i.amount, t.settled_total, t.last_settlement) AS open_until"
                f" FROM ({select}) AS i LEFT JOIN settled_documents() AS t USING (document_id)"
            )
        connection.execute(f"INSERT INTO staged_{kind} BY NAME {select}", {"path": str(file.path)})
        # Rows keep the file's order (DuckDB preserves insertion order), so a row's place in its file is its
        # rowid's distance from the file's first.  Rowids start elsewhere inside a transaction: read them.
        rows, start, end = connection.execute(
            f"SELECT count(*), min(rowid), max(rowid) FROM staged_{kind} WHERE file_index = $index", {"index": index}
        ).fetchall()[0]
        if rows and end - start + 1 != rows:
            return None
        staged.append(Staged(index, file, start or 0, rows, lines))
    return staged


def _csv_lines(file: CanonicalFile) -> int | None:
    """The lines of a plain CSV file (`_plain_lines`), none too long for tables.py; None otherwise.

    DuckDB refuses a line with fewer fields, but takes one with a trailing separator and skips a blank one,
    where Arrow (tables.py) refuses the first and counts rows past the second: with (fields − 1) separators on
    every line and as many lines as rows + 1, there are none."""
    from kpi.importers.dialect import first_long_line

    data = file.path.read_bytes()
    if first_long_line(data, limits.MAX_LINE_BYTES) is not None:
        return None
    return _plain_lines(data, len(file.headers))


def _files_plain(connection: duckdb.DuckDBPyConnection, staged: list[Staged]) -> bool:
    """Every file: rows within the limits, none at fault, and (CSV) as many lines as rows and header."""
    figures = {}
    for kind in {s.file.kind for s in staged}:
        # A Parquet file's text as tables.py expands it (its dictionaries) must stay within MAX_TEXT_BYTES: the
        # staged text is no shorter than the file's.
        text = (
            " + ".join(f"coalesce(strlen({column}), 0)" for column in _TEXT[kind])
            if any(s.file.kind == kind and s.file.format == "parquet" for s in staged)
            else "0"
        )
        for index, faults, text_bytes in connection.execute(
            f"SELECT file_index, count(*) FILTER (WHERE fault), sum({text}) FROM staged_{kind} GROUP BY file_index"
        ).fetchall():
            figures[index] = (faults, text_bytes)
    for file in staged:
        if not 0 < file.rows <= limits.MAX_ROWS or file.index not in figures:
            return False  # a file without rows is warned about by the Python path
        faults, text_bytes = figures[file.index]
        if faults:
            return False
        if file.file.format == "parquet" and text_bytes > limits.MAX_TEXT_BYTES:
            return False
        if file.file.format == "csv" and file.lines != file.rows + 1:
            return False
    return True


# --- the ledger-wide checks --------------------------------------------------------------------------


def _catalogue(connection: duckdb.DuckDBPyConnection, stored: bool) -> None:
    """The documents settlements may name: this import's, then the stored ones not imported again."""
    stored_part = (
        " UNION ALL SELECT document_id, customer_id, issue_date, amount, false FROM documents AS d"
        " WHERE NOT EXISTS (SELECT 1 FROM staged_documents AS s WHERE s.document_id = d.document_id)"
        if stored
        else ""
    )
    connection.execute(
        "CREATE OR REPLACE TEMP VIEW catalogue AS SELECT document_id, customer_id, issue_date, amount,"
        " true AS imported FROM staged_documents" + stored_part
    )


def _ledger_consistent(
    connection: duckdb.DuckDBPyConnection, plan: Plan, stored: bool, keyed: bool, overpayments: bool, schema: str = ""
) -> bool:
    """What validation.check_ledger refuses, or drops as duplicates, is absent.  `keyed`: the rows go into tables
    whose primary keys refuse a repeated id (the caller then falls back), so ids need no counting here.

    With `overpayments`, leaves `settled_beyond`: the documents of this import settled beyond max(amount, 0),
    the only ones that can be overpaid (validation._overpayments), for the report to word."""
    tolerance = {"tolerance": int(plan.tolerance_days)}
    documents_total = "(SELECT sum(abs(amount)) FROM staged_documents)"
    if stored:
        documents_total = f"({documents_total} + coalesce((SELECT sum(abs(amount)) FROM documents), 0))"
    unique = (
        (
            "(SELECT count(*) = count(DISTINCT document_id) FROM staged_documents)"
            " AND (SELECT count(*) = count(DISTINCT settlement_id) FROM staged_settlements)"
        )
        if not keyed
        else "true"
    )
    within_money, unique = connection.execute(
        f"SELECT coalesce({documents_total} <= $limit, true)"
        f"    AND coalesce((SELECT sum(abs(amount)) FROM staged_settlements) <= $limit, true), {unique}",
        {"limit": MAX_TOTAL},
    ).fetchall()[0]
    if not (within_money and unique):
        return False
    _catalogue(connection, stored)
    # validation._link_payments: each settlement's document exists, is its customer's, and was issued at most
    # `tolerance` days after it.  For the report, checked per document and customer (a document settled for two
    # customers is a fault, so those totals are the document's when nothing is at fault), which finds in the same
    # pass the documents settled beyond what they could take.
    if not overpayments:
        linked = connection.execute(
            "SELECT count(*) FROM staged_settlements AS s LEFT JOIN catalogue AS c ON c.document_id = s.document_id"
            " WHERE s.document_id IS NOT NULL AND (c.document_id IS NULL OR c.customer_id <> s.customer_id"
            "   OR s.date < c.issue_date - $tolerance::INTEGER)",
            tolerance,
        ).fetchall()[0][0]
        if linked:
            return False
    else:
        connection.execute(
            f"CREATE OR REPLACE TABLE {schema}settled_beyond AS"
            " WITH settled AS (SELECT document_id, customer_id, min(date) AS first_date, sum(amount) AS total"
            "   FROM staged_settlements WHERE document_id IS NOT NULL GROUP BY ALL)"
            " SELECT s.document_id, c.amount AS document_amount, c.document_id IS NULL OR c.customer_id <> s.customer_id"
            "   OR s.first_date < c.issue_date - $tolerance::INTEGER AS fault"
            " FROM settled AS s LEFT JOIN catalogue AS c USING (document_id)"
            " WHERE fault OR (c.imported AND s.total > greatest(c.amount, 0))",
            tolerance,
        )
        if connection.execute("SELECT bool_or(fault) FROM settled_beyond").fetchall()[0][0]:
            return False
    credits = connection.execute(
        "SELECT count(*) FROM staged_settlements AS s"
        " LEFT JOIN catalogue AS source ON source.document_id = s.source_document_id"
        " LEFT JOIN catalogue AS target ON target.document_id = s.document_id"
        " WHERE s.kind = 'credit' AND (source.document_id IS NULL OR source.amount >= 0"
        "   OR source.customer_id <> s.customer_id OR target.amount <= 0"
        "   OR s.date < source.issue_date - $tolerance::INTEGER)",
        tolerance,
    ).fetchall()[0][0]
    if credits:
        return False
    # Σ of a credit note's applications, with those the workspace holds (not imported again), ≤ |its amount|.
    stored_applications = (
        " LEFT JOIN (SELECT source_document_id, sum(amount) AS applied FROM settlements AS t"
        "   WHERE kind = 'credit' AND NOT EXISTS (SELECT 1 FROM staged_settlements AS s"
        "     WHERE s.settlement_id = t.settlement_id) GROUP BY ALL) AS stored USING (source_document_id)"
        if stored
        else ""
    )
    stored_applied = " + coalesce(stored.applied, 0)" if stored else ""
    over_applied = connection.execute(
        "SELECT count(*) FROM (SELECT source_document_id, sum(amount) AS applied FROM staged_settlements"
        "   WHERE kind = 'credit' GROUP BY ALL) AS imported"
        f" JOIN catalogue AS c ON c.document_id = imported.source_document_id{stored_applications}"
        f" WHERE imported.applied{stored_applied} > -c.amount"
    ).fetchall()[0][0]
    return not over_applied


# --- the report --------------------------------------------------------------------------------------


def _money(value: Decimal | None) -> Decimal:
    return (value if value is not None else Decimal(0)).quantize(CENT)


def _figure(count: int | None, amount: Decimal | None) -> dict[str, Any]:
    return {"count": int(count or 0), "amount": _money(amount)}


def _source(file: CanonicalFile, decimal: str | None) -> dict[str, Any]:
    """reading.describe_source of the file as the Python readers would have opened it."""
    source = {
        "format": file.format,
        "encoding": "utf-8" if file.format == "csv" else None,
        "separator": SEPARATOR_NAMES[","] if file.format == "csv" else None,
        "sheet": None,
        "mapping": file.mapping.to_dict(),
        "decimal": decimal,
        "dates": YEAR_FIRST_LABEL,
    }
    return {k: v for k, v in source.items() if v is not None}


def _source_rows(staged: list[Staged]) -> str:
    """A VALUES table giving each file's first rowid and first row number, to turn a rowid into a file row."""
    return (
        "(VALUES "
        + ", ".join(f"({s.index}, {s.start}, {s.file.first_row})" for s in staged)
        + ") AS r(file_index, start, first_row)"
    )


def _overpayments(connection: duckdb.DuckDBPyConnection, staged: list[Staged]) -> dict[tuple[int, bool], list[Any]]:
    """validation._overpayments: per (file, is a credit application), the settlements beyond what their
    document had left (its settlements in date, then row, then file order) — count, Σ excess, and the first
    one's row, document and document amount."""
    rows = connection.execute(
        # Only documents settled beyond max(amount, 0) have an excess: the running sums are taken over theirs.
        "WITH local AS (SELECT s.file_index, s.rowid - r.start + r.first_row AS source_row, s.document_id, s.date,"
        "   s.amount, s.kind = 'credit' AS credited, b.document_amount"
        "   FROM staged_settlements AS s JOIN settled_beyond AS b USING (document_id)"
        f"  JOIN {_source_rows(staged)} ON r.file_index = s.file_index),"
        " running AS (SELECT *, coalesce(sum(amount) OVER (PARTITION BY document_id ORDER BY date, source_row,"
        "   file_index ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS settled_before FROM local),"
        " excess AS (SELECT *, greatest(amount - greatest(greatest(document_amount, 0) - settled_before, 0), 0)"
        "   AS excess FROM running)"
        " SELECT file_index, credited, count(*), sum(excess),"
        "   arg_min(source_row, (date, source_row)), arg_min(document_id, (date, source_row)),"
        "   arg_min(document_amount, (date, source_row))"
        " FROM excess WHERE excess > 0 GROUP BY ALL"
    ).fetchall()
    return {(index, credited): rest for index, credited, *rest in rows}


def _late_payments(
    connection: duckdb.DuckDBPyConnection, staged: list[Staged]
) -> Literal["tie"] | tuple[Any, ...] | None:
    """validation._late_payments: (count, last invoice day, file index, row of the first) or None; "tie" when
    the first row is ambiguous (the same row number in two files)."""
    if not any(s.file.kind == "documents" for s in staged) or not any(s.file.kind == "settlements" for s in staged):
        return None
    found = connection.execute(
        "WITH late AS (SELECT s.file_index, s.rowid - r.start + r.first_row AS source_row"
        f"   FROM staged_settlements AS s JOIN {_source_rows(staged)} ON r.file_index = s.file_index"
        "   WHERE s.date > (SELECT max(issue_date) FROM staged_documents) AND s.kind <> 'credit')"
        " SELECT count(*), (SELECT max(issue_date) FROM staged_documents), arg_min(file_index, source_row),"
        "   min(source_row), count(*) FILTER (WHERE source_row = (SELECT min(source_row) FROM late)) FROM late"
    ).fetchall()[0]
    count, day, index, row, first_rows = found
    if not count:
        return None
    return "tie" if first_rows > 1 else (count, day, index, row)


def _by_file(connection: duckdb.DuckDBPyConnection, sql: str) -> dict[int, tuple[Any, ...]]:
    """A query's rows by their first column, the staged file's index."""
    return {row[0]: row[1:] for row in connection.execute(sql).fetchall()}


def _report(
    connection: duckdb.DuckDBPyConnection, plan: Plan, staged: list[Staged], currency: str
) -> ImportReport | None:
    """The ImportReport read_files would give; None when a warning it would give is not reproduced here."""
    documents = _by_file(
        connection,
        "SELECT file_index, sum(amount), count(*) FILTER (WHERE no_activity), bool_or(pointed)"
        " FROM staged_documents GROUP BY file_index",
    )
    # reading.credit_note_figures: each credit note's applications among this import's settlements.
    credit_notes = _by_file(
        connection,
        "WITH applied AS (SELECT source_document_id AS document_id, sum(amount) AS applied FROM staged_settlements"
        "   WHERE kind = 'credit' GROUP BY ALL),"
        " notes AS (SELECT d.file_index, -d.amount AS size, coalesce(a.applied, 0) AS applied"
        "   FROM staged_documents AS d LEFT JOIN applied AS a USING (document_id) WHERE d.amount < 0)"
        " SELECT file_index, count(*) FILTER (WHERE applied <> 0), sum(applied), count(*) FILTER (WHERE size > applied),"
        "   sum(greatest(size - applied, 0)) FROM notes GROUP BY file_index",
    )
    settlements = _by_file(
        connection,
        "SELECT file_index, sum(amount) FILTER (WHERE kind <> 'credit'), sum(amount) FILTER (WHERE kind = 'credit'),"
        "   bool_or(kind = 'credit'), bool_or(pointed),"
        "   count(*) FILTER (WHERE kind = 'writeoff' AND document_id IS NULL),"
        "   sum(amount) FILTER (WHERE kind = 'writeoff' AND document_id IS NULL)"
        " FROM staged_settlements GROUP BY file_index",
    )
    due_early = (
        _by_file(
            connection,
            "SELECT d.file_index, count(*), min(d.rowid - r.start + r.first_row)"
            f" FROM staged_documents AS d JOIN {_source_rows(staged)} ON r.file_index = d.file_index"
            " WHERE d.due_date < d.issue_date GROUP BY ALL",
        )
        if documents
        else {}
    )
    overpaid = _overpayments(connection, staged) if documents and settlements else {}
    late = _late_payments(connection, staged)
    if late == "tie":
        return None

    # validation.check_ledger's warnings, in its order: overpayments by file name, then late payments.
    ledger_warnings: list[ImportIssue] = []
    adjustments: dict[str, list[Message]] = {}
    by_name = sorted(staged, key=lambda s: s.file.name)
    for s in by_name:
        for credited in (False, True):
            found = overpaid.get((s.index, credited))
            if found is None:
                continue
            count, excess, row, document, document_amount = found
            excess = _money(excess)
            if credited:
                message, adjustment = (
                    Message("ledger.over_credited", count=count, excess=excess),
                    Message("ledger.over_credited_adjustment", excess=excess),
                )
            else:
                what = "ledger.overpaid_credit_note" if document_amount <= 0 else "ledger.overpaid_invoice"
                message, adjustment = (
                    Message(what, count=count, excess=excess),
                    Message("ledger.overpaid_adjustment", excess=excess),
                )
            ledger_warnings.append(
                ImportIssue(s.file.name, message, int(row), "document_id", document, severity="warning")
            )
            adjustments.setdefault(s.file.name, []).append(adjustment)
    if late is not None:
        count, day, index, row = late
        ledger_warnings.append(
            ImportIssue(
                plan.files[index].name,
                Message("ledger.late_payments", count=count, day=day),
                int(row),
                severity="warning",
            )
        )
    # Then each file's own warnings (invoice_list.py: credit notes due early, then documents without activity).
    in_order = sorted(staged, key=lambda s: s.index)  # the files as given, as read_files reports them
    file_warnings: list[ImportIssue] = []
    for s in in_order:
        if s.file.kind != "documents":
            continue
        if s.index in due_early:
            count, row = due_early[s.index]
            file_warnings.append(
                ImportIssue(
                    s.file.name,
                    Message("invoices.credit_notes_due_early", count=count),
                    int(row),
                    "due_date",
                    severity="warning",
                )
            )
        without_activity = documents[s.index][1]
        if without_activity:
            file_warnings.append(
                ImportIssue(
                    s.file.name,
                    Message("invoices.no_activity", count=without_activity, activity=UNASSIGNED_ACTIVITY),
                    severity="warning",
                    column="activity",
                )
            )
    warnings = ledger_warnings + file_warnings

    reports = []
    for s in in_order:
        name = s.file.name
        mine = [w for w in warnings if w.file == name]
        if s.file.kind == "documents":
            total, _, pointed = documents[s.index]
            applied_count, applied, unapplied_count, unapplied = credit_notes.get(s.index, (0, None, 0, None))
            total = _money(total)
            details = {
                "documents_in_file": total,
                "settlements_in_file": _money(None),
                "documents_imported": total,
                "settlements_imported": _money(None),
                "credit_notes_applied": _figure(applied_count, applied),
                "credit_notes_unapplied": _figure(unapplied_count, unapplied),
                "unapplied_writeoffs": _figure(0, None),
            }
            in_file = imported = total
        else:
            money, applications, any_credit, pointed, writeoffs, writeoff_total = settlements[s.index]
            details = {"settlements_in_file": _money(money)}
            if any_credit:
                details["credit_applications_in_file"] = _money(applications)
            details["documents_imported"] = _money(None)
            details["settlements_imported"] = _money(money)
            if any_credit:
                details["credit_applications_imported"] = _money(applications)
            details["credit_notes_applied"] = _figure(0, None)
            details["credit_notes_unapplied"] = _figure(0, None)
            details["unapplied_writeoffs"] = _figure(writeoffs, writeoff_total)
            in_file = imported = _money(money) + (_money(applications) if any_credit else 0)
        decimal = "." if pointed else None
        reports.append(
            FileReport(
                name,
                LAYOUTS[s.file.kind],
                s.rows,
                s.rows,
                in_file,
                imported,
                details,
                tuple(mine),
                tuple(adjustments.get(name, [])),
                _source(s.file, decimal),
            )
        )
    return ImportReport(tuple(reports), tuple(warnings), currency)


# --- the two uses: a ledger in memory, an import into a workspace ------------------------------------


def _checked(
    connection: duckdb.DuckDBPyConnection, plan: Plan, stored: bool, keyed: bool, schema: str
) -> list[Staged] | None:
    """The files staged and every check passed, or None.  DuckDB refusing a file (invalid UTF-8, a wrong
    number of fields…) is one more reason to let the Python readers say what is wrong."""
    try:
        staged = _stage(connection, plan, schema)
    except UNREADABLE:
        return None
    if (
        staged is None
        or not _files_plain(connection, staged)
        or not _ledger_consistent(connection, plan, stored, keyed, overpayments=True, schema=schema)
    ):
        return None
    return staged


def read_ledger(paths: GivenPaths, **options: Any) -> Ledger | None:
    """`Ledger.in_memory(read_files(paths, **options).ledger)` for canonical files, built in DuckDB straight from
    them; None when they need the Python readers."""
    planned = plan(paths, options)
    if planned is None:
        return None
    from kpi.sql.registry import create_schema
    from kpi.store.ledger import Ledger, engine_connection

    connection = engine_connection()
    try:
        if not _ledger_tables(connection, planned):
            connection.close()
            return None
        create_schema(connection)  # the other tables, empty
        return Ledger(connection)
    except BaseException:
        connection.close()
        raise


def _ledger_tables(connection: duckdb.DuckDBPyConnection, plan: Plan) -> bool:
    """The tables Ledger.in_memory fills, column for column, from the files: the staged rows themselves once
    their checks' columns are dropped (which copies nothing).  Without keys: nothing is ever added to a ledger
    read from files, and an index on a million ids costs a second to build.  Settlements first, so that each
    document is staged with its open_until (ledger.insert_canonical's rule)."""
    from kpi.sql.registry import install_document_status

    try:
        settlements = _stage_kind(connection, plan, "settlements", schema="", ledger=True)
        if settlements is None or not _files_plain(connection, settlements):
            return False
        _keep_as_table(connection, "settlements")
        install_document_status(connection)
        documents = _stage_kind(connection, plan, "documents", schema="", ledger=True)
    except UNREADABLE:
        return False
    if (
        documents is None
        or not _files_plain(connection, documents)
        or not _ledger_consistent(connection, plan, stored=False, keyed=False, overpayments=False)
    ):
        return False
    _keep_as_table(connection, "documents")
    connection.execute("DROP VIEW catalogue")
    connection.execute("DROP VIEW staged_settlements")
    connection.execute("DROP VIEW staged_documents")
    return True


def _keep_as_table(connection: duckdb.DuckDBPyConnection, kind: str) -> None:
    """staged_<kind> becomes the ledger's <kind> table; the checks still read it under its staged name."""
    for column in _CHECKED[kind]:
        connection.execute(f"ALTER TABLE staged_{kind} DROP COLUMN {column.split()[0]}")
    connection.execute(f"ALTER TABLE staged_{kind} RENAME TO {kind}")
    connection.execute(f"CREATE TEMP VIEW staged_{kind} AS SELECT * FROM {kind}")


@dataclass(frozen=True)
class Prepared:
    """Files staged and checked against a workspace, with the report read_files would give: ready to store."""

    plan: Plan
    staged: list[Staged]
    report: ImportReport
    stored: bool  # the workspace held rows: those read again are skipped, not inserted
    staging: str  # the attached in-memory database holding the staged rows


def prepare(connection: duckdb.DuckDBPyConnection, plan: Plan) -> Prepared | None:
    """Stage and check the planned files against the workspace `connection` holds (its write lock taken), and
    word their report; None when the Python readers must read them.

    The rows are staged in an in-memory database attached to the connection, outside any transaction, so that
    nothing reaches the workspace's file until `store` (DuckDB writes the rows of a large transaction, even
    temporary ones, into the database file).  Unqualified names find the staged tables first, then the
    workspace's.  `release` detaches it."""
    workspace = connection.execute("SELECT current_database()").fetchall()[0][0]
    _cap_memory(connection)
    staging = f"encours_staging_{uuid.uuid4().hex}"  # ATTACH is shared by the connections of one process
    connection.execute(f"ATTACH ':memory:' AS {staging}")
    prepared = None
    try:
        connection.execute("SET search_path = $path", {"path": f"{staging}.main,{_quoted(workspace)}.main"})
        stored = _holds_rows(connection)
        # Into empty tables every row is inserted, and their keys refuse a repeated id; into a workspace holding
        # rows, one already stored is skipped, so repeats must be looked for first.
        staged = _checked(connection, plan, stored, keyed=not stored, schema=f"{staging}.")
        report = _report(connection, plan, staged, (plan.currency or "EUR").upper()) if staged is not None else None
        if staged is not None and report is not None:
            prepared = Prepared(plan, staged, report, stored, staging)
        return prepared
    finally:
        if prepared is None:
            _detach(connection, staging)


def store(connection: duckdb.DuckDBPyConnection, prepared: Prepared, fingerprint: str) -> StoredImport | None:
    """Within the caller's transaction: the files' rows stored as workspace.py's `_store` stores them, or found
    already imported; None when the Python path must store them (an id stored with other content, or repeated
    in the files: its messages say so)."""
    from kpi.store.workspace import StoredImport  # workspace.py loads this module only when it imports

    previous = connection.execute("SELECT import_id FROM imports WHERE fingerprint = $f", {"f": fingerprint}).fetchall()
    if previous:
        return StoredImport(previous[0][0], True, prepared.report, 0, 0, 0)
    if prepared.stored and _conflicts(connection):
        return None
    try:
        import_id, documents, settlements, incoming = _store(
            connection, prepared.plan, prepared.report, fingerprint, prepared.stored
        )
    except duckdb.ConstraintException:
        return None
    return StoredImport(import_id, False, prepared.report, documents, settlements, incoming - documents - settlements)


def _cap_memory(connection: duckdb.DuckDBPyConnection) -> None:
    """The staged rows stay within the import's memory limit (ledger.py: IMPORT_MEMORY_LIMIT, or ENCOURS_MEMORY_LIMIT,
    which the sandbox sets below its child's address space), DuckDB spilling beyond it to disk."""
    from kpi.store.ledger import IMPORT_MEMORY_LIMIT

    limit = os.environ.get("ENCOURS_MEMORY_LIMIT") or IMPORT_MEMORY_LIMIT
    if re.fullmatch(r"\s*\d+(\.\d+)?\s*[KMGT]i?B\s*", limit, re.IGNORECASE):
        connection.execute(f"SET memory_limit = '{limit.strip()}'")


def release(connection: duckdb.DuckDBPyConnection, prepared: Prepared) -> None:
    """Detach the staging database of `prepare`, and every row staged in it."""
    _detach(connection, prepared.staging)


def _detach(connection: duckdb.DuckDBPyConnection, staging: str) -> None:
    connection.execute("RESET search_path")
    connection.execute("DROP VIEW IF EXISTS catalogue")
    connection.execute(f"DETACH DATABASE IF EXISTS {staging}")


def _quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _holds_rows(connection: duckdb.DuckDBPyConnection) -> bool:
    return bool(connection.execute("SELECT EXISTS (FROM documents) OR EXISTS (FROM settlements)").fetchall()[0][0])


def _conflicts(connection: duckdb.DuckDBPyConnection) -> bool:
    """workspace._refuse_conflicts: an id already stored with other content."""
    return bool(
        connection.execute(
            "SELECT EXISTS (SELECT 1 FROM staged_documents AS i JOIN documents AS d USING (document_id)"
            "   WHERE (i.customer_id, i.customer_name, i.activity, i.issue_date, i.due_date, i.amount)"
            "     IS DISTINCT FROM (d.customer_id, d.customer_name, d.activity, d.issue_date, d.due_date, d.amount))"
            " OR EXISTS (SELECT 1 FROM staged_settlements AS i JOIN settlements AS s USING (settlement_id)"
            "   WHERE (i.document_id, i.customer_id, i.date, i.amount, i.kind, i.source_document_id)"
            "     IS DISTINCT FROM (s.document_id, s.customer_id, s.date, s.amount, s.kind, s.source_document_id))"
        ).fetchall()[0][0]
    )


def _store(
    connection: duckdb.DuckDBPyConnection, plan: Plan, report: ImportReport, fingerprint: str, stored: bool
) -> tuple[int, int, int, int]:
    """The rows not stored yet, each document with its open_until (ledger.insert_canonical), and the import's
    row; returns the import's id, the documents and settlements stored, and how many rows came in."""
    from datetime import datetime

    from kpi.sql.registry import install_document_status, refresh_document_status

    import_id = connection.execute("SELECT coalesce(max(import_id), 0) + 1 FROM imports").fetchall()[0][0]
    new_settlements = (
        " WHERE NOT EXISTS (SELECT 1 FROM settlements AS t WHERE t.settlement_id = i.settlement_id)" if stored else ""
    )
    settlements = connection.execute(
        "INSERT INTO settlements BY NAME SELECT settlement_id, document_id, customer_id, date, amount, kind,"
        f" source_document_id, reference, $import_id AS import_id FROM staged_settlements AS i{new_settlements}",
        {"import_id": import_id},
    ).fetchall()[0][0]
    install_document_status(connection)
    new_documents = (
        " WHERE NOT EXISTS (SELECT 1 FROM documents AS d WHERE d.document_id = i.document_id)" if stored else ""
    )
    documents = connection.execute(
        "INSERT INTO documents BY NAME SELECT i.document_id, i.customer_id, i.customer_name, i.activity,"
        " i.issue_date, i.due_date, i.amount, false AS due_date_derived, $import_id AS import_id,"
        " document_open_until(i.amount, t.settled_total, t.last_settlement) AS open_until"
        f" FROM staged_documents AS i LEFT JOIN settled_documents() AS t USING (document_id){new_documents}",
        {"import_id": import_id},
    ).fetchall()[0][0]
    if stored:
        # New settlements may settle stored documents; in a workspace that held nothing, every document was
        # just stored with its status.
        refresh_document_status(connection)
    incoming, documents_total, settlements_total = connection.execute(
        "SELECT (SELECT count(*) FROM staged_documents) + (SELECT count(*) FROM staged_settlements),"
        " (SELECT sum(amount) FROM staged_documents), (SELECT sum(amount) FROM staged_settlements)"
    ).fetchall()[0]
    connection.execute(
        "INSERT INTO imports VALUES ($id, $at, $sources, $fingerprint, $documents, $settlements,"
        " $documents_total, $settlements_total, $report)",
        {
            "id": import_id,
            "at": datetime.now(),
            "sources": [file.name for file in plan.files],
            "fingerprint": fingerprint,
            "documents": documents,
            "settlements": settlements,
            "documents_total": documents_total or Decimal("0.00"),
            "settlements_total": settlements_total or Decimal("0.00"),
            "report": report.stored_json(),
        },
    )
    return import_id, documents, settlements, incoming
