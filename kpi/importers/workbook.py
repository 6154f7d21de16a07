"""An XLSX sheet read as rows of cell texts: streamed, keeping only the cells that hold a value, within limits.

A workbook is a zip of XML parts.  Its directory is checked before anything is inflated (entries,
inflated sizes, compression ratios: a zip bomb is refused unopened), then the sheet is parsed as it
inflates, a megabyte at a time, counting its cells and stopping at the limits of limits.py.  Nothing
is sized from the sheet's declared <dimension> (see limits.py): a sheet formatted to row 1 048 576 and
column XFD costs the time to parse it, not memory, and keeps only its filled cells.  Values come out
as the text a user sees (dates as ISO dates, numbers as typed, booleans as VRAI/FAUX), as openpyxl in
read-only mode gave them.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TypeVar
from xml.parsers import expat

from kpi.importers.limits import (
    EXCEL_ROWS,
    MAX_CELL_CHARACTERS,
    MAX_COLUMNS,
    MAX_COMPRESSION_RATIO,
    MAX_INFLATED_BYTES,
    MAX_PART_BYTES,
    MAX_PART_ELEMENTS,
    MAX_SHEET_CELLS,
    MAX_SHEETS,
    MAX_TEXT_BYTES,
    MAX_ZIP_ENTRIES,
    RATIO_FLOOR_BYTES,
)
from kpi.text.messages import Message

_CHUNK = 1 << 20
_WINDOWS_EPOCH = dt.datetime(1899, 12, 30)
_MAC_EPOCH = dt.datetime(1904, 1, 1)
_RELATIONSHIPS = "_rels/.rels"
_WORKSHEET_TYPE = "/worksheet"
_REFERENCE = re.compile(r"([A-Za-z]{1,3})?(\d+)?")
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")
TO_CSV = Message("workbook.to_csv")


class WorkbookRefused(Exception):
    """The workbook cannot or may not be read; `message` says why in the user's words."""

    def __init__(self, message: Message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Sheet:
    name: str
    numbers: list[int]  # the spreadsheet row of each row kept (rows without a value are not kept)
    rows: list[list[str]]  # each kept row's texts, from column A to its last value


def float_text(value: float) -> str:
    """A float cell as the text a user typed: integers without decimals, money to the cent when it is one."""
    if value != value or value in (float("inf"), float("-inf")):
        return str(value)
    if abs(value) >= 1e38:
        # Beyond any decimal: as Excel shows it (1E+308), which the amount rules refuse with the value.
        return repr(value).upper()
    if abs(value) >= 1e15:
        # Beyond what a float holds to the cent: its exact value, which the amount rules refuse as too big.
        return format(Decimal(repr(value)), "f")
    if value == int(value):
        return str(int(value))
    cents = round(value * 100)
    if abs(value * 100 - cents) <= 1e-6 * max(1.0, abs(value)):
        return f"{Decimal(cents) / 100:.2f}"
    return format(Decimal(repr(value)), "f")


def value_text(value) -> str:
    """A cell's value as the text a user sees."""
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


def read_sheet(path: Path, sheet: str | int | None) -> Sheet:
    """The sheet named or numbered (1-based) `sheet`, the first worksheet by default."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise WorkbookRefused(Message("workbook.damaged", reason=_reason(error))) from None
    with archive:
        _check_directory(archive)
        try:
            book = _Book(archive)
            name, part = book.pick(sheet)
            return _SheetParser(book).read(name, part)
        except WorkbookRefused:
            raise
        except (
            zipfile.BadZipFile,
            zipfile.LargeZipFile,
            expat.ExpatError,
            KeyError,
            ValueError,
            IndexError,
            OSError,
            EOFError,
            NotImplementedError,
            RuntimeError,
        ) as error:
            # A damaged or incomplete workbook: a part missing, bad XML, an entry that inflates beyond its size.
            raise WorkbookRefused(Message("workbook.damaged", reason=_reason(error))) from None


def _reason(error: Exception) -> Message | str:
    said = error.args[0] if len(error.args) == 1 and isinstance(error.args[0], Message) else None
    text = said or str(error).strip()[:120]
    return Message("workbook.error", kind=type(error).__name__, text=text) if text else type(error).__name__


def _check_directory(archive: zipfile.ZipFile) -> None:
    """Refuse a zip bomb from what the zip's directory declares, before inflating any part."""
    entries = archive.infolist()
    if len(entries) > MAX_ZIP_ENTRIES:
        raise WorkbookRefused(
            Message("workbook.too_many_entries", count=len(entries), limit=MAX_ZIP_ENTRIES, then=TO_CSV)
        )
    inflated = sum(entry.file_size for entry in entries)
    if inflated > MAX_INFLATED_BYTES:
        raise WorkbookRefused(
            Message("workbook.inflated_too_big", size=inflated, limit=MAX_INFLATED_BYTES, then=TO_CSV)
        )
    for entry in entries:
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size > RATIO_FLOOR_BYTES and ratio > MAX_COMPRESSION_RATIO:
            raise WorkbookRefused(
                Message("workbook.zip_bomb", ratio=round(ratio), limit=MAX_COMPRESSION_RATIO, then=TO_CSV)
            )


def _local(name: str) -> str:
    """An XML name without its namespace prefix (`x:row` → `row`)."""
    return name.rpartition(":")[2]


def _parse_part(archive: zipfile.ZipFile, part: str, start=None, end=None, text=None, *, counted=False) -> None:
    """Stream one part through expat with the given handlers, within MAX_PART_BYTES and (unless the handlers
    count them themselves, `counted`) MAX_PART_ELEMENTS."""
    if part not in archive.NameToInfo:
        raise WorkbookRefused(Message("workbook.part_missing", part=part))
    size = archive.getinfo(part).file_size
    if size > MAX_PART_BYTES:
        raise WorkbookRefused(Message("workbook.part_too_big", part=part, size=size, limit=MAX_PART_BYTES, then=TO_CSV))
    if not counted:
        start = _counting(part, start)
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.buffer_size = 4 * MAX_CELL_CHARACTERS + 1024  # a cell's text in one piece, whatever its characters
    parser.StartDoctypeDeclHandler = _no_doctype
    if start is not None:
        parser.StartElementHandler = start
    if end is not None:
        parser.EndElementHandler = end
    if text is not None:
        parser.CharacterDataHandler = text
    with archive.open(part) as stream:
        while chunk := stream.read(_CHUNK):
            parser.Parse(chunk, False)
    parser.Parse(b"", True)


def _counting(part: str, start):
    elements = 0

    def counted(name, attributes):
        nonlocal elements
        elements += 1
        if elements > MAX_PART_ELEMENTS:
            raise WorkbookRefused(_too_many_elements(Message("workbook.the_part", part=part)))
        if start is not None:
            start(name, attributes)

    return counted


def _too_many_elements(what: Message) -> Message:
    return Message("workbook.too_many_elements", what=what, limit=MAX_PART_ELEMENTS, then=TO_CSV)


def _too_long(what: Message) -> Message:
    return Message("workbook.text_too_long", what=what, limit=MAX_CELL_CHARACTERS)


def _no_doctype(*_) -> None:
    # No part of a workbook declares a DTD; one that does may hide entities that expand a thousandfold.
    raise WorkbookRefused(Message("workbook.doctype"))


def _relationships(archive: zipfile.ZipFile, part: str) -> dict[str | None, tuple[str, str]]:
    """The relationships of `part`: id → (type, target part)."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", name + ".rels")
    found: dict[str | None, tuple[str, str]] = {}  # a relationship without an Id is kept under None

    def start(tag, attributes):
        if _local(tag) == "Relationship" and attributes.get("TargetMode") != "External":
            target = attributes.get("Target", "")
            if target.startswith("/"):
                target = target.lstrip("/")
            else:
                target = posixpath.normpath(posixpath.join(folder, target))
            found[attributes.get("Id")] = (attributes.get("Type", ""), target)

    if rels in archive.NameToInfo:
        _parse_part(archive, rels, start)
    return found


Part = TypeVar("Part")


def pick_sheet(sheets: list[tuple[str, Part | None]], sheet: str | int | None) -> tuple[str, Part]:
    """(name, part) of the sheet --sheet asks for among a workbook's `sheets` in order, a chart sheet's part
    None: the first worksheet when none is asked for; a number (1 = the first), a worksheet's position unless
    a sheet bears that name; else a worksheet's name."""
    names = [name for name, _ in sheets]
    worksheets = [(name, part) for name, part in sheets if part is not None]
    if sheet is None or sheet == "":
        if not worksheets:
            raise WorkbookRefused(Message("workbook.no_sheet"))
        return worksheets[0]
    if isinstance(sheet, int) or (isinstance(sheet, str) and sheet.isdigit() and sheet not in names):
        index = int(sheet) - 1
        if 0 <= index < len(worksheets):
            return worksheets[index]
    elif sheet in names:
        name, part = sheets[names.index(sheet)]
        if part is not None:
            return name, part
    raise WorkbookRefused(
        Message("workbook.sheet_not_found", sheet=str(sheet), sheets=[Message("quoted", text=n) for n in names])
    )


class _Book:
    """What the sheets need from the workbook: sheet names and parts, date styles, shared strings, epoch."""

    def __init__(self, archive: zipfile.ZipFile):
        self.archive = archive
        roots = [target for kind, target in _relationships(archive, "").values() if kind.endswith("/officeDocument")]
        self.part = roots[0] if roots else "xl/workbook.xml"
        self.relationships = _relationships(archive, self.part)
        self.sheets: list[tuple[str, str | None]] = []  # (name, worksheet part or None for a chart sheet)
        self.epoch = _WINDOWS_EPOCH
        self._read_workbook()
        self._shared_strings: list[str] | None = None
        self._styles: tuple[set[int], set[int]] | None = None

    def _read_workbook(self) -> None:
        def start(tag, attributes):
            tag = _local(tag)
            if tag == "sheet":
                if len(self.sheets) >= MAX_SHEETS:
                    raise WorkbookRefused(Message("workbook.too_many_sheets", limit=MAX_SHEETS, then=TO_CSV))
                rid = next((v for k, v in attributes.items() if _local(k) == "id"), None)
                relationship: tuple[str, str | None] = self.relationships.get(rid, ("", None))
                kind, target = relationship
                self.sheets.append((attributes.get("name", ""), target if kind.endswith(_WORKSHEET_TYPE) else None))
            elif tag == "workbookPr" and attributes.get("date1904", "").lower() in ("1", "true"):
                self.epoch = _MAC_EPOCH

        _parse_part(self.archive, self.part, start)

    def pick(self, sheet: str | int | None) -> tuple[str, str]:
        """(name, part) of the sheet asked for, as openpyxl's `worksheets` and `sheetnames` gave them."""
        return pick_sheet(self.sheets, sheet)

    def _target(self, kind: str) -> str | None:
        return next((target for k, target in self.relationships.values() if k.endswith(kind)), None)

    @property
    def shared_strings(self) -> list[str]:
        if self._shared_strings is None:
            self._shared_strings = self._read_shared_strings()
        return self._shared_strings

    def _read_shared_strings(self) -> list[str]:
        part = self._target("/sharedStrings")
        strings: list[str] = []
        if part is None or part not in self.archive.NameToInfo:
            return strings
        pieces: list[str] = []
        state = {"in_t": False, "phonetic": 0}

        def start(tag, attributes):
            tag = _local(tag)
            if tag == "si":
                pieces.clear()
            elif tag == "rPh":
                state["phonetic"] += 1  # the reading aid of Japanese text: not the cell's text
            elif tag == "t" and not state["phonetic"]:
                state["in_t"] = True

        def end(tag):
            tag = _local(tag)
            if tag == "si":
                if len(strings) >= MAX_SHEET_CELLS:
                    raise WorkbookRefused(Message("workbook.too_many_strings", limit=MAX_SHEET_CELLS, then=TO_CSV))
                strings.append(_unescape("".join(pieces)))
            elif tag == "rPh":
                state["phonetic"] -= 1
            elif tag == "t":
                state["in_t"] = False

        def text(data):
            if state["in_t"]:
                pieces.append(data)
                if len(pieces) > 1 and sum(map(len, pieces)) > MAX_CELL_CHARACTERS:
                    raise WorkbookRefused(_too_long(Message("workbook.the_workbook")))

        _parse_part(self.archive, part, start, end, text)
        return strings

    @property
    def styles(self) -> tuple[set[int], set[int]]:
        """(styles showing dates, styles showing durations), by the index cells give in `s`."""
        if self._styles is None:
            self._styles = self._read_styles()
        return self._styles

    def _read_styles(self) -> tuple[set[int], set[int]]:
        from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format

        part = self._target("/styles")
        dates: set[int] = set()
        durations: set[int] = set()
        if part is None or part not in self.archive.NameToInfo:
            return dates, durations
        custom: dict[int, str] = {}
        formats: list[int] = []
        depth = {"cellXfs": 0}

        def start(tag, attributes):
            tag = _local(tag)
            if tag == "numFmt":
                custom[int(attributes.get("numFmtId", -1))] = attributes.get("formatCode", "")
            elif tag == "cellXfs":
                depth["cellXfs"] += 1
            elif tag == "xf" and depth["cellXfs"]:
                formats.append(int(attributes.get("numFmtId", 0)))

        def end(tag):
            if _local(tag) == "cellXfs":
                depth["cellXfs"] -= 1

        _parse_part(self.archive, part, start, end)
        for index, number in enumerate(formats):
            code = custom.get(number, BUILTIN_FORMATS.get(number))
            if is_date_format(code):
                dates.add(index)
            if is_timedelta_format(code):
                durations.add(index)
        return dates, durations


def _unescape(text: str) -> str:
    """OOXML writes characters XML cannot hold as `_xHHHH_` (and a literal `_x` as `_x005F_x`)."""
    return _ESCAPED.sub(_unescaped, text) if "_x" in text else text


def _unescaped(match: re.Match) -> str:
    code = int(match.group(1), 16)
    return match.group(0) if 0xD800 <= code <= 0xDFFF else chr(code)  # half a surrogate pair is no character


class _SheetParser:
    """One pass of expat over a sheet's XML, keeping the cells that hold a value.

    The handlers run for every element of a sheet that may hold millions, so only two are set — the
    start of an element and its text — and they keep their state in local variables.  A cell ends
    where the next cell or row starts (or the sheet ends), since cells never nest; the text kept is
    that of a cell's <v>, or of its inline string's <t> before any phonetic <rPh> (with the line breaks
    of an indented sheet up to the next element, which trimming removes).
    """

    def __init__(self, book: _Book):
        self.book = book
        self.numbers: list[int] = []
        self.rows: list[list[str]] = []
        self.columns: dict[str, int] = {}  # column letters → number
        self.dates: dict[str, str] = {}  # "style:serial" → text: a sheet repeats the same few hundred days
        self.text_size = 0
        self.row: dict[int, str] = {}

    def read(self, name: str, part: str) -> Sheet:
        self.name = name
        names: dict[str, str] = {}  # element name → local name
        columns = self.columns
        elements = cells = row_number = column = 0
        kind, style, reference = "n", None, None
        raw: str | None = None  # the text of the cell being read, None between cells
        collecting = inline = phonetic = False

        def close_cell(cell: str) -> None:
            nonlocal raw
            if kind == "inlineStr":
                text = _unescape(cell)
            else:
                # What follows a value up to the next element (an indented sheet's line breaks) comes with it.
                value = cell.strip()
                text = self.value(value, kind, style) if value else ""
            raw = None
            if text != "":
                self.keep(text, column, reference or Message("workbook.column_row", column=column, row=row_number))

        def start(tag, attributes):
            nonlocal elements, cells, row_number, column, kind, style, reference, collecting, inline, phonetic
            local = names.get(tag)
            if local is None:
                local = names[tag] = tag.rpartition(":")[2]
            elements += 1
            if elements > MAX_PART_ELEMENTS:
                raise WorkbookRefused(_too_many_elements(Message("workbook.the_sheet", sheet=name)))
            if local == "c":
                if raw is not None:
                    close_cell(raw)
                cells += 1
                if cells > MAX_SHEET_CELLS:
                    raise WorkbookRefused(
                        Message("workbook.too_many_cells", sheet=name, limit=MAX_SHEET_CELLS, then=TO_CSV)
                    )
                reference = attributes.get("r")
                if reference:
                    letters = reference.rstrip("0123456789")
                    number = columns.get(letters)
                    column = number if number is not None else self.column_number(letters)
                else:
                    column += 1
                kind = attributes.get("t", "n")
                style = attributes.get("s")
                collecting = inline = phonetic = False
            elif local == "v":
                collecting = not inline
            elif local == "t":
                collecting = inline and not phonetic
            elif local == "is":
                inline = True
            elif local == "rPh":
                # The reading aid of Japanese text comes after the text itself, up to the cell's end.
                phonetic, collecting = True, False
            elif local == "row":
                if raw is not None:
                    close_cell(raw)
                self.close_row(row_number)
                number = attributes.get("r")
                row_number = int(number) if number else row_number + 1
                if row_number > EXCEL_ROWS:
                    raise WorkbookRefused(
                        Message("workbook.row_beyond_excel", sheet=name, row=row_number, limit=EXCEL_ROWS)
                    )
                column = 0
                collecting = False
            else:
                # <f> (a formula: its cached result is in <v>), <rPh> (a reading aid, not the text), anything else.
                collecting = False

        def text(data):
            nonlocal raw
            if collecting:
                raw = data if raw is None else raw + data
                if len(raw) > MAX_CELL_CHARACTERS:
                    raise WorkbookRefused(_too_long(Message("workbook.the_sheet", sheet=name)))

        _parse_part(self.book.archive, part, start, None, text, counted=True)
        if raw is not None:
            close_cell(raw)
        self.close_row(row_number)
        return Sheet(name, self.numbers, self.rows)

    def keep(self, text: str, column: int, where: Message | str) -> None:
        if column > MAX_COLUMNS:
            raise WorkbookRefused(
                Message(
                    "workbook.column_beyond",
                    sheet=self.name,
                    where=where,
                    limit=MAX_COLUMNS,
                    value=text[:40],
                    then=TO_CSV,
                )
            )
        self.text_size += len(text)
        if self.text_size > MAX_TEXT_BYTES:
            raise WorkbookRefused(Message("workbook.text_too_big", sheet=self.name, limit=MAX_TEXT_BYTES, then=TO_CSV))
        self.row[column] = text

    def close_row(self, number: int) -> None:
        if self.row:
            row = self.row
            self.numbers.append(number)
            self.rows.append([row.get(c, "") for c in range(1, max(row) + 1)])
            self.row = {}

    def column_number(self, letters: str) -> int:
        number = 0
        for letter in letters.upper():
            if not "A" <= letter <= "Z":
                raise ValueError(Message("workbook.bad_reference", letters=letters))
            number = number * 26 + ord(letter) - 64
        self.columns[letters] = number
        return number

    def value(self, raw: str, kind: str, style: str | None) -> str:
        if kind == "n":
            if style and style != "0":
                dates, durations = self.book.styles
                index = int(style)
                if index in dates:
                    return self.date_text(raw, index, index in durations)
            return value_text(float(raw) if ("." in raw or "e" in raw or "E" in raw) else int(raw))
        if kind == "s":
            return self.book.shared_strings[int(raw)]
        if kind == "b":
            return value_text(bool(int(raw)))
        if kind == "d":
            return value_text(dt.datetime.fromisoformat(raw.rstrip("Z")))
        return raw  # "str" (a formula's text) and "e" (an error such as #N/A), as written

    def date_text(self, raw: str, style: int, duration: bool) -> str:
        key = f"{style}:{raw}"
        text = self.dates.get(key)
        if text is None:
            from openpyxl.utils.datetime import from_excel

            number = float(raw) if ("." in raw or "e" in raw or "E" in raw) else int(raw)
            try:
                text = value_text(from_excel(number, self.book.epoch, timedelta=duration))
            except (OverflowError, ValueError):
                text = "#VALUE!"  # a serial outside the calendar, as openpyxl reads it
            if len(self.dates) < 100_000:
                self.dates[key] = text
        return text
