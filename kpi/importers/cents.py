"""Money as whole cents (int64) and back to decimal128(18,2), exactly, for the arithmetic of allocation."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kpi.model.canonical import MONEY

_HUNDRED = pa.scalar(Decimal(100), pa.decimal128(3, 0))


def to_cents(amounts: pa.Array) -> np.ndarray:
    """decimal128(18,2) -> int64 cents (nulls as 0)."""
    if len(amounts) == 0:
        return np.zeros(0, dtype=np.int64)
    if isinstance(amounts, pa.Array) and amounts.type == MONEY:
        # 18 digits fit in 64 bits: the low word of each 128-bit value already is the number of cents.
        words = np.frombuffer(amounts.buffers()[1], dtype=np.int64)
        cents = words[2 * amounts.offset : 2 * (amounts.offset + len(amounts)) : 2].copy()
        if amounts.null_count:
            cents[np.asarray(amounts.is_null().to_numpy(zero_copy_only=False), dtype=bool)] = 0
        return cents
    scaled = pc.cast(pc.multiply(pc.fill_null(amounts, pa.scalar(Decimal(0), MONEY)), _HUNDRED), pa.int64())
    return np.asarray(scaled.to_numpy(zero_copy_only=False), dtype=np.int64)


def from_cents(cents: np.ndarray) -> pa.Array:
    """int64 cents -> decimal128(18,2): the unscaled 128-bit value of a decimal *is* the number of cents."""
    cents = np.ascontiguousarray(cents, dtype=np.int64)
    words = np.empty(len(cents) * 2, dtype=np.int64)
    words[0::2] = cents
    words[1::2] = np.where(cents < 0, -1, 0)  # sign extension into the high 64 bits (little endian)
    return pa.Array.from_buffers(MONEY, len(cents), [None, pa.py_buffer(words.tobytes())])


def cents_to_decimal(cents: int) -> Decimal:
    return (Decimal(int(cents)) / 100).quantize(Decimal("0.01"))
