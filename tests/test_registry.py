"""Named SQL: which files a macro needs, and the cached file of macros every ledger attaches."""

from __future__ import annotations

import os
import time
from datetime import date
from decimal import Decimal

import duckdb
import pytest

from kpi.sql.registry import (
    _macro_graph,
    create_schema,
    ledger_macro_files,
    macro_database,
    macro_files,
    macro_signature,
    named_query,
)
from kpi.store.ledger import Ledger, engine_connection
from tests.ledgers import ledger_from_rows


@pytest.mark.parametrize("name", ledger_macro_files())
def test_each_file_installs_with_the_files_it_needs_alone(name):
    """DuckDB refuses a macro whose body calls one not created yet: the files macro_files names are enough."""
    owner, _ = _macro_graph()
    connection = engine_connection()
    create_schema(connection)
    files = macro_files(macro for macro, file in owner.items() if file == name)
    assert files[-1] == name
    for file in files:
        connection.execute(named_query(file).sql)


def _report_rows(ledger: Ledger) -> list[dict]:
    cursor = ledger.query(
        "SELECT * FROM period_kpis($starts, $ends, [], [], 'matched')",
        {"starts": [date(2026, 1, 1)], "ends": [date(2026, 3, 31)]},
    )
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _small_ledger() -> Ledger:
    return Ledger.in_memory(
        ledger_from_rows(
            [
                {"document_id": "F1", "customer_id": "C1", "issue_date": date(2026, 1, 10), "amount": "1200.00"},
                {"document_id": "F2", "customer_id": "C2", "issue_date": date(2026, 2, 1), "amount": "300.00"},
            ],
            [
                {
                    "settlement_id": "S1",
                    "document_id": "F1",
                    "customer_id": "C1",
                    "date": date(2026, 2, 20),
                    "amount": "1000.00",
                }
            ],
        )
    )


def test_the_macros_come_from_one_cached_file_built_once_and_give_what_creating_them_gives(tmp_path, monkeypatch):
    monkeypatch.setenv("ENCOURS_CACHE_DIR", str(tmp_path / "cache"))
    cached = _small_ledger()
    built = macro_database()
    assert cached.cached_macros and built.parent == tmp_path / "cache" and built.name.startswith("macros-")
    stamp = built.stat().st_mtime_ns
    again = _small_ledger()
    assert macro_database() == built and built.stat().st_mtime_ns == stamp  # attached, not rebuilt
    assert list((tmp_path / "cache").iterdir()) == [built]  # nothing left aside

    monkeypatch.setenv("ENCOURS_CACHE_DIR", str(tmp_path / "file-not-folder"))
    (tmp_path / "file-not-folder").write_text("a file where the folder should be")
    created = _small_ledger()  # no cache can be made: the macros are created in the connection
    assert not created.cached_macros
    rows = _report_rows(created)
    assert _report_rows(cached) == rows == _report_rows(again)
    assert rows[0]["closing_ar"] == Decimal("500.00") and rows[0]["sales"] == Decimal("1500.00")  # 1 200 + 300 − 1 000


def test_a_damaged_cache_file_is_not_used(tmp_path, monkeypatch):
    monkeypatch.setenv("ENCOURS_CACHE_DIR", str(tmp_path))
    damaged = tmp_path / f"macros-{macro_signature()}.duckdb"
    damaged.write_bytes(b"not a DuckDB file" * 100)
    ledger = _small_ledger()
    assert not ledger.cached_macros and _report_rows(ledger)


def test_another_version_of_the_code_builds_its_own_file_and_old_ones_go_after_a_week(tmp_path, monkeypatch):
    monkeypatch.setenv("ENCOURS_CACHE_DIR", str(tmp_path))
    recent, old = tmp_path / "macros-recent.duckdb", tmp_path / "macros-old.duckdb"
    for stale in (recent, old):
        stale.write_bytes(b"")
    week_ago = time.time() - 8 * 24 * 3600
    os.utime(old, (week_ago, week_ago))
    built = macro_database()
    assert sorted(tmp_path.iterdir()) == sorted([built, recent])


def test_a_cursor_of_a_cached_ledger_reaches_the_macros_and_a_bare_cursor_does_not(tmp_path, monkeypatch):
    monkeypatch.setenv("ENCOURS_CACHE_DIR", str(tmp_path))
    ledger = _small_ledger()
    with ledger.cursor() as cursor:
        assert cursor.execute(
            "SELECT count(*) FROM open_items_at([DATE '2026-03-31'], [], [], 'matched')"
        ).fetchall() == [(2,)]
    bare = ledger.connection.cursor()  # a cursor made without Ledger.cursor has the default path
    with pytest.raises(duckdb.CatalogException):
        bare.execute("SELECT count(*) FROM open_items_at([DATE '2026-03-31'], [], [], 'matched')")
