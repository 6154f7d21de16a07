"""Tendances / Trends: the KPIs month by month; clicking a month on a chart makes it the period."""

from __future__ import annotations

from functools import partial

import streamlit as st

from kpi.model.periods import Period, add_months
from kpi.present.charts import (
    MONTH_SELECTION,
    aging_history_chart,
    kpi_trend_chart,
    sales_collections_chart,
    selected_month,
)
from ui import context

view, t, _ = context.page("page.trends")

MONTH_CHOICES = (6, 12, 24, 36)
months = (
    st.segmented_control(
        t("trends.months"),
        MONTH_CHOICES,
        default=12,
        key="trend_months",
        format_func=lambda n: t("trends.n_months", n=n),
    )
    or 12
)
end = view.period.end
start = max(add_months(end.replace(day=1), -(months - 1)), view.data_range[0].replace(day=1))
st.caption(t("trends.caption", start=view.fmt.date(start), end=view.fmt.date(end)))

series = context.series(view, start, end)
aging = context.history(view, start, end)
currency = view.preferences.currency


def _follow_click(key: str) -> None:
    """A month clicked on a chart becomes the period of every page."""
    event = st.session_state.get(key)
    selection = event.get("selection", {}).get(MONTH_SELECTION) if event else None
    month = selected_month(selection)
    if month is not None:
        st.session_state[context.PERIOD_REQUEST_KEY] = Period.month(month.year, month.month)


charts = (
    (
        "trend_days",
        t("trends.days_chart"),
        kpi_trend_chart(series, ("dso", "countback_dso", "bpdso", "add"), "days", view.lang),
    ),
    ("trend_cei", t("trends.cei_chart"), kpi_trend_chart(series, ("cei", "collection_rate"), "percent", view.lang)),
    ("trend_flows", t("trends.flows_chart"), sales_collections_chart(series, view.lang, currency)),
    (
        "trend_aging",
        t("trends.aging_chart"),
        aging_history_chart(aging, ("not_due", "1_30", "31_60", "61_90", "91_120", "over_120"), view.lang, currency),
    ),
)
HINTS = {"trend_days": "trends.countback_hint"}
st.caption(t("trends.click_hint"))
left, right = st.columns(2)
for index, (key, title, chart) in enumerate(charts):
    with left if index % 2 == 0 else right:
        st.subheader(title)
        # A callback, not a check after drawing: it fires once per click, before the router
        # runs again, so the new period reaches the sidebar and a kept selection cannot loop.
        st.altair_chart(
            chart, width="stretch", key=key, on_select=partial(_follow_click, key), selection_mode=MONTH_SELECTION
        )
        if key in HINTS:
            st.caption(t(HINTS[key]))
