"""How a file is written, guessed from its bytes: what it is (text, workbook, Parquet…), its encoding, its lines
and its separator."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from kpi.text.messages import Message

SEPARATORS = (";", "\t", "|", ",")
SEPARATOR_NAMES = {
    ";": Message("separator.semicolon"),
    "\t": Message("separator.tab"),
    "|": Message("separator.pipe"),
    ",": Message("separator.comma"),
}

# Bytes that cp1252 uses for letters (€, Œ, š, …) but ISO-8859-15 leaves to control codes.
_CP1252_ONLY = re.compile(rb"[\x80-\x9f]")
# Bytes where ISO-8859-15 put €, Š, š, Ž, ž, Œ, œ, Ÿ and cp1252 has rarely used signs (¤, ¦, ¨, ´, ¸, ¼, ½, ¾).
_LATIN9_LETTERS = re.compile(rb"[\xa4\xa6\xa8\xb4\xb8\xbc\xbd\xbe]")
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_HIGH_BYTE = re.compile(rb"[\x80-\xff]")

# The first bytes read to tell what a file is.
SAMPLE_BYTES = 1 << 16
_SIGNATURES = (
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),
    (b"PAR1", "parquet"),
    (bytes.fromhex("d0cf11e0"), "ole2"),
    (b"%PDF", "pdf"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
_HTML = re.compile(rb"^\s*(<!doctype html|<html|<table|<\?xml[^>]*>\s*<html)", re.IGNORECASE)
# Bytes no text file holds: C0 controls but tab, line feed, form feed, carriage return and Ctrl-Z (an old end mark).
_CONTROL_BYTES = bytes(b for b in range(0x20) if b not in (0x09, 0x0A, 0x0C, 0x0D, 0x1A))


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    replaced_bytes: int  # bytes that were not valid in the chosen encoding (replaced by '�')
    first_replaced_line: int | None


def sniff(head: bytes) -> str:
    """What the first bytes of a file show: 'zip' (XLSX), 'parquet', 'ole2' (Excel 97-2003, or an XLSX with a
    password), 'pdf', 'html', 'utf-16', 'binary', or 'text'."""
    if head.startswith(b"\xef\xbb\xbf"):
        return "text"
    for signature, kind in _SIGNATURES:
        if head.startswith(signature):
            return kind
    if not head:
        return "text"
    nuls = head.count(b"\x00")
    if nuls * 4 >= len(head):
        # UTF-16 without a BOM: every other byte of Latin text is a NUL, on the same side.
        even, odd = head[0::2].count(b"\x00"), head[1::2].count(b"\x00")
        return "utf-16" if max(even, odd) >= 0.8 * (len(head) // 2) and min(even, odd) == 0 else "binary"
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    if controls > max(16, len(head) // 100):
        return "binary"  # more than 1 % of control bytes: an image, an archive, a program
    if _HTML.match(head):
        return "html"
    return "text"


def first_long_line(data: bytes, limit: int) -> tuple[int, int] | None:
    """(line number, length in bytes) of the first line longer than `limit`, or None.

    Costs next to nothing on a file of short lines: a line longer than `limit` covers a whole block of
    `limit // 2` aligned bytes, so only blocks without a line feed are looked at more closely.
    """
    block = max(1, limit // 2)
    start = 0
    while start + block <= len(data):
        if data.find(b"\n", start, start + block) >= 0:
            start += block
            continue
        begin = data.rfind(b"\n", 0, start) + 1
        end = data.find(b"\n", start + block)
        end = len(data) if end < 0 else end
        if end - begin > limit:
            return data.count(b"\n", 0, begin) + 1, end - begin
        start = (end // block + 1) * block
    return None


def decode(data: bytes, encoding: str | None = None) -> Decoded:
    """Decode with the given encoding, or the one the bytes show: UTF-8 (BOM or not), cp1252 or ISO-8859-15.

    A file that is UTF-8 except for a few stray bytes (a label typed in another tool) stays UTF-8:
    the stray bytes are replaced and reported rather than turning every accent into mojibake.
    """
    if encoding:
        text = data.decode(encoding, errors="replace")
        return _decoded(text, encoding)
    if data.startswith(b"\xef\xbb\xbf"):
        return _decoded(data[3:].decode("utf-8", errors="replace"), "utf-8-sig")
    try:
        return Decoded(data.decode("utf-8"), "utf-8", 0, None)
    except UnicodeDecodeError:
        pass
    sample = data[: 4 << 20]  # the first megabytes tell the encoding as well as the whole file
    utf8_bytes = sum(len(m) for m in _UTF8_SEQUENCE.findall(sample))
    high_bytes = len(_HIGH_BYTE.findall(sample))
    if utf8_bytes and utf8_bytes >= 0.8 * high_bytes:
        return _decoded(data.decode("utf-8", errors="replace"), "utf-8")
    if not _CP1252_ONLY.search(sample) and _LATIN9_LETTERS.search(sample):
        return Decoded(data.decode("iso-8859-15"), "iso-8859-15", 0, None)
    return _decoded(data.decode("cp1252", errors="replace"), "cp1252")


def _decoded(text: str, encoding: str) -> Decoded:
    replaced = text.count("\ufffd")
    first_line = text[: text.index("\ufffd")].count("\n") + 1 if replaced else None
    return Decoded(text, encoding, replaced, first_line)


def _field_counts(sample: str, separator: str) -> list[int]:
    reader = csv.reader(io.StringIO(sample), delimiter=separator, quotechar='"')
    counts = []
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                counts.append(len(row))
    except csv.Error:
        return []
    return counts


def head_lines(text: str, count: int) -> list[str]:
    """`text.splitlines()[:count]` without splitting a whole 100 MB export to look at its first lines."""
    size = 1 << 16
    while size < len(text):
        lines = text[:size].splitlines()
        # Two lines beyond those wanted: a cut inside the last one or inside a "\r\n" changes nothing before.
        if len(lines) >= count + 2:
            return lines[:count]
        size *= 4
    return text.splitlines()[:count]


def detect_separator(text: str) -> str:
    """The separator that splits the first lines into the same number (> 1) of fields most consistently."""
    lines = head_lines(text, 50)
    if lines and len(lines) == 50 and text.count("\n") > 50:
        lines = lines[:-1]  # the last sampled line may be cut inside a quoted field
    sample = "\n".join(lines)
    best, best_score = ",", (-1.0, 0)
    for separator in SEPARATORS:
        counts = _field_counts(sample, separator)
        if not counts or counts[0] < 2:
            continue
        header = counts[0]
        # A trailing separator on data lines only adds one empty field: still consistent.
        consistent = sum(1 for c in counts if c in (header, header + 1)) / len(counts)
        score = (consistent, header)
        if score > best_score:
            best, best_score = separator, score
    return best
