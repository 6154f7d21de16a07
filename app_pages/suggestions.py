"""Rapprochements suggérés / Suggested matches: unapplied payments and credit notes that match an open invoice of
the same customer at the end of the period, by reason, each with a button that stores it as a manual matching
(an import of its own, removable on the Données page)."""

from __future__ import annotations

import streamlit as st

from kpi.metrics.suggestions import REASONS, Suggestion, Suggestions, accept, suggestions
from kpi.text.untrusted import markdown_text
from ui import context

view, t, fmt = context.page("page.suggestions")

as_of = view.period.end
DONE_KEY = "suggestions_done"


@st.cache_data(show_spinner=False, max_entries=64)
def _suggestions(version: str, as_of, _ledger) -> Suggestions:
    return suggestions(_ledger, as_of)


def _accept(rows: tuple[Suggestion, ...]) -> None:
    """Store these suggestions in the view's workspace, then draw the page again with what remains."""
    try:
        done = accept(view.workspace, [row.id for row in rows], as_of, view.lang)
    except Exception as error:
        context.show_error(error, t)
        return
    if done.import_id is not None:
        st.session_state[DONE_KEY] = t("suggestions.accepted", count=len(done.accepted), import_id=done.import_id)
    st.rerun()


if done := st.session_state.pop(DONE_KEY, None):
    st.success(done, icon=":material/check_circle:")
    st.page_link("app_pages/data.py", label=t("suggestions.see_data"), icon=":material/upload_file:")

found = _suggestions(view.version, as_of, view.ledger)
st.caption(f"{markdown_text(view.workspace_label)} · {t('suggestions.as_of')} {fmt.date(as_of)}")
st.caption(t("suggestions.rule"))
st.caption(t("suggestions.intro"))
if not found.rows:
    st.success(t("suggestions.empty"))
    st.stop()

# Widths of the row's columns: customer, source, invoice, amount matched, button.
LAYOUT = [3, 3, 3, 1.5, 1.5]
# Rows drawn with their button per reason: a ledger never lettered may hold thousands; « accept all » takes them all.
SHOWN = 50
for reason in REASONS:
    rows = found.of_reason(reason)
    if not rows:
        continue
    label = t(f"suggestions.reason.{reason}")
    st.subheader(f"{label} ({len(rows)})")
    if len(rows) > 1 and st.button(
        t("suggestions.accept_all", count=len(rows), reason=label), key=f"suggestions_all_{reason}"
    ):
        _accept(rows)
    header = st.columns(LAYOUT)
    for column, name in zip(header, ("column.customer", "page_source", "page_invoice", "column.amount")):
        column.caption(t(f"suggestions.{name}"))
    if len(rows) > SHOWN:
        st.caption(t("suggestions.shown", shown=SHOWN, total=len(rows)))
    for row in rows[:SHOWN]:
        customer, source, invoice, amount, button = st.columns(LAYOUT, vertical_alignment="center")
        # The data's names and labels as plain text: never Markdown.
        customer.text(f"{row.customer_name} ({row.customer_id})")
        source.text(
            f"{t(f'suggestions.kind.{row.source_kind}')} {row.source_id} · {fmt.date(row.source_date)}"
            f" · {fmt.money(row.source_amount)}" + (f"\n{row.reference}" if row.reference else "")
        )
        invoice.text(f"{row.document_id} · {fmt.date(row.due_date)} · {fmt.money(row.outstanding)}")
        amount.text(fmt.money(row.amount))
        if button.button(t("suggestions.accept"), key=f"suggestions_accept_{reason}_{row.id}"):
            _accept((row,))
