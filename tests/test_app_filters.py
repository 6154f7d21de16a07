"""Sidebar filters change the numbers, and the URL reproduces the view (AppTest on the worked example)."""

import json
from datetime import date
from pathlib import Path

import pytest
from app_session import assert_clean, metric, session, sidebar

EXPECTED = {
    name: json.loads((Path(__file__).parent / "data" / "worked" / f"expected-{name}.json").read_text())
    for name in ("2026-03",)
}
NBSP = "\u00a0"
MARCH = {"ws": "worked", "from": "2026-03-01", "to": "2026-03-31"}


@pytest.fixture
def home(worked):
    return worked


def test_march_2026_matches_the_expected_report(home):
    app = session(MARCH)
    assert_clean(app)
    assert metric(app, "DSO") == f"33,0{NBSP}j"
    assert metric(app, "Efficacité du recouvrement (CEI)") == f"85,4{NBSP}%"
    assert metric(app, "Encours clients de clôture") == f"6\u202f500,00{NBSP}€"
    assert round(EXPECTED["2026-03"]["dso"], 1) == 33.0


def test_default_period_is_the_last_complete_month_of_the_data(home):
    app = session({"ws": "worked"})
    assert app.query_params["from"] == "2026-03-01" and app.query_params["to"] == "2026-03-31"
    assert metric(app, "DSO") == f"33,0{NBSP}j"


def test_changing_the_period_changes_the_numbers(home):
    app = session(MARCH)
    sidebar(app, "date_input", "sb_range").set_value((date(2026, 2, 1), date(2026, 2, 28))).run()
    assert_clean(app)
    assert metric(app, "DSO") == f"83,3{NBSP}j"  # expected-2026-02.json: 83.33
    assert app.query_params["from"] == "2026-02-01"
    assert sidebar(app, "selectbox", "sb_period").value == "custom"


def test_a_preset_sets_the_dates(home):
    app = session(MARCH)
    sidebar(app, "selectbox", "sb_period").set_value("last_quarter").run()
    assert_clean(app)
    assert sidebar(app, "date_input", "sb_range").value == (date(2026, 1, 1), date(2026, 3, 31))
    assert app.query_params["period"] == "last_quarter"


def test_customer_filter_changes_the_numbers(home):
    app = session(MARCH)
    sidebar(app, "multiselect", "sb_customers").set_value(["C2"]).run()
    assert_clean(app)
    # expected-2026-03-customer-C2.json: dso 25.83, closing AR 500
    assert metric(app, "DSO") == f"25,8{NBSP}j"
    assert metric(app, "Encours clients de clôture") == f"500,00{NBSP}€"
    assert app.query_params["customer"] == "C2"


def test_activity_filter_changes_the_numbers(home):
    app = session(MARCH)
    sidebar(app, "multiselect", "sb_activities").set_value(["Services"]).run()
    assert_clean(app)
    # expected-2026-03-activity-Services.json: dso 33.91, CEI 61.82
    assert metric(app, "DSO") == f"33,9{NBSP}j"
    assert metric(app, "Efficacité du recouvrement (CEI)") == f"61,8{NBSP}%"


def test_a_copied_url_reproduces_the_view(home):
    first = session(MARCH)
    first.multiselect(key="sb_activities").set_value(["Services"]).run()
    url = dict(first.query_params)
    second = session(url)
    assert_clean(second)
    assert [m.value for m in second.metric] == [m.value for m in first.metric]
    assert sidebar(second, "multiselect", "sb_activities").value == ["Services"]


def test_deltas_compare_with_the_previous_month_in_the_right_sense(home):
    app = session(MARCH)
    dso = next(m for m in app.metric if m.label == "DSO")
    # March 33.03 vs February 83.33: a fall of 50.3 days, which is good (inverse colour).
    assert dso.delta == f"-50,3{NBSP}j"
    colour = type(dso.proto).MetricColor.Name(dso.proto.color)
    assert colour == "GREEN"
    cei = next(m for m in app.metric if m.label == "Efficacité du recouvrement (CEI)")
    assert cei.delta.startswith("+")  # CEI rose from 0 % in February: good too
    assert type(cei.proto).MetricColor.Name(cei.proto.color) == "GREEN"
    closing = next(m for m in app.metric if m.label == "Encours clients de clôture")
    assert type(closing.proto).MetricColor.Name(closing.proto.color) == "GRAY"  # neutral
