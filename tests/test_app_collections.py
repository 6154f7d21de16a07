"""The Recouvrement / Collections page and the overview's activity cards (AppTest), on the example of tests/data/activity."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from app_session import assert_clean, session
from app_session import metric as metric_text

from kpi.store.workspace import Workspace

ACTIVITY = Path(__file__).parent / "data" / "activity"
MARCH = {"ws": "activite", "from": "2026-03-01", "to": "2026-03-31"}


def metric(app, label: str) -> str:
    return metric_text(app, label).replace("\u00a0", " ")  # the formatter's non-breaking spaces


@pytest.fixture(scope="module")
def activity_workspaces(tmp_path_factory):
    """The example with its activity logs ("activite") and without ("factures"), imported once a module."""
    folder = tmp_path_factory.mktemp("activity-workspaces")
    Workspace(folder / "activite").import_files(sorted(ACTIVITY.glob("*.csv")))
    Workspace(folder / "factures").import_files([ACTIVITY / "factures.csv", ACTIVITY / "reglements.csv"])
    return folder


@pytest.fixture
def home(demo_home, activity_workspaces):
    """A copy of the demo home with copies of both workspaces: the tests change their settings."""
    for name in ("activite", "factures"):
        shutil.copytree(activity_workspaces / name, demo_home / name)
    return demo_home


def test_collections_page_shows_the_example_kpis_and_funnel(home):
    app = session({**MARCH, "lang": "fr"})
    app.switch_page("app_pages/collections.py").run()
    assert_clean(app)
    assert app.title[0].value == "Recouvrement"
    assert metric(app, "Taux de litiges") == "57,5 %"
    assert metric(app, "Litiges en cours") == "1"
    assert metric(app, "Taux de succès des relances") == "40,0 %"
    assert metric(app, "Respect des échéanciers") == "33,3 %"
    assert metric(app, "Coût par euro recouvré").startswith("0,50")
    frames = [frame.value for frame in app.dataframe]
    funnel = next(f for f in frames if "Étape" in f.columns)
    assert list(funnel["Étape"]) == ["R1", "R2", "Mise en demeure", "Agence / contentieux"]
    assert len(app.get("vega_lite_chart")) == 1  # the escalation funnel, drawn above its table which stays


def test_absent_logs_say_so_instead_of_zero(home):
    app = session({**MARCH, "ws": "factures", "lang": "fr"})
    app.switch_page("app_pages/collections.py").run()
    assert_clean(app)
    assert metric(app, "Taux de succès des relances") == "—"
    assert metric(app, "Taux de litiges") == "—"
    captions = [c.value for c in app.caption]
    assert "—, aucun journal de relances importé" in captions
    assert "—, aucun journal de litiges importé" in captions
    # The overview shows no activity card without a log.
    overview = session({**MARCH, "ws": "factures", "lang": "fr"})
    assert_clean(overview)
    assert "Taux de litiges" not in [m.label for m in overview.metric]


def test_overview_shows_the_headline_activity_kpis(home):
    app = session({**MARCH, "lang": "en"})
    assert_clean(app)
    assert metric(app, "Dispute rate") == "57.5%"
    assert metric(app, "Reminder success rate") == "40.0%"


def test_monthly_cost_on_the_settings_page_gives_the_cost_per_euro_collected(home):
    # The "factures" workspace has no costs log: no ratio until a monthly amount is entered.
    app = session({**MARCH, "ws": "factures", "lang": "fr"})
    app.switch_page("app_pages/collections.py").run()
    assert_clean(app)
    assert metric(app, "Coût par euro recouvré") == "—"
    assert "—, aucun journal de frais de recouvrement importé" in [c.value for c in app.caption]
    app.switch_page("app_pages/settings.py").run()
    assert_clean(app)
    app.text_input(key="settings_monthly_cost").input("1 500,00")
    next(button for button in app.button if button.label == "Enregistrer").click().run()
    assert_clean(app)
    assert Workspace(home / "factures").settings()["monthly_collection_cost"] == "1500.00"
    app.switch_page("app_pages/collections.py").run()
    assert_clean(app)
    # March: 1 500 / collected 4 700 = 0,32
    assert metric(app, "Coût par euro recouvré").startswith("0,32")
    assert any("1 500,00 €" in c.value.replace("\u202f", " ").replace("\u00a0", " ") for c in app.caption)
    # 5 000 a month is more than March's cash: the page says so in red.
    app.switch_page("app_pages/settings.py").run()
    app.text_input(key="settings_monthly_cost").input("5000")
    next(button for button in app.button if button.label == "Enregistrer").click().run()
    app.switch_page("app_pages/collections.py").run()
    assert metric(app, "Coût par euro recouvré").startswith("1,06")
    assert [e.value for e in app.error] == [
        "Le recouvrement coûte plus qu'il ne rapporte : plus d'un euro dépensé par euro encaissé."
    ]


def test_an_invalid_monthly_cost_is_refused_and_nothing_is_stored(home):
    app = session({**MARCH, "ws": "factures", "lang": "fr"})
    app.switch_page("app_pages/settings.py").run()
    app.text_input(key="settings_monthly_cost").input("-12")
    next(button for button in app.button if button.label == "Enregistrer").click().run()
    # What the user typed is shown as text: Markdown-escaped in the message, read as it was.
    shown = [re.sub(r"\\(.)", r"\1", e.value) for e in app.error]
    assert shown == ["« -12 » n'est pas un montant positif (ex. 1 500,00)."]
    assert "monthly_collection_cost" not in Workspace(home / "factures").settings()
