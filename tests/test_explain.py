"""'How is this computed' texts (kpi/explain.py): the KPI-SPEC formula with the period's numbers plugged in."""

import json
from pathlib import Path

import pytest

from kpi.explain import EXPLAINED, explain
from kpi.indicators import OVERVIEW_INDICATORS
from kpi.periods import Period
from kpi.report import period_report

NNBSP, NBSP = "\u202f", "\u00a0"
EXPECTED = json.loads((Path(__file__).parent / "data" / "worked" / "expected-2026-03.json").read_text())


@pytest.fixture(scope="module")
def march(worked_ledger):
    return period_report(worked_ledger, Period.month(2026, 3))


def test_dso_of_the_worked_example(march):
    text = explain("dso", march, "fr").computation
    assert text == f"DSO = 6{NNBSP}500,00{NBSP}€ / 6{NNBSP}100,00{NBSP}€ × 31{NBSP}j = 33,0{NBSP}j"


def test_dso_in_english(march):
    assert explain("dso", march, "en").computation == f"DSO = €6,500.00 / €6,100.00 × 31{NBSP}d = 33.0{NBSP}d"


def test_cei_plugs_in_all_four_amounts(march):
    text = explain("cei", march, "fr").computation
    assert text == (
        f"CEI = (6{NNBSP}250,00{NBSP}€ + 6{NNBSP}100,00{NBSP}€ − 6{NNBSP}500,00{NBSP}€) / "
        f"(6{NNBSP}250,00{NBSP}€ + 6{NNBSP}100,00{NBSP}€ − 5{NNBSP}500,00{NBSP}€) × 100 = 85,4{NBSP}%"
    )
    assert round(EXPECTED["cei"], 1) == 85.4


def test_overdue_rate_uses_gross_ar(march):
    # gross AR = Σ buckets = 7 050; 1 550 / 7 050 = 21,99 %
    assert explain("overdue_rate", march, "fr").computation == (
        f"1{NNBSP}550,00{NBSP}€ / 7{NNBSP}050,00{NBSP}€ × 100 = 22,0{NBSP}%"
    )


def test_closing_ar_is_gross_plus_unapplied_credits(march):
    assert explain("closing_ar", march, "en").computation == "€7,050.00 + (-€550.00) = €6,500.00"


def test_an_undefined_kpi_gets_the_formula_and_the_reason(worked_ledger):
    november = period_report(worked_ledger, Period.month(2025, 11))  # no sales, no payments
    explanation = explain("dso", november, "fr")
    assert explanation.computation is None
    assert explanation.note == "pas de chiffre d'affaires sur la période."
    assert explanation.formula.startswith("DSO = ")


def test_every_card_has_an_explanation_in_both_languages(march):
    assert {indicator.key for indicator in OVERVIEW_INDICATORS} == set(EXPLAINED)
    for key in EXPLAINED:
        for lang in ("fr", "en"):
            explanation = explain(key, march, lang)
            assert explanation.formula and explanation.computation and "{" not in explanation.computation


def test_works_on_the_json_dict_too(march):
    assert explain("dso", march.to_json_dict(), "fr").computation.endswith(f"= 33,0{NBSP}j")
