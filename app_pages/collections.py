"""Recouvrement / Collections: disputes, the reminder funnel, payment plans, promises to pay, collection costs,
write-offs, what each bucket yields."""

from __future__ import annotations

import streamlit as st

from kpi.metrics import collection
from kpi.present.charts import reminder_funnel_chart, reminder_step_label
from kpi.text.formatting import MISSING, is_missing
from kpi.text.i18n import bucket_label
from kpi.text.untrusted import markdown_text, spreadsheet_text
from ui import context
from ui.activity_headlines import activity_value

view = context.current_view()
t, fmt = view.t, view.fmt
period = view.period

st.title(t("page.collections"))
st.caption(
    t(
        "collections.subtitle",
        workspace=markdown_text(view.workspace_label),
        start=fmt.date(period.start),
        end=fmt.date(period.end),
    )
)
context.stop_unless_data(view)

activity = context.report(view).activity
st.caption(
    t("collections.settings", window=activity.settings.reminder_window_days, grace=activity.settings.plan_grace_days)
)


def cards(keys: tuple[str, ...]) -> None:
    """A card per KPI; a KPI whose log is absent shows "—" and the group says which log is missing
    (the sentence is too long for a card)."""
    missing_logs = []
    # Three cards to a row at most, so that an amount such as 55 705,62 € is read whole.
    columns = [column for start in range(0, len(keys), 3) for column in st.columns(3)]
    for column, key in zip(columns, keys):
        missing = activity.missing(key)
        if missing is not None and missing not in missing_logs:
            missing_logs.append(missing)
        column.metric(
            t(f"activity.{key}.label"),
            MISSING if missing else activity_value(view, activity, key),
            help=t(f"activity.{key}.help"),
            border=True,
        )
    for missing in missing_logs:
        st.caption(t(f"collections.absent.{missing}"))


def section(title: str, keys: tuple[str, ...], log_kpi: str) -> bool:
    """A section's title and cards; True when the log behind `log_kpi` is there, for its tables to follow."""
    st.subheader(t(title))
    cards(keys)
    return activity.missing(log_kpi) is None


def table(frame, columns: dict) -> None:
    """Columns key -> (label, formatter); the frame's values are only formatted here. An empty frame draws nothing."""
    if frame.empty:
        return
    st.dataframe(
        {label: [show(v) for v in frame[key]] for key, (label, show) in columns.items()},
        hide_index=True,
        width="stretch",
    )


def either(yes: str, no: str):
    """A column of flags shown as `yes` or `no`."""
    return lambda value: yes if value else no


def text(value) -> str:
    """A text cell from the data (a name, an id, a reason): never a formula in the table's CSV download."""
    return "" if is_missing(value) else spreadsheet_text(str(value))


# -- disputes ----------------------------------------------------------------------------------
if section(
    "collections.disputes",
    ("dispute_rate", "disputed_amount", "open_disputes_count", "open_disputes_amount", "avg_dispute_resolution_days"),
    "dispute_rate",
):
    table(
        collection.dispute_list(view.ledger, period.end, view.filters),
        {
            "document_id": (t("collections.col.document"), text),
            "customer_name": (t("column.customer_name"), text),
            "opened_date": (t("collections.col.opened"), fmt.date),
            "resolved_date": (t("collections.col.resolved"), lambda v: "" if is_missing(v) else fmt.date(v)),
            "amount": (t("collections.col.amount"), fmt.money),
            "reason": (t("collections.col.reason"), text),
            "open": (t("collections.col.state"), either(t("collections.open"), t("collections.resolved"))),
            "days": (t("collections.col.days"), fmt.number),
        },
    )

# -- reminders -----------------------------------------------------------------------------------
if section(
    "collections.reminders", ("reminders_count", "reminder_success_rate", "cost_per_reminder"), "reminders_count"
):
    funnel = collection.reminder_funnel(view.ledger, period, view.filters, activity.settings)
    if not funnel.empty:
        st.markdown(f"**{t('collections.funnel')}**")
        st.altair_chart(reminder_funnel_chart(funnel, view.lang), width="stretch")
        st.caption(t("collections.funnel_hint", window=activity.settings.reminder_window_days))
        table(
            funnel,
            {
                "step": (t("collections.col.step"), lambda s: reminder_step_label(s, view.lang)),
                "reminders": (t("collections.col.reminders"), fmt.number),
                "paid_reminders": (t("collections.col.paid"), fmt.number),
                "paid_share": (t("collections.col.paid_share"), fmt.percent),
            },
        )
        channels = collection.reminders_by_channel(view.ledger, period, view.filters)
        st.markdown(f"**{t('collections.by_channel')}**")
        table(
            channels,
            {
                "channel": (t("collections.col.channel"), lambda c: t(f"collections.channel.{c}")),
                # The escalation step in the user's language (« Mise en demeure » → Formal notice); the data's own
                # stage name where the step is only a number (R1, R2…).
                "step": (t("collections.col.stage"), lambda s: reminder_step_label(s, view.lang)),
                "reminders": (t("collections.col.reminders"), fmt.number),
                "cost": (t("collections.col.cost"), lambda v: "" if is_missing(v) else fmt.money(v)),
            },
        )

# -- payment plans ---------------------------------------------------------------------------------
if section("collections.plans", ("plan_compliance_rate", "amount_in_plans"), "plan_compliance_rate"):
    table(
        collection.plan_list(view.ledger, period.end, view.filters),
        {
            "customer_id": (t("collections.col.customer"), text),
            "plans": (t("collections.col.plans"), text),
            "planned": (t("collections.col.planned"), fmt.money),
            "paid": (t("collections.col.plan_paid"), fmt.money),
            "remaining": (t("collections.col.remaining"), fmt.money),
        },
    )
    installments = collection.plan_installments(view.ledger, period, view.filters, activity.settings)
    if not installments.empty:
        st.markdown(f"**{t('collections.installments')}**")
        table(
            installments,
            {
                "plan_id": (t("collections.col.plans"), text),
                "customer_id": (t("collections.col.customer"), text),
                "due_date": (t("collections.col.due"), fmt.date),
                "amount": (t("collections.col.amount"), fmt.money),
                "paid_in_full": (t("collections.col.state"), either(t("collections.kept"), t("collections.missed"))),
            },
        )

# -- promises to pay ------------------------------------------------------------------------------------
if section(
    "collections.promises",
    ("promises_open_count", "promises_open_amount", "promise_kept_rate", "broken_promises_amount"),
    "promise_kept_rate",
):
    st.caption(t("promises.rule", day=fmt.date(period.end)))
    st.page_link("app_pages/worklist.py", label=t("page.worklist"), icon=":material/handshake:")

# -- costs -------------------------------------------------------------------------------------------
st.subheader(t("collections.costs"))
cards(("cost_per_euro_collected",))
if activity.cost_source is not None:
    st.caption(t(f"collections.cost_source.{activity.cost_source}", costs=fmt.money(activity.collection_costs)))
if activity.cost_exceeds_collected:
    st.error(t("collections.cost_red"))

# -- what each bucket of the opening balance yielded ----------------------------------------------
st.subheader(t("collections.buckets", day=fmt.date(period.start)))
buckets = collection.bucket_collection(view.ledger, period, view.filters)
table(
    buckets,
    {
        "bucket": (t("collections.col.bucket"), lambda k: bucket_label(k, view.lang)),
        "opening_amount": (t("collections.col.opening"), fmt.money),
        "collected_amount": (t("collections.col.collected"), fmt.money),
        "collection_rate": (t("collections.col.rate"), lambda v: fmt.percent(None if is_missing(v) else v)),
    },
)

# -- write-offs ----------------------------------------------------------------------------------------
st.subheader(t("collections.write_offs"))
by_activity = collection.write_offs_by_activity(view.ledger, period, view.filters)
table(
    by_activity,
    {
        "activity": (t("collections.col.activity"), text),
        "written_off": (t("collections.col.written_off"), fmt.money),
        "sales": (t("collections.col.sales"), fmt.money),
        "bad_debt_rate": (t("collections.col.bad_debt_rate"), fmt.percent),
    },
)
by_customer = collection.write_offs_by_customer(view.ledger, period, view.filters)
if by_customer.empty:
    st.caption(t("collections.no_write_offs"))
else:
    table(
        by_customer,
        {
            "customer_name": (t("column.customer_name"), text),
            "activity": (t("collections.col.activity"), text),
            "written_off": (t("collections.col.written_off"), fmt.money),
        },
    )
