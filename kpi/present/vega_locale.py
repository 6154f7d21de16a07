"""Vega's number and time locales, so that a chart's axes read as the interface does.

Set per chart in `config.locale` (Vega reads it when it builds the view), not through
vega-embed's `formatLocale` option, which changes the default of every chart on the page.
French follows kpi.text.formatting: digits grouped with a narrow no-break space, a decimal comma,
the ASCII minus (as the figures in labels and tooltips), dd/mm/yyyy and French month names; the
locales themselves are data, in vega_locales/{fr,en}.json.
Axis ticks keep Vega's own precision (no `format`): it follows the tick step, so an axis of
small amounts shows 0,5 rather than rounding it to 1.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

# A d3-format and a d3-time-format locale per language, as d3 ships its own (d3-format/locale/fr-FR.json…),
# with the English dates in British order, as kpi.text.formatting writes them.
LOCALES_DIR = Path(__file__).with_name("vega_locales")
LANGUAGES = ("fr", "en")


@functools.cache
def _locale(lang: str) -> dict:
    with (LOCALES_DIR / f"{lang}.json").open(encoding="utf-8") as handle:
        return json.load(handle)


def chart_locale(lang: str) -> dict:
    """`config.locale` for a language: {"number": d3-format locale, "time": d3-time-format locale}."""
    return dict(_locale(lang if lang in LANGUAGES else "fr"))


def localised(chart, lang: str):
    """The chart with its language's locale, and nothing on screen cut: titles and legends unlimited."""
    return chart.configure(locale=chart_locale(lang)).configure_legend(labelLimit=0, titleLimit=0)
