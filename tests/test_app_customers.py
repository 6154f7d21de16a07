"""The Customers page's risk rating (AppTest): the rating column, the rating filter, the factors of a customer."""

from app_session import assert_clean, session

MARCH = {"ws": "worked", "from": "2026-03-01", "to": "2026-03-31"}


def _grid(app):
    return app.dataframe[0].value


def test_every_customer_has_its_rating(worked):
    app = session(MARCH)
    app.switch_page("app_pages/customers.py").run()
    assert_clean(app)
    grid = _grid(app)
    ratings = dict(zip(grid["Client"], grid["Note"]))
    # kpi/sql/queries/risk_score.sql at 31/03/2026: Garage Dupont 8 points (C), the others 4 to 7 (B).
    assert ratings == {"Garage Dupont": "C", "Boulangerie Martin": "B", 'Café "Le Zinc"': "B", "SARL Ébène & Fils": "B"}


def test_the_rating_filter_keeps_the_customers_rated_so(worked):
    app = session({**MARCH, "lang": "en"})
    app.switch_page("app_pages/customers.py").run()
    app.multiselect(key="customer_ratings").set_value(["C", "D"]).run()
    assert_clean(app)
    assert list(_grid(app)["Customer"]) == ["Garage Dupont"]


def test_the_selected_customer_shows_its_contributing_factors(worked):
    app = session(MARCH)
    app.switch_page("app_pages/customers.py").run()
    app.multiselect(key="customer_ratings").set_value(["C"]).run()
    app.session_state["customers_table"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    app.run()
    assert_clean(app)
    assert any("Note de risque au 31/03/2026 : C" in m.value for m in app.markdown)
    factors = app.dataframe[1].value
    assert list(factors["Facteurs"])[:2] == ["part payée en retard", "part échue"]
    assert list(factors["Points"])[:2] == [3, 3]
