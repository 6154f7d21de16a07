"""The KPI catalogue: every figure the product prints declared once, in its `.sql` file's header."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import kpi.sql.registry as registry
from kpi.analysis.explain import EXPLAINED, explained_inputs
from kpi.analysis.whatif import WHATIF_SQL
from kpi.metrics.aging import DEFAULT_EDGES, bucket_keys
from kpi.metrics.catalogue import catalogue, depends_on, kpi
from kpi.metrics.collection import HEADLINE_KEYS, NEEDS
from kpi.metrics.indicators import FLOW_INDICATORS, OVERVIEW_INDICATORS
from kpi.metrics.report import AGING_KEYS, AMOUNT_KEYS, RATIO_KEYS
from kpi.sql.registry import ledger_macro_files, named_query, sql_files
from kpi.text.i18n import catalog

ROOT = Path(__file__).resolve().parent.parent
PRINTED = (*AMOUNT_KEYS, *AGING_KEYS, *RATIO_KEYS, *NEEDS)


def test_every_key_the_report_prints_is_declared_and_nothing_else():
    assert set(catalogue()) == set(PRINTED)
    assert tuple(bucket_keys(DEFAULT_EDGES)) == AGING_KEYS


@pytest.mark.parametrize(
    ("key", "unit", "better", "source"),
    [
        ("dso", "days", "lower", "dso"),
        ("cei", "percent", "higher", "cei"),
        ("ar_turnover", "ratio", "higher", "ar_turnover"),
        ("closing_ar", "money", "neutral", "ar_position"),
        ("closing_overdue_ar", "money", "lower", "ar_position"),
        ("not_due", "money", "neutral", "ar_position"),
        ("over_120", "money", "lower", "ar_position"),
        ("avg_days_late", "days", "lower", "payment_delays"),
        ("open_disputes_count", "count", "lower", "open_disputes"),
        ("cost_per_euro_collected", "ratio", "lower", "cost_per_euro_collected"),
    ],
)
def test_a_declaration_gives_the_unit_direction_and_file(key, unit, better, source):
    declared = kpi(key)
    assert (declared.unit, declared.better, declared.source) == (unit, better, source)
    assert declared.formula == named_query(source).formula and declared.formula


def test_a_bucket_of_the_compared_aging_object_is_found_by_its_prefixed_key():
    assert kpi("aging.61_90") == kpi("61_90")


def test_change_is_good_follows_the_direction():
    assert kpi("dso").change_is_good(-3.0) is True and kpi("dso").change_is_good(2.0) is False
    assert kpi("cei").change_is_good(1.5) is True and kpi("cei").change_is_good(-1.5) is False
    assert kpi("closing_ar").change_is_good(1000) is None
    assert kpi("dso").change_is_good(0) is None and kpi("dso").change_is_good(None) is None


def test_each_kpi_is_computed_in_the_file_that_declares_it():
    """The key names a column or a macro (kpi_<key>) of the file's statements, not only its header line;
    the rates by bucket are the `collection_rate` column of bucket_collection_rate's rows, and the AR at
    the period's start or end (`opening_ar`, `closing_current_ar`) a column of the position at a date."""
    for declared in catalogue().values():
        body = "\n".join(line for line in named_query(declared.source).sql.splitlines() if not line.startswith("--"))
        name = declared.key.removesuffix("_by_bucket").removeprefix("opening_").removeprefix("closing_")
        assert re.search(rf"\b(kpi_)?{re.escape(name)}\b", body), declared


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_each_kpi_has_its_words_in_both_languages(lang):
    strings = catalog(lang)
    for declared in catalogue().values():
        if declared.key in AGING_KEYS:
            continue  # bucket labels are built from their edges (i18n.bucket_label)
        prefix = "activity" if declared.key in NEEDS else "kpi"
        assert strings.get(f"{prefix}.{declared.key}.label"), (lang, declared.key)


def test_the_cards_and_the_activity_headlines_are_catalogue_kpis():
    assert all(indicator is kpi(indicator.key) for indicator in (*OVERVIEW_INDICATORS, *FLOW_INDICATORS))
    assert all(key in catalogue() for key in HEADLINE_KEYS)


def test_every_sql_file_is_installed_or_used_by_name():
    """A `.sql` file nothing installs or names is dead code."""
    sources = "\n".join(
        path.read_text(encoding="utf-8")
        for folder in ("kpi", "ui", "app_pages")
        for path in (ROOT / folder).rglob("*.py")
    )
    sources += (ROOT / "app.py").read_text(encoding="utf-8")
    installed = {*ledger_macro_files(), *WHATIF_SQL}
    unused = [name for name in sorted(sql_files()) if name not in installed and f'"{name}"' not in sources]
    assert unused == []


def test_a_bad_or_repeated_declaration_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(registry, "SQL_DIR", tmp_path)
    catalogue.cache_clear()
    named_query.cache_clear()
    sql_files.cache_clear()
    sql_files.cache_clear()
    try:
        (tmp_path / "a.sql").write_text("-- label: A\n-- kpi: speed km/h lower\nSELECT 1;\n", encoding="utf-8")
        with pytest.raises(ValueError, match="a unit among"):
            catalogue()
        named_query.cache_clear()
        sql_files.cache_clear()
        (tmp_path / "a.sql").write_text("-- kpi: speed days lower\nSELECT 1;\n", encoding="utf-8")
        (tmp_path / "b.sql").write_text("-- kpi: speed days higher\nSELECT 1;\n", encoding="utf-8")
        catalogue.cache_clear()
        with pytest.raises(ValueError, match=r"declared in a\.sql already"):
            catalogue()
        named_query.cache_clear()
        sql_files.cache_clear()
        catalogue.cache_clear()
        (tmp_path / "b.sql").write_text("SELECT 1;\n-- kpi: late days higher\n", encoding="utf-8")
        assert list(catalogue()) == ["speed"]  # a line after the first statement is not the header
    finally:
        catalogue.cache_clear()
        named_query.cache_clear()
        sql_files.cache_clear()


def test_a_kpi_names_what_it_is_computed_from():
    # add.sql: ADD = DSO − BPDSO; DSO = closing AR / sales × days; BPDSO = closing current AR / sales × days.
    assert kpi("add").depends == ("dso", "bpdso")
    assert depends_on("add") == ("dso", "bpdso", "closing_ar", "sales", "closing_current_ar")
    assert kpi("cei").depends == ("opening_ar", "sales", "closing_ar", "closing_current_ar")
    assert kpi("closing_ar").depends == ()  # read off the open items, not computed from another KPI
    # What period_kpis.sql passes to each kpi_<key>() macro is what its file declares (no other figure of
    # the catalogue enters the call).
    calls = dict(re.findall(r"kpi_(\w+)\(([^)]*)\)", named_query("period_kpis").sql))
    for key, arguments in calls.items():
        passed = {name.strip() for name in arguments.split(",")} & set(catalogue())
        assert passed <= set(kpi(key).depends), key


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"a.sql": "-- kpi: speed days lower\n-- depends: distance\nSELECT 1;\n"}, "names no KPI distance"),
        (
            {
                "a.sql": "-- kpi: speed days lower\n-- depends: pace\nSELECT 1;\n",
                "b.sql": "-- kpi: pace days lower\n-- depends: speed\nSELECT 1;\n",
            },
            "speed → pace → speed",
        ),
    ],
)
def test_a_dependency_on_nothing_or_on_itself_is_refused(tmp_path, monkeypatch, files, message):
    monkeypatch.setattr(registry, "SQL_DIR", tmp_path)
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    for cached in (catalogue, named_query, sql_files):
        cached.cache_clear()
    try:
        with pytest.raises(ValueError, match=message):
            catalogue()
    finally:
        monkeypatch.undo()
        for cached in (catalogue, named_query, sql_files):
            cached.cache_clear()


def test_an_explanation_shows_every_kpi_its_figure_is_computed_from():
    """« Comment est-ce calculé ? » plugs in the figures the catalogue says a KPI depends on."""
    for key in EXPLAINED:
        assert set(kpi(key).depends) <= set(explained_inputs(key)), key
