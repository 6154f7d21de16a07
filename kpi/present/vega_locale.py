"""Vega's number and time locales, so that a chart's axes read as the interface does.

Set per chart in `config.locale` (Vega reads it when it builds the view), not through
vega-embed's `formatLocale` option, which changes the default of every chart on the page.
French follows kpi.text.formatting: digits grouped with a narrow no-break space, a decimal comma,
the ASCII minus (as the figures in labels and tooltips), dd/mm/yyyy and French month names.
Axis ticks keep Vega's own precision (no `format`): it follows the tick step, so an axis of
small amounts shows 0,5 rather than rounding it to 1.
"""

from __future__ import annotations

NUMBER_LOCALES = {
    "fr": {
        "decimal": ",",
        "thousands": "\u202f",
        "grouping": [3],
        "currency": ["", "\u00a0€"],
        "minus": "-",
        "percent": "\u00a0%",
    },
    "en": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["€", ""], "minus": "-"},
}

TIME_LOCALES = {
    "fr": {
        "dateTime": "%A %e %B %Y à %X",
        "date": "%d/%m/%Y",
        "time": "%H:%M:%S",
        "periods": ["", ""],
        "days": ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"],
        "shortDays": ["dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."],
        "months": [
            "janvier",
            "février",
            "mars",
            "avril",
            "mai",
            "juin",
            "juillet",
            "août",
            "septembre",
            "octobre",
            "novembre",
            "décembre",
        ],
        "shortMonths": [
            "janv.",
            "févr.",
            "mars",
            "avr.",
            "mai",
            "juin",
            "juil.",
            "août",
            "sept.",
            "oct.",
            "nov.",
            "déc.",
        ],
    },
    # British order of day and month, as kpi.text.formatting writes dates in English.
    "en": {
        "dateTime": "%a %e %b %X %Y",
        "date": "%d/%m/%Y",
        "time": "%H:%M:%S",
        "periods": ["AM", "PM"],
        "days": ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"],
        "shortDays": ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"],
        "months": [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ],
        "shortMonths": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    },
}


def chart_locale(lang: str) -> dict:
    """`config.locale` for a language: {"number": d3-format locale, "time": d3-time-format locale}."""
    lang = lang if lang in NUMBER_LOCALES else "fr"
    return {"number": NUMBER_LOCALES[lang], "time": TIME_LOCALES[lang]}


def localised(chart, lang: str):
    """The chart with its language's locale, and nothing on screen cut: titles and legends unlimited."""
    return chart.configure(locale=chart_locale(lang)).configure_legend(labelLimit=0, titleLimit=0)
