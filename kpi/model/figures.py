"""How figures are written in the JSON outputs of the command line: money as a number of euros to the cent (half up),
a day as ISO text."""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CENT = Decimal("0.01")


def json_money(amount: Decimal) -> float:
    """Money as the JSON outputs write it: euros to the cent as a number."""
    return float(amount.quantize(CENT, rounding=ROUND_HALF_UP))


def json_date(day: date | None) -> str | None:
    """A day as the JSON outputs write it (YYYY-MM-DD), None as null."""
    return None if day is None else day.isoformat()


def json_value(value: object) -> object:
    """A value as the JSON outputs write it: money (Decimal) by `json_money`, a day by `json_date`, the rest as is."""
    if isinstance(value, Decimal):
        return json_money(value)
    if isinstance(value, date):
        return json_date(value)
    return value


def json_record(record: Any) -> dict[str, Any]:
    """A dataclass row as the JSON outputs write it: every field, in their declared order, by `json_value`."""
    return {field.name: json_value(getattr(record, field.name)) for field in fields(record)}
