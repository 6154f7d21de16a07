"""The KPIs the dashboard shows as cards, in their order (their unit and good direction: kpi/metrics/catalogue.py)."""

from __future__ import annotations

from decimal import Decimal
from typing import TypeVar

from kpi.metrics.catalogue import Kpi, kpi
from kpi.metrics.report import RATIO_KEYS

# A KPI value compared with its own kind: Decimal amounts, float ratios.
Figure = TypeVar("Figure", Decimal, float)

# The cards of the overview, in reading order: the report's ratios (the delay KPIs a controller looks at
# first, then collection efficiency, then risk), then closing AR. Their unit and good direction are the catalogue's
# (kpi/metrics/catalogue.py): a falling DSO is good, a rising CEI is good, closing AR is neutral (a
# growing business grows its receivables).
OVERVIEW_INDICATORS: tuple[Kpi, ...] = tuple(kpi(key) for key in (*RATIO_KEYS, "closing_ar"))

# The period's flows, shown under the cards for context.
FLOW_INDICATORS: tuple[Kpi, ...] = tuple(kpi(key) for key in ("sales", "collected", "written_off", "opening_ar"))


def change(current: Figure | None, previous: Figure | None) -> Figure | None:
    """current − previous for display, or None when either side is undefined.

    The KPIs are already computed by the engine; this only compares two of them, in the
    type they came in (Decimal amounts stay Decimal, float ratios stay float).
    """
    if current is None or previous is None:
        return None
    return current - previous
