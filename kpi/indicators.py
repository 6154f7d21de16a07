"""The KPIs the dashboard shows as cards: their order, unit and which direction of change is good."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Better = Literal["lower", "higher", "neutral"]


@dataclass(frozen=True)
class Indicator:
    key: str  # the KPI-SPEC §5 JSON key, and the PeriodReport attribute
    unit: str  # 'money' | 'days' | 'percent' | 'ratio' (see kpi.formatting.format_value)
    better: Better

    def change_is_good(self, change) -> bool | None:
        """Whether a change of this size is an improvement; None when the KPI has no good direction."""
        if change is None or change == 0 or self.better == "neutral":
            return None
        return (change < 0) == (self.better == "lower")


# The cards of the overview, in reading order: the delay KPIs a controller looks at first,
# then collection efficiency, then risk. A falling DSO is good; a rising CEI is good.
# Closing AR is neutral: a growing business grows its receivables, so neither sense is "good".
OVERVIEW_INDICATORS: tuple[Indicator, ...] = (
    Indicator("dso", "days", "lower"),
    Indicator("bpdso", "days", "lower"),
    Indicator("add", "days", "lower"),
    Indicator("countback_dso", "days", "lower"),
    Indicator("cei", "percent", "higher"),
    Indicator("collection_rate", "percent", "higher"),
    Indicator("overdue_rate", "percent", "lower"),
    Indicator("unpaid_rate", "percent", "lower"),
    Indicator("avg_days_to_collect", "days", "lower"),
    Indicator("avg_days_late", "days", "lower"),
    Indicator("activation_rate", "percent", "higher"),
    Indicator("ar_turnover", "ratio", "higher"),
    Indicator("bad_debt_rate", "percent", "lower"),
    Indicator("closing_ar", "money", "neutral"),
)

# The period's flows, shown under the cards for context.
FLOW_INDICATORS: tuple[Indicator, ...] = (
    Indicator("sales", "money", "neutral"),
    Indicator("collected", "money", "neutral"),
    Indicator("written_off", "money", "neutral"),
    Indicator("opening_ar", "money", "neutral"),
)

BY_KEY = {indicator.key: indicator for indicator in OVERVIEW_INDICATORS + FLOW_INDICATORS}


def change(current, previous):
    """current − previous for display, or None when either side is undefined.

    The KPIs are already computed by the engine; this only compares two of them, in the
    type they came in (Decimal amounts stay Decimal, float ratios stay float).
    """
    if current is None or previous is None:
        return None
    return current - previous
