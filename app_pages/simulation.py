"""Simulation: what-if scenarios on a copy of the ledger, every KPI actual vs scenario, saved by name in the workspace.

The form only describes a kpi.analysis.whatif.Scenario; the engine applies it to a copy of the ledger
(the stored data is never touched) and computes both sides. Each widget's state lives under
a `sim_` key, so opening a saved scenario (or the LME preset) fills the form from a callback.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import streamlit as st

from kpi.analysis.whatif import (
    CollectOverdue,
    FasterPayment,
    MoveSales,
    PaymentTerms,
    Scenario,
    ScenarioResult,
    WorkingCapital,
    delete_scenario,
    list_scenarios,
    load_scenario,
    run_scenario,
    save_scenario,
)
from kpi.metrics.catalogue import kpi
from kpi.model.filters import Filters
from kpi.model.periods import Period
from kpi.present.compare_charts import change_table, styled_change_table
from kpi.store.ledger import Ledger
from kpi.text.untrusted import markdown_text
from ui import context

view, t, fmt = context.page("page.simulation")
st.caption(t("simulation.caption", start=fmt.date(view.period.start), end=fmt.date(view.period.end)))

activities = view.ledger.activities()
customers = list(view.customer_names)
workspace_path = view.workspace.path
MESSAGE_KEY = "sim_message"
HEADLINE = ("dso", "bpdso", "add", "cei", "overdue_rate", "closing_ar")

# The form's blank state: nothing enabled, sensible values ready when a change is switched on.
DEFAULTS = {
    "sim_terms_on": False,
    "sim_terms_mode": "days",
    "sim_terms_value": 45,
    "sim_terms_shift": True,
    "sim_terms_customers": [],
    "sim_terms_activities": [],
    "sim_faster_on": False,
    "sim_faster_days": 10,
    "sim_faster_who": "all",
    "sim_faster_customer": None,
    "sim_faster_min_days": 15,
    "sim_collect_on": False,
    "sim_collect_older": 90,
    "sim_collect_date": view.period.end,
    "sim_collect_action": "cash",
    "sim_move_on": False,
    "sim_move_share": 10,
    "sim_move_from": activities[0] if activities else None,
    "sim_move_to": activities[1] if len(activities) > 1 else None,
    "sim_wc_on": False,
    "sim_wc_mode": "days",
    "sim_wc_dio": 30.0,
    "sim_wc_dpo": 45.0,
    "sim_wc_scenario_dio": None,
    "sim_wc_scenario_dpo": None,
    "sim_wc_inventory": 0.0,
    "sim_wc_cogs": 0.0,
    "sim_wc_payables": 0.0,
    "sim_name": "",
    "sim_description": "",
}
for key, value in DEFAULTS.items():
    st.session_state.setdefault(key, value)


@st.cache_data(show_spinner=False, max_entries=32)
def _result(version: str, scenario_json: str, period: Period, filters: Filters, _ledger: Ledger) -> ScenarioResult:
    return run_scenario(_ledger, Scenario.from_json(scenario_json), period, filters)


def _fill_form(scenario: Scenario) -> None:
    """Show a scenario in the form (a callback: it runs before the widgets are drawn)."""
    state = st.session_state
    state.update(DEFAULTS)
    state["sim_name"], state["sim_description"] = scenario.name, scenario.description
    for change in scenario.changes:
        if isinstance(change, PaymentTerms):
            state.update(
                sim_terms_on=True,
                sim_terms_shift=change.shift_payments,
                sim_terms_mode="days" if change.days is not None else "cap",
                sim_terms_value=change.days if change.days is not None else change.cap_days,
                sim_terms_customers=[c for c in change.customers if c in view.customer_names],
                sim_terms_activities=[a for a in change.activities if a in activities],
            )
        elif isinstance(change, FasterPayment):
            one = (
                change.customers[0]
                if len(change.customers) == 1 and change.customers[0] in view.customer_names
                else None
            )
            state.update(
                sim_faster_on=True,
                sim_faster_days=change.days,
                sim_faster_min_days=change.late_payer_min_days,
                sim_faster_who="late" if change.late_payers_only else "customer" if one else "all",
                sim_faster_customer=one,
            )
        elif isinstance(change, CollectOverdue):
            state.update(
                sim_collect_on=True,
                sim_collect_older=change.older_than_days,
                sim_collect_date=change.on,
                sim_collect_action=change.action,
            )
        elif isinstance(change, MoveSales) and change.from_activity in activities and change.to_activity in activities:
            state.update(
                sim_move_on=True,
                sim_move_share=round(change.share * 100),
                sim_move_from=change.from_activity,
                sim_move_to=change.to_activity,
            )
    capital = scenario.working_capital
    if capital is not None:
        state.update(
            sim_wc_on=True,
            sim_wc_mode="days",
            sim_wc_dio=float(capital.dio),
            sim_wc_dpo=float(capital.dpo),
            sim_wc_scenario_dio=capital.scenario_dio,
            sim_wc_scenario_dpo=capital.scenario_dpo,
        )


def _open(name: str) -> None:
    try:
        _fill_form(load_scenario(workspace_path, name))
        st.session_state[MESSAGE_KEY] = t("simulation.opened", name=markdown_text(name))
    except (OSError, ValueError) as error:
        st.session_state[MESSAGE_KEY] = t(
            "simulation.cannot_open", name=markdown_text(name), reason=markdown_text(error)
        )


def _delete(name: str) -> None:
    delete_scenario(workspace_path, name)
    st.session_state[MESSAGE_KEY] = t("simulation.deleted", name=markdown_text(name))


def _save(scenario: Scenario) -> None:
    save_scenario(workspace_path, scenario)
    st.session_state[MESSAGE_KEY] = t("simulation.saved", name=markdown_text(scenario.name))


def _customer_label(customer_id: str) -> str:
    name = view.customer_names.get(customer_id, customer_id)
    return f"{name} ({customer_id})" if name != customer_id else customer_id


# -- saved scenarios and the LME preset ---------------------------------------------------------------
saved = list_scenarios(workspace_path)
top = st.columns([3, 1, 1, 2], vertical_alignment="bottom")
picked = top[0].selectbox(
    t("simulation.saved_scenarios"),
    saved,
    index=None,
    key="sim_saved",
    placeholder=t("simulation.none_saved") if not saved else t("simulation.pick_saved"),
)
# What to do with the scenario picked: open it into the form, or delete it.
for column, (label, key, action, icon) in zip(
    top[1:3],
    (
        ("simulation.open", "sim_open", _open, ":material/folder_open:"),
        ("simulation.delete", "sim_delete", _delete, ":material/delete:"),
    ),
):
    column.button(
        t(label), key=key, disabled=picked is None, on_click=action, args=(picked,), icon=icon, width="stretch"
    )
top[3].button(
    t("simulation.lme_preset"),
    key="sim_lme",
    help=t("simulation.lme_help"),
    on_click=_fill_form,
    args=(Scenario.lme_cap(t("simulation.lme_name")),),
    icon=":material/gavel:",
    width="stretch",
)
if view.is_scratch:
    st.caption(t("simulation.scratch_note"))
message = st.session_state.pop(MESSAGE_KEY, None)
if message:
    st.success(message)

# -- the changes ----------------------------------------------------------------------------------------
tabs = st.tabs(
    [
        t("simulation.tab.terms"),
        t("simulation.tab.faster"),
        t("simulation.tab.collect"),
        t("simulation.tab.move"),
        t("simulation.tab.capital"),
    ]
)
with tabs[0]:
    st.toggle(t("simulation.include"), key="sim_terms_on")
    cols = st.columns(2)
    cols[0].radio(
        t("simulation.terms_mode"),
        ("days", "cap"),
        key="sim_terms_mode",
        horizontal=True,
        format_func=lambda mode: t(f"simulation.terms_mode.{mode}"),
    )
    cols[1].number_input(t("simulation.terms_days"), min_value=0, max_value=365, step=1, key="sim_terms_value")
    st.checkbox(t("simulation.terms_shift"), key="sim_terms_shift", help=t("simulation.terms_shift_help"))
    cols = st.columns(2)
    cols[0].multiselect(
        t("simulation.only_customers"),
        customers,
        key="sim_terms_customers",
        format_func=_customer_label,
        placeholder=t("sidebar.all_customers"),
    )
    cols[1].multiselect(
        t("simulation.only_activities"), activities, key="sim_terms_activities", placeholder=t("sidebar.all_activities")
    )
with tabs[1]:
    st.toggle(t("simulation.include"), key="sim_faster_on")
    cols = st.columns(2)
    cols[0].number_input(
        t("simulation.faster_days"),
        min_value=1,
        max_value=365,
        step=1,
        key="sim_faster_days",
        help=t("simulation.faster_help"),
    )
    cols[1].radio(
        t("simulation.faster_who"),
        ("all", "customer", "late"),
        key="sim_faster_who",
        format_func=lambda who: t(f"simulation.faster_who.{who}"),
    )
    if st.session_state["sim_faster_who"] == "customer":
        st.selectbox(
            t("simulation.faster_customer"),
            customers,
            key="sim_faster_customer",
            format_func=_customer_label,
            index=None,
            placeholder=t("simulation.pick_customer"),
        )
    elif st.session_state["sim_faster_who"] == "late":
        st.number_input(
            t("simulation.late_payer_min_days"), min_value=0, max_value=365, step=1, key="sim_faster_min_days"
        )
with tabs[2]:
    st.toggle(t("simulation.include"), key="sim_collect_on")
    cols = st.columns(3)
    cols[0].number_input(t("simulation.collect_older"), min_value=0, max_value=3650, step=1, key="sim_collect_older")
    cols[1].date_input(
        t("simulation.collect_on"),
        key="sim_collect_date",
        format="DD/MM/YYYY",
        min_value=date(2000, 1, 1),
        max_value=date(2100, 12, 31),
    )
    cols[2].radio(
        t("simulation.collect_action"),
        ("cash", "writeoff"),
        key="sim_collect_action",
        format_func=lambda action: t(f"simulation.collect_action.{action}"),
    )
with tabs[3]:
    if len(activities) < 2:
        st.info(t("simulation.move_needs_two"))
    else:
        st.toggle(t("simulation.include"), key="sim_move_on")
        cols = st.columns(3)
        cols[0].slider(
            t("simulation.move_share"), min_value=1, max_value=100, step=1, key="sim_move_share", format="%d %%"
        )
        cols[1].selectbox(t("simulation.move_from"), activities, key="sim_move_from")
        cols[2].selectbox(t("simulation.move_to"), activities, key="sim_move_to")
with tabs[4]:
    st.toggle(t("simulation.include_capital"), key="sim_wc_on")
    st.radio(
        t("simulation.capital_mode"),
        ("days", "balances"),
        key="sim_wc_mode",
        horizontal=True,
        format_func=lambda mode: t(f"simulation.capital_mode.{mode}"),
    )
    cols = st.columns(3)
    if st.session_state["sim_wc_mode"] == "days":
        cols[0].number_input(t("simulation.dio"), min_value=0.0, step=1.0, format="%.1f", key="sim_wc_dio")
        cols[1].number_input(t("simulation.dpo"), min_value=0.0, step=1.0, format="%.1f", key="sim_wc_dpo")
    else:
        cols[0].number_input(
            t("simulation.inventory"), min_value=0.0, step=1000.0, format="%.2f", key="sim_wc_inventory"
        )
        cols[1].number_input(
            t("simulation.cogs", days=view.period.days), min_value=0.0, step=1000.0, format="%.2f", key="sim_wc_cogs"
        )
        cols[2].number_input(t("simulation.payables"), min_value=0.0, step=1000.0, format="%.2f", key="sim_wc_payables")
    # The scenario's DIO and DPO, in the first two of three columns; empty: the same as the actual.
    for column, days in zip(st.columns(3)[:2], ("dio", "dpo")):
        column.number_input(
            t(f"simulation.scenario_{days}"),
            min_value=0.0,
            step=1.0,
            format="%.1f",
            key=f"sim_wc_scenario_{days}",
            placeholder=t("simulation.same_as_actual"),
        )
    st.caption(t("simulation.ccc_formula"))


def _scenario_from_form(name: str) -> Scenario:
    """The Scenario the form describes; ValueError when an input cannot make one."""
    state = st.session_state
    changes = []
    if state["sim_terms_on"]:
        days = int(state["sim_terms_value"])
        changes.append(
            PaymentTerms(
                days=days if state["sim_terms_mode"] == "days" else None,
                cap_days=days if state["sim_terms_mode"] == "cap" else None,
                shift_payments=bool(state["sim_terms_shift"]),
                customers=tuple(state["sim_terms_customers"]),
                activities=tuple(state["sim_terms_activities"]),
            )
        )
    if state["sim_faster_on"]:
        who = state["sim_faster_who"]
        if who == "customer" and not state["sim_faster_customer"]:
            raise ValueError(t("simulation.pick_customer"))
        changes.append(
            FasterPayment(
                days=int(state["sim_faster_days"]),
                late_payers_only=who == "late",
                late_payer_min_days=int(state["sim_faster_min_days"]),
                customers=(state["sim_faster_customer"],) if who == "customer" else (),
            )
        )
    if state["sim_collect_on"]:
        changes.append(
            CollectOverdue(
                on=state["sim_collect_date"],
                older_than_days=int(state["sim_collect_older"]),
                action=state["sim_collect_action"],
            )
        )
    if state["sim_move_on"] and len(activities) > 1:
        if state["sim_move_from"] == state["sim_move_to"]:
            raise ValueError(t("simulation.move_same"))
        changes.append(
            MoveSales(
                share=state["sim_move_share"] / 100,
                from_activity=state["sim_move_from"],
                to_activity=state["sim_move_to"],
            )
        )
    capital = None
    if state["sim_wc_on"]:
        if state["sim_wc_mode"] == "days":
            capital = WorkingCapital(float(state["sim_wc_dio"]), float(state["sim_wc_dpo"]))
        else:
            if not state["sim_wc_cogs"]:
                raise ValueError(t("simulation.cogs_zero"))
            capital = WorkingCapital.from_balances(
                str(state["sim_wc_inventory"]),
                str(state["sim_wc_cogs"]),
                str(state["sim_wc_payables"]),
                view.period.days,
            )
        capital = replace(capital, scenario_dio=state["sim_wc_scenario_dio"], scenario_dpo=state["sim_wc_scenario_dpo"])
    return Scenario(name or t("simulation.unnamed"), tuple(changes), state["sim_description"], capital)


try:
    scenario = _scenario_from_form(st.session_state["sim_name"].strip())
except ValueError as error:
    st.warning(markdown_text(error))
    st.stop()

# -- actual vs scenario -----------------------------------------------------------------------------------
st.subheader(t("simulation.results"))
if not scenario.changes and scenario.working_capital is None:
    st.info(t("simulation.nothing_enabled"))
    st.stop()
with st.spinner(t("simulation.computing")):
    result = _result(view.version, scenario.to_json(), view.period, view.filters, view.ledger)
comparison = result.comparison
rows = change_table(comparison, view.lang, view.preferences.currency)

DELTA_COLOURS = {"lower": "inverse", "higher": "normal", "neutral": "off"}
by_key = rows.set_index("key")
CARDS_PER_ROW = 3  # the amounts need the room
columns = [column for _ in range(0, len(HEADLINE), CARDS_PER_ROW) for column in st.columns(CARDS_PER_ROW)]
for column, key in zip(columns, HEADLINE):
    row = by_key.loc[key]
    flat = row["verdict"] == "flat" or row["change"] == "—"
    column.metric(
        row["label"],
        row["current"],
        delta=None if row["change"] == "—" else row["change"],
        delta_color="off" if flat else DELTA_COLOURS[kpi(key).better],
        delta_arrow="off" if flat else "auto",
        help=t("simulation.actual_was", value=row["reference"]),
        border=True,
    )

if result.cash_conversion_cycle is not None:
    cycle = result.to_json_dict()["cash_conversion_cycle"]
    st.markdown(f"**{t('whatif.ccc')}**")
    st.dataframe(
        {
            "": [t("whatif.actual"), t("whatif.simulated")],
            "DIO": [fmt.days(cycle[side]["dio"]) for side in ("actual", "simulated")],
            "DSO": [fmt.days(cycle[side]["dso"]) for side in ("actual", "simulated")],
            "DPO": [fmt.days(cycle[side]["dpo"]) for side in ("actual", "simulated")],
            t("simulation.ccc_short"): [fmt.days(cycle[side]["ccc"]) for side in ("actual", "simulated")],
        },
        hide_index=True,
        key="sim_ccc",
    )

titles = {
    "label": t("compare.col.kpi"),
    "reference": t("whatif.actual"),
    "current": t("whatif.simulated"),
    "change": t("whatif.change"),
    "relative": t("compare.col.relative"),
}
styler = styled_change_table(rows, titles)
st.dataframe(styler, hide_index=True, width="stretch", height=35 * (len(rows) + 1) + 3, key="sim_table")
if result.effects:
    st.caption(
        " · ".join(
            t(
                f"simulation.effect.{effect.kind}",
                documents=effect.documents_changed,
                settlements=effect.settlements_changed,
                removed=effect.settlements_removed,
                amount=fmt.money(effect.amount),
            )
            for effect in result.effects
        )
    )

# -- save under a name -----------------------------------------------------------------------------------
st.subheader(t("simulation.save_title"))
cols = st.columns([2, 3, 1], vertical_alignment="bottom")
cols[0].text_input(t("simulation.name"), key="sim_name", placeholder=t("simulation.name_hint"))
cols[1].text_input(t("simulation.description"), key="sim_description")
name = st.session_state["sim_name"].strip()
cols[2].button(
    t("simulation.save"),
    key="sim_save",
    disabled=not name,
    on_click=_save,
    args=(replace(scenario, name=name or scenario.name),),
    icon=":material/save:",
    width="stretch",
)
if name in saved:
    st.caption(t("simulation.overwrites", name=markdown_text(name)))
