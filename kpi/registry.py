"""Named SQL: the `.sql` files of kpi/sql, their headers, and installing them on a connection."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb

SQL_DIR = Path(__file__).with_name("sql")

# Macros are expanded when a query binds, but DuckDB checks that a macro a body names
# already exists, so files load callees first.
MACRO_FILES = (
    "ledger_documents",
    "ledger_settlements",
    "periods",
    "open_items",
    "aging_bucket",
    "ar_position",
    "period_flows",
    "payment_delays",
    "countback_dso",
    "activation",
    "unpaid",
    "dso",
    "bpdso",
    "add",
    "cei",
    "collection_rate",
    "overdue_rate",
    "unpaid_rate",
    "ar_turnover",
    "bad_debt_rate",
    "period_kpis",
    "customer_summary",
    "aged_items",
    "ledger_disputes",
    "dispute_rate",
    "open_disputes",
    "dispute_resolution",
    "ledger_reminders",
    "reminder_outcomes",
    "reminder_success_rate",
    "cost_per_reminder",
    "reminder_funnel",
    "plan_installments",
    "plan_compliance",
    "amount_in_plans",
    "cost_per_euro_collected",
    "bucket_collection_rate",
    "write_offs",
    "risk_score",
    "cash_forecast",
)

_HEADER = re.compile(r"^--\s*(label|formula|unit):\s*(.*)$")


@dataclass(frozen=True)
class NamedQuery:
    """One `.sql` file: its name, the header a reader sees first, and its text."""

    name: str
    label: str
    formula: str
    unit: str
    sql: str

    @property
    def path(self) -> Path:
        return SQL_DIR / f"{self.name}.sql"


@cache
def named_query(name: str) -> NamedQuery:
    text = (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")
    header = {}
    for line in text.splitlines():
        match = _HEADER.match(line)
        if match:
            header[match.group(1)] = match.group(2).strip()
        elif line.strip() and not line.startswith("--"):
            break
    return NamedQuery(name, header.get("label", name), header.get("formula", ""), header.get("unit", ""), text)


def all_named_queries() -> list[NamedQuery]:
    return [named_query(path.stem) for path in sorted(SQL_DIR.glob("*.sql"))]


def create_schema(connection: duckdb.DuckDBPyConnection) -> None:
    connection.execute(named_query("schema").sql)


def refresh_document_status(connection: duckdb.DuckDBPyConnection) -> None:
    """Recompute the derived open_until column after documents or settlements changed."""
    connection.execute(named_query("document_status").sql)


def install_macros(connection: duckdb.DuckDBPyConnection) -> None:
    """Create every KPI macro on an in-memory connection: they follow the code, never a stored file."""
    for name in MACRO_FILES:
        connection.execute(named_query(name).sql)
