"""How the cash-in forecast is drawn: its 13 weeks, and its back-test against what was then collected.

Pure functions from kpi.forecast's results to Altair charts, testable without Streamlit; the
tooltips carry text formatted by kpi.formatting, amounts are floats only to place the marks.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from kpi.formatting import format_date, format_money, format_percent
from kpi.forecast import Backtest, CashForecast
from kpi.i18n import translate

EXPECTED_COLOUR = "#1e88e5"
ACTUAL_COLOUR = "#43a047"


def _amount_axis(lang: str) -> alt.Axis:
    if lang == "fr":  # Vega groups thousands the English way unless told
        return alt.Axis(labelExpr="replace(format(datum.value, ',.0f'), /,/g, '\u202f')")
    return alt.Axis()


def forecast_frame(forecast: CashForecast, lang: str = "fr", currency: str = "EUR") -> pd.DataFrame:
    """One row per week: its number, dates as text, the expected amount and its text."""
    weeks = forecast.weeks
    return pd.DataFrame({
        "week": list(weeks["week"]),
        "week_text": [translate("forecast.week_short", lang, week=week) for week in weeks["week"]],
        "week_start": pd.to_datetime(weeks["week_start"]),
        "dates_text": [f"{format_date(start, lang)} – {format_date(end, lang)}"
                       for start, end in zip(weeks["week_start"], weeks["week_end"])],
        "amount": [float(value) for value in weeks["expected"]],
        "amount_text": [format_money(value, lang, currency) for value in weeks["expected"]],
    })


def forecast_chart(forecast: CashForecast, lang: str = "fr", currency: str = "EUR") -> alt.Chart:
    """Expected collections week by week over the horizon (doubtful items and unapplied credits are not in it)."""
    frame = forecast_frame(forecast, lang, currency)
    amount_title = translate("chart.amount", lang, currency=currency)
    return (
        alt.Chart(frame)
        .mark_bar(color=EXPECTED_COLOUR)
        .encode(
            x=alt.X("week_text:N", sort=list(frame["week_text"]), title=translate("forecast.week_axis", lang),
                    axis=alt.Axis(labelAngle=0)),
            y=alt.Y("amount:Q", title=amount_title, axis=_amount_axis(lang)),
            tooltip=[
                alt.Tooltip("week_text:N", title=translate("forecast.week_axis", lang)),
                alt.Tooltip("dates_text:N", title=translate("forecast.dates", lang)),
                alt.Tooltip("amount_text:N", title=translate("forecast.expected", lang)),
            ],
        )
        .properties(height=280)
    )


def backtest_frame(backtest: Backtest, lang: str = "fr", currency: str = "EUR") -> pd.DataFrame:
    """Long form of Backtest.by_date(): for each forecast date, its forecast and what was collected."""
    by_date = backtest.by_date()
    rows = []
    for item in by_date.itertuples(index=False):
        wape = format_percent(item.wape, lang)
        for series, value in (("forecast", item.forecast), ("actual", item.actual)):
            rows.append({
                "as_of_text": format_date(item.as_of, lang),
                "series_key": series,
                "series": translate(f"forecast.series.{series}", lang),
                "amount": float(value),
                "amount_text": format_money(value, lang, currency),
                "wape_text": wape,
            })
    return pd.DataFrame(rows, columns=["as_of_text", "series_key", "series", "amount", "amount_text", "wape_text"])


def backtest_chart(backtest: Backtest, lang: str = "fr", currency: str = "EUR") -> alt.Chart:
    """For each past date, the 13 weeks it forecast beside what was actually collected on those invoices."""
    frame = backtest_frame(backtest, lang, currency)
    order = [translate(f"forecast.series.{key}", lang) for key in ("forecast", "actual")]
    amount_title = translate("chart.amount", lang, currency=currency)
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("as_of_text:N", sort=list(dict.fromkeys(frame["as_of_text"])),
                    title=translate("forecast.made_on", lang), axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("series:N", sort=order),
            y=alt.Y("amount:Q", title=amount_title, axis=_amount_axis(lang)),
            color=alt.Color("series:N", sort=order, title=None,
                            scale=alt.Scale(domain=order, range=[EXPECTED_COLOUR, ACTUAL_COLOUR]),
                            legend=alt.Legend(orient="bottom")),
            tooltip=[
                alt.Tooltip("as_of_text:N", title=translate("forecast.made_on", lang)),
                alt.Tooltip("series:N", title=translate("chart.value", lang)),
                alt.Tooltip("amount_text:N", title=amount_title),
                alt.Tooltip("wape_text:N", title=translate("forecast.wape_short", lang)),
            ],
        )
        .properties(height=280)
    )
