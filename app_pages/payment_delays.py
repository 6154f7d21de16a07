"""Délais de paiement (D441-6) / Payment delays: the table of Article D441-6 of the Code de commerce at the period's
end, for the fiscal year the user says, as the management report publishes it; XLSX in the model's layout."""

from __future__ import annotations

from functools import partial

import streamlit as st

from kpi.exports.d441 import d441_xlsx, layout_rows, terms_text
from kpi.metrics.d441 import REFERENCE_TERMS, D441Table, d441_table, default_fiscal_start
from kpi.text.untrusted import markdown_text
from ui import context
from ui.downloads import download_buttons, file_header

view = context.current_view()
t, fmt = view.t, view.fmt
st.title(t("page.payment_delays"))
context.stop_unless_data(view)

closing = view.period.end
left, right = st.columns(2)
fiscal_start = left.date_input(
    t("d441.fiscal_start"),
    value=default_fiscal_start(closing),
    max_value=closing,
    format="DD/MM/YYYY",
    key="d441_fiscal_start",
)
reference_terms = right.radio(
    t("d441.terms_used"),
    REFERENCE_TERMS,
    format_func=lambda terms: t(f"d441.terms.{terms}"),
    horizontal=True,
    key="d441_terms",
)


@st.cache_data(show_spinner=False, max_entries=64)
def _table(version: str, closing, fiscal_start, filters, terms: str, _ledger) -> D441Table:
    return d441_table(_ledger, closing, fiscal_start, filters, terms)


table = _table(view.version, closing, fiscal_start, view.filters, reference_terms, view.ledger)
st.caption(
    t(
        "d441.page_caption",
        workspace=markdown_text(view.workspace_label),
        closing=fmt.date(closing),
        start=fmt.date(fiscal_start),
        sales=fmt.money(table.issued.sales),
        matching=t(f"matching.{table.matching}"),
    )
)
st.subheader(t("d441.title"))
titles, *rows = layout_rows(table, view.lang)
sections = {0: t("d441.section_a"), 3: t("d441.section_b")}
grid: dict[str, list[str]] = {t("d441.row"): [], **{str(title): [] for title in titles[1:]}}
for index, row in enumerate(rows):
    if index in sections:
        for column, values in enumerate(grid.values()):
            values.append(sections[index] if column == 0 else "")
    for values, cell in zip(grid.values(), row):
        values.append(str(cell))
st.dataframe(grid, hide_index=True, width="stretch")
st.markdown(f"**{t('d441.section_c')}**")
st.markdown(t("d441.terms_line", terms=terms_text(table.issued.reference_terms, view.lang)))
st.caption(t("d441.received_not_computed"))

download_buttons(
    [("xlsx", t("d441.download_xlsx"), partial(d441_xlsx, table, file_header(view)))],
    f"{t('d441.file_stem')}-{closing.isoformat()}",
    key="d441_download",
)
