"""The two matching modes in the app (issue 9): the setting, the notice's one click, the split columns, the drill-down.

On examples/matching at 31/03/2026 (tests/test_report.py works it out by hand): `matched` leaves
650 € of credits unapplied against 3 000 € of gross AR (21,7 % > 10 %: the notice shows), overdue
rate 1 400 / 3 000 = 46,7 %; `oldest` nets them: overdue 750 / 2 350 = 31,9 %, nothing unapplied.
"""

from __future__ import annotations

import pytest
from app_session import assert_clean, copied_home, imported_home, metric, session, sidebar
from sample_files import MATCHING_FILES

from kpi.store.workspace import Workspace

NBSP = "\u00a0"
MARCH = {"ws": "matching", "from": "2026-03-01", "to": "2026-03-31"}
NOTICE = "Voir en imputation au plus ancien"


@pytest.fixture(scope="module")
def matching_workspace(tmp_path_factory):
    """KPI-SPEC's matching example, imported once a module; each test changes settings on its own copy."""
    return imported_home(tmp_path_factory.mktemp("matching-template"), "matching", MATCHING_FILES)


@pytest.fixture
def home(matching_workspace, tmp_path, monkeypatch):
    return copied_home(matching_workspace, tmp_path / "home", monkeypatch)


def test_matched_by_default_with_the_notice_and_one_click_to_oldest(home):
    app = session(MARCH)
    assert_clean(app)
    assert sidebar(app, "selectbox", "sb_matching").value == "matched"
    assert metric(app, "Taux d'échu") == f"46,7{NBSP}%"
    assert any("21,7" in w.value for w in app.warning), [w.value for w in app.warning]
    app.button(key="matching_notice_overview").click().run()
    assert_clean(app)
    assert sidebar(app, "selectbox", "sb_matching").value == "oldest"
    assert metric(app, "Taux d'échu") == f"31,9{NBSP}%"
    assert metric(app, "Encours clients de clôture") == f"2\u202f350,00{NBSP}€"  # AR is the same in both modes
    assert app.query_params["imputation"] == "oldest"  # a copied URL keeps the mode
    assert not [b for b in app.button if b.key == "matching_notice_overview"]  # nothing left to suggest


def test_the_url_sets_the_mode(home):
    app = session({**MARCH, "imputation": "oldest"})
    assert_clean(app)
    assert metric(app, "Taux d'échu") == f"31,9{NBSP}%"


def test_the_workspace_setting_is_the_default_of_every_view(home):
    app = session(MARCH)
    app.switch_page("app_pages/settings.py").run()
    app.radio(key="settings_matching").set_value("oldest")
    app.get("button")  # the form's submit button
    next(b for b in app.button if "Enregistrer" in b.label).click().run()
    assert_clean(app)
    assert Workspace(home / "matching").settings()["apply_credits"] == "oldest"
    fresh = session(MARCH)  # a new browser session on the same workspace
    assert_clean(fresh)
    assert sidebar(fresh, "selectbox", "sb_matching").value == "oldest"
    assert metric(fresh, "Taux d'échu") == f"31,9{NBSP}%"
    assert "imputation" not in fresh.query_params  # the workspace's own choice needs no URL parameter


def test_aged_balance_splits_credit_notes_from_unapplied_payments(home):
    app = session(MARCH)
    app.switch_page("app_pages/aged_balance.py").run()
    assert_clean(app)
    grid = app.dataframe[0].value
    columns = list(grid.columns)
    assert "Avoirs non imputés" in columns and "Règlements non lettrés" in columns
    total = grid[grid[columns[0]] == "Total"].iloc[0]
    # A-201 −200 is a credit note; P-102 −300, P-202 −100 and W-201 −50 are unapplied payments.
    assert total["Avoirs non imputés"] == pytest.approx(-200.0)
    assert total["Règlements non lettrés"] == pytest.approx(-450.0)
    assert any("pièce à pièce" in c.value.lower() for c in app.caption)
