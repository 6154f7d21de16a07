"""The « Relevés et relances » page and the Settings page's company and penalties (AppTest), on the worked example
at 31/03/2026 (the figures are worked out in tests/test_statement.py and tests/test_letters.py):

  overdue customers, largest overdue first: C2 800, C4 450, C1 300; C2's balance 500 + 300 − 300 = 500
  C2's formal notice at 13,15 %: 800 + (3.42 + 1.19) + 2 × 40 − 300 = 584.61
"""

from __future__ import annotations

import io

import pypdf
import pytest
from app_session import assert_clean, capture_downloads, imported_home, metric, session, use_home
from sample_files import WORKED_FILES

from kpi.exports.letter import default_template, template_setting
from kpi.store.workspace import Workspace

MARCH = {"ws": "worked", "from": "2026-03-01", "to": "2026-03-31"}


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A home of its own: the tests record letters and change settings."""
    return use_home(imported_home(tmp_path, "worked", WORKED_FILES), monkeypatch)


def page(query: dict | None = None):
    app = session({**MARCH, **(query or {})})
    app.switch_page("app_pages/statements.py").run()
    assert_clean(app)
    return app


def pdf_text(data: bytes) -> str:
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages)
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def test_the_first_overdue_customers_statement_and_its_files(home, monkeypatch):
    downloads = capture_downloads(monkeypatch)
    app = page()
    assert app.selectbox(key="statements_customer").value == "C2"
    assert app.selectbox(key="statements_customer").options[:3] == [
        "Garage Dupont (C2)",
        "SARL Ébène & Fils (C4)",
        "Boulangerie Martin (C1)",
    ]
    assert metric(app, "Solde dû") == "500,00\u00a0€"
    assert metric(app, "dont échu") == "800,00\u00a0€"
    assert "Solde dû : 500,00 €" in pdf_text(downloads["releve-C2-2026-03-31.pdf"]())
    assert b"Garage Dupont" in downloads["releve-C2-2026-03-31.html"]()
    assert downloads["releve-C2-2026-03-31.xlsx"]()[:2] == b"PK"
    app.selectbox(key="statements_customer").set_value("C3").run()
    assert metric(app, "Solde dû") == "2\u202f250,00\u00a0€"  # 1 800 + 700 − 250


def test_english(home):
    app = page({"lang": "en"})
    assert app.title[0].value == "Statements and letters"
    assert metric(app, "Balance due") == "€500.00"


def test_a_formal_notice_needs_a_rate_then_states_the_total_and_its_download_is_recorded(home, monkeypatch):
    downloads = capture_downloads(monkeypatch)
    app = page()
    app.radio(key="statements_stage").set_value("formal_notice").run()
    assert [e.value for e in app.error] and "taux" in app.error[0].value  # no rate saved, none typed
    app.text_input(key="statements_rate").input("13,15").run()
    assert_clean(app)
    assert metric(app, "Total dû") == "584,61\u00a0€"
    assert "584,61 €" in pdf_text(downloads["relance-formal_notice-C2-2026-03-31.pdf"]())
    assert "journal des relances" in " ".join(c.value for c in app.caption)
    app.download_button(key="letter_download").click().run()
    assert_clean(app)
    imports = Workspace(home / "worked").imports()
    assert list(imports["sources"].iloc[-1]) == ["relance-MED-C2-2026-03-31.csv"]


def test_all_overdue_letters_are_recorded(home, monkeypatch):
    capture_downloads(monkeypatch)
    app = page()
    app.download_button(key="letters_zip").click().run()
    assert_clean(app)
    sources = [list(s) for s in Workspace(home / "worked").imports()["sources"]]
    assert sources[1:] == [[f"relance-R1-{c}-2026-03-31.csv"] for c in ("C2", "C4", "C1")]


def test_a_template_edited_is_used_then_restored(home, monkeypatch):
    downloads = capture_downloads(monkeypatch)
    app = page()
    app.text_area(key="statements_template_r1_fr").input("Bonjour {{ customer_name }} : {{ total_due }}.").run()
    app.button(key="statements_template_save").click().run()
    assert_clean(app)
    assert Workspace(home / "worked").settings()[template_setting("r1", "fr")].startswith("Bonjour")
    assert "Bonjour Garage Dupont : 500,00 €." in pdf_text(downloads["relance-r1-C2-2026-03-31.pdf"]())
    app.button(key="statements_template_restore").click().run()
    assert_clean(app)
    assert Workspace(home / "worked").settings()[template_setting("r1", "fr")] is None
    assert app.text_area(key="statements_template_r1_fr").value == default_template("r1", "fr")


def test_a_template_that_cannot_run_is_refused(home):
    app = page()
    app.text_area(key="statements_template_r1_fr").input("{% if %}").run()
    app.button(key="statements_template_save").click().run()
    assert app.error and "r1" in app.error[0].value
    assert template_setting("r1", "fr") not in Workspace(home / "worked").settings()


def test_company_and_penalties_on_the_settings_page(home, monkeypatch):
    downloads = capture_downloads(monkeypatch)
    app = session(MARCH)
    app.switch_page("app_pages/settings.py").run()
    app.text_input(key="settings_company_name").input("Encours Démo SAS")
    app.text_input(key="settings_company_siret").input("123 456 789 00012")
    app.get("form_submit_button")[1].click().run()  # the company's form
    assert_clean(app)
    app.text_input(key="settings_penalty_rate").input("13,15")
    app.get("form_submit_button")[2].click().run()  # the penalties' form
    assert_clean(app)
    stored = Workspace(home / "worked").settings()
    assert (stored["company_name"], stored["letter_penalty_rate"]) == ("Encours Démo SAS", "13.15")
    app.switch_page("app_pages/statements.py").run()
    app.radio(key="statements_stage").set_value("formal_notice").run()
    assert_clean(app)
    assert metric(app, "Total dû") == "584,61\u00a0€"  # the saved rate
    text = pdf_text(downloads["relance-formal_notice-C2-2026-03-31.pdf"]())
    assert "Encours Démo SAS" in text and "SIRET : 123 456 789 00012" in text
