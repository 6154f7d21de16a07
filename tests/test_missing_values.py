"""One rule for a value the data does not have: None, NaN, pandas' NA and NaT (kpi.text.formatting)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pandas as pd
import pytest

from kpi.text.formatting import finite_or_none, is_missing


@pytest.mark.parametrize("value", [None, float("nan"), pd.NA, pd.NaT, Decimal("NaN")])
def test_missing_values(value):
    assert is_missing(value) is True
    assert finite_or_none(value) is None


@pytest.mark.parametrize("value", [0, 0.0, Decimal("0.00"), "", "—", date(2026, 3, 31), float("inf")])
def test_present_values_even_empty_or_zero(value):
    assert is_missing(value) is False


def test_finite_or_none_keeps_numbers_and_drops_infinities():
    assert finite_or_none(Decimal("12.50")) == 12.5 and isinstance(finite_or_none(Decimal("12.50")), float)
    assert finite_or_none(3) == 3.0
    assert finite_or_none(float("inf")) is None and finite_or_none(float("-inf")) is None
