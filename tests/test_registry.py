"""Named SQL: which files a macro needs, and ledgers that install only some of them."""

from __future__ import annotations

import pytest

from kpi.ledger import Ledger, engine_connection
from kpi.registry import MACRO_FILES, _macro_graph, create_schema, macro_files, named_query, only_macros
from kpi.report import REPORT_MACROS


def _macros(connection) -> set[str]:
    return {row[0] for row in connection.execute(
        "SELECT function_name FROM duckdb_functions() WHERE macro_definition IS NOT NULL").fetchall()}


@pytest.mark.parametrize("name", MACRO_FILES)
def test_each_file_installs_with_the_files_it_needs_alone(name):
    """DuckDB refuses a macro whose body calls one not created yet: the files macro_files names are enough."""
    owner, _ = _macro_graph()
    connection = engine_connection()
    create_schema(connection)
    files = macro_files(macro for macro, file in owner.items() if file == name)
    assert files[-1] == name
    for file in files:
        connection.execute(named_query(file).sql)


def test_a_ledger_made_inside_only_macros_installs_those_and_what_they_call():
    with only_macros("aged_items"):
        aging = Ledger.in_memory()
    everything = Ledger.in_memory()
    assert {"aged_items", "open_items_at", "aging_bucket", "ledger_documents"} <= _macros(aging.connection)
    assert "period_kpis" not in _macros(aging.connection) and "risk_scores" in _macros(everything.connection)


def test_the_report_installs_neither_the_forecast_nor_the_risk_scores():
    files = macro_files(REPORT_MACROS)
    assert "period_kpis" in files and "cash_forecast" not in files and "risk_score" not in files
    with pytest.raises(ValueError, match="no_such_macro"):
        macro_files(["period_kpis", "no_such_macro"])
