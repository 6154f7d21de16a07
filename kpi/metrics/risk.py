"""Customer risk scoring: eight transparent factors → points → a rating A–D, with the factors behind it.

The factors, thresholds and ratings live in kpi/sql/queries/risk_score.sql and are explained in
docs/risk-score.md; this module only reads them and lays them out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from kpi.model.filters import Filters
from kpi.store.ledger import Ledger

RATINGS = ("A", "B", "C", "D")

# (factor, unit, thresholds for 1, 2, 3 points) in the order of risk_score.sql.
FACTORS: tuple[tuple[str, str, tuple[float, ...]], ...] = (
    ("late_share", "percent", (20, 50, 80)),
    ("avg_days_late", "days", (5, 15, 30)),
    ("days_late_trend", "days", (5, 15)),
    ("overdue_share", "percent", (20, 50, 80)),
    ("oldest_days_past_due", "days", (30, 60, 120)),
    ("write_off_rate", "percent", (0, 2, 5)),
    ("concentration", "percent", (10, 20)),
    ("dispute_rate", "percent", (2, 5, 10)),
)
FACTOR_KEYS = tuple(name for name, _, _ in FACTORS)
# Rating thresholds on the total points (risk_rating in risk_score.sql).
RATING_FLOORS = {"A": 0, "B": 4, "C": 8, "D": 12}


@dataclass(frozen=True)
class Factor:
    """One factor of one customer: its measured value (None when unmeasurable) and the points it adds."""

    key: str
    unit: str
    value: float | None
    points: int
    thresholds: tuple[float, ...]


@dataclass(frozen=True)
class RiskTable:
    """One row per customer scored at `as_of`: factor values, `<factor>_points`, `points`, `rating`."""

    as_of: date
    rows: pd.DataFrame

    def ratings(self) -> dict[str, str]:
        return dict(zip(self.rows["customer_id"], self.rows["rating"]))

    def customers_rated(self, ratings: tuple[str, ...]) -> tuple[str, ...]:
        """The customer ids with one of these ratings: a customer filter (Filters(customers=…))."""
        return tuple(self.rows.loc[self.rows["rating"].isin(ratings), "customer_id"])

    def factors(self, customer_id: str) -> list[Factor]:
        """The customer's factors, those adding the most points first."""
        row = self.rows.loc[self.rows["customer_id"] == customer_id].iloc[0]
        items = [
            Factor(key, unit, None if pd.isna(row[key]) else float(row[key]), int(row[f"{key}_points"]), thresholds)
            for key, unit, thresholds in FACTORS
        ]
        return sorted(items, key=lambda f: -f.points)

    def contributing_factors(self, customer_id: str) -> list[Factor]:
        return [factor for factor in self.factors(customer_id) if factor.points > 0]

    def rating_counts(self) -> dict[str, int]:
        counts = self.rows["rating"].value_counts()
        return {rating: int(counts.get(rating, 0)) for rating in RATINGS}


def customer_risk(ledger: Ledger, as_of: date, filters: Filters = Filters()) -> RiskTable:
    """Every customer still trading or owing at `as_of`, worst first (most points, then largest AR)."""
    frame = ledger.frame(
        "SELECT * FROM risk_scores($as_of, $customers, $activities, $matching)"
        " ORDER BY points DESC, gross_ar DESC, customer_name, customer_id",
        {"as_of": as_of, **filters.params()},
    )
    floats = [key for key in FACTOR_KEYS if key != "oldest_days_past_due"]
    frame = frame.astype(dict.fromkeys(floats, "float64"))
    return RiskTable(as_of, frame.reset_index(drop=True))
