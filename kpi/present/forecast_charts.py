"""How the cash-in forecast is drawn: its 13 weeks, and its back-test against what was then collected.

Pure functions from kpi.metrics.forecast's results to Altair charts, testable without Streamlit; the
tooltips and bar labels carry text formatted by kpi.text.formatting, amounts are floats only to place
the marks. A week is named with its first day (« S1 · 01/04 », « W1 · 1 Apr »), written on two
lines under its bar.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from kpi.metrics.forecast import Backtest, CashForecast
from kpi.present.charts import column_label_domain, column_labels, legend
from kpi.present.vega_locale import localised
from kpi.text.formatting import format_date, format_day_month, format_money, format_percent
from kpi.text.i18n import translate

EXPECTED_COLOUR = "#1e88e5"
ACTUAL_COLOUR = "#43a047"


# The week's number and its first day are one label, drawn on two lines so thirteen fit a phone.
WEEK_SEPARATOR = " · "
HEIGHT = 280


def week_label(week: int, start, lang: str = "fr") -> str:
    """« S1 · 01/04 » (fr), « W1 · 1 Apr » (en): the week's number and its first day."""
    return translate("forecast.week_short", lang, week=week) + WEEK_SEPARATOR + format_day_month(start, lang)


def _two_lines() -> str:
    return f"split(datum.label, '{WEEK_SEPARATOR}')"


def forecast_frame(forecast: CashForecast, lang: str = "fr", currency: str = "EUR") -> pd.DataFrame:
    """One row per week: its number, dates as text, the expected amount and its text."""
    weeks = forecast.weeks
    return pd.DataFrame(
        {
            "week": list(weeks["week"]),
            "week_text": [week_label(week, start, lang) for week, start in zip(weeks["week"], weeks["week_start"])],
            "week_start": pd.to_datetime(weeks["week_start"]),
            "dates_text": [
                f"{format_date(start, lang)} – {format_date(end, lang)}"
                for start, end in zip(weeks["week_start"], weeks["week_end"])
            ],
            "amount": [float(value) for value in weeks["expected"]],
            "amount_text": [format_money(value, lang, currency) for value in weeks["expected"]],
        }
    )


def _amount_axis(frame: pd.DataFrame, title: str) -> alt.Y:
    """The amount axis of labelled bars, with room for the labels (charts.column_label_domain)."""
    return alt.Y(
        "amount:Q",
        title=title,
        scale=alt.Scale(domain=column_label_domain(frame["amount"], frame["amount_text"], HEIGHT)),
    )


def forecast_chart(forecast: CashForecast, lang: str = "fr", currency: str = "EUR") -> alt.LayerChart:
    """Expected collections week by week over the horizon (doubtful items and unapplied credits are not in it),
    each bar labelled with its amount."""
    frame = forecast_frame(forecast, lang, currency)
    amount_title = translate("chart.amount", lang, currency=currency)
    base = alt.Chart(frame).encode(
        x=alt.X(
            "week_text:N",
            sort=list(frame["week_text"]),
            title=translate("forecast.week_axis", lang),
            axis=alt.Axis(labelAngle=0, labelExpr=_two_lines(), labelLineHeight=13),
        ),
        y=_amount_axis(frame, amount_title),
        tooltip=[
            alt.Tooltip("week_text:N", title=translate("forecast.week_axis", lang)),
            alt.Tooltip("dates_text:N", title=translate("forecast.dates", lang)),
            alt.Tooltip("amount_text:N", title=translate("forecast.expected", lang)),
        ],
    )
    bars = base.mark_bar(color=EXPECTED_COLOUR)
    labels = column_labels(base, "amount", "amount_text", len(frame), frame["amount_text"])
    return localised(alt.layer(bars, *labels).properties(height=HEIGHT), lang)


def backtest_frame(backtest: Backtest, lang: str = "fr", currency: str = "EUR") -> pd.DataFrame:
    """Long form of Backtest.by_date(): for each forecast date, its forecast and what was collected."""
    by_date = backtest.by_date()
    rows = []
    for item in by_date.itertuples(index=False):
        wape = format_percent(item.wape, lang)
        for series, value in (("forecast", item.forecast), ("actual", item.actual)):
            rows.append(
                {
                    "as_of_text": format_date(item.as_of, lang),
                    "series_key": series,
                    "series": translate(f"forecast.series.{series}", lang),
                    "amount": float(value),
                    "amount_text": format_money(value, lang, currency),
                    "wape_text": wape,
                }
            )
    return pd.DataFrame(rows, columns=["as_of_text", "series_key", "series", "amount", "amount_text", "wape_text"])


def backtest_chart(backtest: Backtest, lang: str = "fr", currency: str = "EUR") -> alt.LayerChart:
    """For each past date, the 13 weeks it forecast beside what was actually collected on those invoices,
    each bar labelled with its amount."""
    frame = backtest_frame(backtest, lang, currency)
    order = [translate(f"forecast.series.{key}", lang) for key in ("forecast", "actual")]
    amount_title = translate("chart.amount", lang, currency=currency)
    base = alt.Chart(frame).encode(
        x=alt.X(
            "as_of_text:N",
            sort=list(dict.fromkeys(frame["as_of_text"])),
            title=translate("forecast.made_on", lang),
            axis=alt.Axis(labelAngle=0, labelOverlap="greedy"),
        ),
        xOffset=alt.XOffset("series:N", sort=order),
        y=_amount_axis(frame, amount_title),
        tooltip=[
            alt.Tooltip("as_of_text:N", title=translate("forecast.made_on", lang)),
            alt.Tooltip("series:N", title=translate("chart.value", lang)),
            alt.Tooltip("amount_text:N", title=amount_title),
            alt.Tooltip("wape_text:N", title=translate("forecast.wape_short", lang)),
        ],
    )
    bars = base.mark_bar().encode(
        color=alt.Color(
            "series:N",
            sort=order,
            title=None,
            scale=alt.Scale(domain=order, range=[EXPECTED_COLOUR, ACTUAL_COLOUR]),
            legend=legend(order),
        ),
    )
    labels = column_labels(base, "amount", "amount_text", len(frame), frame["amount_text"])
    return localised(alt.layer(bars, *labels).properties(height=HEIGHT), lang)
