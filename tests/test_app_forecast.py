"""The Forecast page (AppTest): 13 weeks of expected cash-in and the back-test, on the worked example and the demo."""

import pytest
from app_session import assert_clean, metric, session

NBSP, GROUP = "\u00a0", "\u202f"


@pytest.fixture
def demo(demo_home):
    return demo_home


def test_worked_example_forecast_at_the_end_of_march(worked):
    app = session({"ws": "worked", "from": "2026-03-01", "to": "2026-03-31"})
    app.switch_page("app_pages/forecast.py").run()
    assert_clean(app)
    assert app.title[0].value == "Prévision"
    # Σ weeks + beyond + doubtful + unapplied credits = AR at 31/03 (6 500 €), the credits set apart.
    assert metric(app, "Total attendu sur 13 semaines") == f"7{GROUP}050,00{NBSP}€"
    assert metric(app, "Avoirs et encaissements non lettrés, à part") == f"-550,00{NBSP}€"
    assert metric(app, "Encours clients") == f"6{GROUP}500,00{NBSP}€"
    assert len(app.get("vega_lite_chart")) == 1
    assert "trop court" in app.info[0].value  # six months of history: no back-test


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_demo_shows_the_backtest_with_its_error(demo, lang):
    app = session({"lang": lang})
    app.switch_page("app_pages/forecast.py").run()
    assert_clean(app)
    assert len(app.get("vega_lite_chart")) == 2
    wape = metric(app, "Erreur (WAPE)" if lang == "fr" else "Error (WAPE)")
    assert wape.endswith("%") and wape != "—"
