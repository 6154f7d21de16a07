"""The Compare page (AppTest): two periods side by side on the worked example and on the demo."""

import pytest

from app_session import WORKED, assert_clean, build_demo_home, copy_home, session
from kpi.workspace import Workspace

MARCH = {"ws": "worked", "from": "2026-03-01", "to": "2026-03-31"}


@pytest.fixture(scope="module")
def worked_home(tmp_path_factory):
    home = tmp_path_factory.mktemp("compare-home")
    Workspace(home / "worked").import_files([WORKED / "documents.csv", WORKED / "settlements.csv"])
    return home


@pytest.fixture
def worked(worked_home, monkeypatch):
    monkeypatch.setenv("ENCOURS_HOME", str(worked_home))
    monkeypatch.setattr("kpi.workspace.ensure_demo_workspace", lambda home=None: None)


@pytest.fixture
def demo(tmp_path_factory, tmp_path, monkeypatch):
    template = build_demo_home(tmp_path_factory.mktemp("compare-demo"))
    monkeypatch.setenv("ENCOURS_HOME", str(copy_home(template, tmp_path / "home")))


def _choice(app):
    return next(group for group in app.get("button_group") if group.key == "compare_choice")


def _row(table, label):
    return table.loc[table.iloc[:, 0] == label].iloc[0]


def test_march_against_february_on_the_worked_example(worked):
    app = session(MARCH)
    app.switch_page("pages/compare.py").run()
    assert_clean(app)
    assert app.title[0].value == "Comparer"
    table = app.dataframe[0].value
    assert list(table.columns) == [
        "Indicateur", "Référence (01/02/2026 – 28/02/2026)", "Comparée (01/03/2026 – 31/03/2026)", "Écart",
        "Écart relatif",
    ]
    dso = _row(table, "DSO")
    assert (dso.iloc[1], dso.iloc[2]) == ("83,3\u00a0j", "33,0\u00a0j")
    assert dso.iloc[3] == "-50,3\u00a0j"
    closing = _row(table, "Encours clients de clôture")
    assert closing.iloc[2] == "6\u202f500,00\u00a0€"
    # A rate's change is in points.
    assert _row(table, "Taux d'échu").iloc[3].endswith("\u00a0pt")
    assert len(app.get("vega_lite_chart")) == 1  # the bridge


def test_custom_periods_and_english(worked):
    app = session({**MARCH, "lang": "en"})
    app.switch_page("pages/compare.py").run()
    _choice(app).set_value("custom").run()
    assert_clean(app)
    table = app.dataframe[0].value
    assert table.columns[1] == "Reference (01/02/2026 – 28/02/2026)"
    assert _row(table, "DSO").iloc[2] == "33.0\u00a0d"


@pytest.mark.parametrize("preset", ["quarter_vs_last_year", "year_vs_previous_year"])
def test_demo_presets_render(demo, preset):
    app = session()
    app.switch_page("pages/compare.py").run()
    _choice(app).set_value(preset).run()
    assert_clean(app)
    assert len(app.dataframe[0].value) > 20
