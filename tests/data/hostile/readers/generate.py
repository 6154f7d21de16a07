"""The hostile files for the readers: small ones committed beside this script, large ones written at test time.

    python tests/data/hostile/readers/generate.py            # rewrite the committed small files
    python tests/data/hostile/readers/generate.py FOLDER     # also write the large ones into FOLDER

Workbooks are written byte by byte (`raw_zip`), not by a library, so that a case can declare what
a careless or malicious tool would: a dimension of a whole sheet, entry sizes that lie, a sheet
that inflates a thousandfold.  The large files are built from repeated blocks so that writing a
1 GB zip bomb or a 200 MB file takes a second, not a minute.
"""

from __future__ import annotations

import io
import struct
import sys
import zlib
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).parent
HEADER = "N° facture;Code client;Client;Date facture;Date échéance;Montant TTC"
ROWS = (
    "F-001;C1;Boulangerie Martin;15/01/2026;14/02/2026;1 200,00",
    "F-002;C2;Café du Port;20/01/2026;19/02/2026;350,50",
)


def invoices_text(*rows: str, header: str = HEADER, newline: str = "\r\n") -> str:
    return newline.join([header, *rows]) + newline


# --- a zip written by hand --------------------------------------------------------------------------


def raw_zip(entries: list[tuple[str, bytes]], *, declared: dict[str, int] | None = None) -> bytes:
    """A zip of deflated entries; `declared` overrides the uncompressed size the directory gives."""
    return raw_zip_deflated(
        [(name, _deflate(data), zlib.crc32(data), len(data)) for name, data in entries], declared=declared
    )


def _deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def raw_zip_deflated(entries: list[tuple[str, bytes, int, int]], *, declared: dict[str, int] | None = None) -> bytes:
    """A zip from entries already deflated: (name, raw deflate stream, crc32, uncompressed size)."""
    out = io.BytesIO()
    directory = []
    for name, stream, crc, size in entries:
        size = (declared or {}).get(name, size)
        offset = out.tell()
        encoded = name.encode()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(stream), size, len(encoded), 0))
        out.write(encoded)
        out.write(stream)
        directory.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                8,
                0,
                0x21,
                crc,
                len(stream),
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + encoded
        )
    start = out.tell()
    for record in directory:
        out.write(record)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(directory), len(directory), out.tell() - start, start, 0))
    return out.getvalue()


# --- workbooks --------------------------------------------------------------------------------------

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "{sheets}</Types>"
)
SHEET_TYPE = (
    '<Override PartName="/xl/worksheets/sheet{n}.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>{sheets}</sheets>'
    "</workbook>"
)
WORKBOOK_SHEET = '<sheet name="{name}" sheetId="{n}" r:id="rId{n}"/>'
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{sheets}'
    '<Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
    'Target="styles.xml"/></Relationships>'
)
WORKBOOK_REL = (
    '<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet{n}.xml"/>'
)
# Style 0: general; style 1: a date (built-in format 14, « jj/mm/aaaa » in a French Excel).
STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    "</styleSheet>"
)
SHEET_OPEN = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    "{dimension}<sheetData>"
)
SHEET_CLOSE = "</sheetData></worksheet>"


def workbook_parts(sheets: list[bytes], names: list[str] | None = None) -> list[tuple[str, bytes]]:
    """Every part of a workbook but its sheets' XML, then the sheets (already written)."""
    names = names or [f"Feuil{n}" for n in range(1, len(sheets) + 1)]
    numbers = range(1, len(sheets) + 1)
    return [
        ("[Content_Types].xml", CONTENT_TYPES.format(sheets="".join(SHEET_TYPE.format(n=n) for n in numbers)).encode()),
        ("_rels/.rels", ROOT_RELS.encode()),
        (
            "xl/workbook.xml",
            WORKBOOK.format(
                sheets="".join(WORKBOOK_SHEET.format(name=name, n=n) for n, name in zip(numbers, names))
            ).encode(),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            WORKBOOK_RELS.format(sheets="".join(WORKBOOK_REL.format(n=n) for n in numbers)).encode(),
        ),
        ("xl/styles.xml", STYLES.encode()),
        *((f"xl/worksheets/sheet{n}.xml", sheet) for n, sheet in zip(numbers, sheets)),
    ]


def _escape(text: str) -> str:
    """XML text, with the characters XML cannot hold written as Excel writes them (`_x0000_`)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return "".join(f"_x{ord(c):04X}_" if ord(c) < 0x20 and c not in "\t\n\r" else c for c in text)


def cell(reference: str, value) -> str:
    """One cell: text inline, numbers as numbers, ('date', serial) as a date-formatted number."""
    if isinstance(value, tuple) and value[0] == "empty":
        return f'<c r="{reference}" s="{value[1]}"/>'
    if isinstance(value, tuple):
        return f'<c r="{reference}" s="1"><v>{value[1]}</v></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{reference}"><v>{value!r}</v></c>'
    return f'<c r="{reference}" t="inlineStr"><is><t xml:space="preserve">{_escape(value)}</t></is></c>'


def column_letters(number: int) -> str:
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def sheet_xml(rows: dict[int, dict[int, object]], dimension: str | None = None) -> bytes:
    """A sheet from {row: {column: value}}, declaring `dimension` (or none)."""
    body = "".join(
        f'<row r="{r}">' + "".join(cell(f"{column_letters(c)}{r}", v) for c, v in sorted(cells.items())) + "</row>"
        for r, cells in sorted(rows.items())
    )
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (SHEET_OPEN.format(dimension=declared) + body + SHEET_CLOSE).encode()


def xlsx(rows: dict[int, dict[int, object]], dimension: str | None = None, **zip_options) -> bytes:
    return raw_zip(workbook_parts([sheet_xml(rows, dimension)]), **zip_options)


def invoice_rows(amounts=("1200", "350.5")) -> dict[int, dict[int, object]]:
    """The two invoices of ROWS, dates as real date cells (serials of 15/01/2026, 14/02/2026…)."""
    return {
        1: dict(enumerate(HEADER.split(";"), start=1)),
        2: {1: "F-001", 2: "C1", 3: "Boulangerie Martin", 4: ("date", 46037), 5: ("date", 46067), 6: amounts[0]},
        3: {1: "F-002", 2: "C2", 3: "Café du Port", 4: ("date", 46042), 5: ("date", 46072), 6: amounts[1]},
    }


def _numbers(rows):
    """Amount cells as numbers, as a workbook holds them."""
    return {r: {c: (float(v) if r > 1 and c == 6 else v) for c, v in cells.items()} for r, cells in rows.items()}


# --- parquet ----------------------------------------------------------------------------------------


def parquet(columns: dict, **options) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    buffer = io.BytesIO()
    pq.write_table(pa.table(columns), buffer, **options)
    return buffer.getvalue()


def canonical_documents(**extra) -> dict:
    import datetime as dt
    from decimal import Decimal

    import pyarrow as pa

    return {
        "document_id": ["F-001", "F-002"],
        "customer_id": ["C1", "C2"],
        "customer_name": ["Boulangerie Martin", "Café du Port"],
        "activity": ["", ""],
        "issue_date": [dt.date(2026, 1, 15), dt.date(2026, 1, 20)],
        "due_date": [dt.date(2026, 2, 14), dt.date(2026, 2, 19)],
        "amount": pa.array([Decimal("1200.00"), Decimal("350.50")], pa.decimal128(18, 2)),
        **extra,
    }


def parquet_invalid_utf8() -> bytes:
    """A string column holding bytes that are not UTF-8, as a careless writer can store them."""
    import pyarrow as pa

    columns = canonical_documents()
    names = pa.array([b"Boulangerie Martin", b"Caf\xe9 du Port"], pa.binary())
    columns["customer_name"] = names.view(pa.string())
    return parquet(columns)


def parquet_huge_float() -> bytes:
    columns = canonical_documents()
    columns["amount"] = [1200.0, 1e308]
    return parquet(columns)


def parquet_huge_decimal() -> bytes:
    from decimal import Decimal

    import pyarrow as pa

    columns = canonical_documents()
    columns["amount"] = pa.array([Decimal("1200.00"), Decimal("1" + "0" * 30 + ".00")], pa.decimal128(38, 2))
    return parquet(columns)


# --- small files, committed -------------------------------------------------------------------------


def _old_excel() -> bytes:
    """The first bytes of an Excel 97-2003 workbook (an OLE2 compound file): enough to be recognised."""
    return bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 504 + b"\xfe\xff" * 1024


def _png() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8


COMMITTED: dict[str, Callable[[], bytes]] = {
    # The declared dimension is a whole sheet; the sheet holds one cell or a real invoice list.
    "xlsx_dimension_bomb_one_cell.xlsx": lambda: xlsx({1_048_576: {1: "x"}}, "A1:XFD1048576"),
    # A formatted empty cell at the sheet's last row: the 2 invoices above it are all there is to read.
    "xlsx_formatted_cell_far_down.xlsx": lambda: xlsx(
        {**_numbers(invoice_rows()), 1_048_576: {26: ("empty", 1)}}, "A1:Z1048576"
    ),
    "xlsx_dimension_bomb_invoices.xlsx": lambda: xlsx(_numbers(invoice_rows()), "A1:XFD1048576"),
    "xlsx_dimension_too_small.xlsx": lambda: xlsx(_numbers(invoice_rows()), "A1:A1"),
    "xlsx_value_beyond_columns.xlsx": lambda: xlsx({**_numbers(invoice_rows()), 4: {16384: "note"}}),
    "xlsx_amount_1e308.xlsx": lambda: xlsx({**_numbers(invoice_rows()), 3: {**_numbers(invoice_rows())[3], 6: 1e308}}),
    "xlsx_control_characters.xlsx": lambda: xlsx(
        {
            **_numbers(invoice_rows()),
            2: {**_numbers(invoice_rows())[2], 1: "\ufeffF-001", 3: "Boulangerie\x00 Martin"},
            3: {**_numbers(invoice_rows())[3], 3: "_x001B_Café du Port\u200b"},
        }
    ),
    "xlsx_is_text.xlsx": lambda: invoices_text(*ROWS).encode("utf-8"),
    "xlsx_password.xlsx": _old_excel,  # a workbook saved with a password is an OLE2 file, whatever its name
    "xlsx_dtd_entities.xlsx": lambda: raw_zip(
        workbook_parts(
            [
                b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
                b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]><worksheet '
                b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
                b'<c r="A1" t="inlineStr"><is><t>&c;</t></is></c></row></sheetData></worksheet>'
            ]
        )
    ),
    "xlsx_not_a_workbook.xlsx": lambda: raw_zip([("hello.txt", b"not a workbook")]),
    # The directory says 2 KB for a sheet that inflates to more: the reader must not trust it blindly.
    "xlsx_lying_sizes.xlsx": lambda: xlsx(_numbers(invoice_rows()), declared={"xl/worksheets/sheet1.xml": 300}),
    "csv_cr_only.csv": lambda: invoices_text(*ROWS, newline="\r").encode("cp1252"),
    "csv_empty.csv": lambda: b"",
    "csv_blank_lines.csv": lambda: b"\r\n \r\n\t\r\n",
    "csv_header_only.csv": lambda: invoices_text().encode("cp1252"),
    "csv_binary_png.csv": _png,
    "csv_binary_pdf.csv": lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" * 20,
    "csv_utf16le_bom.csv": lambda: b"\xff\xfe" + invoices_text(*ROWS).encode("utf-16-le"),
    "csv_utf16be_no_bom.csv": lambda: invoices_text(*ROWS).encode("utf-16-be"),
    "csv_bom_in_cells.csv": lambda: (
        "\ufeff"
        + invoices_text(ROWS[0])
        + "\ufeff"
        + invoices_text("\ufeffF-002;C2;Café du Port;20/01/2026;19/02/2026;350,50").split("\r\n", 1)[1]
    ).encode("utf-8"),
    "csv_nul_after_4k.csv": lambda: invoices_text(
        *(f"F-{n:03d};C{n % 7};Client {n};15/01/2026;14/02/2026;100,00" for n in range(1, 120)),
        "F-120;C9;Martin\x00 SARL;15/01/2026;14/02/2026;100,00",
    ).encode("cp1252"),
    "csv_control_characters.csv": lambda: invoices_text(
        "F-001\x1b;C1;Boulangerie\x07 Martin\x7f;15/01/2026;14/02/2026;1 200,00",
        "F-002;C2\u0085;Café\u200b du Port;20/01/2026;19/02/2026;350,50",
    ).encode("utf-8"),
    # 309 digits: Arrow's cast reads more digits than 128 bits hold as 0, silently (amounts.py must refuse it).
    "csv_amount_309_digits.csv": lambda: invoices_text(
        ROWS[0], "F-002;C2;Café du Port;20/01/2026;19/02/2026;1" + "0" * 308 + ",00"
    ).encode("cp1252"),
    "xls_old_excel.xls": _old_excel,
    "xls_is_html.xls": lambda: b"<html><body><table><tr><td>N\xb0 facture</td></tr></table></body></html>",
    "xls_is_text.xls": lambda: invoices_text(
        *(r.replace(";", "\t") for r in ROWS), header=HEADER.replace(";", "\t")
    ).encode("cp1252"),
    "parquet_list_column.parquet": lambda: parquet(canonical_documents(tags=[["a", "b"], []])),
    "parquet_struct_column.parquet": lambda: parquet(
        canonical_documents(address=[{"street": "1 rue Haute", "city": "Lyon"}, {"street": None, "city": "Caen"}])
    ),
    "parquet_amount_1e308.parquet": parquet_huge_float,
    "parquet_decimal_too_big.parquet": parquet_huge_decimal,
    "parquet_invalid_utf8.parquet": parquet_invalid_utf8,
    "parquet_is_text.parquet": lambda: invoices_text(*ROWS).encode("utf-8"),
}


# --- large files, written at test time --------------------------------------------------------------


def _repeated_deflate(head: bytes, block: bytes, times: int, tail: bytes) -> tuple[bytes, int, int]:
    """head + block × times + tail deflated, in the time it takes to deflate `block` once."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    # After a full flush nothing refers back: the same bytes inflate to the same block, anywhere.
    middle = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    end = compressor.compress(tail) + compressor.flush()
    crc = zlib.crc32(head)
    chunk, left = block * max(1, (1 << 24) // len(block)), times
    per_chunk = len(chunk) // len(block)
    while left >= per_chunk:
        crc = zlib.crc32(chunk, crc)
        left -= per_chunk
    crc = zlib.crc32(block * left, crc)
    crc = zlib.crc32(tail, crc)
    return start + middle * times + end, crc, len(head) + len(block) * times + len(tail)


def _bomb_sheet(rows: int, row_xml: bytes, first_rows: dict | None = None) -> tuple[bytes, int, int]:
    """A sheet of `rows` times `row_xml` (after `first_rows`), deflated by blocks of a megabyte of rows."""
    head = SHEET_OPEN.format(dimension="").encode()
    if first_rows:
        head += sheet_xml(first_rows)[len(head) : -len(SHEET_CLOSE)]
    per_block = max(1, (1 << 20) // len(row_xml))
    return _repeated_deflate(
        head, row_xml * per_block, rows // per_block, row_xml * (rows % per_block) + SHEET_CLOSE.encode()
    )


def _workbook_with_sheet(sheet: tuple[bytes, int, int]) -> bytes:
    others = [(name, _deflate(data), zlib.crc32(data), len(data)) for name, data in workbook_parts([b""])[:-1]]
    return raw_zip_deflated([*others, ("xl/worksheets/sheet1.xml", *sheet)])


def xlsx_zip_bomb(path: Path) -> None:
    """A few MB that inflate to 1 GB: rows of cells without references, all alike."""
    row = b"<row>" + b"<c><v>1</v></c>" * 64 + b"</row>"
    path.write_bytes(_workbook_with_sheet(_bomb_sheet((1 << 30) // len(row), row)))


def xlsx_high_ratio(path: Path) -> None:
    """150 MB of sheet from a few hundred KB: under the size limit, far beyond any real compression ratio."""
    row = b"<row>" + b"<c><v>0</v></c>" * 64 + b"</row>"
    path.write_bytes(_workbook_with_sheet(_bomb_sheet((150 << 20) // len(row), row)))


def xlsx_styled_to_the_edge(path: Path) -> None:
    """Two invoices, then every row down to 1 048 576 carrying a formatted empty cell in the last column,
    as a sheet formatted to its edges holds them: nothing to import there, nothing to allocate."""
    head = sheet_xml(_numbers(invoice_rows()), "A1:XFD1048576")[: -len(SHEET_CLOSE)]
    rows = "".join(f'<row r="{n}"><c r="XFD{n}" s="1"/></row>' for n in range(4, 1_048_577))
    path.write_bytes(raw_zip(workbook_parts([head + rows.encode() + SHEET_CLOSE.encode()])))


def xlsx_too_many_cells(path: Path) -> None:
    """More cells than MAX_SHEET_CELLS, formatted and empty, in a sheet that passes the size and ratio checks."""
    import random

    from kpi.importers.limits import MAX_SHEET_CELLS

    rng = random.Random(10)
    row = "<row>" + "".join(f'<c s="{rng.randrange(10)}"/>' for _ in range(40)) + "</row>"
    block = "".join(
        row[:5] + "".join(f'<c s="{rng.randrange(10)}"/>' for _ in range(40)) + "</row>" for _ in range(2000)
    ).encode()
    rows_needed = MAX_SHEET_CELLS // 40 + 10
    head = sheet_xml(_numbers(invoice_rows()))[: -len(SHEET_CLOSE)]
    path.write_bytes(
        _workbook_with_sheet(_repeated_deflate(head, block, rows_needed // 2000 + 1, SHEET_CLOSE.encode()))
    )


def xlsx_ordinary(path: Path, invoices: int = 20_000) -> None:
    """An ordinary invoice list of 20 000 rows (text, date and number cells), to be read whole and fast."""
    rows = {1: dict(enumerate(HEADER.split(";"), start=1))}
    for n in range(invoices):
        rows[n + 2] = {
            1: f"F-{n:06d}",
            2: f"C{n % 400}",
            3: f"Client {n % 400}",
            4: ("date", 46023 + n % 90),
            5: ("date", 46053 + n % 90),
            6: float(f"{n % 1000}.{n % 100:02d}"),
        }
    path.write_bytes(xlsx(rows, f"A1:F{invoices + 1}"))


def xlsx_many_sheets(path: Path) -> None:
    sheet = SHEET_OPEN.format(dimension="").encode() + SHEET_CLOSE.encode()
    path.write_bytes(raw_zip(workbook_parts([sheet] * 300)))


def csv_too_big(path: Path) -> None:
    """Beyond the size limit; sparse, so that it costs no disk and no time to write."""
    from kpi.importers.limits import MAX_FILE_BYTES

    with path.open("wb") as out:
        out.write(invoices_text(*ROWS).encode("cp1252"))
        out.truncate(MAX_FILE_BYTES + 50 * (1 << 20))


def csv_wide_header(path: Path) -> None:
    """100 000 header columns, 0.9 MB: 23 minutes before any limit."""
    header = ";".join(f"c{n}" for n in range(100_000))
    path.write_bytes((header + "\r\n" + ";".join(["1"] * 100_000) + "\r\n").encode("ascii"))


def csv_long_line(path: Path, megabytes: int = 10) -> None:
    """A proper invoice list with one 10 MB line among its rows."""
    long = "F-003;C3;" + "x" * (megabytes << 20) + ";20/01/2026;19/02/2026;1,00"
    path.write_bytes(invoices_text(ROWS[0], long, ROWS[1]).encode("cp1252"))


def csv_single_line(path: Path) -> None:
    """10 MB on one line and nothing else: 5 million « fields » before any limit."""
    path.write_bytes(b"a;" * (5 << 20))


def csv_20mb_line(path: Path) -> None:
    csv_long_line(path, 20)


def csv_too_many_rows(path: Path) -> None:
    """More records than MAX_ROWS in a few megabytes."""
    from kpi.importers.limits import MAX_ROWS

    path.write_bytes(b"a;b\n" + b"1;2\n" * (MAX_ROWS + 1))


def parquet_too_many_rows(path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from kpi.importers.limits import MAX_ROWS

    count = MAX_ROWS + 1
    pq.write_table(
        pa.table({"document_id": pa.array([0] * count, pa.int8()), "amount": pa.array([0] * count, pa.int8())}), path
    )


def parquet_too_many_columns(path: Path) -> None:
    pq_bytes = parquet({f"c{n}": [1] for n in range(600)})
    path.write_bytes(pq_bytes)


def parquet_expanding_dictionary(path: Path) -> None:
    """One 1 MB name repeated on 2 000 rows: a dictionary of 1 MB that decodes to 2 GB of text."""
    import pyarrow as pa

    columns = canonical_documents()
    count = 2000
    names = pa.DictionaryArray.from_arrays(pa.array([0] * count, pa.int32()), pa.array(["M" * (1 << 20)]))
    table = {
        name: pa.array(list(values) * (count // 2))
        if not isinstance(values, pa.Array)
        else pa.concat_arrays([values] * (count // 2))
        for name, values in columns.items()
    }
    table["document_id"] = pa.array([f"F-{n:05d}" for n in range(count)])
    table["customer_name"] = names
    path.write_bytes(parquet(table, compression="zstd"))


LARGE: dict[str, Callable[[Path], None]] = {
    "xlsx_zip_bomb.xlsx": xlsx_zip_bomb,
    "xlsx_high_ratio.xlsx": xlsx_high_ratio,
    "xlsx_styled_to_the_edge.xlsx": xlsx_styled_to_the_edge,
    "xlsx_too_many_cells.xlsx": xlsx_too_many_cells,
    "xlsx_ordinary_20k.xlsx": xlsx_ordinary,
    "xlsx_many_sheets.xlsx": xlsx_many_sheets,
    "csv_too_big.csv": csv_too_big,
    "csv_wide_header.csv": csv_wide_header,
    "csv_long_line.csv": csv_long_line,
    "csv_single_line.csv": csv_single_line,
    "csv_20mb_line.csv": csv_20mb_line,
    "csv_too_many_rows.csv": csv_too_many_rows,
    "parquet_too_many_rows.parquet": parquet_too_many_rows,
    "parquet_too_many_columns.parquet": parquet_too_many_columns,
    "parquet_expanding_dictionary.parquet": parquet_expanding_dictionary,
}


def write_committed(folder: Path = HERE) -> None:
    for name, build in COMMITTED.items():
        (folder / name).write_bytes(build())


def write_large(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, build in LARGE.items():
        build(folder / name)
        paths[name] = folder / name
    return paths


if __name__ == "__main__":
    write_committed()
    if len(sys.argv) > 1:
        write_large(Path(sys.argv[1]))
