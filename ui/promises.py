"""The promises to pay on the « À relancer » page: their state at the period's end, a form to record one (stored as
an import of its own) and a way to remove one typed here. The rule and the figures come from kpi.metrics.promises."""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from kpi.exports.worklist import promise_status_text
from kpi.metrics.promises import NewPromise, add_promise, promise_choices, promise_list
from kpi.metrics.settings import parse_monthly_cost
from kpi.text.formatting import is_missing
from kpi.text.untrusted import markdown_text, spreadsheet_text
from ui import context
from ui.context import View

DONE_KEY = "promises_done"


@st.cache_data(show_spinner=False, max_entries=64)
def _promises(version: str, as_of: date, filters, _ledger):
    return promise_list(_ledger, as_of, filters)


@st.cache_data(show_spinner=False, max_entries=64)
def _choices(version: str, as_of: date, filters, _ledger):
    return promise_choices(_ledger, as_of, filters)


def _text(value) -> str:
    return "" if is_missing(value) else spreadsheet_text(str(value))


def promises_section(view: View, as_of: date) -> None:
    t, fmt = view.t, view.fmt
    st.divider()
    st.subheader(t("promises.title"))
    if done := st.session_state.pop(DONE_KEY, None):
        st.success(done, icon=":material/check_circle:")
    promises = _promises(view.version, as_of, view.filters, view.ledger)
    st.caption(t("promises.rule", day=fmt.date(as_of)))
    if promises.empty:
        st.caption(t("promises.none"))
    else:
        st.dataframe(
            {
                t("promises.column.customer"): [_text(v) for v in promises["customer_name"]],
                t("promises.column.customer_id"): [_text(v) for v in promises["customer_id"]],
                t("promises.column.document"): [_text(v) for v in promises["document_id"]],
                t("promises.column.promise_date"): [fmt.date(v) for v in promises["promise_date"]],
                t("promises.column.promised_date"): [fmt.date(v) for v in promises["promised_date"]],
                t("promises.column.amount"): [fmt.money(v) for v in promises["amount"]],
                t("promises.column.cash_received"): [fmt.money(v) for v in promises["cash_received"]],
                t("promises.column.status"): [promise_status_text(v, view.lang) for v in promises["status"]],
            },
            hide_index=True,
            width="stretch",
            key="promises_table",
        )
    _add_form(view, as_of)
    _remove_form(view, promises)


def _add_form(view: View, as_of: date) -> None:
    t, fmt = view.t, view.fmt
    choices = _choices(view.version, as_of, view.filters, view.ledger)
    with st.expander(t("promises.add_title")):
        if choices.empty:
            st.caption(t("promises.nobody_owes"))
            return
        names = dict(zip(choices["customer_id"], choices["customer_name"]))
        balances = dict(zip(choices["customer_id"], choices["balance"]))
        customer = st.selectbox(
            t("promises.column.customer"),
            list(names),
            format_func=lambda c: f"{names[c]} ({c}) — {fmt.money(balances[c])}",
            key="promise_customer",
        )
        own = choices[choices["customer_id"] == customer]
        documents = dict(zip(own["document_id"], zip(own["outstanding"], own["due_date"])))
        document = st.selectbox(
            t("promises.column.document"),
            [None, *documents],
            format_func=lambda d: (
                t("promises.whole_balance")
                if d is None
                else t(
                    "promises.document_choice",
                    document=d,
                    amount=fmt.money(documents[d][0]),
                    due=fmt.date(documents[d][1]),
                )
            ),
            key="promise_document",
        )
        made_column, promised_column, amount_column = st.columns(3)
        made = made_column.date_input(
            t("promises.column.promise_date"), value=as_of, format="DD/MM/YYYY", key="promise_made"
        )
        promised = promised_column.date_input(
            t("promises.column.promised_date"),
            value=as_of + timedelta(days=7),
            format="DD/MM/YYYY",
            key="promise_promised",
        )
        typed = amount_column.text_input(
            t("promises.column.amount"),
            key="promise_amount",
            placeholder=fmt.money(documents[document][0] if document is not None else balances[customer]),
            help=t("promises.amount_help"),
        )
        if st.button(t("promises.add_button"), type="primary", key="promise_add"):
            amount = parse_monthly_cost(typed)
            if amount is None:
                st.error(t("promises.bad_amount", value=markdown_text(typed)))
                return
            promise = NewPromise(str(customer), document, made, promised, amount)
            try:
                stored = add_promise(view.workspace, promise, stem=t("promises.file_stem"))
            except Exception as error:
                context.show_error(error, t)
                return
            st.session_state[DONE_KEY] = (
                t("promises.already", import_id=stored.import_id)
                if stored.already_imported
                else t("promises.added", import_id=stored.import_id)
            )
            st.rerun()


def _remove_form(view: View, promises) -> None:
    t, fmt = view.t, view.fmt
    removable = promises[promises["removable"]] if not promises.empty else promises
    if removable.empty:
        return
    with st.expander(t("promises.remove_title")):
        labels = {
            int(row.import_id): t(
                "promises.remove_choice",
                customer=row.customer_name,
                amount=fmt.money(row.amount),
                day=fmt.date(row.promised_date),
                import_id=int(row.import_id),
            )
            for row in removable.itertuples()
        }
        chosen = st.selectbox(t("promises.remove_which"), list(labels), format_func=labels.get, key="promise_remove")
        st.caption(t("promises.remove_hint"))
        if st.button(t("promises.remove_button"), key="promise_remove_button"):
            try:
                view.workspace.remove_import(int(chosen))
            except Exception as error:
                context.show_error(error, t)
                return
            st.session_state[DONE_KEY] = t("promises.removed", import_id=chosen)
            st.rerun()
