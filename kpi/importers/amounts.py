"""Money written as text (« 1 234,56 € », « (12,50) », « 12.50- ») parsed exactly to decimal128(18,2).

The whole column is parsed with Arrow string kernels; Python only looks at single values
to name the first one that cannot be read.  No value ever goes through a binary float.
A column already written plainly (-1234.5, 1 234,56: Parquet decimals and most large exports) is
recognised in one pass and cast; any other goes through the full rules.

A currency sign or code (€, EUR, $, CHF…) is read only at either end of a value, and only when it is
the currency of the import (the file's currency column, else the workspace's, else EUR): « 250,00 CHF »
in a euro import is refused, never stored as euros.  Letters or signs between digits (« 12EUR34,00 »,
« 1€2€3,45 ») make the value unreadable: nothing inside a number is ever dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from kpi.model.canonical import MONEY
from kpi.text.messages import Message

# Characters people put inside numbers to group thousands: spaces of every kind and apostrophes.
_GROUPING = "[ \u00a0\u202f\u2009'\u2019]"
# ISO codes people write next to amounts; a code not listed here is just letters (« montant illisible »).
_CODES = (
    "EUR",
    "USD",
    "GBP",
    "CHF",
    "JPY",
    "CNY",
    "CAD",
    "AUD",
    "NZD",
    "HKD",
    "SGD",
    "SEK",
    "NOK",
    "DKK",
    "ISK",
    "PLN",
    "CZK",
    "HUF",
    "RON",
    "BGN",
    "RUB",
    "UAH",
    "TRY",
    "ILS",
    "INR",
    "BRL",
    "ARS",
    "MXN",
    "ZAR",
    "MAD",
    "TND",
    "DZD",
    "XOF",
    "XAF",
    "XPF",
    "AED",
    "SAR",
    "QAR",
    "KRW",
    "THB",
)
# A currency token: any currency sign (Unicode category Sc: € $ £ ¥ ₣…), « US$ », « euro(s) » or a code.
_TOKEN = r"(?:(?i:us\$|c\$|a\$|euros?|" + "|".join(_CODES) + r")\b|\p{Sc})"
_LEADING_TOKEN = rf"^[(+\-\s]*(?P<currency>{_TOKEN})"
_TRAILING_TOKEN = rf"(?P<currency>{_TOKEN})[)\-\s]*$"
# What each sign stands for; a code stands for itself.
_SIGN_CURRENCIES = {
    "€": {"EUR"},
    "EURO": {"EUR"},
    "EUROS": {"EUR"},
    "$": {"USD", "CAD", "AUD", "NZD", "HKD", "SGD", "MXN", "ARS"},
    "US$": {"USD"},
    "C$": {"CAD"},
    "A$": {"AUD"},
    "£": {"GBP"},
    "¥": {"JPY", "CNY"},
    "₣": {"CHF"},
    "₹": {"INR"},
    "₽": {"RUB"},
    "₺": {"TRY"},
    "₪": {"ILS"},
    "₩": {"KRW"},
    "฿": {"THB"},
    "₴": {"UAH"},
}
DEFAULT_CURRENCY = "EUR"
_NEGATIVE_FORMS = (r"^\((.*)\)$", r"^(.*)-$", r"^-(.*)$")
# More whole digits than MONEY holds: Arrow's cast refuses some such values but reads others (300 digits) as 0.00.
_TOO_BIG = r"^-?0*[1-9]\d{16,}"
_PLAIN = rf"^-?(?:\d{{1,3}}(?:{_GROUPING}\d{{3}})+|\d+)(?:[.,]\d{{1,2}})?$"


class AmountError(ValueError):
    """A value of the column that is not money; `index` is its position in the column."""

    def __init__(self, index: int, value: str, reason: Message):
        super().__init__(reason)
        self.index = index
        self.value = value
        self.reason = reason


@dataclass(frozen=True)
class AmountColumn:
    """The parsed column and how it was read (shown by `inspect`)."""

    values: pa.Array  # decimal128(18,2), null where the cell was empty
    decimal_mark: str | None


def _currency_tokens(text: pa.Array) -> tuple[pa.Array, pa.Array]:
    """The currency token at the start and at the end of each value (null where none)."""
    return tuple(
        pc.struct_field(pc.extract_regex(text, pattern), "currency") for pattern in (_LEADING_TOKEN, _TRAILING_TOKEN)
    )


def _strip_tokens(text: pa.Array) -> pa.Array:
    text = pc.replace_substring_regex(text, rf"^([(+\-\s]*){_TOKEN}\s*", r"\1")
    return pc.utf8_trim_whitespace(pc.replace_substring_regex(text, rf"\s*{_TOKEN}([)\-\s]*)$", r"\1"))


def currency_of_token(token: str) -> set[str]:
    """The currencies a sign or code may stand for (« $ » is any dollar)."""
    key = token.strip().upper()
    return _SIGN_CURRENCIES.get(key) or _SIGN_CURRENCIES.get(token.strip()) or {key}


def strip_decoration(text: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Remove currency tokens at either end, spaces and sign notations; return (digits and marks, is_negative)."""
    text = pc.utf8_trim_whitespace(text)
    text = _strip_tokens(text)
    negative = pa.array([False] * len(text)) if len(text) else pa.array([], pa.bool_())
    for pattern in _NEGATIVE_FORMS:
        matches = pc.fill_null(pc.match_substring_regex(text, pattern), False)
        negative = pc.or_(negative, matches)
        text = pc.replace_substring_regex(text, pattern, r"\1")
    text = pc.utf8_trim_whitespace(pc.replace_substring_regex(text, r"^\+", ""))
    # Grouping spaces become '_' so that the grouping rule below can check where they stand.
    text = pc.replace_substring_regex(text, _GROUPING, "_")
    return text, negative


def _any(mask: pa.Array) -> bool:
    return bool(pc.any(pc.fill_null(mask, False)).as_py() or False)


def detect_decimal_mark(text: pa.Array) -> str | None:
    """',' or '.' from the column's own evidence, None when no value tells (integers, '1,234').

    A mark followed by one or two digits at the end, or the last of two different marks,
    is the decimal mark; a lone mark followed by exactly three digits may be grouping.
    """
    evidence = {}
    for mark, other in ((",", "."), (".", ",")):
        m, o = "\\" + mark, "\\" + other
        short_tail = pc.match_substring_regex(text, rf"{m}\d{{1,2}}$")
        last_of_both = pc.match_substring_regex(text, rf"{o}.*{m}\d*$")
        long_tail = pc.match_substring_regex(text, rf"^[\d_]*{m}\d{{4,}}$")
        twice_other = pc.match_substring_regex(text, rf"{o}\d{{3}}{o}")
        evidence[mark] = _any(short_tail) or _any(last_of_both) or _any(long_tail) or _any(twice_other)
    if evidence[","] and not evidence["."]:
        return ","
    if evidence["."] and not evidence[","]:
        return "."
    if evidence[","] and evidence["."]:
        return "mixed"
    return None


def _plain_column(raw: pa.Array) -> tuple[pa.Array, str | None] | None:
    """(empty cells, the decimal mark the values show) when every cell is empty or plain, else None.

    Plain: an optional '-', digits perhaps grouped by three with spaces or apostrophes, and one or two
    decimals after a ',' or a '.' used alike by the whole column.
    """
    raw = pc.fill_null(raw, "")
    empty = pc.equal(raw, "")
    if not pc.all(pc.or_(empty, pc.match_substring_regex(raw, _PLAIN))).as_py():
        return None
    comma, point = (bool(pc.any(pc.match_substring(raw, mark)).as_py()) for mark in (",", "."))
    if comma and point:
        return None  # both marks: the full rules say which value mixes them
    return empty, "," if comma else "." if point else None


def column_decimal_mark(raw: pa.Array) -> str | None:
    """`detect_decimal_mark` of a raw text column, without the decoration passes when it is plain."""
    raw = pc.cast(raw, pa.string())
    plain = _plain_column(raw)
    if plain is not None:
        # A mark followed by one or two digits at the end is the evidence the full rules look for.
        return plain[1]
    text, _ = strip_decoration(raw)
    return detect_decimal_mark(text)


def _parse_plain(raw: pa.Array, decimal_mark: str | None) -> AmountColumn | None:
    """The column cast at once when the full rules would read it the same way, else None."""
    plain = _plain_column(raw)
    if plain is None:
        return None
    empty, shown = plain
    if shown is not None and decimal_mark not in (None, shown):
        return None  # '12.50' under a decimal comma: the full rules name the value they refuse
    text = pc.if_else(empty, pa.scalar(None, pa.string()), pc.fill_null(raw, ""))
    if pc.any(pc.match_substring_regex(text, _GROUPING)).as_py():
        text = pc.replace_substring_regex(text, _GROUPING, "")
    if shown == ",":
        text = pc.replace_substring(text, ",", ".")
    if pc.any(pc.match_substring_regex(text, _TOO_BIG)).as_py():
        return None  # the full rules name it
    try:
        values = pc.cast(text, MONEY)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None  # too big: the full rules locate it
    # Without a mark in any value the full rules settle on ',' (no value says otherwise).
    return AmountColumn(values, decimal_mark or shown or ",")


def _typed_point(values: pa.Array) -> bool:
    """Whether the column's text (as tables.py writes it) shows a decimal point: decimals with places do."""
    return pa.types.is_decimal(values.type) and values.type.scale > 0 and values.null_count < len(values)


def typed_decimal_mark(values: pa.Array) -> str | None:
    """`column_decimal_mark` of a Parquet integer or decimal column, read from its type."""
    return "." if _typed_point(values) else None


def typed_amounts(values: pa.Array, decimal_mark: str | None) -> AmountColumn | None:
    """What `parse_amounts` gives the text of a Parquet integer or decimal column (scale ≤ 2), by a cast;
    None when the text route must speak (a decimal comma forced on decimals, a value too big)."""
    point = _typed_point(values)
    if point and decimal_mark not in (None, "."):
        return None
    try:
        money = pc.cast(values, MONEY)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    return AmountColumn(money, decimal_mark or ("." if point else ","))


def _first_failing(text: pa.Array, valid: pa.Array) -> int | None:
    invalid = pc.invert(pc.fill_null(valid, False))
    indices = pc.indices_nonzero(invalid)
    return indices[0].as_py() if len(indices) else None


def _check_currency(raw: pa.Array, trimmed: pa.Array, currency: str) -> None:
    """Raise AmountError on the first value whose currency sign or code is not `currency`."""
    for tokens in _currency_tokens(trimmed):
        if tokens.null_count == len(tokens):
            continue
        foreign = [t for t in pc.unique(tokens.drop_null()).to_pylist() if currency not in currency_of_token(t)]
        if foreign:
            index = _first_failing(tokens, pc.invert(pc.is_in(tokens, value_set=pa.array(foreign, pa.string()))))
            assert index is not None  # the foreign tokens are values of the column
            token = tokens[index].as_py()
            raise AmountError(
                index, raw[index].as_py(), Message("amount.foreign_currency", token=token, currency=currency)
            )


def _unreadable_reason(value: str) -> Message:
    """Why a value is not money, naming what stands between its digits when something does."""
    inside = re.search(r"\d([^\d\s.,'’\u00a0\u202f\u2009_]+)\d", value)
    if inside:
        return Message("amount.unreadable_inside", inside=inside.group(1))
    return Message("amount.unreadable")


def parse_amounts(raw: pa.Array, decimal_mark: str | None = None, currency: str | None = None) -> AmountColumn:
    """Parse a text column of money; empty cells become null.  Raises AmountError on the first bad value.

    `decimal_mark` forces ',' or '.'; otherwise it is read from the column, and a column whose
    marks could be either (only values like '1,234') is refused rather than guessed.  `currency`
    (default EUR) is the only currency a sign or code in a value may name.
    """
    raw = pc.cast(raw, pa.string())
    plain = _parse_plain(raw, decimal_mark)
    if plain is not None:
        return plain
    trimmed = pc.utf8_trim_whitespace(pc.fill_null(raw, ""))
    _check_currency(raw, trimmed, (currency or DEFAULT_CURRENCY).upper())
    empty = pc.equal(trimmed, "")
    text, negative = strip_decoration(pc.fill_null(raw, ""))
    mark = decimal_mark or detect_decimal_mark(text)
    if mark == "mixed":
        index = _first_failing(text, pc.invert(pc.match_substring_regex(text, r",\d{1,2}$")))
        assert index is not None  # "mixed": some value has a comma that is not a decimal one
        raise AmountError(index, raw[index].as_py(), Message("amount.mixed_marks"))
    if mark is None:
        index = _first_failing(text, pc.invert(pc.match_substring_regex(text, r"^[\d_]*[.,]\d{3}$")))
        if index is not None:
            raise AmountError(index, raw[index].as_py(), Message("amount.ambiguous_mark"))
        mark = ","
    grouping = "." if mark == "," else ","
    m, g = "\\" + mark, "\\" + grouping
    well_formed = pc.or_(
        pc.match_substring_regex(text, rf"^\d{{1,3}}(?:[_{g}]\d{{3}})*(?:{m}\d+)?$"),
        pc.match_substring_regex(text, rf"^\d*(?:{m}\d+)?$"),
    )
    well_formed = pc.and_(well_formed, pc.match_substring_regex(text, r"\d"))
    index = _first_failing(text, pc.or_(empty, well_formed))
    if index is not None:
        raise AmountError(index, raw[index].as_py(), _unreadable_reason(raw[index].as_py()))
    plain = pc.replace_substring_regex(text, rf"[_{g}]", "")
    plain = pc.replace_substring(plain, mark, ".") if mark != "." else plain
    plain = pc.if_else(negative, pc.binary_join_element_wise("-", plain, ""), plain)
    plain = pc.if_else(empty, pa.scalar(None, pa.string()), plain)
    index = _first_failing(plain, pc.invert(pc.match_substring_regex(pc.fill_null(plain, ""), _TOO_BIG)))
    if index is not None:
        raise AmountError(index, raw[index].as_py(), _cast_reason(plain[index].as_py()))
    try:
        values = pc.cast(plain, MONEY)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        index = _locate_cast_failure(plain)
        raise AmountError(index, raw[index].as_py(), _cast_reason(plain[index].as_py())) from None
    return AmountColumn(values, mark)


def _cast_reason(plain: str) -> Message:
    if "." in plain and len(plain.split(".")[1].rstrip("0")) > 2:
        return Message("amount.too_many_decimals")
    return Message("amount.too_big")


def _locate_cast_failure(plain: pa.Array) -> int:
    # Bisect on chunks so that a million-row column costs a few dozen casts, not a million.
    low, high = 0, len(plain)
    while high - low > 1:
        middle = (low + high) // 2
        try:
            pc.cast(plain.slice(low, middle - low), MONEY)
            low = middle
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            high = middle
    return low
