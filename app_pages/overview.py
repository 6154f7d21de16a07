"""Synthèse / Overview: the period's KPI cards with their change, how each is computed, aging and top overdue;
the client audit report of the period and filters in view."""

from __future__ import annotations

from functools import partial

import streamlit as st

from kpi.analysis.audit import report_identity
from kpi.analysis.explain import explain
from kpi.metrics.indicators import FLOW_INDICATORS, OVERVIEW_INDICATORS, change
from kpi.metrics.overdue import overdue_by_customer
from kpi.present.charts import aging_bar_chart
from kpi.text.i18n import bucket_label
from kpi.text.untrusted import markdown_text, spreadsheet_text
from ui import context
from ui.activity_headlines import show_headlines
from ui.audit_downloads import audit_buttons
from ui.grids import show_table

view = context.current_view()
t, fmt = view.t, view.fmt

st.title(t("page.overview"))
period, previous = view.period, view.period.previous()
st.caption(
    t(
        "overview.subtitle",
        workspace=markdown_text(view.workspace_label),
        start=fmt.date(period.start),
        end=fmt.date(period.end),
        days=period.days,
        previous_start=fmt.date(previous.start),
        previous_end=fmt.date(previous.end),
    )
)
context.stop_unless_data(view)

current = context.report(view)
before = context.report(view, previous)

DELTA_COLOURS = {"lower": "inverse", "higher": "normal", "neutral": "off"}
COLUMNS = 4
for start in range(0, len(OVERVIEW_INDICATORS), COLUMNS):
    columns = st.columns(COLUMNS)
    for column, indicator in zip(columns, OVERVIEW_INDICATORS[start : start + COLUMNS]):
        value = getattr(current, indicator.key)
        delta = change(value, getattr(before, indicator.key))
        hint = t(f"kpi.{indicator.key}.help")
        if value is None:
            hint = f"{hint}\n\n{t('overview.undefined')} {t(f'kpi.{indicator.key}.null_hint')}"
        delta_text = None if delta is None else fmt.change(delta, indicator.unit)
        # A change that rounds to zero has no direction: grey, no arrow.
        flat = delta_text is not None and not any(ch in "123456789" for ch in delta_text)
        column.metric(
            t(f"kpi.{indicator.key}.label"),
            fmt.value(value, indicator.unit),
            delta=delta_text,
            delta_color="off" if flat else DELTA_COLOURS[indicator.better],
            delta_arrow="off" if flat else "auto",
            help=hint,
            border=True,
        )

st.caption(
    " · ".join(
        f"{t(f'kpi.{indicator.key}.label')} : {fmt.value(getattr(current, indicator.key), indicator.unit)}"
        if view.lang == "fr"
        else f"{t(f'kpi.{indicator.key}.label')}: {fmt.value(getattr(current, indicator.key), indicator.unit)}"
        for indicator in FLOW_INDICATORS
    )
)

context.matching_notice(view, current.unapplied_credits, current.closing_gross_ar, "overview")
show_headlines(view, current)  # collection-activity cards, when a log was imported

st.subheader(t("overview.how_computed"))
for indicator in OVERVIEW_INDICATORS:
    explanation = explain(indicator.key, current, view.lang, view.preferences.currency)
    with st.expander(
        f"{t(f'kpi.{indicator.key}.label')} — {fmt.value(getattr(current, indicator.key), indicator.unit)}"
    ):
        st.markdown(f"**{t('overview.formula')}** {explanation.formula}")
        if explanation.computation:
            st.code(explanation.computation, language=None)
        if explanation.note:
            st.caption(explanation.note)

left, right = st.columns([2, 3])
with left:
    st.subheader(t("overview.aging_at", day=fmt.date(period.end)))
    # The unapplied credits as a negative bar: bars and the AR card add up to the same total.
    bars = {**current.aging, "unapplied_credits": current.unapplied_credits}
    st.altair_chart(aging_bar_chart(bars, view.lang, view.preferences.currency), width="stretch")
    st.caption(t("matching.caption", mode=t(f"matching.{view.filters.matching}")))
with right:
    st.subheader(t("overview.top_overdue"))
    balance = context.balance(view, period.end, view.preferences.edges, "due", "customer")
    top = overdue_by_customer(balance, limit=10)
    columns = [("customer_name", spreadsheet_text), ("overdue", fmt.money)]
    columns += [("oldest_bucket", partial(bucket_label, lang=view.lang)), ("total", fmt.money)]
    shown = [(t(f"column.{name}"), name, show) for name, show in columns]
    show_table(top, shown, partial(st.success, t("overview.no_overdue")))


# -- the client audit report of this period and these filters: built on click, one button per format --


st.subheader(t("overview.audit"))
st.caption(t("overview.audit_hint"))
stored_client, stored_author = report_identity(view.ledger, view.workspace_label)
left, right = st.columns(2)
client = left.text_input(t("overview.audit_client"), value=stored_client, max_chars=120, key="overview_audit_client")
author = right.text_input(
    t("overview.audit_author"),
    value=stored_author,
    max_chars=120,
    key="overview_audit_author",
    placeholder=t("overview.audit_author_placeholder"),
)
client, author = client.strip() or stored_client, author.strip()
audit_buttons(view, period, client, author, key="overview_audit")
