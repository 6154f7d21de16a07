"""kpi/importers/cents.py: money as whole cents and back, read from the decimal's memory, exactly.

Every expected value is written as a Python integer or Decimal, never derived from the module under test.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpi.importers.cents import cents_to_decimal, from_cents, to_cents
from kpi.model.canonical import MONEY

# decimal(18,2) holds up to 16 digits before the point: ±9 999 999 999 999 999,99 €, i.e. ±(10¹⁸ − 1) cents,
# which an int64 (±9,22 × 10¹⁸) holds too.
LARGEST = Decimal("9999999999999999.99")
LARGEST_CENTS = 10**18 - 1


def money(values) -> pa.Array:
    return pa.array([None if v is None else Decimal(v) for v in values], type=MONEY)


def test_positive_and_negative_amounts_become_their_cents():
    cents = to_cents(money(["0.00", "0.01", "-0.01", "12.34", "-12.34", "1000000.00", "-999.99"]))
    assert cents.dtype == np.int64
    assert cents.tolist() == [0, 1, -1, 1234, -1234, 100_000_000, -99_999]


def test_the_largest_amounts_of_the_type_keep_every_cent():
    cents = to_cents(money([LARGEST, -LARGEST, "9999999999999999.98", "-0.01"]))
    assert cents.tolist() == [LARGEST_CENTS, -LARGEST_CENTS, LARGEST_CENTS - 1, -1]
    back = from_cents(cents)
    assert back.type == MONEY
    assert back.to_pylist() == [LARGEST, -LARGEST, Decimal("9999999999999999.98"), Decimal("-0.01")]


def test_nulls_count_as_zero():
    assert to_cents(money(["1.50", None, "-2.25", None])).tolist() == [150, 0, -225, 0]


def test_a_slice_reads_its_own_values_not_the_start_of_the_buffer():
    whole = money(["1.00", "2.00", None, "-4.00", "5.55", "6.00"])
    part = whole.slice(2, 3)  # None, −4.00, 5.55: an offset of 2 into the same buffers
    assert part.offset == 2
    assert to_cents(part).tolist() == [0, -400, 555]
    assert to_cents(whole.slice(5)).tolist() == [600]
    assert to_cents(whole.slice(3, 0)).tolist() == []


def test_a_chunked_column_is_read_chunk_after_chunk():
    column = pa.chunked_array([money(["1.01", None]), money([]), money(["-3.03", LARGEST])], type=MONEY)
    assert to_cents(column).tolist() == [101, 0, -303, LARGEST_CENTS]


def test_an_empty_array_gives_no_cents():
    assert to_cents(money([])).tolist() == []
    assert from_cents(np.array([], dtype=np.int64)).to_pylist() == []


def test_other_decimal_types_are_scaled_to_cents():
    # Not decimal(18,2): the general path (multiply by 100, cast) instead of the memory read.
    assert to_cents(pa.array([Decimal("1.5"), Decimal("-2.0"), None], type=pa.decimal128(5, 1))).tolist() == [
        150,
        -200,
        0,
    ]


def test_from_cents_extends_the_sign_into_the_high_word():
    # −1 cent is 0xFFFF…FF over all 128 bits; a high word left at 0 would read as 2⁶⁴ − 1 cents.
    amounts = from_cents(np.array([-1, 1, -(10**17)], dtype=np.int64))
    assert amounts.to_pylist() == [Decimal("-0.01"), Decimal("0.01"), Decimal("-1000000000000000.00")]
    assert amounts.null_count == 0


def test_from_cents_takes_any_integer_array_even_a_strided_view():
    every_other = np.arange(10, dtype=np.int64)[::2] * -7  # 0, −14, −28, −42, −56, not contiguous
    assert from_cents(every_other).to_pylist() == [Decimal(v) for v in ("0.00", "-0.14", "-0.28", "-0.42", "-0.56")]
    assert from_cents(np.array([3, -5], dtype=np.int32)).to_pylist() == [Decimal("0.03"), Decimal("-0.05")]


def test_cents_to_decimal_has_two_places():
    assert cents_to_decimal(0) == Decimal("0.00") and str(cents_to_decimal(0)) == "0.00"
    assert str(cents_to_decimal(-5)) == "-0.05"
    assert str(cents_to_decimal(np.int64(LARGEST_CENTS))) == "9999999999999999.99"


@given(st.lists(st.one_of(st.none(), st.integers(-LARGEST_CENTS, LARGEST_CENTS)), max_size=40), st.data())
def test_round_trip_on_any_amounts_and_any_slice(cents, data):
    amounts = pa.array(
        [None if c is None else Decimal(c).scaleb(-2) for c in cents],
        type=MONEY,
    )
    start = data.draw(st.integers(0, len(cents)))
    stop = data.draw(st.integers(start, len(cents)))
    expected = [0 if c is None else c for c in cents[start:stop]]
    read = to_cents(amounts.slice(start, stop - start))
    assert read.tolist() == expected
    assert from_cents(read).to_pylist() == [Decimal(c).scaleb(-2) for c in expected]


@pytest.mark.parametrize("value", ["0.01", "-0.01", "123456789.10", "-9999999999999999.99"])
def test_one_value_round_trips(value):
    assert from_cents(to_cents(money([value]))).to_pylist() == [Decimal(value)]
