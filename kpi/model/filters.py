"""How a figure reads the ledger: the customer and activity filters of KPI-SPEC §4, and the matching mode of §2."""

from __future__ import annotations

from dataclasses import dataclass

# KPI-SPEC §2 « Matching modes »: `matched` reads credits as the data matched them (pièce à pièce,
# as lettered); `oldest` applies each customer's unapplied credits to its oldest invoices.
MATCHING_MODES = ("matched", "oldest")
DEFAULT_MATCHING = "matched"
# The workspace setting (Paramètres) that picks the mode the app and the CLI use by default.
MATCHING_SETTING = "apply_credits"


def check_matching(mode: str) -> str:
    if mode not in MATCHING_MODES:
        raise ValueError(f"matching mode must be one of {', '.join(MATCHING_MODES)}, got {mode!r}")
    return mode


@dataclass(frozen=True)
class Filters:
    """Empty tuples keep everything; otherwise documents must match one listed value of each.

    `matching` travels with the filters because every figure built on open items depends on
    it, exactly as it depends on what is kept: a cache keyed on the filters is keyed on it too.
    """

    customers: tuple[str, ...] = ()
    activities: tuple[str, ...] = ()
    matching: str = DEFAULT_MATCHING

    def __post_init__(self) -> None:
        object.__setattr__(self, "customers", tuple(self.customers))
        object.__setattr__(self, "activities", tuple(self.activities))
        check_matching(self.matching)

    def params(self) -> dict[str, list[str] | str]:
        """The filters and the mode as bound parameters of the KPI macros ($customers, $activities, $matching)."""
        return {"customers": list(self.customers), "activities": list(self.activities), "matching": self.matching}

    @property
    def is_empty(self) -> bool:
        """True when nothing is filtered out (whatever the matching mode)."""
        return not self.customers and not self.activities
