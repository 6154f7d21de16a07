"""The limits within which a file is read; beyond them it is refused at once, by name, with a way to get under them.

Each limit is far above what a real ledger export holds and far below what would take the app down:
within all of them, opening a file takes less than 30 s and less than 1,5 GB of memory above its own
size on a 2-core machine (tests/test_importers_hostile_readers.py checks that on a corpus of hostile
files).  The benchmark exports of benchmarks/ — 1 000 000 invoices, 83 MB as CSV, 19 + 24 MB as the
Parquet pair, 57 MB of text — sit at half of the size, row and text limits or further below.

Checked before anything is parsed:
- the file's size (every format), and what the file is, from its first bytes;
- CSV/TXT: the length of each line (from the bytes, without splitting them), the header's width;
- XLSX: the zip's entries — how many, their inflated sizes and compression ratios as the zip's
  directory declares them, so that a zip bomb is refused before it inflates (an entry that inflates
  beyond what it declared is cut there by zipfile and refused as damaged) — and the number of sheets;
- Parquet: rows, columns and uncompressed size, from the file's footer.
Counted while reading, stopping at the limit: CSV records (after Arrow's parse, which the size limit
bounds); an XLSX part's size and XML elements, the sheet's cells, each cell's length, the sheet's text
and Excel's last row; a Parquet column's text once its dictionary is expanded (before expanding it).

A sheet's declared <dimension> is not trusted either way: tools write `A1:XFD1048576` for a sheet
formatted to its edges, and a dimension may as well be smaller than the data (openpyxl's read-only
mode then dropped the rows beyond it).  Nothing is sized from it: the reader keeps only the cells that
hold a value, so a huge dimension over a few real cells reads those cells, and formatted empty cells
cost their parsing time only, which MAX_SHEET_CELLS and MAX_PART_ELEMENTS bound.
"""

from __future__ import annotations

MEGABYTE = 1 << 20

# Every format.  The app's uploads stop at 100 MB (.streamlit/config.toml); the command line reads up to this.
MAX_FILE_BYTES = 200 * MEGABYTE
# Columns of a table (CSV header, XLSX sheet, Parquet schema): a ledger export has a few dozen.
MAX_COLUMNS = 500
# Records of a table: twice the 1M-invoice benchmark.
MAX_ROWS = 2_000_000

# CSV/TXT: one line, in bytes (500 columns of 2 000 characters).  A longer one is not a ledger's line.
MAX_LINE_BYTES = 1 * MEGABYTE

# XLSX: what the zip's directory declares, checked before inflating anything.
MAX_ZIP_ENTRIES = 10_000
MAX_INFLATED_BYTES = 800 * MEGABYTE  # all entries together
# Inflated size over compressed size, for an entry over RATIO_FLOOR_BYTES: sheets compress 5 to 30 times, a
# zip bomb a thousand times; 100 is Apache POI's limit for the same check.
MAX_COMPRESSION_RATIO = 100
RATIO_FLOOR_BYTES = 1 * MEGABYTE
MAX_SHEETS = 256
# XLSX: cells of the sheet read (every <c>, formatted empty ones included) — 150 000 invoices of 10 columns.
# A filled cell costs about 5 µs to parse in Python (expat calls back for each element): 1,5 million take
# 8 s of one core.  Beyond, the sheet saved as CSV reads twenty times faster.
MAX_SHEET_CELLS = 1_500_000
# XLSX, while parsing: a part's XML (the sheet, its shared strings…) and its elements, each costing about
# 1 µs even when it holds nothing (a cell holding text is 3 elements: <c>, <is>, <t>).
MAX_PART_BYTES = 400 * MEGABYTE
MAX_PART_ELEMENTS = 6_000_000
MAX_CELL_CHARACTERS = 32_767  # Excel's own limit for a cell
EXCEL_ROWS = 1_048_576  # Excel's last row

# Text of a table once expanded: a Parquet dictionary or an XLSX shared string repeated on many rows
# (a 1 MB name on a million rows).  The 1M-invoice benchmark holds 57 MB.
MAX_TEXT_BYTES = 512 * MEGABYTE
