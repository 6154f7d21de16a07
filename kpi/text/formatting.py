"""Numbers, money, days, percentages and dates written the way a French (or English) reader expects.

French follows CLDR "fr" and the Imprimerie nationale rule that INSEE publications use:
digits grouped by three with a NARROW no-break space (U+202F), a decimal comma, and a
no-break space (U+00A0) between a number and its unit (`1 234,56 €`, `33,0 j`, `12,7 %`),
so a figure never wraps across lines. Minus is the ASCII hyphen-minus, as French Excel
writes it, so a copied figure pastes back as a number. English uses `€1,234.56`,
`33.0 d`, `12.7%`. Undefined values (None: a ratio whose denominator is 0) show as "—".
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import Any

from kpi.text.i18n import translate

GROUP_FR = "\u202f"  # espace fine insécable
UNIT_SPACE_FR = "\u00a0"  # espace insécable
MISSING = "—"

CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "CHF": "CHF"}


def _to_decimal(value) -> Decimal:
    if isinstance(value, Decimal):
        return value
    # str() of a float is its shortest round-tripping form: 0.1 stays 0.1, not 0.1000000000000000055…
    return Decimal(str(value))


def is_missing(value) -> bool:
    """None, NaN, pandas' NA or NaT: a value the data does not have (shown "—" or left empty)."""
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN and NaT compare unequal to themselves
    except TypeError:  # pd.NA refuses bool()
        return True


def finite_or_none(value) -> float | None:
    """A number as float; None when it is missing, NaN or infinite (a ratio over zero)."""
    if is_missing(value):
        return None
    value = float(value)
    return value if value not in (float("inf"), float("-inf")) else None


@cache
def _quantum(decimals: int) -> Decimal:
    return Decimal(1).scaleb(-decimals)  # a quarter of a figure's formatting time when made each call


def format_number(value, lang: str = "fr", decimals: int = 0) -> str:
    """A plain number with grouped thousands: `1 234,5` (fr) or `1,234.5` (en)."""
    if is_missing(value):
        return MISSING
    quantum = _quantum(decimals)
    rounded = _to_decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)  # never "-0,0"
    text = f"{rounded:,.{decimals}f}"  # en form: 1,234.56
    if lang == "fr":
        text = text.replace(",", GROUP_FR).replace(".", ",")
    return text


def format_money(value, lang: str = "fr", currency: str = "EUR", decimals: int = 2, symbol: bool = True) -> str:
    """An amount with its currency: `1 234,56 €` (fr) or `€1,234.56` (en); with symbol=False, the ISO code."""
    if is_missing(value):
        return MISSING
    number = format_number(value, lang, decimals)
    sign = CURRENCY_SYMBOLS.get(currency, currency) if symbol else currency
    if lang == "fr":
        return f"{number}{UNIT_SPACE_FR}{sign}"
    minus, digits = ("-", number[1:]) if number.startswith("-") else ("", number)
    if len(sign) > 1:
        return f"{minus}{sign}{UNIT_SPACE_FR}{digits}"
    return f"{minus}{sign}{digits}"


def format_days(value, lang: str = "fr", decimals: int = 1) -> str:
    """A number of days: `33,0 j` (fr) or `33.0 d` (en)."""
    if is_missing(value):
        return MISSING
    unit = "j" if lang == "fr" else "d"
    return f"{format_number(value, lang, decimals)}{UNIT_SPACE_FR}{unit}"


def format_percent(value, lang: str = "fr", decimals: int = 1) -> str:
    """A percentage already multiplied by 100: `12,7 %` (fr) or `12.7%` (en)."""
    if is_missing(value):
        return MISSING
    space = UNIT_SPACE_FR if lang == "fr" else ""
    return f"{format_number(value, lang, decimals)}{space}%"


def format_ratio(value, lang: str = "fr", decimals: int = 2) -> str:
    """A dimensionless ratio such as AR turnover: `0,96` (fr) or `0.96` (en)."""
    return format_number(value, lang, decimals)


def label_colon(lang: str) -> str:
    """What stands between a label and its value: French puts a space before the colon."""
    return " : " if lang == "fr" else ": "


def format_date(value, lang: str = "fr") -> str:
    """A date: `31/03/2026` in both languages (dd/mm/yyyy is what French and British readers use)."""
    if is_missing(value):
        return MISSING
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if hasattr(value, "date") and not isinstance(value, date):  # pandas Timestamp
        value = value.date()
    return value.strftime("%d/%m/%Y")


# Not strftime's %b, which follows the server's C locale.
_ENGLISH_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def format_day_month(value, lang: str = "fr") -> str:
    """A day without its year, for a short axis label: `02/11` (fr), `2 Nov` (en, whose readers
    may read 11/02 either way)."""
    if is_missing(value):
        return MISSING
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if hasattr(value, "date") and not isinstance(value, date):  # pandas Timestamp
        value = value.date()
    if lang == "fr":
        return value.strftime("%d/%m")
    return f"{value.day} {_ENGLISH_MONTHS[value.month - 1]}"


def format_month(value, lang: str = "fr") -> str:
    """A month as `03/2026`."""
    if is_missing(value):
        return MISSING
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return value.strftime("%m/%Y")


UNIT_FORMATTERS: dict[str, Callable[[Any, str], str]] = {
    "money": format_money,
    "days": format_days,
    "percent": format_percent,
    "ratio": format_ratio,
}


def format_value(value, unit: str, lang: str = "fr", currency: str = "EUR") -> str:
    """Format a KPI value by its unit: 'money', 'days', 'percent' or 'ratio'."""
    if unit == "money":
        return format_money(value, lang, currency)
    return UNIT_FORMATTERS[unit](value, lang)


def _signed(text: str) -> str:
    """ "+" in front of a rise; a value that rounds to zero has no sign."""
    if text == MISSING or text.startswith("-") or not any(ch in "123456789" for ch in text):
        return text
    return "+" + text


def format_change(value, unit: str, lang: str = "fr", currency: str = "EUR", symbol: bool = True) -> str:
    """A change between two periods, "+" in front of a rise. A change of a rate is in points
    (`+2,5 pt`: the rate went from 10 % to 12,5 %), never in %, which would read as a relative change."""
    if unit == "percent":
        if is_missing(value):
            return MISSING
        return _signed(f"{format_number(value, lang, 1)}{UNIT_SPACE_FR}{translate('unit.points', lang)}")
    if unit == "money":
        return _signed(format_money(value, lang, currency, symbol=symbol))
    return _signed(format_value(value, unit, lang, currency))


def csv_decimal(value, decimals: int = 2) -> str:
    """An amount for a French Excel CSV cell: decimal comma, no grouping, so Excel reads a number."""
    if is_missing(value):
        return ""
    quantum = Decimal(1).scaleb(-decimals)
    rounded = _to_decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)
    return f"{rounded:.{decimals}f}".replace(".", ",")


class Formatter:
    """The formatting functions bound to one language and currency display, for a page to call."""

    def __init__(self, lang: str = "fr", currency: str = "EUR", symbol: bool = True, money_decimals: int = 2):
        self.lang = lang
        self.currency = currency
        self.symbol = symbol
        self.money_decimals = money_decimals

    def money(self, value) -> str:
        return format_money(value, self.lang, self.currency, self.money_decimals, self.symbol)

    def days(self, value, decimals: int = 1) -> str:
        return format_days(value, self.lang, decimals)

    def percent(self, value) -> str:
        return format_percent(value, self.lang)

    def ratio(self, value) -> str:
        return format_ratio(value, self.lang)

    def number(self, value, decimals: int = 0) -> str:
        return format_number(value, self.lang, decimals)

    def date(self, value) -> str:
        return format_date(value, self.lang)

    def value(self, value, unit: str) -> str:
        """Format by unit: 'money', 'days', 'percent' or 'ratio'."""
        if unit == "money":
            return self.money(value)
        return format_value(value, unit, self.lang)

    def change(self, value, unit: str) -> str:
        """A change between two periods (format_change): a rate's change in points."""
        if unit == "money":
            return _signed(format_money(value, self.lang, self.currency, self.money_decimals, self.symbol))
        return format_change(value, unit, self.lang, self.currency)

    def signed(self, value, unit: str) -> str:
        """A value that has a direction in itself (a forecast's bias: +4,0 %), "+" in front of a rise."""
        return _signed(self.value(value, unit))
