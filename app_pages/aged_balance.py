"""Balance âgée / Aged balance: any date, any bucket edges, due or issue basis; per customer and per document; downloads."""

from __future__ import annotations

import re
from functools import partial

import pandas as pd
import streamlit as st

from kpi.exports.aged_balance import ExportHeader, aged_balance_csv, aged_balance_xlsx, describe_filters
from kpi.metrics.aging import UNAPPLIED, parse_edges
from kpi.present.charts import aging_bar_chart
from kpi.text.i18n import column_title
from kpi.text.untrusted import markdown_text, spreadsheet_text
from ui import context
from ui.choices import choice
from ui.downloads import download_buttons
from ui.grids import column_widths, fixed_columns, show_table

view, t, fmt = context.page("page.aged_balance")

prefs = view.preferences
controls = st.columns([1, 1, 2])
as_of = controls[0].date_input(t("aging.as_of"), value=view.period.end, format="DD/MM/YYYY", key="aging_as_of")
basis = choice(
    controls[1],
    t,
    "aging.basis",
    ("due", "issue"),
    "aging.basis",
    index=0 if prefs.basis == "due" else 1,
    key="aging_basis",
)
edges_text = controls[2].text_input(
    t("aging.edges"),
    value=", ".join(str(e) for e in prefs.edges),
    help=t("aging.edges_help"),
    key="aging_edges",
)
try:
    edges = parse_edges(edges_text)
except ValueError:
    st.error(t("aging.edges_invalid", text=markdown_text(edges_text)))
    st.stop()

by_customer = context.balance(view, as_of, edges, basis, "customer")
by_document = context.balance(view, as_of, edges, basis, "document")
amounts = list(by_customer.amount_columns)
SHADES = {"oldest": "background-color: #f8d7da; color: #842029", "old": "background-color: #fff3cd; color: #664d03"}


SUMMARY_ROWS = 2  # Total, then % of the total, above the customers
# Columns holding the data's own text: never a formula in the grid's CSV download or copy.
DATA_TEXT = ("customer_name", "customer_id", "document_id", "activity")


def _shade(value, key: str) -> str:
    """Old buckets (AgedBalance.bucket_severity) shaded where they hold money, the oldest in red."""
    if value is None or isinstance(value, str) or not value > 0:
        return ""
    return SHADES[by_customer.bucket_severity(key)]


def _widths(rows: pd.DataFrame, labels: list[str], balance) -> dict[str, int]:
    """Widths that show every row's texts and the total and % rows whole (ui/grids.py)."""
    texts = {column_title(name, view.lang): [str(v) for v in rows[name] if pd.notna(v)] for name in labels}
    texts[column_title(labels[0], view.lang)] += [t("aging.total_row"), t("aging.percent_row")]
    for name in amounts:
        texts[column_title(name, view.lang)] = [
            *(fmt.money(v) for v in rows[name] if pd.notna(v)),
            fmt.money(balance.totals[name]),
            fmt.percent(balance.percentages[name]),
        ]
    return column_widths(texts, [column_title(name, view.lang) for name in labels])


def _styled(rows: pd.DataFrame, labels: list[str], with_summary: bool, balance) -> pd.io.formats.style.Styler:
    """The rows (then the total and %-of-total rows) with formatted amounts, old buckets shaded.

    st.dataframe shows a Styler's cell texts but not its header texts: the columns are renamed
    to their titles first, and formats refer to those titles.
    """
    table = rows[labels + amounts].copy()
    for name in DATA_TEXT:
        if name in table.columns:
            table[name] = [spreadsheet_text(value) for value in table[name]]
    if "item_kind" in table.columns:
        table["item_kind"] = [t(f"item_kind.{kind}") for kind in table["item_kind"]]
    if with_summary:
        total = {labels[0]: t("aging.total_row"), **{key: balance.totals[key] for key in amounts}}
        share = {labels[0]: t("aging.percent_row"), **{key: balance.percentages[key] for key in amounts}}
        # First, so that they show without scrolling the grid, aligned with its columns however it scrolls.
        table = pd.concat([pd.DataFrame([total, share]), table], ignore_index=True)[list(table.columns)]
        # The summary rows name themselves in the first column; the other labels stay blank.
        for name in labels[1:]:
            table[name] = table[name].astype(object).where(table[name].notna(), "")
    # Floats only for the grid to sort and serialise (amounts and % share columns); every
    # figure on screen is the formatted exact value below.
    table[amounts] = table[amounts].astype("float64")
    titles = {name: column_title(name, view.lang) for name in labels + amounts}
    table = table.rename(columns=titles)
    money = [titles[name] for name in amounts]
    first = SUMMARY_ROWS if with_summary else 0
    data_rows = [0, *range(first, first + len(rows))] if with_summary else list(range(len(rows)))
    styler = table.style.format(fmt.money, subset=pd.IndexSlice[data_rows, money], na_rep="")
    if with_summary:
        styler = styler.format(fmt.percent, subset=pd.IndexSlice[[1], money], na_rep="—")
        styler = styler.map(lambda _: "font-weight: bold", subset=pd.IndexSlice[[0, 1], list(table.columns)])
    for key in by_customer.old_bucket_keys:
        styler = styler.map(
            partial(_shade, key=key), subset=pd.IndexSlice[list(range(first, first + len(rows))), [titles[key]]]
        )
    for name in labels:
        if name.endswith("_date"):
            styler = styler.format(fmt.date, subset=[titles[name]], na_rep="")
        elif name != labels[0]:
            styler = styler.format(na_rep="", subset=[titles[name]])
    return styler.hide(axis="index")


st.caption(
    t("aging.caption", day=fmt.date(as_of), count=len(by_customer.rows), total=fmt.money(by_customer.totals["total"]))
    + " "
    + t("matching.caption", mode=t(f"matching.{by_customer.matching}"))
)
context.matching_notice(view, by_customer.totals["unapplied_credits"], by_customer.gross, "aging")
# The buckets and the unapplied credits as bars that add up to the total, as on the overview.
chart_column, _ = st.columns([3, 2])
with chart_column:
    st.markdown(f"**{t('aging.chart', day=fmt.date(as_of))}**")
    bars = {key: by_customer.totals[key] for key in (*by_customer.bucket_keys, UNAPPLIED)}
    st.altair_chart(aging_bar_chart(bars, view.lang, prefs.currency), width="stretch")
    st.caption(t("aging.chart_hint"))
# A choice rather than tabs: tabs would build the grid of every document on each run, even unseen.
shown = (
    st.segmented_control(
        t("aging.view_by"),
        ("customers", "documents"),
        default="customers",
        key="aging_view",
        required=True,
        format_func=lambda key: t(f"aging.tab_{key}"),
        selection_mode="single",
        label_visibility="collapsed",
    )
    or "customers"
)
if shown == "customers":
    customer_labels = ["customer_name", "customer_id"]
    widths = _widths(by_customer.rows, customer_labels, by_customer)
    # The Total and % rows come first: in view without scrolling, in the columns of the customers below.
    selection = st.dataframe(
        _styled(by_customer.rows, customer_labels, True, by_customer),
        column_config=fixed_columns(widths, pinned=[column_title("customer_name", view.lang)]),
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="single-row",
        key="aging_customers",
    )

    st.caption(t("aging.select_customer_hint"))
    picked = selection.selection.rows if selection else []
    if picked and picked[0] >= SUMMARY_ROWS:
        customer = by_customer.rows.iloc[picked[0] - SUMMARY_ROWS]
        st.markdown(f"**{t('aging.documents_of', customer=markdown_text(customer['customer_name']))}**")
        documents = by_document.rows[by_document.rows["customer_id"] == customer["customer_id"]].reset_index(drop=True)
        drill_labels = ["document_id", "item_kind", "issue_date", "due_date", "days_past_due"]
        drill_labels += ["credits_netted"] if "credits_netted" in documents.columns else []
        st.dataframe(_styled(documents, drill_labels, False, by_document), hide_index=True, width="stretch")
        # Open or settled, each of the customer's documents with what settled it, as the data says.
        st.markdown(f"**{t('aging.settlements_of', customer=markdown_text(customer['customer_name']))}**")
        movements = context.settlements_of(view, customer["customer_id"], as_of)
        shown = [
            (t("column.document_id"), "document_id", spreadsheet_text),
            (t("column.settlement_date"), "date", fmt.date),
            (t("column.settlement_kind"), "kind", lambda kind: t(f"settlement_kind.{kind}")),
            (t("column.amount"), "amount", fmt.money),
            (t("column.counterpart"), "counterpart", spreadsheet_text),
            (t("column.settlement_id"), "settlement_id", spreadsheet_text),
        ]
        show_table(movements.fillna({"counterpart": ""}), shown, partial(st.caption, t("aging.settlements_none")))
else:
    document_labels = ["customer_name", "document_id", "item_kind", "issue_date", "due_date", "days_past_due"]
    document_labels = [name for name in document_labels if name in by_document.rows.columns]
    # No summary rows here: they would sort in among the documents by date; the totals are
    # those of the customer tab.
    st.dataframe(
        _styled(by_document.rows, document_labels, False, by_document),
        hide_index=True,
        width="stretch",
        placeholder="—",
    )

names = [view.customer_names.get(c, c) for c in view.filters.customers]
header = ExportHeader(
    workspace=view.workspace_label,
    as_of=as_of,
    basis=basis,
    edges=edges,
    filters=describe_filters(names, view.filters.activities, view.lang),
    currency=prefs.currency,
    lang=view.lang,
    matching=view.filters.matching,
)
slug = re.sub(r"[^A-Za-z0-9_-]+", "-", view.workspace_label).strip("-") or "encours"
stem = f"{t('export.file_stem')}-{slug}-{as_of.isoformat()}"
dialect = "fr" if view.lang == "fr" else "en"
files = (
    ("xlsx", t("aging.download_xlsx"), partial(aged_balance_xlsx, by_customer, by_document, header)),
    ("csv", t(f"aging.download_csv_{dialect}"), partial(aged_balance_csv, by_customer, header, dialect)),
)
download_buttons(files, stem, key="download")
