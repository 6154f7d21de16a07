"""Interface labels in French and English, read from kpi/text/locales/{fr,en}.json."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

from kpi.model.names import UNASSIGNED_ACTIVITY

LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
LOCALES_DIR = Path(__file__).with_name("locales")


@cache
def catalog(lang: str) -> dict[str, str]:
    """Every label of one language, keyed by a dotted name such as `kpi.dso.label`."""
    with (LOCALES_DIR / f"{lang}.json").open(encoding="utf-8") as handle:
        return json.load(handle)


def language(value: str | None) -> str:
    """The language to use for a requested code; anything unknown falls back to French."""
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def translate(key: str, lang: str = DEFAULT_LANGUAGE, **values) -> str:
    """The label `key` in `lang`, with `{name}` placeholders filled from `values`.

    A key missing from a language falls back to French, then to the key itself, so a
    forgotten translation shows up as a visible name rather than breaking a page.
    """
    text = catalog(language(lang)).get(key)
    if text is None:
        text = catalog(DEFAULT_LANGUAGE).get(key, key)
    return text.format(**values) if values else text


class Translator:
    """`translate` bound to one language, so pages write `t("page.overview")`."""

    def __init__(self, lang: str):
        self.lang = language(lang)

    def __call__(self, key: str, **values) -> str:
        return translate(key, self.lang, **values)


def activity_label(name: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """An activity as users read it: the stored « Unassigned » (KPI-SPEC §1) in the user's language."""
    return translate("activity.unassigned", lang) if name == UNASSIGNED_ACTIVITY else name


_BUCKET_RANGE = re.compile(r"^(\d+)_(\d+)$")
_BUCKET_OVER = re.compile(r"^over_(\d+)$")


def bucket_label(key: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """A readable name for an ageing bucket key: `not_due` → "Non échu", `31_60` → "31–60 j", `over_120` → "> 120 j"."""
    if key in ("not_due", "unapplied_credits", "credit_notes", "unapplied_payments", "total"):
        return translate(f"bucket.{key}", lang)
    unit = translate("unit.days_short", lang)
    if match := _BUCKET_RANGE.match(key):
        return f"{match[1]}–{match[2]}\u00a0{unit}"
    if match := _BUCKET_OVER.match(key):
        return f">\u00a0{match[1]}\u00a0{unit}"
    return key


def column_title(name: str, lang: str) -> str:
    """The header of a column in the user's language."""
    if (
        name in ("not_due", "unapplied_credits", "credit_notes", "unapplied_payments", "total")
        or name[:1].isdigit()
        or name.startswith("over_")
    ):
        return bucket_label(name, lang)
    key = f"column.{name}"
    title = translate(key, lang)
    return name if title == key else title
