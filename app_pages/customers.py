"""Clients / Customers: every customer's position, searchable and sortable; pick one to see its documents and habits."""

from __future__ import annotations

from dataclasses import replace
from functools import partial

import pandas as pd
import streamlit as st

from kpi.metrics.risk import RATINGS, RiskTable, customer_risk
from kpi.present.charts import payment_delay_chart
from kpi.text.untrusted import markdown_text, spreadsheet_text
from ui import context
from ui.grids import column_widths, fixed_columns, show_table

view, t, fmt = context.page("page.customers")

period = view.period
st.caption(t("customers.caption", start=fmt.date(period.start), end=fmt.date(period.end)))


@st.cache_data(show_spinner=False, max_entries=64)
def _risk(version: str, as_of, filters, _ledger) -> RiskTable:
    return customer_risk(_ledger, as_of, filters)


table = context.customers(view)
risk = _risk(view.version, period.end, view.filters, view.ledger)
table.insert(2, "rating", table["customer_id"].map(risk.ratings()))
search_column, rating_column = st.columns([3, 1])
search = search_column.text_input(t("customers.search"), key="customer_search", placeholder=t("customers.search_hint"))
ratings = rating_column.multiselect(
    t("risk.filter"), RATINGS, key="customer_ratings", placeholder=t("risk.all_ratings"), help=t("risk.filter_help")
)
if ratings:
    table = table[table["customer_id"].isin(risk.customers_rated(tuple(ratings)))]
if search:
    needle = search.strip().lower()
    keep = table["customer_name"].str.lower().str.contains(needle, regex=False) | table[
        "customer_id"
    ].str.lower().str.contains(needle, regex=False)
    table = table[keep]
table = table.reset_index(drop=True)

MONEY = ("closing_ar", "overdue_ar", "sales")
DAYS = ("dso", "avg_days_to_collect", "avg_days_late")
shown = [c for c in table.columns if c != "customer_id"]
grid = table[shown].copy()
# Floats only so the grid sorts numerically; what is shown is the formatted exact value.
for name in MONEY + DAYS:
    if name in grid.columns:
        grid[name] = pd.to_numeric(grid[name], errors="coerce").astype("float64")
grid["customer_name"] = [spreadsheet_text(name) for name in grid["customer_name"]]
# st.dataframe shows a Styler's cells but not its headers: rename to the titles first.
titles = {name: t(f"column.{name}") for name in shown}
grid = grid.rename(columns=titles)
styler = grid.style
for name in shown:
    if name in MONEY:
        styler = styler.format(fmt.money, subset=[titles[name]], na_rep="—")
    elif name in DAYS:
        styler = styler.format(fmt.days, subset=[titles[name]], na_rep="—")
    elif name == "rating":
        styler = styler.format(na_rep="—", subset=[titles[name]])
styler = styler.hide(axis="index")
# Each column as wide as its widest text (no amount ends in « … »), the names pinned when the grid scrolls.
shown_texts = {
    titles[name]: [
        fmt.money(v) if name in MONEY else fmt.days(v) if name in DAYS else str(v)
        for v in table[name]
        if v is not None and v == v
    ]
    for name in shown
}
widths = column_widths(shown_texts, text_columns=[titles["customer_name"]])
event = st.dataframe(
    styler,
    hide_index=True,
    width="stretch",
    on_select="rerun",
    selection_mode="single-row",
    key="customers_table",
    placeholder="—",
    column_config=fixed_columns(widths, pinned=[titles["customer_name"]]),
)
st.caption(t("customers.pick_hint"))
rows = event.selection.rows if event else []
if not rows or rows[0] >= len(table):
    st.stop()

customer = table.iloc[rows[0]]
customer_id, customer_name = customer["customer_id"], customer["customer_name"]
only_this = replace(view.filters, customers=(customer_id,))
st.header(markdown_text(customer_name))

own = context.report(view, period, only_this)
cards = (
    ("closing_ar", "money"),
    ("dso", "days"),
    ("avg_days_late", "days"),
    ("collection_rate", "percent"),
    ("overdue_rate", "percent"),
)
for column, (key, unit) in zip(st.columns([2, 1, 1, 1, 1]), cards):  # amounts need the room
    value = getattr(own, key)
    column.metric(
        t(f"kpi.{key}.label"),
        fmt.value(value, unit),
        help=None if value is not None else t(f"kpi.{key}.null_hint"),
        border=True,
    )

if customer_id in set(risk.rows["customer_id"]):
    scored = risk.rows.set_index("customer_id").loc[customer_id]
    factors = risk.contributing_factors(customer_id)
    st.markdown(t("risk.rating_line", rating=scored["rating"], points=int(scored["points"]), day=fmt.date(period.end)))
    if factors:
        st.dataframe(
            {
                t("risk.factors"): [t(f"risk.factor.{f.key}") for f in factors],
                t("risk.value"): [fmt.value(f.value, f.unit) for f in factors],
                t("risk.points"): [f.points for f in factors],
            },
            hide_index=True,
        )
    else:
        st.caption(t("risk.no_factor"))

left, right = st.columns(2)
with left:
    st.subheader(t("customers.open_documents", day=fmt.date(period.end)))
    documents = context.balance(view, period.end, view.preferences.edges, "due", "document", only_this).rows
    columns = [("document_id", spreadsheet_text), ("issue_date", fmt.date), ("due_date", fmt.date)]
    columns += [("days_past_due", None), ("total", fmt.money)]
    shown = [(t(f"column.{name}"), name, show) for name, show in columns]
    show_table(documents, shown, partial(st.success, t("customers.nothing_open")))
with right:
    st.subheader(t("customers.payment_history"))
    history = context.payments(view, period.end, only_this)
    if history.empty:
        st.info(t("customers.no_payment"))
    else:
        st.altair_chart(payment_delay_chart(history, view.lang, view.preferences.currency), width="stretch")
        st.caption(t("customers.payment_history_hint"))
