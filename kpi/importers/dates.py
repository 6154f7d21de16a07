"""Dates written as text (JJ/MM/AAAA, AAAA-MM-JJ, AAAAMMJJ, M/D/YYYY) parsed to date32, column by column.

Day/month order is decided once for a file from all its date columns: a value such as
25/12/2023 settles it; when every value could be read both ways the user must say which.
Components are extracted with Arrow regex kernels and checked with numpy, so 30/02 is refused
instead of silently rolled over to March.  A column written only as AAAA-MM-JJ (Parquet dates,
most large exports) is recognised in one pass and cast; any other goes through the full rules.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

EXPECTED_DATE = "attendu une date comme 31/12/2024 ou 2024-12-31"

_YEAR_FIRST = r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?:[T ].*)?$"
_COMPACT = r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$"
_SLASHED = r"^(?P<a>\d{1,2})[-/.](?P<b>\d{1,2})[-/.](?P<y>\d{4}|\d{2})(?:[T ].*)?$"
_ISO = r"^\d{4}-\d{2}-\d{2}$"
# JJ/MM/AAAA or MM/JJ/AAAA written on two digits: sliced by position rather than by regex groups.
_FIXED_SLASHED = r"^\d{2}[-/.]\d{2}[-/.]\d{4}$"

DAYFIRST_LABEL = "JJ/MM/AAAA"
MONTHFIRST_LABEL = "MM/JJ/AAAA"


class DateError(ValueError):
    """A date that cannot be read; `column` and `index` locate it, `reason` says why in French."""

    def __init__(self, column: str, index: int, value: str, reason: str, ambiguous: bool = False):
        super().__init__(reason)
        self.column = column
        self.index = index
        self.value = value
        self.reason = reason
        self.ambiguous = ambiguous  # readable both ways: the day/month order must come from elsewhere


@dataclass(frozen=True)
class DateFormats:
    """How the dates of a file were read (shown by `inspect`)."""

    dayfirst: bool | None  # None when no value was written day/month or month/day
    description: str


def _iso_column(raw: pa.Array) -> tuple[pa.Array, pa.Array] | None:
    """(text, empty cells) when every cell is empty or AAAA-MM-JJ, else None."""
    text = pc.fill_null(pc.cast(raw, pa.string()), "")
    empty = pc.equal(text, "")
    if not pc.all(pc.or_(empty, pc.match_substring_regex(text, _ISO))).as_py():
        return None
    return text, empty


def _parse_iso(raw: pa.Array) -> pa.Array | None:
    """The column cast at once when it is plain AAAA-MM-JJ and every date is valid and plausible, else None."""
    iso = _iso_column(raw)
    if iso is None:
        return None
    text, empty = iso
    try:
        days = pc.cast(pc.if_else(empty, pa.scalar(None, pa.string()), text), pa.date32())
    except pa.ArrowInvalid:
        return None  # 2024-02-30: the full rules name it
    years = pc.min_max(pc.year(days)).as_py()
    if years["min"] is not None and (years["min"] < 1900 or years["max"] > 2199):
        return None
    return days


def typed_dates(values: pa.Array) -> pa.Array | None:
    """A Parquet date column as it is, when all its years are plausible; None lets the text route name the first
    that is not."""
    years = pc.min_max(pc.year(values)).as_py() if len(values) else {"min": None}
    if years["min"] is not None and (years["min"] < 1900 or years["max"] > 2199):
        return None
    return values


def _extract(text: pa.Array, pattern: str, names: tuple[str, ...]) -> dict[str, np.ndarray] | None:
    matched = pc.fill_null(pc.match_substring_regex(text, pattern), False)
    if not pc.any(matched).as_py():
        return None
    parts = pc.extract_regex(pc.if_else(matched, text, pa.scalar("", pa.string())), pattern)
    result = {"matched": np.asarray(matched.to_numpy(zero_copy_only=False), dtype=bool)}
    for name in names:
        field = pc.struct_field(parts, name)
        number = pc.cast(pc.fill_null(pc.if_else(matched, field, "0"), "0"), pa.int64())
        result[name] = number.to_numpy(zero_copy_only=False)
        result[name + "_digits"] = pc.utf8_length(pc.fill_null(field, "")).to_numpy(zero_copy_only=False)
    return result


def _days_from_civil(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    # Howard Hinnant's algorithm: days since 1970-01-01 for the proleptic Gregorian calendar.
    year = year - (month <= 2)
    era = np.floor_divide(year, 400)
    year_of_era = year - era * 400
    day_of_year = (153 * (month + np.where(month > 2, -3, 9)) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146097 + day_of_era - 719468


def _days_in_month(year: np.ndarray, month: np.ndarray) -> np.ndarray:
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    lengths = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31, 31])
    base = lengths[np.clip(month, 1, 12) - 1]
    return base + ((month == 2) & leap)


@dataclass(frozen=True)
class _Pieces:
    text: pa.Array
    empty: np.ndarray
    year_first: dict | None
    compact: dict | None
    slashed: dict | None


def _fixed_slashed(text: pa.Array, empty: pa.Array) -> dict[str, np.ndarray] | None:
    """What `_extract(text, _SLASHED, …)` gives, for a column whose every value is empty or 31/12/2024."""
    if not pc.all(pc.or_(empty, pc.match_substring_regex(text, _FIXED_SLASHED))).as_py():
        return None
    matched = np.asarray(pc.invert(empty).to_numpy(zero_copy_only=False), dtype=bool)
    # Every value is ten ASCII characters at a known offset: the digits are read from the bytes themselves.
    offsets = np.frombuffer(text.buffers()[1], dtype=np.int32)[text.offset:text.offset + len(text)]
    data = np.frombuffer(text.buffers()[2], dtype=np.uint8)
    starts = np.where(matched, offsets, 0)
    result = {"matched": matched}
    for name, start, stop in (("a", 0, 2), ("b", 3, 5), ("y", 6, 10)):
        number = np.zeros(len(text), dtype=np.int64)
        for position in range(start, stop):
            number = number * 10 + (data[starts + position].astype(np.int64) - ord("0"))
        result[name] = np.where(matched, number, 0)
        result[name + "_digits"] = np.where(matched, stop - start, 0)
    return result


def _pieces(raw: pa.Array) -> _Pieces:
    text = pc.utf8_trim_whitespace(pc.fill_null(pc.cast(raw, pa.string()), ""))
    empty_text = pc.equal(text, "")
    empty = np.asarray(empty_text.to_numpy(zero_copy_only=False), dtype=bool)
    if not empty.all() and text.type == pa.string() and isinstance(text, pa.Array):
        slashed = _fixed_slashed(text, empty_text)
        if slashed is not None:
            # Two digits first: neither AAAA-MM-JJ nor AAAAMMJJ can match.
            return _Pieces(text, empty, None, None, slashed)
    return _Pieces(
        text,
        empty,
        _extract(text, _YEAR_FIRST, ("y", "m", "d")),
        _extract(text, _COMPACT, ("y", "m", "d")),
        _extract(text, _SLASHED, ("a", "b", "y")),
    )


def decide_day_order(columns: dict[str, pa.Array], dayfirst: bool | None) -> DateFormats:
    """Read the day/month order from every date column of a file, or raise DateError asking for it."""
    evidence_dayfirst = evidence_monthfirst = None
    undecided = None
    slashed_seen = False
    for name, raw in columns.items():
        if _iso_column(raw) is not None:
            continue  # year first: says nothing about day/month order
        pieces = _pieces(raw)
        if pieces.slashed is None:
            continue
        slashed_seen = True
        s = pieces.slashed
        for flag, index in (("day", np.flatnonzero(s["matched"] & (s["a"] > 12) & (s["b"] <= 12))),
                            ("month", np.flatnonzero(s["matched"] & (s["b"] > 12) & (s["a"] <= 12)))):
            if len(index):
                found = (name, int(index[0]), pieces.text[int(index[0])].as_py())
                if flag == "day" and evidence_dayfirst is None:
                    evidence_dayfirst = found
                if flag == "month" and evidence_monthfirst is None:
                    evidence_monthfirst = found
        swappable = np.flatnonzero(s["matched"] & (s["a"] != s["b"]) & (s["a"] <= 12) & (s["b"] <= 12))
        if len(swappable) and undecided is None:
            undecided = (name, int(swappable[0]), pieces.text[int(swappable[0])].as_py())
    if dayfirst is not None:
        return DateFormats(dayfirst, DAYFIRST_LABEL if dayfirst else MONTHFIRST_LABEL)
    if evidence_dayfirst and evidence_monthfirst:
        name, index, value = evidence_monthfirst
        raise DateError(name, index, value,
                        f"ordre jour/mois incohérent dans le fichier (« {evidence_dayfirst[2]} » est au format "
                        f"JJ/MM, « {value} » au format MM/JJ)")
    if evidence_dayfirst:
        return DateFormats(True, DAYFIRST_LABEL)
    if evidence_monthfirst:
        return DateFormats(False, MONTHFIRST_LABEL)
    if undecided:
        name, index, value = undecided
        raise DateError(name, index, value,
                        f"date ambiguë : « {value} » peut se lire jour/mois ou mois/jour et aucune date du "
                        "fichier ne tranche — précisez --dayfirst (JJ/MM/AAAA) ou --monthfirst (MM/JJ/AAAA)",
                        ambiguous=True)
    if slashed_seen:
        return DateFormats(True, DAYFIRST_LABEL)
    return DateFormats(None, "AAAA-MM-JJ")


def parse_dates(name: str, raw: pa.Array, formats: DateFormats) -> pa.Array:
    """Parse one column to date32 (null where empty); raise DateError on the first unreadable value."""
    days = _parse_iso(raw)
    if days is not None:
        return days
    pieces = _pieces(raw)
    n = len(pieces.text)
    year = np.zeros(n, dtype=np.int64)
    month = np.zeros(n, dtype=np.int64)
    day = np.zeros(n, dtype=np.int64)
    readable = np.zeros(n, dtype=bool)
    for found in (pieces.year_first, pieces.compact):
        if found is not None:
            take = found["matched"] & ~readable
            year[take], month[take], day[take] = found["y"][take], found["m"][take], found["d"][take]
            readable |= take
    if pieces.slashed is not None:
        s = pieces.slashed
        take = s["matched"] & ~readable
        first, second = (s["a"], s["b"]) if formats.dayfirst in (True, None) else (s["b"], s["a"])
        short_year = s["y_digits"] == 2
        full_year = np.where(short_year, np.where(s["y"] < 70, 2000 + s["y"], 1900 + s["y"]), s["y"])
        year[take], month[take], day[take] = full_year[take], second[take], first[take]
        readable |= take
    unreadable = np.flatnonzero(~readable & ~pieces.empty)
    if len(unreadable):
        index = int(unreadable[0])
        raise DateError(name, index, pieces.text[index].as_py(), f"date illisible — {EXPECTED_DATE}")
    bad_month = readable & ((month < 1) | (month > 12))
    bad_day = readable & ((day < 1) | (day > _days_in_month(year, month)))
    invalid = np.flatnonzero(bad_month | bad_day)
    if len(invalid):
        index = int(invalid[0])
        raise DateError(name, index, pieces.text[index].as_py(),
                        f"date impossible (jour ou mois hors calendrier, lu comme {formats.description})")
    implausible = np.flatnonzero(readable & ((year < 1900) | (year > 2199)))
    if len(implausible):
        index = int(implausible[0])
        raise DateError(name, index, pieces.text[index].as_py(), "année invraisemblable — attendu entre 1900 et 2199")
    days = _days_from_civil(year, month, day).astype(np.int32)
    return pa.array(days, pa.int32(), mask=~readable).cast(pa.date32())
