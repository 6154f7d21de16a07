"""'How is this computed' texts (kpi/analysis/explain.py): each KPI's definition in words, then the same words with the period's
numbers plugged in; never a spec section, an SQL file or a field name."""

import json
from decimal import Decimal
from pathlib import Path

import pytest

from kpi.analysis.explain import EXPLAINED, explain
from kpi.metrics.indicators import OVERVIEW_INDICATORS
from kpi.metrics.report import AMOUNT_KEYS, RATIO_KEYS, period_report
from kpi.model.periods import Period
from kpi.text.formatting import format_money

NNBSP, NBSP = "\u202f", "\u00a0"
EXPECTED = json.loads((Path(__file__).parent / "data" / "worked" / "expected-2026-03.json").read_text())


@pytest.fixture(scope="module")
def march(worked_ledger):
    return period_report(worked_ledger, Period.month(2026, 3))


def test_dso_of_the_worked_example(march):
    text = explain("dso", march, "fr").computation
    assert text == (
        f"DSO = encours clients de clôture 6{NNBSP}500,00{NBSP}€ ÷ chiffre d'affaires de la période"
        f" 6{NNBSP}100,00{NBSP}€ × 31 jours = 33,0{NBSP}j"
    )


def test_dso_in_english(march):
    assert explain("dso", march, "en").computation == (
        f"DSO = closing receivables €6,500.00 ÷ the period's sales €6,100.00 × 31 days = 33.0{NBSP}d"
    )


def test_cei_plugs_in_all_four_amounts(march):
    text = explain("cei", march, "fr").computation
    # The result as the worked example's JSON gives it (85.40…), to one decimal in French.
    cei = f"{EXPECTED['cei']:.1f}".replace(".", ",")
    assert text == (
        f"CEI = (encours d'ouverture 6{NNBSP}250,00{NBSP}€ + ventes 6{NNBSP}100,00{NBSP}€ − encours de clôture"
        f" 6{NNBSP}500,00{NBSP}€) ÷ (encours d'ouverture 6{NNBSP}250,00{NBSP}€ + ventes 6{NNBSP}100,00{NBSP}€"
        f" − encours non échu de clôture 5{NNBSP}500,00{NBSP}€) × 100 = {cei}{NBSP}%"
    )


def test_overdue_rate_uses_gross_ar(march):
    # gross AR = Σ buckets = 7 050; 1 550 / 7 050 = 21,99 %
    assert explain("overdue_rate", march, "fr").computation == (
        f"Taux d'échu = encours échu de clôture 1{NNBSP}550,00{NBSP}€ ÷ encours brut de clôture"
        f" 7{NNBSP}050,00{NBSP}€ × 100 = 22,0{NBSP}%"
    )


def test_closing_ar_is_gross_plus_unapplied_credits(march):
    assert explain("closing_ar", march, "en").computation == (
        "Closing receivables = gross AR €7,050.00 + credit notes and unapplied cash (-€550.00) = €6,500.00"
    )


def test_an_undefined_kpi_gets_the_formula_and_the_reason(worked_ledger):
    november = period_report(worked_ledger, Period.month(2025, 11))  # no sales, no payments
    explanation = explain("dso", november, "fr")
    assert explanation.computation is None
    assert explanation.note == "pas de chiffre d'affaires sur la période."
    assert explanation.formula.startswith("DSO = ")


def test_every_card_and_every_audit_figure_has_an_explanation_in_both_languages(march):
    assert {indicator.key for indicator in OVERVIEW_INDICATORS} <= set(EXPLAINED)
    assert set(EXPLAINED) == {*AMOUNT_KEYS, *RATIO_KEYS}
    for key in EXPLAINED:
        for lang in ("fr", "en"):
            explanation = explain(key, march, lang)
            assert explanation.formula and explanation.computation and "{" not in explanation.computation


def test_works_on_the_json_dict_too(march):
    assert explain("dso", march.to_json_dict(), "fr").computation.endswith(f"= 33,0{NBSP}j")


def test_sales_split_into_invoices_and_credit_notes(march):
    # the worked example's March: invoices 6 100, no credit note issued in the month
    report = march
    text = explain("sales", report, "fr").computation
    assert text == (
        f"Chiffre d'affaires TTC = factures {format_money(report.invoiced)} − avoirs"
        f" {format_money(report.invoiced - report.sales)} émis du 01/03/2026 au 31/03/2026"
        f" = {format_money(report.sales)}"
    )
    assert report.sales == Decimal(str(EXPECTED["sales"])).quantize(Decimal("0.01"))


def test_opening_balance_is_dated_the_day_before(march):
    assert explain("opening_ar", march, "en").computation == (
        "Opening receivables = receivables on 28/02/2026 = €6,250.00"
    )


def test_no_spec_jargon_in_any_text(march):
    jargon = ("KPI-SPEC", ".sql", "closing_ar", "document_id", "due_date", "[S, E]", "Σ", "Somme")
    for key in EXPLAINED:
        for lang in ("fr", "en"):
            explanation = explain(key, march, lang)
            for text in (explanation.formula, explanation.computation):
                assert not any(word in text for word in jargon), (key, lang, text)
