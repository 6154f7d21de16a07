"""How figures are written in the JSON outputs of the command line: money as a number of euros to the cent (half up),
a day as ISO text."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def json_money(amount: Decimal) -> float:
    """Money as the JSON outputs write it: euros to the cent as a number."""
    return float(amount.quantize(CENT, rounding=ROUND_HALF_UP))


def json_date(day: date | None) -> str | None:
    """A day as the JSON outputs write it (YYYY-MM-DD), None as null."""
    return None if day is None else day.isoformat()
