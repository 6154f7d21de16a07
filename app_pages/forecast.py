"""Prévision / Forecast: expected cash-in of the next 13 weeks, and its back-test so the reader knows how far to trust it."""

from __future__ import annotations

from datetime import date

import streamlit as st

from kpi.metrics.forecast import WEEKS, Backtest, CashForecast, backtest, cash_forecast
from kpi.model.filters import Filters
from kpi.present.forecast_charts import backtest_chart, forecast_chart
from kpi.store.ledger import Ledger
from kpi.text.formatting import is_missing
from kpi.text.untrusted import spreadsheet_text
from ui import context

view, t, fmt = context.page("page.forecast")
currency = view.preferences.currency


@st.cache_data(show_spinner=False, max_entries=32)
def _forecast(version: str, as_of: date, filters: Filters, _ledger: Ledger) -> CashForecast:
    return cash_forecast(_ledger, as_of, filters)


@st.cache_data(show_spinner=False, max_entries=16)
def _backtest(version: str, filters: Filters, _ledger: Ledger) -> Backtest:
    return backtest(_ledger, filters=filters)


as_of = st.date_input(
    t("forecast.as_of"),
    value=view.period.end,
    key="forecast_as_of",
    format="DD/MM/YYYY",
    min_value=date(2000, 1, 1),
    max_value=date(2100, 12, 31),
    help=t("forecast.as_of_help"),
)
forecast = _forecast(view.version, as_of, view.filters, view.ledger)
st.caption(t("forecast.caption", day=fmt.date(as_of), weeks=WEEKS))

# What the weeks hold, then what is set apart: together they make up the receivables.
rows = (
    (
        ("forecast.horizon_total", forecast.expected_in_horizon),
        ("forecast.beyond", forecast.beyond),
        ("forecast.ar", forecast.ar),
    ),
    (("forecast.doubtful", forecast.doubtful), ("forecast.unapplied_credits", forecast.unapplied_credits)),
)
for cards in rows:
    for column, (key, amount) in zip(st.columns(3), cards):
        column.metric(t(key), fmt.money(amount), border=True)

if forecast.promises is not None and not forecast.promises.empty:
    placed = forecast.promises
    st.caption(t("promises.forecast_caption", count=len(placed), amount=fmt.money(forecast.promised)))
    with st.expander(t("promises.forecast_items", count=len(placed))):
        st.dataframe(
            {
                t("promises.column.customer_id"): [spreadsheet_text(v) for v in placed["customer_id"]],
                t("promises.column.document"): [
                    "" if is_missing(v) else spreadsheet_text(v) for v in placed["document_id"]
                ],
                t("promises.column.expected_date"): [fmt.date(v) for v in placed["expected_date"]],
                t("promises.column.amount"): [fmt.money(v) for v in placed["amount"]],
            },
            hide_index=True,
            width="stretch",
        )

st.subheader(t("forecast.by_week"))
st.altair_chart(forecast_chart(forecast, view.lang, currency), width="stretch")
st.caption(t("forecast.apart_hint"))

doubtful = forecast.doubtful_items()
if not doubtful.empty:
    with st.expander(t("forecast.doubtful_items", count=len(doubtful))):
        st.dataframe(
            {
                t("column.customer_name"): [spreadsheet_text(v) for v in doubtful["customer_name"]],
                t("column.document_id"): [spreadsheet_text(v) for v in doubtful["document_id"]],
                t("column.due_date"): [fmt.date(v) for v in doubtful["due_date"]],
                t("column.days_past_due"): doubtful["days_past_due"],
                t("risk.rating"): doubtful["rating"],
                t("column.outstanding"): [fmt.money(v) for v in doubtful["outstanding"]],
            },
            hide_index=True,
            width="stretch",
        )

# -- how far to trust it ------------------------------------------------------------------------------
st.subheader(t("forecast.backtest_title"))
with st.spinner(t("forecast.backtesting")):
    test = _backtest(view.version, view.filters, view.ledger)
if test.rows.empty:
    st.info(t("forecast.no_backtest"))
    st.stop()
scores = st.columns(3)
scores[0].metric(t("forecast.wape"), fmt.percent(test.wape), help=t("forecast.wape_help"), border=True)
scores[1].metric(t("forecast.bias_label"), fmt.signed(test.bias, "percent"), help=t("forecast.bias_help"), border=True)
scores[2].metric(
    t("forecast.mean_error"), fmt.money(test.mean_absolute_error), help=t("forecast.mean_error_help"), border=True
)
st.altair_chart(backtest_chart(test, view.lang, currency), width="stretch")
st.caption(t("forecast.backtest_hint", count=test.rows["as_of"].nunique(), weeks=WEEKS))
st.caption(t("forecast.backtest_weekly_hint"))
