"""Any supported file (CSV/TXT, XLSX, Parquet) opened as a table of text cells, each record with its spreadsheet row.

Every layout reads from this one shape, so that amounts and dates are parsed by the same exact
rules whatever the file type, and every message can name the row the user sees.  A Parquet file's
date, integer and decimal columns also keep their typed values, which the readers use when they
give what the text would (see amounts.typed_amounts, dates.typed_dates).

A file is checked against the limits of limits.py before it is read, and refused at once, by name,
beyond them.  What a file is comes from its first bytes, not only its name: a workbook named .csv,
a text file named .xls, a PDF named .csv each get their own message.  Every text cell is cleaned
of what no ledger means and a user cannot see — BOMs, NULs, control characters, zero-width
spaces — so that `\ufeffX-001` is X-001; a note counts the cells cleaned.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from kpi.importers.dialect import SAMPLE_BYTES, decode, detect_separator, first_long_line, head_lines, sniff
from kpi.importers.errors import ImportIssue
from kpi.importers.legacy_workbook import read_legacy_sheet
from kpi.importers.limits import (
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_INFLATED_BYTES,
    MAX_LINE_BYTES,
    MAX_ROWS,
    MAX_TEXT_BYTES,
)
from kpi.importers.workbook import WorkbookRefused, float_text, read_sheet
from kpi.text.messages import Message

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm")
PARQUET_SUFFIXES = (".parquet", ".pq")
# In a folder, the files taken: the readable ones, and old workbooks so that they are refused by name.
READABLE_SUFFIXES = (".csv", ".txt", ".tsv", ".xls") + SPREADSHEET_SUFFIXES + PARQUET_SUFFIXES
OLD_EXCEL = Message("table.old_excel")
# What a file of each kind that is no delimited text is said to be, when its name does not say how to read it.
NOT_DELIMITED = {
    "zip": "table.is_workbook",
    "parquet": "table.is_parquet",
    "ole2": "table.old_excel",
    "html": "table.is_html",
    "utf-16": "table.is_utf16",
    "pdf": "table.is_pdf",
    "binary": "table.is_binary",
}
SHORTER_EXPORT = Message("table.shorter_export")

# What no ledger cell means and no user sees: C0 controls but tab and line breaks, DEL, C1 controls,
# the BOM (U+FEFF, also the old zero-width no-break space), the zero-width space and the word joiner.
_UNSEEN = r"[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F\x{FEFF}\x{200B}\x{2060}]"  # RE2, for Arrow
_UNSEEN_IN_HEADER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufeff\u200b\u2060]")


class UnreadableFile(Exception):
    """The file cannot be opened as a table at all; carries the issue to report."""

    def __init__(self, issue: ImportIssue):
        super().__init__(str(issue))
        self.issue = issue


def _refuse(file: str, message: Message, row: int | None = None, value: str | None = None) -> UnreadableFile:
    return UnreadableFile(ImportIssue(file, message, row, value=value))


@dataclass(frozen=True)
class TextTable:
    file: str
    format: str  # 'csv' | 'xlsx' | 'parquet'
    headers: tuple[str, ...]
    cells: pa.Table  # one string column per header (names made unique), empty cells as ""
    rows: np.ndarray  # the spreadsheet row number of each record (header = row 1 for CSV)
    encoding: str | None = None
    separator: str | None = None
    sheet: str | None = None
    notes: tuple[ImportIssue, ...] = ()
    # Parquet columns as stored (date32, integers, decimals of at most two places), by header, row for row.
    typed: dict[str, pa.Array] = field(default_factory=dict, compare=False, repr=False)

    @property
    def default_decimal(self) -> str | None:
        """Number cells of a workbook or a Parquet file are written here with a decimal point."""
        return "." if self.format in ("xlsx", "xls", "parquet") else None

    @property
    def num_rows(self) -> int:
        return self.cells.num_rows

    def column(self, name: str) -> pa.Array:
        return self.cells.column(name).combine_chunks()

    def row_of(self, index: int) -> int:
        return int(self.rows[index])

    def typed_column(self, name: str) -> pa.Array | None:
        values = self.typed.get(name)
        return values if values is not None and len(values) == self.num_rows else None

    def filter(self, keep: pa.Array) -> TextTable:
        """The records where `keep` is true, with their rows and typed values."""
        mask = np.asarray(pc.fill_null(keep, False).to_numpy(zero_copy_only=False), dtype=bool)
        return replace(
            self,
            cells=self.cells.filter(keep),
            rows=self.rows[mask],
            typed={name: values.filter(keep) for name, values in self.typed.items()},
        )


def open_table(
    path: Path, *, encoding: str | None = None, separator: str | None = None, sheet: str | int | None = None
) -> TextTable:
    """The file as a table of text cells, or UnreadableFile saying why not (a limit passed, a wrong format)."""
    try:
        size = path.stat().st_size
        with path.open("rb") as stream:
            head = stream.read(SAMPLE_BYTES)
    except OSError as error:
        raise _refuse(path.name, Message("table.unreadable_file", detail=str(error.strerror or error))) from None
    if size > MAX_FILE_BYTES:
        raise _refuse(path.name, Message("table.file_too_big", size=size, limit=MAX_FILE_BYTES, then=SHORTER_EXPORT))
    try:
        return _open_by_kind(path, sniff(head), encoding, separator, sheet)
    except (MemoryError, pa.ArrowMemoryError):
        # Within the limits a file fits; this is a machine short of memory, said as such rather than as a crash.
        raise _refuse(path.name, Message("table.out_of_memory", size=size, then=SHORTER_EXPORT)) from None


def _open_by_kind(
    path: Path, kind: str, encoding: str | None, separator: str | None, sheet: str | int | None
) -> TextTable:
    suffix = path.suffix.lower()
    if suffix in SPREADSHEET_SUFFIXES:
        if kind != "zip":
            raise _refuse(path.name, _not_a_workbook(kind))
        return _open_spreadsheet(path, sheet)
    if suffix in PARQUET_SUFFIXES:
        if kind != "parquet":
            raise _refuse(
                path.name, Message("table.parquet_unreadable", detail=_is_rather(kind, Message("table.not_parquet")))
            )
        return _open_parquet(path)
    if suffix == ".xls":
        # Software that keeps the old name writes a workbook of today, or text: read them as what they are.
        if kind == "zip":
            return _open_spreadsheet(path, sheet)
        if kind == "ole2":
            return _open_spreadsheet(path, sheet, read_legacy_sheet)
        if kind not in ("text", "html", "utf-16"):
            raise _refuse(path.name, OLD_EXCEL)
    if kind in NOT_DELIMITED:
        raise _refuse(path.name, Message(NOT_DELIMITED[kind]))
    return _open_delimited(path, encoding, separator)


def _is_rather(kind: str, otherwise: Message) -> Message:
    if kind in ("text", "html", "zip", "parquet", "pdf"):
        return Message(f"table.rather.{kind}")
    return otherwise


def _not_a_workbook(kind: str) -> Message:
    if kind == "ole2":
        return Message("table.protected_workbook")
    return Message("table.workbook_unreadable", detail=_is_rather(kind, Message("table.not_workbook")))


def _unique_names(headers: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    names = []
    for position, header in enumerate(headers, start=1):
        name = header or f"Colonne {position}"
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        names.append(name)
    return names


def _drop_blank_columns(headers: list[str], cells: pa.Table) -> tuple[list[str], pa.Table]:
    """Columns without a header and without a value (a trailing separator) are not columns."""
    keep = []
    for position, header in enumerate(headers):
        column = cells.column(position)
        blank = header == "" and (column.null_count == len(column) or not pc.any(pc.not_equal(column, "")).as_py())
        if not blank:
            keep.append(position)
    return [headers[i] for i in keep], cells.select(keep)


def _may_hold_unseen(column: pa.ChunkedArray) -> bool:
    """Whether the column's UTF-8 bytes may hold an _UNSEEN character: a few vector passes over the bytes,
    so that the exact (and slower) regular expression only runs where there is something to find."""
    for chunk in column.chunks:
        data = chunk.buffers()[2] if len(chunk) else None
        if data is None or data.size == 0:
            continue
        octets = np.frombuffer(data, dtype=np.uint8)
        low, high = int(octets.min()), int(octets.max())
        if low < 0x20 and np.any((octets < 0x20) & (octets != 0x09) & (octets != 0x0A) & (octets != 0x0D)):
            return True
        if high < 0x7F:
            continue
        if np.any(octets == 0x7F) or np.any(octets == 0xEF):  # DEL; U+FEFF starts with EF (as do a few rare signs)
            return True
        if high >= 0xC2 and _followed(octets, 0xC2, lambda after: (after[0] >= 0x80) & (after[0] <= 0x9F)):
            return True  # C1 controls: C2 80 … C2 9F
        if high >= 0xE2 and _followed(
            octets,
            0xE2,
            lambda after: ((after[0] == 0x80) & (after[1] == 0x8B)) | ((after[0] == 0x81) & (after[1] == 0xA0)),
        ):
            return True  # U+200B: E2 80 8B; U+2060: E2 81 A0
    return False


def _followed(octets: np.ndarray, lead: int, test) -> bool:
    at = np.flatnonzero(octets[:-2] == lead) if len(octets) > 2 else np.zeros(0, dtype=np.int64)
    return bool(len(at)) and bool(np.any(test((octets[at + 1], octets[at + 2]))))


def _clean(file: str, headers: list[str], cells: pa.Table, rows: np.ndarray) -> tuple[pa.Table, ImportIssue | None]:
    """Strip _UNSEEN characters from every cell; the note counts the cells cleaned and shows the first."""
    cleaned, first = 0, None
    columns = []
    for position, column in enumerate(cells.columns):
        if _may_hold_unseen(column):
            column = column.combine_chunks()
            found = pc.fill_null(pc.match_substring_regex(column, _UNSEEN), False)
            count = pc.sum(found).as_py() or 0
            if count:
                index = pc.indices_nonzero(found)[0].as_py()
                if first is None or int(rows[index]) < first[0]:
                    first = (int(rows[index]), headers[position] or None, column[index].as_py())
                cleaned += count
                column = pc.utf8_trim_whitespace(pc.replace_substring_regex(column, _UNSEEN, ""))
        columns.append(column)
    if first is None:  # no cell cleaned
        return cells, None
    row, header, value = first
    note = ImportIssue(file, Message("table.cells_cleaned", count=cleaned), row, header, value, severity="warning")
    return pa.table(columns, names=cells.column_names), note


def _text_column(file: str, header: str, column) -> pa.ChunkedArray:
    try:
        return pc.utf8_trim_whitespace(pc.fill_null(pc.cast(column, pa.string()), ""))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as error:
        raise _refuse(file, Message("table.column_text_unreadable", column=header, detail=str(error))) from None


def _finish(
    file: str,
    fmt: str,
    headers: list[str],
    cells: pa.Table,
    rows: np.ndarray,
    typed: dict[int, pa.Array] | None = None,
    notes: tuple[ImportIssue, ...] = (),
    **about,
) -> TextTable:
    headers = [_UNSEEN_IN_HEADER.sub("", h).strip() for h in headers]
    cells = pa.table({str(i): _text_column(file, headers[i], cells.column(i)) for i in range(cells.num_columns)})
    cells, note = _clean(file, headers, cells, rows)
    if note is not None:
        notes = (*notes, note)
    headers, cells = _drop_blank_columns(headers, cells)
    positions = [int(name) for name in cells.column_names]
    names = _unique_names(headers)
    cells = cells.rename_columns(names)
    table = TextTable(
        file,
        fmt,
        tuple(headers),
        cells,
        rows,
        notes=notes,
        **about,
        typed={name: typed[p] for p, name in zip(positions, names) if typed and p in typed},
    )
    # Rows where every cell is empty (a spreadsheet's trailing lines, ';;;;') hold nothing to import.
    if cells.num_columns and cells.num_rows:
        filled = pc.not_equal(cells.column(0), "")
        for column in cells.columns[1:]:
            filled = pc.or_(filled, pc.not_equal(column, ""))
        if not pc.all(filled).as_py():
            table = table.filter(filled)
    if table.num_rows == 0:
        table = replace(table, notes=(*table.notes, ImportIssue(file, Message("table.no_rows"), severity="warning")))
    return table


# --- delimited text -------------------------------------------------------------------------------

_LINE_BREAK = re.compile(r"\r\n|\n|\r")
# Python's csv module refuses fields over 128 KB; a line may hold up to MAX_LINE_BYTES.
csv.field_size_limit(max(csv.field_size_limit(), MAX_LINE_BYTES))


def _first_record(text: str, separator: str) -> list[str]:
    first_line = _LINE_BREAK.split(text[: MAX_LINE_BYTES + 2], maxsplit=1)[0]
    return next(csv.reader([first_line], delimiter=separator), [])


def _open_delimited(path: Path, encoding: str | None, separator: str | None) -> TextTable:
    data = path.read_bytes()
    if not data or data.isspace():
        raise _refuse(path.name, Message("table.empty_file"))
    if b"\n" not in data and b"\r" in data:
        data = data.replace(b"\r", b"\n")  # an old Mac export: lines end with CR alone
    long_line = first_long_line(data, MAX_LINE_BYTES)
    if long_line is not None:
        line_number, length = long_line
        raise _refuse(path.name, Message("table.line_too_long", size=length, limit=MAX_LINE_BYTES), line_number)
    decoded = decode(data, encoding)
    text = decoded.text
    notes = []
    if decoded.replaced_bytes:
        notes.append(
            ImportIssue(
                path.name,
                Message("table.bytes_replaced", count=decoded.replaced_bytes, encoding=decoded.encoding),
                decoded.first_replaced_line,
                severity="warning",
            )
        )
    separator = separator or detect_separator(text)
    header = [h.strip() for h in _first_record(text, separator)]
    if len(header) > MAX_COLUMNS:
        raise _refuse(path.name, Message("table.header_too_wide", count=len(header), limit=MAX_COLUMNS), 1)
    if len(header) < 2:
        raise _refuse(path.name, Message("table.one_column"), 1, value=text.split("\n", 1)[0][:80])
    names = [str(i) for i in range(len(header))]
    if _trailing_separator(text, separator, len(header)):
        names.append(str(len(header)))  # a trailing separator on data lines only
        header.append("")
    quoting = re.search(rf'(^|{re.escape(separator)})"', text[:200_000], re.MULTILINE) is not None
    bad_rows: list[tuple[int | None, int, int, str]] = []

    def note_bad_row(row):
        if len(bad_rows) < 100:
            bad_rows.append((row.number, row.expected_columns, row.actual_columns, row.text[:200]))
        else:
            bad_rows.append((None, 0, 0, ""))
        return "skip"

    # Arrow reads UTF-8 only: the original bytes when they already are, the decoded text otherwise.
    payload = data if decoded.encoding == "utf-8" and not decoded.replaced_bytes else text.encode("utf-8")
    try:
        cells = pacsv.read_csv(
            io.BytesIO(payload),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, block_size=16 << 20),
            parse_options=pacsv.ParseOptions(
                delimiter=separator,
                quote_char='"' if quoting else False,
                newlines_in_values=quoting,
                invalid_row_handler=note_bad_row,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as error:
        raise _refuse(path.name, Message("table.csv_unreadable", detail=str(error))) from None
    if cells.num_rows > MAX_ROWS:
        raise _refuse(
            path.name, Message("table.too_many_rows", count=cells.num_rows, limit=MAX_ROWS, then=SHORTER_EXPORT)
        )
    if bad_rows:
        number, expected, actual, line = bad_rows[0]
        if number is None and line:
            number = next(
                (i for i, text_line in enumerate(text.splitlines(), start=1) if text_line.startswith(line)), None
            )
        more = Message("table.more_rows_in_this_case", count=len(bad_rows) - 1) if len(bad_rows) > 1 else ""
        raise _refuse(
            path.name,
            Message("table.wrong_field_count", count=actual, expected=expected, separator=separator, more=more),
            number,
            value=(line or "")[:120],
        )
    try:
        rows = _record_rows(text, separator, quoting, cells.num_rows)
    except csv.Error as error:  # a quoted field running over many lines: a quote never closed
        raise _refuse(path.name, Message("table.quote_never_closed", detail=str(error))) from None
    return _finish(
        path.name, "csv", header, cells, rows, notes=tuple(notes), encoding=decoded.encoding, separator=separator
    )


def _trailing_separator(text: str, separator: str, width: int) -> bool:
    """Data lines that all end with one extra, empty field: a separator closing each line."""
    lines = [line for line in head_lines(text, 50)[1:] if line.strip()]
    try:
        records = list(csv.reader(lines, delimiter=separator))
    except csv.Error:
        return False
    return bool(records) and all(len(r) == width + 1 and r[-1].strip() == "" for r in records)


_INTERIOR_BLANK_LINE = re.compile(r"\n[ \t]*\r?\n(?=[\s\S]*\S)")


def _record_rows(text: str, separator: str, quoting: bool, count: int) -> np.ndarray:
    """Spreadsheet row of each record: header is row 1; blank lines and multi-line cells shift rows."""
    if not _INTERIOR_BLANK_LINE.search(text) and (
        not (quoting and re.search(r'"[^"\n]*\n', text))
        # As many lines as records after the header: no cell spans lines, even in a file quoting every field.
        or text.rstrip().count("\n") == count
    ):
        return np.arange(2, count + 2, dtype=np.int64)
    reader = csv.reader(
        io.StringIO(text),
        delimiter=separator,
        quotechar='"' if quoting else None,
        quoting=csv.QUOTE_MINIMAL if quoting else csv.QUOTE_NONE,
    )
    next(reader, None)
    rows, row = [], 1
    for record in reader:
        row += 1
        if any(cell.strip() for cell in record) or len(record) > 1:
            rows.append(row)
    return np.array(rows[:count] + list(range(row + 1, row + 1 + count - len(rows))), dtype=np.int64)


# --- spreadsheets ---------------------------------------------------------------------------------


def _open_spreadsheet(path: Path, sheet: str | int | None, reader=read_sheet) -> TextTable:
    try:
        read = reader(path, sheet)
    except WorkbookRefused as refused:
        raise _refuse(path.name, refused.message) from None
    numbers, records = read.numbers, read.rows
    # The header is the first row, among a sheet's first 30, with two cells or more: a title may come before.
    header_index = next(
        (
            i
            for i, (number, record) in enumerate(zip(numbers, records))
            if number <= 30 and sum(1 for c in record if c.strip()) >= 2
        ),
        None,
    )
    if header_index is None:
        raise _refuse(path.name, Message("table.empty_sheet", sheet=read.name))
    body = records[header_index + 1 :]
    width = max(len(r) for r in records[header_index:])
    header = records[header_index] + [""] * (width - len(records[header_index]))
    columns = list(itertools.zip_longest(*body, fillvalue="")) if body else []
    empty = ("",) * len(body)  # a column of the header that no row fills
    cells = pa.table({str(i): pa.array(columns[i] if i < len(columns) else empty, pa.string()) for i in range(width)})
    rows = np.array(numbers[header_index + 1 :], dtype=np.int64)
    return _finish(path.name, "xls" if reader is read_legacy_sheet else "xlsx", header, cells, rows, sheet=read.name)


# --- parquet --------------------------------------------------------------------------------------


def _typed_values(column: pa.ChunkedArray) -> pa.Array | None:
    """The column as the readers may use it without its text: dates as date32, integers, decimals to the cent."""
    column = column.combine_chunks()
    if pa.types.is_dictionary(column.type):
        column = column.dictionary_decode()
    kind = column.type
    if pa.types.is_timestamp(kind) or pa.types.is_date(kind):
        return pc.cast(column, pa.date32())
    if pa.types.is_integer(kind) or (pa.types.is_decimal(kind) and 0 <= kind.scale <= 2):
        return column
    return None


def _column_text(column: pa.ChunkedArray) -> pa.Array:
    column = column.combine_chunks()
    kind = column.type
    if pa.types.is_dictionary(kind):
        column = column.dictionary_decode()
        kind = column.type
    if pa.types.is_timestamp(kind):
        column = pc.cast(pc.cast(column, pa.date32()), pa.string())
    elif pa.types.is_floating(kind):
        column = pa.array([None if v is None else float_text(v) for v in column.to_pylist()], pa.string())
    elif not pa.types.is_string(kind) and not pa.types.is_large_string(kind):
        column = pc.cast(column, pa.string())
    else:
        column.validate(full=True)  # Parquet does not check that its text is UTF-8; Arrow's kernels assume it
    return pc.fill_null(pc.cast(column, pa.string()), "")


def _first_invalid_utf8(column: pa.ChunkedArray) -> tuple[int, bytes] | None:
    """(index, bytes) of the first value of a text column that is not UTF-8."""
    values = column.combine_chunks()
    if pa.types.is_dictionary(values.type):
        values = values.dictionary_decode()
    for index, value in enumerate(
        values.view(pa.large_binary() if pa.types.is_large_string(values.type) else pa.binary()).to_pylist()
    ):
        if value is not None:
            try:
                value.decode("utf-8")
            except UnicodeDecodeError:
                return index, value
    return None


def _nested(kind: pa.DataType) -> bool:
    return pa.types.is_nested(kind) or pa.types.is_union(kind)


def _textual(kind: pa.DataType) -> bool:
    return (
        pa.types.is_string(kind)
        or pa.types.is_large_string(kind)
        or pa.types.is_binary(kind)
        or pa.types.is_large_binary(kind)
    )


def _open_parquet(path: Path) -> TextTable:
    try:
        parquet = pq.ParquetFile(path)
        metadata, schema = parquet.metadata, parquet.schema_arrow
    except (pa.ArrowException, OSError) as error:
        raise _refuse(path.name, Message("table.parquet_unreadable", detail=str(error))) from None
    _check_parquet_metadata(path.name, metadata, schema)
    skipped = [f.name for f in schema if _nested(f.type)]
    # Dictionary-encoded text is read as it is stored, so that its size once expanded is known before it is.
    stored_as_dictionary = (
        [name for name in _dictionary_columns(metadata) if _textual(schema.field(name).type)]
        if len(set(schema.names)) == len(schema.names)
        else []
    )
    try:
        table = pq.read_table(
            path,
            columns=[f.name for f in schema if not _nested(f.type)] if skipped else None,
            read_dictionary=stored_as_dictionary or None,
        )
    except (pa.ArrowException, OSError) as error:
        raise _refuse(path.name, Message("table.parquet_unreadable", detail=str(error))) from None
    table = _expand_dictionaries(path.name, table)
    texts, typed = {}, {}
    for i, column in enumerate(table.columns):
        name = table.column_names[i]
        try:
            texts[i] = _column_text(column)
            if (values := _typed_values(column)) is not None:
                typed[i] = values
        except pa.ArrowNotImplementedError:
            skipped.append(name)  # a type with no text (a time interval…): read like a nested column
        except pa.ArrowInvalid as error:
            found = _first_invalid_utf8(column) if _textual(column.type) else None
            if found is None:
                raise _refuse(path.name, Message("table.column_unreadable", column=name, detail=str(error))) from None
            index, value = found
            raise UnreadableFile(
                ImportIssue(
                    path.name, Message("table.invalid_utf8"), index + 1, name, value.decode("utf-8", errors="replace")
                )
            ) from None
    notes: tuple[ImportIssue, ...] = ()
    if skipped:
        notes = (
            ImportIssue(
                path.name,
                Message(
                    "table.nested_skipped",
                    count=len(skipped),
                    columns=[Message("quoted", text=name) for name in skipped],
                ),
                severity="warning",
            ),
        )
    kept = list(texts)
    cells = pa.table({str(position): texts[i] for position, i in enumerate(kept)}) if kept else pa.table({})
    rows = np.arange(1, table.num_rows + 1, dtype=np.int64)
    return _finish(
        path.name,
        "parquet",
        [table.column_names[i] for i in kept],
        cells,
        rows,
        {position: typed[i] for position, i in enumerate(kept) if i in typed},
        notes,
    )


def _check_parquet_metadata(file: str, metadata, schema: pa.Schema) -> None:
    if metadata.num_rows > MAX_ROWS:
        raise _refuse(
            file, Message("table.too_many_rows", count=metadata.num_rows, limit=MAX_ROWS, then=SHORTER_EXPORT)
        )
    if len(schema) > MAX_COLUMNS:
        raise _refuse(file, Message("table.too_many_columns", count=len(schema), limit=MAX_COLUMNS))
    inflated = sum(metadata.row_group(i).total_byte_size for i in range(metadata.num_row_groups))
    if inflated > MAX_INFLATED_BYTES:
        raise _refuse(
            file, Message("table.inflated_too_big", size=inflated, limit=MAX_INFLATED_BYTES, then=SHORTER_EXPORT)
        )


def _dictionary_columns(metadata) -> list[str]:
    """Top-level columns stored with a dictionary in some row group."""
    names = set()
    for group in range(metadata.num_row_groups):
        row_group = metadata.row_group(group)
        for position in range(row_group.num_columns):
            chunk = row_group.column(position)
            if chunk.has_dictionary_page and "." not in chunk.path_in_schema:
                names.add(chunk.path_in_schema)
    return sorted(names)


def _expand_dictionaries(file: str, table: pa.Table) -> pa.Table:
    """Dictionary columns expanded, once their text is known to fit within MAX_TEXT_BYTES."""
    expanded = 0
    for position, kind in enumerate(table.schema.types):
        if not pa.types.is_dictionary(kind):
            continue
        column = table.column(position)
        if _textual(kind.value_type):
            for chunk in column.chunks:
                expanded += pc.sum(pc.take(pc.binary_length(chunk.dictionary), chunk.indices)).as_py() or 0
            if expanded > MAX_TEXT_BYTES:
                raise _refuse(
                    file,
                    Message("table.expanded_text_too_big", limit=MAX_TEXT_BYTES, column=table.column_names[position]),
                )
        table = table.set_column(
            position,
            table.column_names[position],
            pa.chunked_array([c.dictionary_decode() for c in column.chunks], kind.value_type),
        )
    return table


# Files as a caller gives them: one path, or several; a folder stands for the files it holds.
GivenPaths = str | Path | Iterable[str | Path]


def expand_paths(paths: GivenPaths) -> list[Path]:
    """Files as given; a folder stands for the readable files it holds, in name order."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    expanded = []
    for path in map(Path, paths):
        if path.is_dir():
            expanded.extend(sorted(p for p in path.iterdir() if p.suffix.lower() in READABLE_SUFFIXES))
        else:
            expanded.append(path)
    return expanded
