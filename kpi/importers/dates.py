"""Dates written as text (JJ/MM/AAAA, AAAA-MM-JJ, AAAAMMJJ, M/D/YYYY) parsed to date32, column by column.

Day/month order is decided for each column from its own values (25/12/2023 is day first,
12/25/2023 month first); a column whose values could be read both ways takes the order of the
file's other date columns; columns that disagree (« Date facture » day first, « Date règlement »
month first) are refused with both named, as is a file where no value tells — the user then
chooses the order of the whole file (`dayfirst`).  Components are extracted with Arrow regex
kernels and checked with numpy, so 30/02 is refused instead of silently rolled over to March.
A date may carry a time (« 2024-01-31 00:00:00 », « 31/01/2024 10:30 »), never other text.
A column written only as AAAA-MM-JJ (Parquet dates, most large exports) is recognised in one pass
and cast; any other goes through the full rules.

Two-digit years are read in the window 1970–2069 (« 31/12/99 » is 1999, « 05/03/26 » 2026), and
a date so read is refused when it lies more than 20 years from the median of every date of its
file: « 15/03/69 » among 2026 invoices would be 2069, a typo rather than a date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kpi.text.messages import Message

# A time after the date (what spreadsheets and databases add), never any other text.
_TIME = r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:\s?(?:Z|UTC|[+-]\d{2}:?\d{2}))?)?"
_YEAR_FIRST = rf"^(?P<y>\d{{4}})[-/.](?P<m>\d{{1,2}})[-/.](?P<d>\d{{1,2}}){_TIME}$"
_COMPACT = r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$"
_SLASHED = rf"^(?P<a>\d{{1,2}})[-/.](?P<b>\d{{1,2}})[-/.](?P<y>\d{{4}}|\d{{2}}){_TIME}$"
# A date followed by something else, to say so rather than « illisible ».
_DATE_THEN_TEXT = re.compile(r"^(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.](?:\d{4}|\d{2})|\d{8})(\D.*)$")
_ISO = r"^\d{4}-\d{2}-\d{2}$"
# JJ/MM/AAAA or MM/JJ/AAAA written on two digits: sliced by position rather than by regex groups.
_FIXED_SLASHED = r"^\d{2}[-/.]\d{2}[-/.]\d{4}$"

DAYFIRST_LABEL = Message("dates.format.dayfirst")
MONTHFIRST_LABEL = Message("dates.format.monthfirst")
YEAR_FIRST_LABEL = Message("dates.format.year_first")
# What the user can do when the day/month order is in doubt (message `dates.day_order_choice`) is said in
# words that fit the command line and the app.
DAY_ORDER = "day_order"  # the remedy of such an issue: a choice of order for the file

# Two-digit years: 70–99 are 1970–1999, 00–69 are 2000–2069.
SHORT_YEAR_PIVOT = 70
SHORT_YEAR_WINDOW = "1970–2069"
# A two-digit year this far from the median of its file's dates is a typo, not a date.
SHORT_YEAR_SPREAD_YEARS = 20


class DateError(ValueError):
    """A date that cannot be read; `column` and `index` locate it, `reason` (a Message) says why."""

    def __init__(
        self, column: str, index: int, value: str, reason: Message, ambiguous: bool = False, remedy: str | None = None
    ):
        super().__init__(reason)
        self.column = column
        self.index = index
        self.value = value
        self.reason = reason
        self.ambiguous = ambiguous  # readable both ways: the day/month order must come from elsewhere
        self.remedy = remedy  # DAY_ORDER when choosing the file's day/month order settles it


@dataclass(frozen=True)
class DateColumn:
    """A parsed column and where its year was written on two digits (None: nowhere)."""

    values: pa.Array  # date32
    short_year: np.ndarray | None = None


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
    years: dict[str, Any] = pc.min_max(pc.year(values)).as_py() if len(values) else {"min": None}
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
    offsets = np.frombuffer(text.buffers()[1], dtype=np.int32)[text.offset : text.offset + len(text)]
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


def _column_evidence(name: str, raw: pa.Array) -> tuple[tuple | None, tuple | None, tuple | None] | None:
    """(day-first evidence, month-first evidence, a value readable both ways) of one column, each as
    (column, index, value) or None; None when no value is written day and month first."""
    if _iso_column(raw) is not None:
        return None  # year first: says nothing about day/month order
    pieces = _pieces(raw)
    if pieces.slashed is None:
        return None
    s = pieces.slashed
    found = []
    for index in (
        np.flatnonzero(s["matched"] & (s["a"] > 12) & (s["b"] <= 12)),
        np.flatnonzero(s["matched"] & (s["b"] > 12) & (s["a"] <= 12)),
        np.flatnonzero(s["matched"] & (s["a"] != s["b"]) & (s["a"] <= 12) & (s["b"] <= 12)),
    ):
        found.append((name, int(index[0]), pieces.text[int(index[0])].as_py()) if len(index) else None)
    return found[0], found[1], found[2]


def decide_day_order(columns: dict[str, pa.Array], dayfirst: bool | None) -> DateFormats:
    """The day/month order of a file's date columns, each read from its own values, or raise DateError.

    `dayfirst` given by the user wins.  Otherwise every column that tells must tell the same; a
    column that tells nothing takes the others' order; if none tells and a value reads both ways,
    the user is asked."""
    if dayfirst is not None:
        return DateFormats(dayfirst, DAYFIRST_LABEL if dayfirst else MONTHFIRST_LABEL)
    day_columns, month_columns = [], []
    undecided = None
    slashed_seen = False
    for name, raw in columns.items():
        evidence = _column_evidence(name, raw)
        if evidence is None:
            continue
        slashed_seen = True
        day, month, both_ways = evidence
        if day and month:
            later = month if month[1] > day[1] else day
            raise DateError(
                name, later[1], later[2], Message("dates.inconsistent_order", day_value=day[2], month_value=month[2])
            )
        if day:
            day_columns.append(day)
        if month:
            month_columns.append(month)
        if both_ways and undecided is None:
            undecided = both_ways
    if day_columns and month_columns:
        # The odd one out is named (the month-first side on a tie, as exports are mostly French).
        odd, usual = (
            (month_columns, day_columns) if len(month_columns) <= len(day_columns) else (day_columns, month_columns)
        )
        name, index, value = odd[0]
        month_day, day_month = Message("dates.order.month_day"), Message("dates.order.day_month")
        odd_order, usual_order = (month_day, day_month) if odd is month_columns else (day_month, month_day)
        raise DateError(
            name,
            index,
            value,
            Message(
                "dates.orders_differ",
                usual_column=usual[0][0],
                usual_order=usual_order,
                usual_value=usual[0][2],
                column=name,
                odd_order=odd_order,
                value=value,
                choice=Message("dates.day_order_choice"),
            ),
            remedy=DAY_ORDER,
        )
    if day_columns:
        return DateFormats(True, DAYFIRST_LABEL)
    if month_columns:
        return DateFormats(False, MONTHFIRST_LABEL)
    if undecided:
        name, index, value = undecided
        raise DateError(
            name,
            index,
            value,
            Message("dates.ambiguous", value=value, choice=Message("dates.day_order_choice")),
            ambiguous=True,
            remedy=DAY_ORDER,
        )
    if slashed_seen:
        return DateFormats(True, DAYFIRST_LABEL)
    return DateFormats(None, YEAR_FIRST_LABEL)


def parse_dates(name: str, raw: pa.Array, formats: DateFormats) -> pa.Array:
    """Parse one column to date32 (null where empty); raise DateError on the first unreadable value."""
    return read_dates(name, raw, formats).values


def _unreadable_reason(value: str) -> Message:
    trailing = _DATE_THEN_TEXT.match(value)
    if trailing:
        return Message("dates.followed_by_text", text=trailing.group(2).strip())
    return Message("dates.unreadable")


def read_dates(name: str, raw: pa.Array, formats: DateFormats) -> DateColumn:
    """`parse_dates`, telling also which values had a two-digit year (see `implausible_short_years`)."""
    days = _parse_iso(raw)
    if days is not None:
        return DateColumn(days)
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
    short = None
    if pieces.slashed is not None:
        s = pieces.slashed
        take = s["matched"] & ~readable
        first, second = (s["a"], s["b"]) if formats.dayfirst in (True, None) else (s["b"], s["a"])
        short_year = s["y_digits"] == 2
        full_year = np.where(short_year, np.where(s["y"] < SHORT_YEAR_PIVOT, 2000 + s["y"], 1900 + s["y"]), s["y"])
        year[take], month[take], day[take] = full_year[take], second[take], first[take]
        readable |= take
        short = take & short_year
        short = short if short.any() else None
    unreadable = np.flatnonzero(~readable & ~pieces.empty)
    if len(unreadable):
        index = int(unreadable[0])
        value = pieces.text[index].as_py()
        raise DateError(name, index, value, _unreadable_reason(value))
    bad_month = readable & ((month < 1) | (month > 12))
    bad_day = readable & ((day < 1) | (day > _days_in_month(year, month)))
    invalid = np.flatnonzero(bad_month | bad_day)
    if len(invalid):
        index = int(invalid[0])
        raise DateError(
            name, index, pieces.text[index].as_py(), Message("dates.impossible", formats=formats.description)
        )
    implausible = np.flatnonzero(readable & ((year < 1900) | (year > 2199)))
    if len(implausible):
        index = int(implausible[0])
        raise DateError(name, index, pieces.text[index].as_py(), Message("dates.implausible_year"))
    days = _days_from_civil(year, month, day).astype(np.int32)
    return DateColumn(pa.array(days, pa.int32(), mask=~readable).cast(pa.date32()), short)


def implausible_short_years(columns: dict[str, tuple[pa.Array | None, DateColumn]]) -> DateError | None:
    """The first two-digit-year date lying more than SHORT_YEAR_SPREAD_YEARS from the median of every date of
    the file, as a DateError (None when there is none).  `columns`: header -> (raw text, at least where a
    year has two digits; parsed column)."""
    if not any(parsed.short_year is not None for _, parsed in columns.values()):
        return None
    every_day = np.concatenate(
        [
            np.asarray(parsed.values.cast(pa.int32()).drop_null().to_numpy(zero_copy_only=False), dtype=np.int64)
            for _, parsed in columns.values()
        ]
    )
    if not len(every_day):
        return None
    median = int(np.median(every_day))
    spread = SHORT_YEAR_SPREAD_YEARS * 36525 // 100
    for name, (raw, parsed) in columns.items():
        if parsed.short_year is None or raw is None:  # the raw text comes with every two-digit year
            continue
        days = np.asarray(
            parsed.values.cast(pa.int32()).fill_null(median).to_numpy(zero_copy_only=False), dtype=np.int64
        )
        far = np.flatnonzero(parsed.short_year & (np.abs(days - median) > spread))
        if len(far):
            index = int(far[0])
            read_as = parsed.values[index].as_py()
            typical = (np.datetime64(median, "D").astype(object)).year
            return DateError(
                name,
                index,
                pc.utf8_trim_whitespace(raw[index : index + 1])[0].as_py(),
                Message(
                    "dates.implausible_short_year",
                    year=read_as.year,
                    window=SHORT_YEAR_WINDOW,
                    count=abs(read_as.year - typical),
                    typical=typical,
                ),
            )
    return None
