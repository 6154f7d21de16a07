"""The Simulation page (AppTest): a scenario's KPIs beside the actual ones, saved, reopened and deleted by name."""

import pytest
from app_session import assert_clean, session

from kpi.analysis.whatif import list_scenarios, load_scenario

MARCH = {"ws": "worked", "from": "2026-03-01", "to": "2026-03-31"}
NBSP = "\u00a0"


def _table(app):
    """The KPI table: the page's last grid (the cash conversion cycle, when asked for, comes first)."""
    return app.dataframe[-1].value


def _row(app, label):
    table = _table(app)
    return table.loc[table.iloc[:, 0] == label].iloc[0]


def _open_page(query=MARCH):
    app = session(query)
    app.switch_page("app_pages/simulation.py").run()
    assert_clean(app)
    return app


def test_nothing_is_simulated_until_a_change_is_switched_on(worked):
    app = _open_page()
    assert app.title[0].value == "Simulation"
    assert "Activez au moins un changement" in app.info[0].value


def test_terms_from_30_to_15_days_lower_the_best_possible_dso(worked):
    app = _open_page()
    app.toggle(key="sim_terms_on").set_value(True)
    app.number_input(key="sim_terms_value").set_value(15).run()
    assert_clean(app)
    bpdso = _row(app, "Meilleur DSO possible")
    # Actual: 5 500 € not yet due / 6 100 € sales × 31 d = 27,95 d. With 15-day terms the
    # March invoices fall due sooner and most of what is "not yet due" becomes overdue.
    assert bpdso.iloc[1] == f"28,0{NBSP}j"
    assert bpdso.iloc[2] != bpdso.iloc[1]
    assert bpdso.iloc[2] == f"3,6{NBSP}j"
    card = next(m for m in app.metric if m.label == "Meilleur DSO possible")
    assert card.value == f"3,6{NBSP}j" and card.delta == f"-24,4{NBSP}j"


def test_save_reopen_and_delete_a_scenario(worked):
    workspace = worked / "worked"
    app = _open_page()
    app.toggle(key="sim_faster_on").set_value(True)
    app.number_input(key="sim_faster_days").set_value(7).run()
    app.text_input(key="sim_name").set_value("Relances à J+7").run()
    app.button(key="sim_save").click().run()
    assert_clean(app)
    assert list_scenarios(workspace) == ["Relances à J+7"]
    assert load_scenario(workspace, "Relances à J+7").changes[0].days == 7

    fresh = _open_page()
    assert fresh.selectbox(key="sim_saved").options == ["Relances à J+7"]
    fresh.selectbox(key="sim_saved").set_value("Relances à J+7").run()
    fresh.button(key="sim_open").click().run()
    assert_clean(fresh)
    assert fresh.toggle(key="sim_faster_on").value is True
    assert fresh.number_input(key="sim_faster_days").value == 7
    assert fresh.text_input(key="sim_name").value == "Relances à J+7"
    assert len(_table(fresh)) > 20

    fresh.button(key="sim_delete").click().run()
    assert_clean(fresh)
    assert list_scenarios(workspace) == []


def test_lme_preset_and_working_capital_in_english(worked):
    app = _open_page({**MARCH, "lang": "en"})
    app.button(key="sim_lme").click().run()
    assert_clean(app)
    assert app.toggle(key="sim_terms_on").value is True
    assert app.radio(key="sim_terms_mode").value == "cap"
    assert app.number_input(key="sim_terms_value").value == 60
    app.toggle(key="sim_wc_on").set_value(True).run()
    assert_clean(app)
    cycle = app.dataframe[0].value
    # CCC = DIO + DSO − DPO = 30 + 33.0 − 45 on the actual side.
    assert cycle.iloc[0].tolist()[-1] == f"18.0{NBSP}d"


@pytest.fixture
def demo(demo_home):
    """A fresh copy of the demo data home (conftest.py: built once a session)."""
    return demo_home


def test_every_change_at_once_on_the_demo(demo):
    app = session()
    app.switch_page("app_pages/simulation.py").run()
    for key in ("sim_terms_on", "sim_faster_on", "sim_collect_on", "sim_move_on", "sim_wc_on"):
        app.toggle(key=key).set_value(True)
    app.run()
    assert_clean(app)
    assert len(_table(app)) > 20
