"""Every page of the app renders on the demo workspace, in French and in English (AppTest)."""

import pytest
from app_session import assert_clean, metric, session, sidebar

PAGES = [
    "app_pages/overview.py",
    "app_pages/aged_balance.py",
    "app_pages/customers.py",
    "app_pages/trends.py",
    "app_pages/data.py",
    "app_pages/settings.py",
]
TITLES = {
    "fr": ["Synthèse", "Balance âgée", "Clients", "Tendances", "Données", "Paramètres"],
    "en": ["Overview", "Aged balance", "Customers", "Trends", "Data", "Settings"],
}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_page_renders_without_error(demo_home, lang):
    app = session({"lang": lang})
    for page, title in zip(PAGES, TITLES[lang]):
        app.switch_page(page).run()
        assert_clean(app)
        assert app.title[0].value == title


def test_overview_shows_the_nineteen_cards_with_values(demo_home):
    app = session()
    assert_clean(app)
    assert len(app.metric) == 19  # 14 ledger KPIs + the 5 collection-activity headlines (the demo has the logs)
    dso = metric(app, "DSO")
    assert dso.endswith("\u00a0j") and dso != "—"
    # The URL carries the whole view.
    assert app.query_params["ws"] == "demo"
    assert app.query_params["period"] == "last_month"
    assert {"from", "to", "lang"} <= set(app.query_params)


def test_first_start_creates_the_demo_workspace(tmp_path, monkeypatch):
    monkeypatch.setenv("ENCOURS_HOME", str(tmp_path / "fresh"))
    app = session()
    assert_clean(app)
    assert (tmp_path / "fresh" / "demo" / "ledger.duckdb").is_file()
    assert sidebar(app, "selectbox", "sb_workspace").value == "demo"


def test_english_labels_and_numbers(demo_home):
    app = session({"lang": "en"})
    assert_clean(app)
    assert metric(app, "Closing receivables").startswith("€")
    assert metric(app, "DSO").endswith("\u00a0d")


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
