"""Sidebar filters change the numbers, and the URL reproduces the view (AppTest on the worked example).

What the app shows is compared with tests/data/worked/expected-*.json (KPI-SPEC's worked example, worked out
by hand): every card's value, read back from its French text, lies within half a unit of its last digit of
the expected value; for March, every card's delta is the expected change since February.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from app_session import assert_clean, session, sidebar

from kpi.text.i18n import translate

WORKED = Path(__file__).parent / "data" / "worked"
MARCH = {"ws": "worked", "from": "2026-03-01", "to": "2026-03-31"}
# The overview's cards on a workspace without collection logs, in their order: the ratios in the order of
# KPI-SPEC §5's JSON contract (the worked example's files list them after the aged balance), then the
# closing AR.
CONTRACT = list(json.loads((WORKED / "expected-2026-03.json").read_text()))
CARDS = (*CONTRACT[CONTRACT.index("aging") + 1 :], "closing_ar")
# How each card's unit is written after its number ("pt" for the change of a percentage).
UNITS = re.compile(r"\s*(j|%|€|pt)$")


def expected(name: str) -> dict:
    return json.loads((WORKED / f"expected-{name}.json").read_text())


def shown_number(text: str) -> tuple[float, int] | None:
    """'6 500,00 €' → (6500.0, 2 decimals shown); '—' or '' → None."""
    plain = text.replace("\u00a0", " ").replace("\u202f", " ").strip()
    if plain in ("", "—"):
        return None
    plain = UNITS.sub("", plain).replace(" ", "")
    decimals = len(plain.split(",")[1]) if "," in plain else 0
    return float(plain.replace(",", ".")), decimals


def assert_shows(shown: str, value: float | None, what: str) -> None:
    number = shown_number(shown)
    if value is None:
        assert number is None, (what, shown)
        return
    assert number is not None, (what, shown)
    read, decimals = number
    assert abs(read - value) <= 0.5 * 10**-decimals + 1e-9, (what, shown, value)


def assert_cards_match(app, report: dict, previous: dict | None = None) -> None:
    """Each card shows the report's value; with `previous`, its delta is the change since then."""
    cards = {m.label: m for m in app.metric}
    assert list(cards) == [translate(f"kpi.{key}.label", "fr") for key in CARDS]
    for key in CARDS:
        card = cards[translate(f"kpi.{key}.label", "fr")]
        assert_shows(card.value, report[key], key)
        if previous is not None:
            change = None if report[key] is None or previous[key] is None else report[key] - previous[key]
            assert_shows(card.delta or "", change, f"{key} delta")


@pytest.fixture
def home(worked):
    return worked


def test_march_2026_shows_the_expected_report_and_colours_its_deltas(home):
    app = session(MARCH)
    assert_clean(app)
    assert_cards_match(app, expected("2026-03"), previous=expected("2026-02"))
    colours = {m.label: type(m.proto).MetricColor.Name(m.proto.color) for m in app.metric}
    # DSO fell from 83,3 j to 33,0 j (lower is better), CEI rose from 0 % (higher is better): both green.
    assert colours["DSO"] == "GREEN"
    assert colours["Efficacité du recouvrement (CEI)"] == "GREEN"
    # The written-off share rose from 0 % to 6,6 %: red. Closing AR is neutral.
    assert colours["Créances irrécouvrables / CA"] == "RED"
    assert colours["Encours clients de clôture"] == "GRAY"


def test_default_period_is_the_last_complete_month_of_the_data(home):
    app = session({"ws": "worked"})
    assert app.query_params["from"] == "2026-03-01" and app.query_params["to"] == "2026-03-31"
    assert_cards_match(app, expected("2026-03"))


def test_changing_the_period_changes_the_numbers(home):
    app = session(MARCH)
    sidebar(app, "date_input", "sb_range").set_value((date(2026, 2, 1), date(2026, 2, 28))).run()
    assert_clean(app)
    assert_cards_match(app, expected("2026-02"))
    assert app.query_params["from"] == "2026-02-01"
    assert sidebar(app, "selectbox", "sb_period").value == "custom"


def test_a_preset_sets_the_dates(home):
    app = session(MARCH)
    sidebar(app, "selectbox", "sb_period").set_value("last_quarter").run()
    assert_clean(app)
    assert sidebar(app, "date_input", "sb_range").value == (date(2026, 1, 1), date(2026, 3, 31))
    assert app.query_params["period"] == "last_quarter"


@pytest.mark.parametrize(
    ("key", "parameter", "value"), [("sb_customers", "customer", "C2"), ("sb_activities", "activity", "Services")]
)
def test_a_filter_shows_that_selections_report(home, key, parameter, value):
    app = session(MARCH)
    sidebar(app, "multiselect", key).set_value([value]).run()
    assert_clean(app)
    assert_cards_match(app, expected(f"2026-03-{parameter}-{value}"))
    assert app.query_params[parameter] == value


def test_a_copied_url_reproduces_the_view(home):
    first = session(MARCH)
    first.multiselect(key="sb_activities").set_value(["Services"]).run()
    url = dict(first.query_params)
    second = session(url)
    assert_clean(second)
    assert sidebar(second, "multiselect", "sb_activities").value == ["Services"]
    assert_cards_match(second, expected("2026-03-activity-Services"))
