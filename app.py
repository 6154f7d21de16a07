"""Encours, the Streamlit router: shared sidebar (workspace, language, period, filters) and page navigation.

Run with `streamlit run app.py`. The sidebar state round-trips through st.query_params
(see kpi/present/view.py), so a copied URL reproduces the view. Pages only draw: they read the
View this file builds (ui/context.py) and ask kpi/ for numbers.

The sidebar's state lives in plain session keys (ui/context.py, SidebarState); widgets
only show it and report the user's changes. When the app itself changes the state (a month
clicked on a chart, the workspace an import went into, a new workspace's default period),
the widget concerned gets a new key and is drawn afresh, rather than having its widget
state overwritten — Streamlit may drop an overwritten value on the next page change.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from kpi.metrics.settings import DisplaySettings
from kpi.model.filters import MATCHING_MODES, Filters
from kpi.model.periods import Period
from kpi.present.view import (
    CUSTOM,
    OPENING_RUN_OFF,
    PERIOD_CHOICES,
    ViewState,
    opening_period,
    past_the_data,
    preset_period,
    resolve_period,
)
from kpi.store.workspace import DEMO_WORKSPACE, Workspace, default_home, ensure_demo_workspace, list_workspaces
from kpi.text.formatting import Formatter, format_month
from kpi.text.i18n import LANGUAGES, Translator, activity_label
from ui import context, session_files, style
from ui.context import redraw, widget_key

LANGUAGE_NAMES = {"fr": "Français", "en": "English"}
PAGES_WITHOUT_PERIOD = ("donnees", "parametres")  # their content does not depend on the period

# A local icon: no request leaves the machine.
st.set_page_config(page_title="Encours", page_icon=str(style.FAVICON), layout="wide")

sidebar = context.sidebar_state({key: st.query_params.get_all(key) for key in st.query_params})
# The language widget reports a click before this run starts: read it first, every label depends on it.
shown_in = sidebar.lang
sidebar.lang = st.session_state.get(context.widget_key_of("sb_lang")) or sidebar.lang
if sidebar.lang != shown_in:
    context.keep_choices_across_languages()
t = Translator(sidebar.lang)
st.html(style.style_sheet(t))

# Pages are registered before anything can call st.rerun(): a rerun before st.navigation on
# a first visit to a page's URL (/clients) makes Streamlit report "Page not found".
# By section of the menu: (script, title key, icon, URL); the overview first, the default page. The menu is
# always drawn whole: Streamlit would otherwise fold it past twelve pages and hide Données behind « View more ».
SECTIONS = (
    (
        "nav.measure",
        (
            ("overview", "page.overview", "dashboard", "synthese"),
            ("aged_balance", "page.aged_balance", "stacked_bar_chart", "balance-agee"),
            ("customers", "page.customers", "groups", "clients"),
            ("trends", "page.trends", "show_chart", "tendances"),
            ("compare", "page.compare", "compare_arrows", "comparer"),
            ("simulation", "page.simulation", "science", "simulation"),
            ("forecast", "page.forecast", "query_stats", "prevision"),
            ("collections", "page.collections", "phone_in_talk", "recouvrement"),
        ),
    ),
    (
        "nav.act",
        (
            ("worklist", "page.worklist", "notifications_active", "a-relancer"),
            ("statements", "page.statements", "contact_mail", "releves"),
            ("suggestions", "page.suggestions", "link", "rapprochements"),
            ("payment_delays", "page.payment_delays", "gavel", "delais-de-paiement"),
        ),
    ),
    (
        "nav.files",
        (
            ("data", "page.data", "upload_file", "donnees"),
            ("settings", "page.settings", "settings", "parametres"),
        ),
    ),
)
menu = {
    t(section): [
        st.Page(
            f"app_pages/{script}.py", title=t(title), icon=f":material/{icon}:", url_path=url, default=url == "synthese"
        )
        for script, title, icon, url in pages
    ]
    for section, pages in SECTIONS
}
current_page = st.navigation(menu, expanded=True)

# A page (a click on a trend chart, an import) asks for another period or workspace by
# leaving it in the session before a rerun; the widgets below are not drawn yet.
requested_period = st.session_state.pop(context.PERIOD_REQUEST_KEY, None)
if requested_period is not None:
    sidebar.period, sidebar.preset = requested_period, CUSTOM
    redraw("sb_period", "sb_range")

session_files.sweep_at_start_up(str(session_files.sessions_root()))
home = default_home()
try:
    with st.spinner(t("app.preparing_demo")):
        ensure_demo_workspace(home)
except Exception as error:  # the dashboard still opens on any other workspace
    context.show_error(error, t)

# -- workspace --------------------------------------------------------------------------------
scratch = context.scratch_workspace()
choices = list_workspaces(home) + ([context.SCRATCH_CHOICE] if scratch.exists() else [])


def _switch_workspace(choice: str | None, *, by_user: bool = False) -> None:
    # Another client's data: its customers, activities and months are not this one's.
    sidebar.workspace, sidebar.customers, sidebar.activities = choice, (), ()
    sidebar.period, sidebar.preset, sidebar.matching = None, None, None
    redraw("sb_customers", "sb_activities", "sb_period", "sb_range", "sb_matching")
    if not by_user:  # the selector already shows what the user picked
        redraw("sb_workspace")


requested_workspace = st.session_state.pop(context.WORKSPACE_REQUEST_KEY, None)
if requested_workspace in choices and requested_workspace != sidebar.workspace:
    _switch_workspace(requested_workspace)
if sidebar.workspace not in choices:
    _switch_workspace(DEMO_WORKSPACE if DEMO_WORKSPACE in choices else (choices[0] if choices else None))


def _workspace_label(choice: str) -> str:
    if choice == context.SCRATCH_CHOICE:
        return t("workspace.session_only")
    if choice == DEMO_WORKSPACE:
        return t("workspace.demo")
    return choice


with st.sidebar:
    sidebar.lang = (
        st.segmented_control(
            t("sidebar.language"),
            LANGUAGES,
            default=sidebar.lang,
            key=widget_key("sb_lang"),
            format_func=LANGUAGE_NAMES.get,
            selection_mode="single",
            required=True,
        )
        or sidebar.lang
    )
    if choices:
        picked_workspace = st.selectbox(
            t("sidebar.workspace"),
            choices,
            index=choices.index(sidebar.workspace),
            key=widget_key("sb_workspace"),
            format_func=_workspace_label,
        )
        if picked_workspace != sidebar.workspace:
            _switch_workspace(picked_workspace, by_user=True)

view = None
if sidebar.workspace is not None:
    workspace = scratch if sidebar.workspace == context.SCRATCH_CHOICE else Workspace(home / sidebar.workspace)
    try:
        ledger, version = context.ledger_for(workspace)
        data_range = ledger.date_range()
        customers_frame = context.cached_customers(version, Filters(), ledger)
        preferences = DisplaySettings.from_settings(ledger.settings())  # the stored version read above
    except Exception as error:
        context.show_error(error, t)
        st.stop()
    anchor = data_range[1] if data_range else date.today()

    # -- period: a preset, or dates; each follows the other -----------------------------------------
    if sidebar.period is None:
        url = sidebar.from_url or ViewState()
        last_day = data_range[1] if data_range else None
        activity = context.cached_monthly_activity(version, ledger) if last_day else None
        sidebar.period, sidebar.preset = resolve_period(url, last_day, activity)
        opened, kind = opening_period(last_day, activity) if last_day else (None, None)
        sidebar.run_off = opened if kind == OPENING_RUN_OFF and opened == sidebar.period else None
        sidebar.from_url = None  # the URL's dates count once: a new workspace opens on its own last month
        redraw("sb_period", "sb_range")
    with st.sidebar:
        preset_name = st.selectbox(
            t("sidebar.period"),
            PERIOD_CHOICES,
            index=PERIOD_CHOICES.index(sidebar.preset),
            key=widget_key("sb_period"),
            format_func=lambda name: t(f"period.{name}"),
        )
        if preset_name != sidebar.preset:
            sidebar.preset = preset_name
            if preset_name != CUSTOM:
                sidebar.period = preset_period(preset_name, anchor)
                redraw("sb_range")
        picked = st.date_input(
            t("sidebar.dates"),
            value=(sidebar.period.start, sidebar.period.end),
            key=widget_key("sb_range"),
            format="DD/MM/YYYY",
            min_value=date(2000, 1, 1),
            max_value=date(2100, 12, 31),
        )
        # A range being picked has one date only: keep the last complete one until the second click.
        if (
            isinstance(picked, (tuple, list))
            and len(picked) == 2
            and tuple(picked) != (sidebar.period.start, sidebar.period.end)
        ):
            sidebar.period = Period(picked[0], picked[1])
            matching = resolve_period(ViewState(start=picked[0], end=picked[1]), anchor)[1]
            if matching != sidebar.preset:
                sidebar.preset = matching
                redraw("sb_period")
        if data_range:
            st.caption(t("sidebar.presets_anchor", day=Formatter(sidebar.lang).date(anchor)))
        if sidebar.run_off is not None and sidebar.run_off == sidebar.period:
            st.caption(t("sidebar.opened_run_off", month=format_month(sidebar.run_off.end)))

        # -- customers and activities ------------------------------------------------------------
        names = dict(zip(customers_frame["customer_id"], customers_frame["customer_name"]))
        sidebar.customers = tuple(
            st.multiselect(
                t("sidebar.customers"),
                list(names),
                default=[c for c in sidebar.customers if c in names],
                key=widget_key("sb_customers"),
                placeholder=t("sidebar.all_customers"),
                format_func=lambda cid: f"{names[cid]} ({cid})" if names[cid] != cid else cid,
            )
        )
        # The chosen customers' activities only: a pair that selects nothing is not offered.
        activities = context.cached_activities(version, sidebar.customers, ledger)
        sidebar.activities = tuple(
            st.multiselect(
                t("sidebar.activities"),
                activities,
                default=[a for a in sidebar.activities if a in activities],
                key=widget_key("sb_activities"),
                placeholder=t("sidebar.all_activities"),
                format_func=lambda name: activity_label(name, sidebar.lang),
            )
        )

        # -- how credits meet invoices: the workspace's setting, or this view's choice (KPI-SPEC §2) --
        matching = sidebar.matching or preferences.matching
        picked_matching = st.selectbox(
            t("matching.label"),
            MATCHING_MODES,
            index=MATCHING_MODES.index(matching),
            key=widget_key("sb_matching"),
            format_func=lambda mode: t(f"matching.{mode}"),
            help=t(f"matching.{matching}.help"),
        )
        sidebar.matching = None if picked_matching == preferences.matching else picked_matching
        matching = picked_matching

    view = context.View(
        workspace=workspace,
        workspace_label=_workspace_label(sidebar.workspace),
        is_scratch=sidebar.workspace == context.SCRATCH_CHOICE,
        ledger=ledger,
        version=version,
        period=sidebar.period,
        filters=Filters(sidebar.customers, sidebar.activities, matching),
        lang=sidebar.lang,
        preferences=preferences,
        data_range=data_range,
        customer_names=names,
    )
    st.session_state[context.VIEW_KEY] = view

# -- the URL mirrors the sidebar ------------------------------------------------------------------
wanted = sidebar.as_view_state().to_query()
current = {key: st.query_params.get_all(key) for key in st.query_params}
if {k: v if isinstance(v, list) else [v] for k, v in wanted.items()} != current:
    st.query_params.from_dict(wanted)
if context.consume_redraw():
    st.rerun()  # widgets already drawn this run show an old value: draw them again with the new one

if view is None:
    st.info(t("app.no_workspace"))
    st.stop()
if (
    current_page.url_path not in PAGES_WITHOUT_PERIOD
    and not view.filters.is_empty
    and context.cached_customers(view.version, view.filters, view.ledger).empty
):
    st.info(t("filters.no_data"))
    st.stop()
if current_page.url_path not in PAGES_WITHOUT_PERIOD and past_the_data(
    view.period, view.data_range and view.data_range[1]
):
    st.warning(
        t(
            "period.past_data",
            start=view.fmt.date(view.period.start),
            end=view.fmt.date(view.period.end),
            last=view.fmt.date(view.data_range[1]),
        )
    )
try:
    current_page.run()
except Exception as error:  # never a traceback on screen; control-flow exceptions are not Exceptions
    context.show_error(error, t)
