"""Any supported file (CSV/TXT, XLSX, Parquet) opened as a table of text cells, each record with its spreadsheet row.

Every layout reads from this one shape, so that amounts and dates are parsed by the same exact
rules whatever the file type, and every message can name the row the user sees.  A Parquet file's
date, integer and decimal columns also keep their typed values, which the readers use when they
give what the text would (see amounts.typed_amounts, dates.typed_dates).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from kpi.importers.dialect import decode, detect_separator, head_lines
from kpi.importers.errors import ImportIssue

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm")
PARQUET_SUFFIXES = (".parquet", ".pq")


class UnreadableFile(Exception):
    """The file cannot be opened as a table at all; carries the issue to report."""

    def __init__(self, issue: ImportIssue):
        super().__init__(str(issue))
        self.issue = issue


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
        return "." if self.format in ("xlsx", "parquet") else None

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
        return replace(self, cells=self.cells.filter(keep), rows=self.rows[mask],
                       typed={name: values.filter(keep) for name, values in self.typed.items()})


def open_table(path: Path, *, encoding: str | None = None, separator: str | None = None,
               sheet: str | int | None = None) -> TextTable:
    suffix = path.suffix.lower()
    if suffix in SPREADSHEET_SUFFIXES:
        return _open_spreadsheet(path, sheet)
    if suffix in PARQUET_SUFFIXES:
        return _open_parquet(path)
    if suffix == ".xls":
        raise UnreadableFile(ImportIssue(path.name, "format Excel 97-2003 (.xls) non pris en charge — "
                                         "enregistrez le classeur en .xlsx ou en CSV"))
    return _open_delimited(path, encoding, separator)


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


def _finish(file: str, fmt: str, headers: list[str], cells: pa.Table, rows: np.ndarray,
            typed: dict[int, pa.Array] | None = None, **about) -> TextTable:
    headers = [h.strip() for h in headers]
    cells = pa.table({str(i): pc.utf8_trim_whitespace(pc.fill_null(pc.cast(cells.column(i), pa.string()), ""))
                      for i in range(cells.num_columns)})
    headers, cells = _drop_blank_columns(headers, cells)
    positions = [int(name) for name in cells.column_names]
    names = _unique_names(headers)
    cells = cells.rename_columns(names)
    table = TextTable(file, fmt, tuple(headers), cells, rows, **about,
                      typed={name: typed[p] for p, name in zip(positions, names) if typed and p in typed})
    # Rows where every cell is empty (a spreadsheet's trailing lines, ';;;;') hold nothing to import.
    if cells.num_columns and cells.num_rows:
        filled = pc.not_equal(cells.column(0), "")
        for column in cells.columns[1:]:
            filled = pc.or_(filled, pc.not_equal(column, ""))
        if not pc.all(filled).as_py():
            table = table.filter(filled)
    return table


# --- delimited text -------------------------------------------------------------------------------

def _first_record(text: str, separator: str) -> list[str]:
    first_line = text.split("\n", 1)[0].rstrip("\r")
    return next(csv.reader([first_line], delimiter=separator), [])


def _open_delimited(path: Path, encoding: str | None, separator: str | None) -> TextTable:
    data = path.read_bytes()
    if not data.strip():
        raise UnreadableFile(ImportIssue(path.name, "fichier vide"))
    if data[:4] == b"PK\x03\x04":
        raise UnreadableFile(ImportIssue(path.name, "ce fichier est un classeur Excel : donnez-lui l'extension .xlsx"))
    if data[:4] == b"PAR1":
        raise UnreadableFile(ImportIssue(path.name, "ce fichier est au format Parquet : donnez-lui l'extension .parquet"))
    if b"\x00" in data[:4096]:
        raise UnreadableFile(ImportIssue(path.name, "fichier binaire ou encodé en UTF-16 — attendu un fichier texte "
                                         "(CSV ou TXT en UTF-8, cp1252 ou ISO-8859-15)"))
    decoded = decode(data, encoding)
    text = decoded.text
    notes = []
    if decoded.replaced_bytes:
        notes.append(ImportIssue(path.name, f"{decoded.replaced_bytes} caractère(s) illisible(s) dans l'encodage "
                                 f"{decoded.encoding}, remplacé(s) par « \ufffd »", decoded.first_replaced_line,
                                 severity="warning"))
    separator = separator or detect_separator(text)
    header = [h.strip() for h in _first_record(text, separator)]
    if len(header) < 2:
        raise UnreadableFile(ImportIssue(path.name, "une seule colonne trouvée : séparateur non reconnu (attendu "
                                         "« ; », « , », tabulation ou « | »)", 1, value=text.split("\n", 1)[0][:80]))
    names = [str(i) for i in range(len(header))]
    if _trailing_separator(text, separator, len(header)):
        names.append(str(len(header)))  # a trailing separator on data lines only
        header.append("")
    quoting = re.search(rf'(^|{re.escape(separator)})"', text[:200_000], re.MULTILINE) is not None
    bad_rows: list[tuple[int | None, int, int, str]] = []

    def note_bad_row(row):
        bad_rows.append((row.number, row.expected_columns, row.actual_columns, row.text))
        return "skip"

    # Arrow reads UTF-8 only: the original bytes when they already are, the decoded text otherwise.
    payload = data if decoded.encoding == "utf-8" and not decoded.replaced_bytes else text.encode("utf-8")
    try:
        cells = pacsv.read_csv(
            io.BytesIO(payload),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, block_size=16 << 20),
            parse_options=pacsv.ParseOptions(delimiter=separator, quote_char='"' if quoting else False,
                                              newlines_in_values=quoting, invalid_row_handler=note_bad_row),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except pa.ArrowInvalid as error:
        raise UnreadableFile(ImportIssue(path.name, f"fichier CSV illisible : {error}")) from None
    if bad_rows:
        number, expected, actual, line = bad_rows[0]
        if number is None and line:
            number = next((i for i, text_line in enumerate(text.splitlines(), start=1) if text_line == line), None)
        more = f" (et {len(bad_rows) - 1} autre(s) ligne(s) dans ce cas)" if len(bad_rows) > 1 else ""
        raise UnreadableFile(ImportIssue(
            path.name, f"{actual} champs au lieu de {expected} (séparateur « {separator} » dans une valeur non "
            f"entourée de guillemets ?){more}", number, value=(line or "")[:120]))
    rows = _record_rows(text, separator, quoting, cells.num_rows)
    return _finish(path.name, "csv", header, cells, rows, encoding=decoded.encoding, separator=separator,
                   notes=tuple(notes))


def _trailing_separator(text: str, separator: str, width: int) -> bool:
    """Data lines that all end with one extra, empty field: a separator closing each line."""
    lines = [line for line in head_lines(text, 50)[1:] if line.strip()]
    records = list(csv.reader(lines, delimiter=separator))
    return bool(records) and all(len(r) == width + 1 and r[-1].strip() == "" for r in records)


_INTERIOR_BLANK_LINE = re.compile(r"\n[ \t]*\r?\n(?=[\s\S]*\S)")


def _record_rows(text: str, separator: str, quoting: bool, count: int) -> np.ndarray:
    """Spreadsheet row of each record: header is row 1; blank lines and multi-line cells shift rows."""
    if not _INTERIOR_BLANK_LINE.search(text) and (
            not (quoting and re.search(r'"[^"\n]*\n', text))
            # As many lines as records after the header: no cell spans lines, even in a file quoting every field.
            or text.rstrip().count("\n") == count):
        return np.arange(2, count + 2, dtype=np.int64)
    reader = csv.reader(io.StringIO(text), delimiter=separator, quotechar='"' if quoting else None,
                        quoting=csv.QUOTE_MINIMAL if quoting else csv.QUOTE_NONE)
    next(reader, None)
    rows, row = [], 1
    for record in reader:
        row += 1
        if any(cell.strip() for cell in record) or len(record) > 1:
            rows.append(row)
    return np.array(rows[:count] + list(range(row + 1, row + 1 + count - len(rows))), dtype=np.int64)


# --- spreadsheets ---------------------------------------------------------------------------------

def float_text(value: float) -> str:
    """A float cell as the text a user typed: integers without decimals, money to the cent when it is one."""
    if value != value or value in (float("inf"), float("-inf")):
        return str(value)
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    cents = round(value * 100)
    if abs(value * 100 - cents) <= 1e-6 * max(1.0, abs(value)):
        return f"{Decimal(cents) / 100:.2f}"
    return format(Decimal(repr(value)), "f")


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "VRAI" if value else "FAUX"
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return float_text(value)
    return str(value)


def _open_spreadsheet(path: Path, sheet: str | int | None) -> TextTable:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a damaged or mislabelled file
        raise UnreadableFile(ImportIssue(path.name, f"classeur XLSX illisible ({type(error).__name__})")) from None
    try:
        worksheet = _pick_sheet(path.name, workbook, sheet)
        records = [[_cell_text(v) for v in row] for row in worksheet.iter_rows(min_row=1, values_only=True)]
        sheet_name = worksheet.title
    finally:
        workbook.close()
    header_index = next((i for i, r in enumerate(records[:30]) if sum(1 for c in r if c.strip()) >= 2), None)
    if header_index is None:
        raise UnreadableFile(ImportIssue(path.name, f"feuille « {sheet_name} » vide ou sans ligne d'en-têtes"))
    width = max(len(r) for r in records)
    header = records[header_index] + [""] * (width - len(records[header_index]))
    body = [r + [""] * (width - len(r)) for r in records[header_index + 1:]]
    cells = pa.table({str(i): pa.array([r[i] for r in body], pa.string()) for i in range(width)})
    rows = np.arange(header_index + 2, header_index + 2 + len(body), dtype=np.int64)
    return _finish(path.name, "xlsx", header, cells, rows, sheet=sheet_name)


def _pick_sheet(file: str, workbook, sheet: str | int | None):
    if sheet is None or sheet == "":
        return workbook.worksheets[0]
    names = workbook.sheetnames
    if isinstance(sheet, int) or (isinstance(sheet, str) and sheet.isdigit() and sheet not in names):
        index = int(sheet) - 1
        if 0 <= index < len(names):
            return workbook.worksheets[index]
    elif sheet in names:
        return workbook[sheet]
    raise UnreadableFile(ImportIssue(file, f"feuille « {sheet} » introuvable — feuilles du classeur : "
                                     + ", ".join(f"« {n} »" for n in names)))


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
    return pc.fill_null(pc.cast(column, pa.string()), "")


def _open_parquet(path: Path) -> TextTable:
    try:
        table = pq.read_table(path)
    except (pa.ArrowInvalid, OSError) as error:
        raise UnreadableFile(ImportIssue(path.name, f"fichier Parquet illisible : {error}")) from None
    cells = pa.table({str(i): _column_text(table.column(i)) for i in range(table.num_columns)})
    rows = np.arange(1, table.num_rows + 1, dtype=np.int64)
    typed = {i: values for i in range(table.num_columns) if (values := _typed_values(table.column(i))) is not None}
    return _finish(path.name, "parquet", list(table.column_names), cells, rows, typed)
