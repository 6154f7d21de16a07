"""The French and English label catalogues (kpi/text/i18n.py, kpi/text/locales/*.json) are complete and consistent."""

import re
from pathlib import Path

import pytest

from kpi.analysis.explain import EXPLAINED
from kpi.importers.mapping import LAYOUT_FIELDS
from kpi.metrics.indicators import FLOW_INDICATORS, OVERVIEW_INDICATORS
from kpi.present.view import PERIOD_CHOICES
from kpi.text.i18n import LANGUAGES, Translator, bucket_label, catalog, translate

ROOT = Path(__file__).resolve().parent.parent
UI_SOURCES = [
    ROOT / "app.py",
    *sorted((ROOT / "app_pages").glob("*.py")),
    *sorted((ROOT / "ui").glob("*.py")),
    *sorted((ROOT / "kpi").glob("*.py")),
]
PLACEHOLDER = re.compile(r"\{(\w+)\}")
# t("key"), translate("key", …), t('key') — literal keys only; f-string families are checked below.
LITERAL_KEY = re.compile(r"""\b(?:t|translate)\(\s*["']([a-z_]+(?:\.[A-Za-z0-9_-]+)+)["']""")


def test_both_languages_have_the_same_keys():
    assert set(catalog("fr")) == set(catalog("en"))


def test_placeholders_match_between_languages():
    # One test walks every key (one parametrised test a key cost more to collect and dispatch than to check);
    # its message names each key whose placeholders differ.
    french, english = catalog("fr"), catalog("en")
    assert len(french) > 500  # the loop really walks the catalogue
    differing = []
    for key in sorted(set(french) & set(english)):
        fr, en = set(PLACEHOLDER.findall(french[key])), set(PLACEHOLDER.findall(english[key]))
        if fr != en:
            differing.append(f"{key}: fr {sorted(fr)}, en {sorted(en)}")
    assert not differing, "placeholders differ between languages:\n" + "\n".join(differing)


def test_every_literal_key_used_in_the_code_exists():
    used = {key for path in UI_SOURCES for key in LITERAL_KEY.findall(path.read_text(encoding="utf-8"))}
    assert len(used) > 100  # the scan really found the pages' labels
    missing = sorted(key for key in used if key not in catalog("fr"))
    assert missing == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_key_families_built_at_run_time_exist(lang):
    labels = catalog(lang)
    for indicator in OVERVIEW_INDICATORS:
        for part in ("label", "help", "null_hint"):
            assert f"kpi.{indicator.key}.{part}" in labels
    for indicator in FLOW_INDICATORS:
        assert f"kpi.{indicator.key}.label" in labels
    for key in EXPLAINED:
        assert f"explain.{key}.formula" in labels and f"explain.{key}.computation" in labels
    for key in ("dso", "bpdso", "add", "cei", "collection_rate", "sales", "collected"):
        assert f"kpi.{key}.short" in labels  # the trend charts' legends
    for choice in PERIOD_CHOICES:
        assert f"period.{choice}" in labels
    for layout, fields in LAYOUT_FIELDS.items():
        assert f"data.layout.{layout}" in labels
        for field in fields:
            assert f"field.{field}" in labels, field


def test_french_is_the_default_and_english_differs():
    assert translate("page.aged_balance") == "Balance âgée"
    assert translate("page.aged_balance", "en") == "Aged balance"
    assert Translator("de")("page.overview") == "Synthèse"  # unknown language → French


def test_placeholders_are_filled():
    assert translate("aging.documents_of", "fr", customer="Garage Dupont") == "Pièces ouvertes de Garage Dupont"


def test_a_missing_key_shows_its_name_rather_than_failing():
    assert translate("no.such.key", "en") == "no.such.key"


def test_bucket_labels():
    assert bucket_label("not_due") == "Non échu"
    assert bucket_label("31_60") == "31–60\u00a0j"
    assert bucket_label("over_120", "en") == ">\u00a0120\u00a0d"
    assert bucket_label("unapplied_credits", "en") == "Credits & unapplied"
