"""The customer and activity filters of KPI-SPEC §4."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Filters:
    """Empty tuples keep everything; otherwise documents must match one listed value of each."""

    customers: tuple[str, ...] = ()
    activities: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "customers", tuple(self.customers))
        object.__setattr__(self, "activities", tuple(self.activities))

    def params(self) -> dict[str, list[str]]:
        """The filters as bound parameters of the KPI macros."""
        return {"customers": list(self.customers), "activities": list(self.activities)}

    @property
    def is_empty(self) -> bool:
        return not self.customers and not self.activities
