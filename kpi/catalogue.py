"""Every KPI the product shows, declared once: in the header of the `.sql` file that computes it.

A KPI file names each figure it yields on a line of its header:

    -- kpi: dso days lower

its key (the JSON key of KPI-SPEC §5 and the PeriodReport attribute), its unit (money, days,
percent, ratio or count: how kpi.formatting shows it) and which direction of change is an
improvement (lower, higher or neutral). Its label and its formula in words are in the translation
catalogue (kpi/locales: `kpi.<key>.label`, `kpi.<key>.formula`). Cards, comparisons, the audit
report, the command line and the explanations read them here, so adding a KPI is its `.sql` file
and its strings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Literal

from kpi.registry import SQL_DIR, named_query

Unit = Literal["money", "days", "percent", "ratio", "count"]
Better = Literal["lower", "higher", "neutral"]
UNITS = ("money", "days", "percent", "ratio", "count")
DIRECTIONS = ("lower", "higher", "neutral")

_DECLARATION = re.compile(r"^--\s*kpi:\s*(\S+)\s+(\S+)\s+(\S+)\s*$")


@dataclass(frozen=True)
class Kpi:
    key: str
    unit: Unit
    better: Better
    source: str  # the name of the `.sql` file that computes it (kpi/sql/<source>.sql)

    @property
    def formula(self) -> str:
        """The computation as the file's header states it, for developers (readers get kpi.<key>.formula)."""
        return named_query(self.source).formula

    def change_is_good(self, change) -> bool | None:
        """Whether a change of this size is an improvement; None when the KPI has no good direction."""
        if change is None or change == 0 or self.better == "neutral":
            return None
        return (change < 0) == (self.better == "lower")


@cache
def catalogue() -> dict[str, Kpi]:
    """Every declared KPI by key, in the order of the files and of their lines."""
    found: dict[str, Kpi] = {}
    for path in sorted(SQL_DIR.glob("*.sql")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.startswith("--"):
                break  # the header ends at the first statement
            match = _DECLARATION.match(line)
            if match is None:
                continue
            key, unit, better = match.groups()
            if unit not in UNITS or better not in DIRECTIONS:
                raise ValueError(f"{path.name}: « {line} » — unit one of {UNITS}, direction one of {DIRECTIONS}")
            if key in found:
                raise ValueError(f"{path.name}: the KPI {key} is declared in {found[key].source}.sql already")
            found[key] = Kpi(key, unit, better, path.stem)
    return found


def kpi(key: str) -> Kpi:
    """The KPI of this key; a key of the aged balance may carry its object's prefix (`aging.1_30`)."""
    return catalogue()[key.removeprefix("aging.")]
