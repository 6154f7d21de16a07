"""The Recouvrement / Collections page and the overview's activity cards (AppTest), on the example of tests/data/activity."""

from __future__ import annotations

from pathlib import Path

import pytest

from app_session import assert_clean, build_demo_home, copy_home, session
from app_session import metric as metric_text
from kpi.workspace import Workspace

ACTIVITY = Path(__file__).parent / "data" / "activity"
MARCH = {"ws": "activite", "from": "2026-03-01", "to": "2026-03-31"}


def metric(app, label: str) -> str:
    return metric_text(app, label).replace("\u00a0", " ")  # the formatter's non-breaking spaces


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory):
    return build_demo_home(tmp_path_factory.mktemp("demo-home"))


@pytest.fixture
def home(demo_template, tmp_path, monkeypatch):
    path = copy_home(demo_template, tmp_path / "home")
    Workspace(path / "activite").import_files(sorted(ACTIVITY.glob("*.csv")))
    Workspace(path / "factures").import_files([ACTIVITY / "factures.csv", ACTIVITY / "reglements.csv"])
    monkeypatch.setenv("ENCOURS_HOME", str(path))
    return path


def test_collections_page_shows_the_example_kpis(home):
    app = session({**MARCH, "lang": "fr"})
    app.switch_page("pages/collections.py").run()
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


def test_absent_logs_say_so_instead_of_zero(home):
    app = session({**MARCH, "ws": "factures", "lang": "fr"})
    app.switch_page("pages/collections.py").run()
    assert_clean(app)
    assert metric(app, "Taux de succès des relances") == "—, aucun journal de relances importé"
    assert metric(app, "Taux de litiges") == "—, aucun journal de litiges importé"
    # The overview shows no activity card without a log.
    overview = session({**MARCH, "ws": "factures", "lang": "fr"})
    assert_clean(overview)
    assert "Taux de litiges" not in [m.label for m in overview.metric]


def test_overview_shows_the_headline_activity_kpis(home):
    app = session({**MARCH, "lang": "en"})
    assert_clean(app)
    assert metric(app, "Dispute rate") == "57.5%"
    assert metric(app, "Reminder success rate") == "40.0%"
