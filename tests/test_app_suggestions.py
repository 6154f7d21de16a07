"""The « Rapprochements suggérés » page (issue 14, item 6) on the worked example at 31/03/2026: the one suggestion
(A-001 → F-007, 300 €, tests/test_suggestions.py works it out), its button storing it as an import of its own that
the Données page lists, and the page's labels in both languages."""

from __future__ import annotations

import shutil

import pytest
from app_session import assert_clean, session
from sample_files import WORKED_FILES

from kpi.store.workspace import Workspace

MARCH = {"ws": "worked", "from": "2026-03-01", "to": "2026-03-31"}
PAGE = "app_pages/suggestions.py"


@pytest.fixture(scope="module")
def worked_template(tmp_path_factory):
    workspace = tmp_path_factory.mktemp("suggestions-template") / "worked"
    Workspace(workspace).import_files(WORKED_FILES)
    return workspace


@pytest.fixture
def home(worked_template, tmp_path, monkeypatch):
    """A copy of the worked example per test: accepting changes it."""
    shutil.copytree(worked_template, tmp_path / "worked")
    monkeypatch.setenv("ENCOURS_HOME", str(tmp_path))
    monkeypatch.setattr("kpi.store.workspace.ensure_demo_workspace", lambda home=None: None)
    return tmp_path


def texts(app) -> list[str]:
    return [element.value for element in app.text]


def test_the_suggestion_is_shown_and_accepting_it_stores_an_import(home):
    app = session(MARCH)
    app.switch_page(PAGE).run()
    assert_clean(app)
    assert app.title[0].value == "Rapprochements suggérés"
    assert [s.value for s in app.subheader] == ["Même montant (1)"]
    shown = texts(app)
    assert "Garage Dupont (C2)" in shown
    assert any(text.startswith("Avoir A-001 · 18/03/2026") for text in shown), shown
    assert any(text.startswith("F-007 · 20/03/2026") for text in shown), shown
    app.button(key="suggestions_accept_same_amount_A-001:F-007").click().run()
    assert_clean(app)
    assert [s.value for s in app.success] == [
        "1 rapprochement(s) enregistré(s) : import n° 2.",
        "Aucun rapprochement à suggérer à cette date.",
    ]
    assert list(Workspace(home / "worked").imports()["sources"].iloc[-1]) == ["lettrage manuel (1 rapprochement)"]
    app.switch_page("app_pages/data.py").run()
    assert_clean(app)
    sources = app.dataframe[0].value["Fichiers"].tolist()
    assert sources[-1] == "lettrage manuel (1 rapprochement)"


def test_the_page_in_english(home):
    app = session({**MARCH, "lang": "en"})
    app.switch_page(PAGE).run()
    assert_clean(app)
    assert app.title[0].value == "Suggested matches"
    assert [s.value for s in app.subheader] == ["Same amount (1)"]
    assert "Credit note A-001 · 18/03/2026 · €300.00" in texts(app), texts(app)
    assert app.button(key="suggestions_accept_same_amount_A-001:F-007").label == "Accept"


def test_accepting_all_of_a_reason(home, tmp_path):
    from test_suggestions import small_files

    Workspace(home / "small").import_files(small_files(tmp_path))
    app = session({"ws": "small", "from": "2026-03-01", "to": "2026-03-31"})
    app.switch_page(PAGE).run()
    assert_clean(app)
    # tests/test_suggestions.py's small ledger: two same-amount pairs (K5), two within a cent (K1), one reference (K2).
    assert [s.value for s in app.subheader] == [
        "Même montant (2)",
        "À 0,01 € près (2)",
        "Numéro de facture dans le libellé (1)",
    ]
    app.button(key="suggestions_all_within_cent").click().run()
    assert_clean(app)
    assert app.success[0].value == "2 rapprochement(s) enregistré(s) : import n° 2."
    # What the two leave, I-11's 0,01 € and A-12's −0,01 €, now match by the same amount: a third pair.
    assert [s.value for s in app.subheader] == ["Même montant (3)", "Numéro de facture dans le libellé (1)"]
    assert app.button(key="suggestions_accept_same_amount_A-12:I-11")
    imports = Workspace(home / "small").imports()
    assert list(imports["sources"].iloc[-1]) == ["lettrage manuel (2 rapprochements)"]
