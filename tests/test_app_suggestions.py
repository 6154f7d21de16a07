"""The « Rapprochements suggérés » page (issue 14, item 6) on the worked example at 31/03/2026: the one suggestion
(A-001 → F-007, 300 €, tests/test_suggestions.py works it out), its button storing it as an import of its own that
the Données page lists, and the page's labels in both languages."""

from __future__ import annotations

import pytest
from app_session import assert_clean, copied_home, session

from kpi.store.workspace import Workspace

MARCH = {"ws": "worked", "from": "2026-03-01", "to": "2026-03-31"}
PAGE = "app_pages/suggestions.py"


@pytest.fixture
def home(worked_home, tmp_path, monkeypatch):
    """A copy of the worked example's home (tests/conftest.py) per test: accepting changes it."""
    return copied_home(worked_home, tmp_path / "home", monkeypatch)


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


def test_names_and_labels_from_the_data_are_drawn_as_text(home, tmp_path):
    import csv

    from hostile_names import MARKDOWN_IMAGE, MARKDOWN_LINK, MARKUP
    from test_app_hostile import assert_no_markup_from_data

    with (tmp_path / "documents.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(("document_id", "customer_id", "customer_name", "activity", "issue_date", "due_date", "amount"))
        writer.writerow(("F-1", MARKDOWN_LINK, MARKUP, "S", "2026-03-01", "2026-03-31", "120.00"))
        writer.writerow(("A-1", MARKDOWN_LINK, MARKUP, "S", "2026-03-05", "2026-03-05", "-120.00"))
        writer.writerow(("F-2", "K", MARKDOWN_IMAGE, "S", "2026-03-01", "2026-03-31", "90.00"))
    with (tmp_path / "settlements.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(("settlement_id", "document_id", "customer_id", "date", "amount", "kind", "libelle"))
        writer.writerow(("P-2", "", "K", "2026-03-10", "50.00", "cash", f"F-2 {MARKDOWN_IMAGE}"))
    Workspace(home / "hostile").import_files([tmp_path / "documents.csv", tmp_path / "settlements.csv"])
    app = session({"ws": "hostile", "from": "2026-03-01", "to": "2026-03-31"})
    app.switch_page(PAGE).run()
    assert_clean(app)
    assert_no_markup_from_data(app)
    shown = texts(app)
    assert f"{MARKUP} ({MARKDOWN_LINK})" in shown
    assert f"Règlement P-2 · 10/03/2026 · 50,00\u00a0€\nF-2 {MARKDOWN_IMAGE}" in shown
