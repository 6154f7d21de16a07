"""Comparer / Compare: two periods side by side, every KPI's change, the AR bridge of each period; the audit report."""

from __future__ import annotations

from datetime import date

import streamlit as st

from kpi.analysis.audit import report_identity
from kpi.analysis.compare import COMPARE_PRESETS, Comparison, compare_periods, preset_pair
from kpi.model.filters import Filters
from kpi.model.periods import Period
from kpi.present.compare_charts import (
    BRIDGE_COLUMN_WIDTH,
    bridge_chart,
    change_table,
    period_label,
    styled_change_table,
)
from kpi.store.ledger import Ledger
from ui import context
from ui.audit_downloads import audit_buttons

CUSTOM = "custom"

view, t, fmt = context.page("page.compare")


@st.cache_data(show_spinner=False, max_entries=64)
def _comparison(version: str, reference: Period, current: Period, filters: Filters, _ledger: Ledger) -> Comparison:
    return compare_periods(_ledger, reference, current, filters)


def _range(label: str, default: Period, key: str) -> Period | None:
    picked = st.date_input(
        label,
        value=(default.start, default.end),
        key=key,
        format="DD/MM/YYYY",
        min_value=date(2000, 1, 1),
        max_value=date(2100, 12, 31),
    )
    if isinstance(picked, (tuple, list)) and len(picked) == 2:
        return Period(picked[0], picked[1])
    return None  # the second date of the range is still to be picked


anchor = view.period.end
choice = (
    st.segmented_control(
        t("compare.choice"),
        (*COMPARE_PRESETS, CUSTOM),
        default=COMPARE_PRESETS[0],
        key="compare_choice",
        format_func=lambda name: t(f"compare.preset.{name}"),
        selection_mode="single",
        required=True,
    )
    or COMPARE_PRESETS[0]
)
if choice == CUSTOM:
    left, right = st.columns(2)
    with left:
        reference = _range(t("compare.reference_dates"), view.period.previous(), "compare_reference")
    with right:
        current = _range(t("compare.current_dates"), view.period, "compare_current")
    if reference is None or current is None:
        st.info(t("compare.pick_both"))
        st.stop()
else:
    reference, current = preset_pair(choice, anchor)
    st.caption(t("compare.anchor", day=fmt.date(anchor)))

comparison = _comparison(view.version, reference, current, view.filters, view.ledger)
reference_label, current_label = (period_label(bridge, view.lang) for bridge in comparison.bridges)
st.markdown(t("compare.periods", reference=reference_label, current=current_label))

# -- every KPI, with its change coloured in the good or bad sense ----------------------------------
rows = change_table(comparison, view.lang, view.preferences.currency)
titles = {
    "label": t("compare.col.kpi"),
    "reference": t("compare.col.reference", period=reference_label),
    "current": t("compare.col.current", period=current_label),
    "change": t("compare.col.change"),
    "relative": t("compare.col.relative"),
}
styler = styled_change_table(rows, titles)
st.dataframe(styler, hide_index=True, width="stretch", height=35 * (len(rows) + 1) + 3, key="compare_table")
st.caption(t("compare.colour_hint"))

# -- the bridge: how closing AR came about in each period ------------------------------------------
st.subheader(t("compare.bridge"))
st.caption(t("compare.bridge_hint"))
# One waterfall per column: side by side on a screen, one above the other on a phone (Streamlit stacks columns).
for column, bridge in zip(st.columns(2), comparison.bridges):
    column.altair_chart(
        bridge_chart([bridge], view.lang, view.preferences.currency, width=BRIDGE_COLUMN_WIDTH), width="content"
    )

# -- the client audit report of the sidebar's period: one click per format -------------------------


st.subheader(t("overview.audit"))
st.caption(t("compare.audit_period", start=fmt.date(view.period.start), end=fmt.date(view.period.end)))
st.caption(t("overview.audit_hint"))
client, author = report_identity(view.ledger, view.workspace_label)
audit_buttons(view, view.period, client, author, key="audit")
