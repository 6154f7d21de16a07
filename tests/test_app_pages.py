"""Every page of the app renders on the demo workspace, in French and in English, and shows the demo's own
figures (AppTest).

Each page's check compares what the page shows with the engine's own result on the demo ledger for the
period the app chose (kpi/, called here directly), formatted for the language: the app draws the engine's
numbers for that period and those filters, not merely something.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pyarrow as pa
import pytest
from app_session import assert_clean, metric, session, sidebar

from kpi.metrics.aging import aged_balance
from kpi.metrics.collection import ActivityReport
from kpi.metrics.customers import customer_table
from kpi.metrics.d441 import COLUMNS as D441_COLUMNS
from kpi.metrics.d441 import d441_table, default_fiscal_start
from kpi.metrics.forecast import CashForecast, cash_forecast
from kpi.metrics.promises import promise_list
from kpi.metrics.report import PeriodReport, period_report
from kpi.metrics.statement import overdue_customers, statement
from kpi.metrics.suggestions import REASONS, suggestions
from kpi.metrics.worklist import worklist
from kpi.model.periods import Period
from kpi.store.ledger import Ledger
from kpi.store.workspace import Workspace
from kpi.text.formatting import format_days, format_money, format_percent
from kpi.text.i18n import translate

TITLES = {
    "overview": ("Synthèse", "Overview"),
    "aged_balance": ("Balance âgée", "Aged balance"),
    "collections": ("Recouvrement", "Collections"),
    "compare": ("Comparer", "Compare"),
    "customers": ("Clients", "Customers"),
    "data": ("Données", "Data"),
    "forecast": ("Prévision", "Forecast"),
    "settings": ("Paramètres", "Settings"),
    "simulation": ("Simulation", "Simulation"),
    "trends": ("Tendances", "Trends"),
    "worklist": ("À relancer", "To chase"),
    "payment_delays": ("Délais de paiement", "Payment delays"),
    "statements": ("Relevés et relances", "Statements and letters"),
    "suggestions": ("Rapprochements suggérés", "Suggested matches"),
}


@dataclass(frozen=True)
class Demo:
    """The engine's figures on the demo ledger for the period the app opened on."""

    lang: str
    ledger: Ledger
    period: Period
    report: PeriodReport
    previous: PeriodReport
    activity: ActivityReport
    forecast: CashForecast

    def t(self, key: str) -> str:
        return translate(key, self.lang)

    def money(self, value) -> str:
        return format_money(value, self.lang, "EUR")


def check_overview(app, demo: Demo):
    assert len(app.metric) == 19  # 14 ledger KPIs + the 5 collection-activity headlines (the demo has the logs)
    dso = metric(app, demo.t("kpi.dso.label"))
    assert dso == format_days(demo.report.dso, demo.lang)
    assert metric(app, demo.t("kpi.closing_ar.label")) == demo.money(demo.report.closing_ar)
    # The label, the currency sign and the unit of days as a reader of the language expects them.
    if demo.lang == "en":
        assert metric(app, "Closing receivables").startswith("€") and dso.endswith("\u00a0d")
    else:
        assert dso.endswith("\u00a0j") and dso != "—"


def check_aged_balance(app, demo: Demo):
    table = app.dataframe[0].value
    aged = aged_balance(demo.ledger, demo.period.end)
    # A Total row, a percentage row, then one row per customer; the last column is each row's total.
    assert len(table) == 2 + len(aged.rows)
    assert table.iloc[0, -1] == pytest.approx(float(demo.report.closing_ar), abs=0.005)
    assert sorted(table.iloc[2:, 0]) == sorted(aged.rows["customer_name"])


def check_collections(app, demo: Demo):
    assert metric(app, demo.t("activity.reminders_count.label")) == str(demo.activity.reminders_count)
    assert metric(app, demo.t("activity.dispute_rate.label")) == format_percent(demo.activity.dispute_rate, demo.lang)


def check_compare(app, demo: Demo):
    # The month against the one before: the DSO row holds both months' DSO.
    dso = app.dataframe[0].value.iloc[0]
    assert list(dso.iloc[:3]) == [
        demo.t("kpi.dso.label"),
        format_days(demo.previous.dso, demo.lang),
        format_days(demo.report.dso, demo.lang),
    ]


def check_customers(app, demo: Demo):
    table = app.dataframe[0].value
    customers = customer_table(demo.ledger, demo.period)
    assert len(table) == len(customers)
    # The third column is each customer's receivables: together, the closing AR.
    assert table.iloc[:, 2].sum() == pytest.approx(float(demo.report.closing_ar), abs=0.01)


def check_data(app, demo: Demo):
    [(documents, settlements)] = demo.ledger.query(
        "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM settlements)"
    ).fetchall()
    imports = app.dataframe[0].value
    assert len(imports) == 1  # the demo is one import of its six files
    # Its fourth and fifth columns: the documents and settlements it brought.
    assert (imports.iloc[0, 3], imports.iloc[0, 4]) == (documents, settlements)


def check_forecast(app, demo: Demo):
    assert metric(app, demo.t("forecast.ar")) == demo.money(demo.forecast.ar) == demo.money(demo.report.closing_ar)
    assert metric(app, demo.t("forecast.horizon_total")) == demo.money(demo.forecast.expected_in_horizon)


def check_settings(app, demo: Demo):
    # The demo workspace keeps the default settings: matched credits, the four bucket edges of KPI-SPEC.
    assert next(w for w in app.get("radio") if w.key == "settings_matching").value == "matched"
    assert "30, 60, 90, 120" in [w.value for w in app.get("text_input")]


def check_simulation(app, demo: Demo):
    # Nothing simulated until a change is switched on; the activities one can move sales between are the demo's.
    assert [i.value for i in app.info] == [demo.t("simulation.nothing_enabled")]
    activities = [row[0] for row in demo.ledger.query("SELECT DISTINCT activity FROM documents ORDER BY 1").fetchall()]
    assert sorted(app.selectbox(key="sim_move_from").options) == sorted(activities)


def check_trends(app, demo: Demo):
    charts = app.get("vega_lite_chart")
    assert len(charts) == 4
    # The first chart's data: DSO of each of the twelve months up to the period's; the last is the period's.
    table = pa.ipc.open_stream(charts[0].proto.datasets[0].data.data).read_all().to_pandas()
    dso = table[table["kpi"] == "DSO"].sort_values("month")
    assert len(dso) == 12
    assert dso["value"].iloc[-1] == pytest.approx(demo.report.dso)


def check_worklist(app, demo: Demo):
    # One row per customer with overdue receivables at the period's end, their overdue adding up to the
    # report's closing overdue AR (disputed invoices included), highest priority first as the engine ranks them.
    expected = worklist(demo.ledger, demo.period.end)
    grid = app.dataframe[0].value
    assert len(grid) == len(expected.rows) > 0
    assert list(grid.iloc[:, 2]) == [row.customer_id for row in expected.rows]
    overdue = grid[demo.t("worklist.column.overdue")]
    assert list(overdue) == [demo.money(row.overdue) for row in expected.rows]
    assert sum(row.overdue for row in expected.rows) == demo.report.closing_overdue_ar
    assert [b.label for b in app.get("download_button")] == [
        demo.t("worklist.download_xlsx"),
        demo.t(f"worklist.download_csv_{demo.lang}"),
    ]
    # Below it, the demo's promises to pay made by the period's end, with their state as the engine says.
    promises = promise_list(demo.ledger, demo.period.end)
    table = app.dataframe[1].value
    assert list(table[demo.t("promises.column.status")]) == [
        demo.t(f"promises.status.{status}") for status in promises["status"]
    ]
    assert {"open", "broken", "kept"} <= set(promises["status"])


def check_payment_delays(app, demo: Demo):
    # The D441-6 table at the period's end for the twelve months before, as the engine computes it: the
    # amounts row of (A) under its six columns, and (B)'s excluded amount.
    table = d441_table(demo.ledger, demo.period.end, default_fiscal_start(demo.period.end))
    grid = app.dataframe[0].value
    amounts = grid[grid.iloc[:, 0] == demo.t("d441.amount")].iloc[0, 1:]
    assert list(amounts) == [demo.money(table.issued.columns[key].amount) for key in D441_COLUMNS]
    excluded = grid[grid.iloc[:, 0] == demo.t("d441.excluded_amount")].iloc[0, 1]
    assert excluded == demo.money(table.issued.excluded.amount)
    # Not due + overdue + excluded = every open invoice: the aged balance's gross receivables.
    issued = table.issued
    assert issued.columns["not_due"].amount + issued.columns["total_overdue"].amount + issued.excluded.amount == (
        demo.report.closing_current_ar + demo.report.closing_overdue_ar
    )


def check_statements(app, demo: Demo):
    # The first overdue customer at the period's end (largest overdue first), its statement's balance: its row of
    # the aged balance.
    first, _ = overdue_customers(demo.ledger, demo.period.end)[0]
    assert app.selectbox(key="statements_customer").value == first
    aged = aged_balance(demo.ledger, demo.period.end)
    total = aged.rows.set_index("customer_id").loc[first, "total"]
    assert metric(app, demo.t("statement.balance")) == demo.money(total)
    assert metric(app, demo.t("statement.balance")) == demo.money(
        statement(demo.ledger, first, demo.period.end).balance
    )


def check_suggestions(app, demo: Demo):
    # The engine's suggestions at the period's end, by reason: one heading each with its count, one accept
    # button per row shown (50 at most a reason) and one « accept all » per reason of several.
    found = suggestions(demo.ledger, demo.period.end)
    counts = {reason: len(found.of_reason(reason)) for reason in REASONS if found.of_reason(reason)}
    assert counts, "the demo has matches to suggest"
    assert [s.value for s in app.subheader] == [
        f"{demo.t(f'suggestions.reason.{reason}')} ({count})" for reason, count in counts.items()
    ]
    accept = [b for b in app.button if (b.key or "").startswith("suggestions_accept_")]
    assert len(accept) == sum(min(count, 50) for count in counts.values())


CHECKS = {
    "overview": check_overview,
    "aged_balance": check_aged_balance,
    "collections": check_collections,
    "compare": check_compare,
    "customers": check_customers,
    "data": check_data,
    "forecast": check_forecast,
    "settings": check_settings,
    "simulation": check_simulation,
    "trends": check_trends,
    "worklist": check_worklist,
    "payment_delays": check_payment_delays,
    "statements": check_statements,
    "suggestions": check_suggestions,
}


def test_the_checks_cover_every_page():
    from app_session import ROOT

    assert sorted(CHECKS) == sorted(TITLES) == sorted(p.stem for p in (ROOT / "app_pages").glob("*.py"))


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_page_renders_the_demos_figures(demo_home, lang):
    app = session({"lang": lang})
    # The URL carries the whole view.
    assert app.query_params["ws"] == "demo" and app.query_params["period"] == "last_month"
    assert {"from", "to", "lang"} <= set(app.query_params)
    period = Period(date.fromisoformat(app.query_params["from"]), date.fromisoformat(app.query_params["to"]))
    ledger = Workspace(demo_home / "demo").open()
    report = period_report(ledger, period)
    demo = Demo(
        lang,
        ledger,
        period,
        report,
        period_report(ledger, period.previous()),
        report.activity,
        cash_forecast(ledger, period.end),
    )
    for page, check in CHECKS.items():
        app.switch_page(f"app_pages/{page}.py").run()
        assert_clean(app)
        assert app.title[0].value == TITLES[page][lang == "en"], page
        check(app, demo)


def test_first_start_creates_the_demo_workspace(tmp_path, monkeypatch):
    monkeypatch.setenv("ENCOURS_HOME", str(tmp_path / "fresh"))
    app = session()
    assert_clean(app)
    assert (tmp_path / "fresh" / "demo" / "ledger.duckdb").is_file()
    assert sidebar(app, "selectbox", "sb_workspace").value == "demo"


def test_switching_language_in_the_sidebar_changes_labels(demo_home):
    app = session()
    assert app.title[0].value == "Synthèse"
    app.get("button_group")[0].set_value("en").run()
    assert_clean(app)
    assert app.title[0].value == "Overview"
    assert app.query_params["lang"] == "en"


def test_empty_new_workspace_invites_to_import(demo_home):
    from kpi.store.workspace import Workspace

    Workspace(demo_home / "client-vide").create()
    app = session({"ws": "client-vide"})
    assert_clean(app)
    assert sidebar(app, "selectbox", "sb_workspace").value == "client-vide"
    assert "aucune pièce" in app.info[0].value
