"""Every KPI the product shows, declared once: in the header of the `.sql` file that computes it.

A KPI file names each figure it yields on a line of its header:

    -- kpi: dso days lower

and, on a `-- depends: closing_ar sales` line, the KPIs its figures are computed from (a reader of
a change follows them: DSO rose because sales fell). The line gives its key (the JSON key of
KPI-SPEC §5 and the PeriodReport attribute), its unit (money, days,
percent, ratio or count: how kpi.text.formatting shows it) and which direction of change is an
improvement (lower, higher or neutral). Its label and its formula in words are in the translation
catalogue (kpi/text/locales: `kpi.<key>.label`, `kpi.<key>.formula`). Cards, comparisons, the audit
report, the command line and the explanations read them here, so adding a KPI is its `.sql` file
and its strings.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Literal, cast

from kpi.sql.registry import all_named_queries, named_query

Unit = Literal["money", "days", "percent", "ratio", "count"]
Better = Literal["lower", "higher", "neutral"]
UNITS = ("money", "days", "percent", "ratio", "count")
DIRECTIONS = ("lower", "higher", "neutral")


@dataclass(frozen=True)
class Kpi:
    """One figure of the report, as its file declares it."""

    key: str
    unit: Unit
    better: Better
    source: str  # the name of the `.sql` file that computes it (kpi/sql/<folder>/<source>.sql)
    depends: tuple[str, ...] = ()  # the keys of the KPIs it is computed from

    @property
    def formula(self) -> str:
        """The computation as the file's header states it, for developers (readers get kpi.<key>.formula)."""
        return named_query(self.source).formula

    def change_is_good(self, change: Decimal | float | None) -> bool | None:
        """Whether a change of this size is an improvement; None when the KPI has no good direction."""
        if change is None or change == 0 or self.better == "neutral":
            return None
        return (change < 0) == (self.better == "lower")


@cache
def catalogue() -> dict[str, Kpi]:
    """Every declared KPI by key, in the order of the files and of their lines."""
    found: dict[str, Kpi] = {}
    for query in all_named_queries():
        for declaration in query.kpis:
            parts = declaration.split()
            if len(parts) != 3 or parts[1] not in UNITS or parts[2] not in DIRECTIONS:
                raise ValueError(
                    f"{query.name}.sql: « -- kpi: {declaration} » — a key, a unit among {UNITS},"
                    f" a direction among {DIRECTIONS}"
                )
            key, unit, better = parts
            if key in found:
                raise ValueError(f"{query.name}.sql: the KPI {key} is declared in {found[key].source}.sql already")
            found[key] = Kpi(key, cast(Unit, unit), cast(Better, better), query.name, query.depends)
    for figure in found.values():
        unknown = [key for key in figure.depends if key not in found]
        if unknown:
            raise ValueError(f"{figure.source}.sql: « -- depends: » names no KPI {', '.join(unknown)}")
    _check_acyclic(found)
    return found


def _check_acyclic(found: dict[str, Kpi]) -> None:
    """A KPI never depends on itself, even through others."""
    done: set[str] = set()

    def visit(key: str, path: tuple[str, ...]) -> None:
        if key in path:
            raise ValueError(f"KPIs depending on each other: {' → '.join((*path, key))}")
        if key not in done:
            for dependency in found[key].depends:
                visit(dependency, (*path, key))
            done.add(key)

    for key in found:
        visit(key, ())


def depends_on(key: str) -> tuple[str, ...]:
    """Every KPI this one is computed from, directly or through others, nearest first."""
    seen: list[str] = []
    pending = list(kpi(key).depends)
    while pending:
        current = pending.pop(0)
        if current not in seen:
            seen.append(current)
            pending.extend(kpi(current).depends)
    return tuple(seen)


def kpi(key: str) -> Kpi:
    """The KPI of this key; a key of the aged balance may carry its object's prefix (`aging.1_30`)."""
    return catalogue()[key.removeprefix("aging.")]
