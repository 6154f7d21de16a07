"""Délais de paiement (D441-6) / Payment delays: the table of Article D441-6 of the Code de commerce at the period's
end, for the fiscal year the user says, as the management report publishes it: invoices received (a FEC's supplier
accounts 401) and issued; XLSX and PDF in the model's layout."""

from __future__ import annotations

from functools import partial

import streamlit as st

from kpi.exports.d441 import column_titles, d441_xlsx, received_note, side_rows, side_titles
from kpi.exports.d441_pdf import d441_pdf
from kpi.metrics.d441 import COLUMNS, REFERENCE_TERMS, D441Table, d441_table, default_fiscal_start
from kpi.text.untrusted import markdown_text
from ui import context
from ui.choices import choice
from ui.downloads import download_buttons, file_header

view, t, fmt = context.page("page.payment_delays")

closing = view.period.end
left, right = st.columns(2)
fiscal_start = left.date_input(
    t("d441.fiscal_start"),
    value=default_fiscal_start(closing),
    max_value=closing,
    format="DD/MM/YYYY",
    key="d441_fiscal_start",
)
reference_terms = choice(right, t, "d441.terms_used", REFERENCE_TERMS, "d441.terms", key="d441_terms")


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
if table.received is not None:
    st.caption(t("d441.page_purchases", purchases=fmt.money(table.received.sales)))
st.subheader(t("d441.title_sides" if table.received is not None else "d441.title"))
# The model's sides one under the other (received, when the data has supplier lines, then issued), each a grid
# of its rows under the six columns, the section titles (A) and (B) as rows of their own, (C) below.
for index, ((side, _), title) in enumerate(zip(table.sides(), side_titles(table, view.lang))):
    st.markdown(f"**{markdown_text(title)}**")
    grid: dict[str, list[str]] = {
        t(f"d441.{'received_row' if side == 'received' else 'row'}"): [],
        **{title: [] for title in column_titles(view.lang)},
    }
    *rows, section_c, terms = side_rows(table, index, view.lang)
    for row in rows:
        cells = [row.label, *(row.cells[0] if row.cells else [""] * len(COLUMNS))]
        for values, cell in zip(grid.values(), cells):
            values.append(str(cell))
    st.dataframe(grid, hide_index=True, width="stretch")
    # (C) is a sentence, too long for a cell: said under the grid, as the model's last row.
    st.markdown(f"**{markdown_text(section_c.label)}**")
    st.markdown(markdown_text(t("d441.terms_line", terms=terms.cells[0][0])))
st.caption(t(received_note(table)))

stem = f"{t('d441.file_stem')}-{closing.isoformat()}"
header = file_header(view)
download_buttons(
    [
        ("xlsx", t("d441.download_xlsx"), partial(d441_xlsx, table, header)),
        ("pdf", t("d441.download_pdf"), partial(d441_pdf, table, header)),
    ],
    stem,
    key="d441_download",
)
