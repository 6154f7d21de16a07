"""À relancer / To chase: the customers with overdue receivables at the end of the period, broken promises first then
highest priority first, with the next reminder the schedule calls for; filters by action and rating, CSV and XLSX
downloads; below, the promises to pay with their state at that date, a form to record one and a way to remove it."""

from __future__ import annotations

from functools import partial

import streamlit as st

from kpi.exports.worklist import action_text, promise_status_text, row_values, worklist_csv, worklist_xlsx
from kpi.metrics.risk import RATINGS
from kpi.metrics.settings import STAGES
from kpi.metrics.worklist import ACTIONS, Worklist, worklist
from kpi.text.untrusted import markdown_text, spreadsheet_text
from ui import context
from ui.downloads import download_buttons, file_header
from ui.grids import column_widths, fixed_columns
from ui.promises import promises_section

view, t, fmt = context.page("page.worklist")

as_of = view.period.end


@st.cache_data(show_spinner=False, max_entries=64)
def _worklist(version: str, as_of, filters, _ledger) -> Worklist:
    return worklist(_ledger, as_of, filters)


chase = _worklist(view.version, as_of, view.filters, view.ledger)
st.caption(
    t(
        "worklist.page_caption",
        workspace=markdown_text(view.workspace_label),
        day=fmt.date(as_of),
        matching=t(f"matching.{chase.matching}"),
    )
)
st.caption(t("worklist.rule"))
st.caption(t("worklist.schedule", **dict(zip(STAGES, chase.settings.stage_days()))))
st.caption(t("worklist.promise_rule"))

if not chase.rows:
    st.success(t("worklist.empty"))
    promises_section(view, as_of)
    st.stop()

action_column, rating_column = st.columns([3, 1])
actions = action_column.multiselect(
    t("worklist.filter_action"),
    ACTIONS,
    format_func=lambda action: t(f"worklist.action.{action}"),
    key="worklist_actions",
    placeholder=t("worklist.all_actions"),
)
ratings = rating_column.multiselect(
    t("risk.filter"), RATINGS, key="worklist_ratings", placeholder=t("risk.all_ratings"), help=t("risk.filter_help")
)
ranked = [
    (rank, row)
    for rank, row in enumerate(chase.rows, start=1)
    if (not actions or row.next_action in actions) and (not ratings or row.rating in ratings)
]
st.caption(t("worklist.shown", shown=len(ranked), total=len(chase.rows)))

# The files' columns, the chased amount and the next action's date said in the grid's action text.
COLUMNS = ("rank", "customer_name", "customer_id", "rating", "overdue", "disputed", "oldest_days_past_due")
MONEY = ("overdue", "disputed", "priority")
cells = [row_values(rank, row, view.lang) for rank, row in ranked]
grid = {t(f"worklist.column.{name}"): [cell[name] for cell in cells] for name in COLUMNS}
for name in MONEY:
    grid[t(f"worklist.column.{name}")] = [fmt.money(cell[name]) for cell in cells]
grid[t("worklist.column.next_action")] = [action_text(row, view.lang) for _, row in ranked]
grid[t("worklist.column.last_reminder")] = [
    "" if row.last_reminder_date is None else f"{fmt.date(row.last_reminder_date)} {cell['last_reminder_stage']}"
    for cell, (_, row) in zip(cells, ranked)
]
grid[t("worklist.column.broken_promises")] = [row.broken_promises for _, row in ranked]
grid[t("worklist.column.last_promise")] = [
    ""
    if row.last_promise_date is None
    else f"{fmt.date(row.last_promise_date)} {fmt.money(row.last_promise_amount)}"
    f" {promise_status_text(row.last_promise_status, view.lang)}"
    for _, row in ranked
]
for name in ("customer_name", "customer_id"):
    title = t(f"worklist.column.{name}")
    grid[title] = [spreadsheet_text(value) for value in grid[title]]
text_titles = [t("worklist.column.customer_name"), t("worklist.column.customer_id")]
widths = column_widths({title: [str(value) for value in values] for title, values in grid.items()}, text_titles)
st.dataframe(
    grid,
    hide_index=True,
    width="stretch",
    column_config=fixed_columns(widths, pinned=[t("worklist.column.rank"), t("worklist.column.customer_name")]),
)

dialect = "fr" if view.lang == "fr" else "en"
header = file_header(view)
files = (
    ("xlsx", t("worklist.download_xlsx"), partial(worklist_xlsx, chase, header)),
    ("csv", t(f"worklist.download_csv_{dialect}"), partial(worklist_csv, chase, header, dialect)),
)
download_buttons(files, f"{t('worklist.file_stem')}-{as_of.isoformat()}", key="worklist_download")

promises_section(view, as_of)
