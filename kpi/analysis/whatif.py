"""What-if scenarios: changes applied to a copy of the ledger, then every KPI side by side with the actual.

A scenario is a named list of changes (payment terms, faster payers, old overdue collected
or written off, sales moved between activities) and optional working-capital inputs for
the cash conversion cycle. Applying it copies the kept ledger (`Ledger.canonical()`) into
a scratch DuckDB connection, runs each change's macros of kpi/sql/whatif_*.sql there in
order, and loads the result into a new in-memory Ledger: the stored data is never touched.

Scenarios are saved as JSON files in the workspace's `scenarios/` folder, one per name.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, fields
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import quote, unquote

import duckdb

from kpi.analysis.compare import Comparison, compare_reports
from kpi.metrics.report import PeriodReport, period_report
from kpi.model.canonical import CanonicalLedger
from kpi.model.filters import DEFAULT_MATCHING, Filters
from kpi.model.law import LME_CAP_DAYS
from kpi.model.periods import Period
from kpi.sql.registry import folder_files, install_order, named_query, refresh_document_status
from kpi.store.ledger import Ledger, bound_parameters
from kpi.text.errors import InvalidValue

WHATIF_SQL = install_order(folder_files("whatif"))  # kpi/sql/whatif/, callees first
SCENARIOS_DIR = "scenarios"


class ScenarioError(InvalidValue):
    """A scenario that cannot be read or applied as written: an unknown key, a change's bad value."""


# -- the changes -------------------------------------------------------------------------------

SELECTION = ("customers", "activities")


@dataclass(frozen=True)
class _Selected:
    """A change that may touch some customers or activities only (empty: all of them)."""

    customers: tuple[str, ...] = ()
    activities: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in SELECTION:
            object.__setattr__(self, name, tuple(getattr(self, name)))

    def selection(self) -> dict:
        """The selection as the whatif macros take it."""
        return {name: list(getattr(self, name)) for name in SELECTION}


@dataclass(frozen=True)
class PaymentTerms(_Selected):
    """Invoices due `days` after issue, and/or at most `cap_days` after issue (the LME preset).

    With `shift_payments` (the default) customers keep their habits: each payment moves with
    its invoice's due date, so shorter terms mean earlier cash. Without it, payments stay
    on their real dates and only the ageing (due dates) changes.
    """

    kind: ClassVar[str] = "payment_terms"
    days: int | None = None
    cap_days: int | None = None
    shift_payments: bool = True

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.days is None and self.cap_days is None:
            raise ScenarioError("payment_terms needs days or cap_days")
        for value in (self.days, self.cap_days):
            if value is not None and (not isinstance(value, int) or value < 0):
                raise ScenarioError(f"payment terms must be whole days ≥ 0, got {value!r}")

    def queries(self) -> tuple[str | None, str | None, dict]:
        params = {"days": self.days, "cap_days": self.cap_days, "shift": self.shift_payments, **self.selection()}
        return (
            "SELECT * FROM whatif_terms_documents($days, $cap_days, $customers, $activities)",
            "SELECT * FROM whatif_terms_settlements($days, $cap_days, $customers, $activities, $shift)",
            params,
        )


@dataclass(frozen=True)
class FasterPayment(_Selected):
    """Late payments come `days` earlier (never before the due date); optionally the late payers only."""

    kind: ClassVar[str] = "faster_payment"
    days: int = 0
    late_payers_only: bool = False
    late_payer_min_days: int = 15  # average days late, over the ledger, that makes a late payer

    def __post_init__(self) -> None:
        super().__post_init__()
        if not isinstance(self.days, int) or self.days <= 0:
            raise ScenarioError(f"faster_payment needs days > 0, got {self.days!r}")

    def queries(self) -> tuple[str | None, str | None, dict]:
        params = {
            "days": self.days,
            "min_days": self.late_payer_min_days if self.late_payers_only else None,
            **self.selection(),
        }
        return (
            None,
            "SELECT * FROM whatif_faster_payment_settlements($days, $customers, $activities, $min_days)",
            params,
        )


@dataclass(frozen=True)
class CollectOverdue(_Selected):
    """On `on`, the overdue invoices more than `older_than_days` past due are collected ('cash') or written off."""

    kind: ClassVar[str] = "collect_overdue"
    on: date = date(1970, 1, 1)
    older_than_days: int = 90
    action: str = "cash"

    def __post_init__(self) -> None:
        super().__post_init__()
        if isinstance(self.on, str):
            object.__setattr__(self, "on", date.fromisoformat(self.on))
        if self.action not in ("cash", "writeoff"):
            raise ScenarioError(f"collect_overdue action must be 'cash' or 'writeoff', got {self.action!r}")
        if not isinstance(self.older_than_days, int) or self.older_than_days < 0:
            raise ScenarioError(f"older_than_days must be whole days ≥ 0, got {self.older_than_days!r}")

    def queries(self) -> tuple[str | None, str | None, dict]:
        params = {"on": self.on, "older": self.older_than_days, "action": self.action, **self.selection()}
        return (
            None,
            "SELECT * FROM whatif_collect_overdue_settlements($on, $older, $action, $customers, $activities, $matching)",
            params,
        )


@dataclass(frozen=True)
class MoveSales:
    """A share (0–1) of each month's invoices of one activity booked under another."""

    kind: ClassVar[str] = "move_sales"
    share: float = 0.0
    from_activity: str = ""
    to_activity: str = ""

    def __post_init__(self) -> None:
        if not 0 < float(self.share) <= 1:
            raise ScenarioError(f"move_sales share must be in ]0, 1], got {self.share!r}")
        if not self.from_activity or not self.to_activity or self.from_activity == self.to_activity:
            raise ScenarioError("move_sales needs two different activities")
        object.__setattr__(self, "share", float(self.share))

    def queries(self) -> tuple[str | None, str | None, dict]:
        params = {"share": self.share, "source": self.from_activity, "target": self.to_activity}
        return "SELECT * FROM whatif_move_sales_documents($share, $source, $target)", None, params


Change = PaymentTerms | FasterPayment | CollectOverdue | MoveSales
CHANGE_KINDS: dict[str, type] = {cls.kind: cls for cls in (PaymentTerms, FasterPayment, CollectOverdue, MoveSales)}


# -- working capital: the cash conversion cycle --------------------------------------------------


@dataclass(frozen=True)
class WorkingCapital:
    """DIO and DPO as the user enters them (actual, and optionally the scenario's own).

    CCC = DIO + DSO − DPO, with the DSO of the actual ledger or of the scenario.
    """

    dio: float
    dpo: float
    scenario_dio: float | None = None
    scenario_dpo: float | None = None

    @classmethod
    def from_balances(
        cls, inventory: Decimal, cost_of_goods_sold: Decimal, payables: Decimal, days: int
    ) -> WorkingCapital:
        """DIO = inventory / cost of goods sold × days; DPO = payables / cost of goods sold × days."""
        if not cost_of_goods_sold:
            raise ScenarioError("cost of goods sold must not be 0 to compute DIO and DPO")
        dio = float(Decimal(inventory) / Decimal(cost_of_goods_sold) * days)
        dpo = float(Decimal(payables) / Decimal(cost_of_goods_sold) * days)
        return cls(dio, dpo)

    def ccc(self, dso: float | None, *, scenario: bool = False) -> float | None:
        if dso is None:
            return None
        dio = self.scenario_dio if scenario and self.scenario_dio is not None else self.dio
        dpo = self.scenario_dpo if scenario and self.scenario_dpo is not None else self.dpo
        return dio + dso - dpo


# -- the scenario --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    name: str
    changes: tuple[Change, ...] = ()
    description: str = ""
    working_capital: WorkingCapital | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "changes", tuple(self.changes))
        if not self.name or not self.name.strip():
            raise ScenarioError("a scenario needs a name")

    @classmethod
    def lme_cap(cls, name: str = "LME 60 jours") -> Scenario:
        """Every invoice due at most 60 days after issue, customers keeping their delay past due."""
        return cls(
            name, (PaymentTerms(cap_days=LME_CAP_DAYS),), "Plafond légal LME : 60 jours à compter de la date de facture"
        )

    def to_dict(self) -> dict:
        changes = []
        for change in self.changes:
            values: dict[str, Any] = {"kind": change.kind}
            for item in sorted(fields(change), key=lambda item: item.name in SELECTION):  # its own values first
                value = getattr(change, item.name)
                values[item.name] = (
                    value.isoformat() if isinstance(value, date) else list(value) if isinstance(value, tuple) else value
                )
            changes.append(values)
        return {
            "name": self.name,
            "description": self.description,
            "changes": changes,
            "working_capital": None if self.working_capital is None else asdict(self.working_capital),
        }

    @classmethod
    def from_dict(cls, data: dict) -> Scenario:
        unknown = set(data) - {"name", "description", "changes", "working_capital"}
        if unknown:
            raise ScenarioError(f"unknown scenario keys: {', '.join(sorted(unknown))}")
        changes = []
        for index, raw in enumerate(data.get("changes") or []):
            raw = dict(raw)
            kind = raw.pop("kind", None)
            if kind not in CHANGE_KINDS:
                raise ScenarioError(f"change {index + 1}: kind must be one of {', '.join(CHANGE_KINDS)}, got {kind!r}")
            allowed = {item.name for item in fields(CHANGE_KINDS[kind])}
            extra = set(raw) - allowed
            if extra:
                raise ScenarioError(
                    f"change {index + 1} ({kind}): unknown keys {', '.join(sorted(extra))}; expected {', '.join(sorted(allowed))}"
                )
            try:
                changes.append(CHANGE_KINDS[kind](**raw))
            except (TypeError, ValueError) as error:
                raise ScenarioError(f"change {index + 1} ({kind}): {error}") from None
        capital = data.get("working_capital")
        return cls(
            name=data.get("name", ""),
            description=data.get("description", ""),
            changes=tuple(changes),
            working_capital=None if capital is None else WorkingCapital(**capital),
        )

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    @classmethod
    def from_json(cls, text: str) -> Scenario:
        return cls.from_dict(json.loads(text))


# -- applying a scenario -------------------------------------------------------------------------


@dataclass(frozen=True)
class ChangeEffect:
    """What one change did: rows rewritten or added, rows dropped, and the money they carry."""

    kind: str
    documents_changed: int
    settlements_changed: int
    settlements_removed: int
    amount: Decimal  # Σ amount of the documents changed, or else of the settlements changed or added


def apply_scenario(
    canonical: CanonicalLedger, scenario: Scenario, matching: str = DEFAULT_MATCHING
) -> tuple[CanonicalLedger, tuple[ChangeEffect, ...]]:
    """The ledger the scenario describes, and what each change did to it.

    The changes run on a scratch in-memory Ledger, so that a change that needs open items (old
    overdue collected) reads them with the engine's own macros, in the matching mode of the view.
    """
    scratch = Ledger.in_memory(canonical)
    connection = scratch.connection
    try:
        for name in WHATIF_SQL:
            connection.execute(named_query(name).sql)
        effects = tuple(_apply_change(connection, change, matching) for change in scenario.changes)
        documents = connection.sql("SELECT * FROM documents ORDER BY issue_date, document_id").to_arrow_table()
        settlements = connection.sql("SELECT * FROM settlements ORDER BY date, settlement_id").to_arrow_table()
    finally:
        scratch.close()
    return CanonicalLedger(documents, settlements, canonical.currency, canonical.sources), effects


def _apply_change(connection: duckdb.DuckDBPyConnection, change: Change, matching: str) -> ChangeEffect:
    documents_sql, settlements_sql, params = change.queries()
    params = {**params, "matching": matching}
    # Both new tables are computed from the old ones before either is replaced.
    new_documents = _run(connection, documents_sql, params) if documents_sql else None
    new_settlements = _run(connection, settlements_sql, params) if settlements_sql else None
    documents_changed = settlements_changed = settlements_removed = 0
    amount = Decimal("0.00")
    if new_documents is not None:
        connection.register("next_documents", new_documents)
        documents_changed, amount = connection.execute(
            "SELECT count(*), coalesce(sum(amount), 0) FROM (SELECT * FROM next_documents EXCEPT SELECT * FROM documents)"
        ).fetchall()[0]
        connection.execute("CREATE OR REPLACE TABLE documents AS SELECT * FROM next_documents")
        connection.unregister("next_documents")
    if new_settlements is not None:
        connection.register("next_settlements", new_settlements)
        settlements_changed, changed_amount = connection.execute(
            "SELECT count(*), coalesce(sum(amount), 0) FROM (SELECT * FROM next_settlements EXCEPT SELECT * FROM settlements)"
        ).fetchall()[0]
        settlements_removed = connection.execute(
            "SELECT count(*) FROM settlements WHERE settlement_id NOT IN (SELECT settlement_id FROM next_settlements)"
        ).fetchall()[0][0]
        if new_documents is None:
            amount = changed_amount
        connection.execute("CREATE OR REPLACE TABLE settlements AS SELECT * FROM next_settlements")
        connection.unregister("next_settlements")
    # The next change reads open items: the day each document is settled for good must follow.
    refresh_document_status(connection)
    return ChangeEffect(change.kind, documents_changed, settlements_changed, settlements_removed, Decimal(amount))


def _run(connection: duckdb.DuckDBPyConnection, sql: str, params: dict):
    return connection.sql(sql, params=bound_parameters(sql, params)).to_arrow_table()


def scenario_ledger(
    ledger: Ledger, scenario: Scenario, matching: str = DEFAULT_MATCHING
) -> tuple[Ledger, tuple[ChangeEffect, ...]]:
    """An in-memory Ledger of the whole stored ledger with the scenario applied."""
    canonical, effects = apply_scenario(ledger.canonical(), scenario, matching)
    return Ledger.in_memory(canonical), effects


@dataclass(frozen=True)
class ScenarioResult:
    scenario: Scenario
    actual: PeriodReport
    simulated: PeriodReport
    effects: tuple[ChangeEffect, ...] = field(default_factory=tuple)

    @property
    def comparison(self) -> Comparison:
        """Every KPI: actual as the reference, scenario as the current value."""
        return compare_reports(self.actual, self.simulated)

    @property
    def cash_conversion_cycle(self) -> tuple[float | None, float | None] | None:
        """(actual CCC, scenario CCC) in days, when the scenario has working-capital inputs."""
        capital = self.scenario.working_capital
        if capital is None:
            return None
        return capital.ccc(self.actual.dso), capital.ccc(self.simulated.dso, scenario=True)

    def to_json_dict(self) -> dict:
        comparison = self.comparison.to_json_dict()
        result = {
            "scenario": self.scenario.to_dict(),
            "actual": comparison["reference"],
            "simulated": comparison["current"],
            "changes": comparison["changes"],
            "effects": [{**asdict(effect), "amount": float(effect.amount)} for effect in self.effects],
        }
        ccc = self.cash_conversion_cycle
        capital = self.scenario.working_capital
        if ccc is not None and capital is not None:  # a cycle comes with working-capital inputs
            result["cash_conversion_cycle"] = {
                "actual": {"dio": capital.dio, "dso": self.actual.dso, "dpo": capital.dpo, "ccc": ccc[0]},
                "simulated": {
                    "dio": capital.dio if capital.scenario_dio is None else capital.scenario_dio,
                    "dso": self.simulated.dso,
                    "dpo": capital.dpo if capital.scenario_dpo is None else capital.scenario_dpo,
                    "ccc": ccc[1],
                },
            }
        return result


def run_scenario(ledger: Ledger, scenario: Scenario, period: Period, filters: Filters = Filters()) -> ScenarioResult:
    """Every KPI of the period on the actual ledger and on the scenario, with the same filters.

    The scenario is applied to the whole ledger, not to the filtered part: moving sales
    between activities, or telling late payers apart, needs every customer's history.
    """
    simulated_ledger, effects = scenario_ledger(ledger, scenario, filters.matching)
    try:
        simulated = period_report(simulated_ledger, period, filters)
    finally:
        simulated_ledger.close()
    return ScenarioResult(scenario, period_report(ledger, period, filters), simulated, effects)


# -- scenarios saved in a workspace ----------------------------------------------------------------


def scenarios_dir(workspace_path: Path) -> Path:
    return Path(workspace_path) / SCENARIOS_DIR


def _scenario_file(workspace_path: Path, name: str) -> Path:
    # Percent-encoding keeps any name (accents, slashes) a single safe file name, reversibly.
    return scenarios_dir(workspace_path) / f"{quote(name.strip(), safe='')}.json"


def save_scenario(workspace_path: Path, scenario: Scenario) -> Path:
    """Write (or overwrite) the scenario under its name, atomically."""
    path = _scenario_file(workspace_path, scenario.name)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".json.partial")
    partial.write_text(scenario.to_json() + "\n", encoding="utf-8")
    os.replace(partial, path)
    return path


def list_scenarios(workspace_path: Path) -> list[str]:
    folder = scenarios_dir(workspace_path)
    if not folder.is_dir():
        return []
    return sorted(unquote(path.name.removesuffix(".json")) for path in folder.glob("*.json"))


def load_scenario(workspace_path: Path, name: str) -> Scenario:
    path = _scenario_file(workspace_path, name)
    if not path.is_file():
        raise FileNotFoundError(f"no scenario named {name!r} in {scenarios_dir(workspace_path)}")
    return Scenario.from_json(path.read_text(encoding="utf-8"))


def delete_scenario(workspace_path: Path, name: str) -> None:
    _scenario_file(workspace_path, name).unlink(missing_ok=True)
