"""Encours, the Streamlit router: shared sidebar (workspace, language, period, filters) and page navigation.

Run with `streamlit run app.py`. The sidebar state round-trips through st.query_params
(see kpi/view.py), so a copied URL reproduces the view. Pages only draw: they read the
View this file builds (pages/context.py) and ask kpi/ for numbers.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from kpi.filters import Filters
from kpi.formatting import Formatter
from kpi.i18n import LANGUAGES, Translator, language
from kpi.periods import Period
from kpi.view import CUSTOM, PERIOD_CHOICES, ViewState, preset_period, resolve_period
from kpi.workspace import DEMO_WORKSPACE, Workspace, default_home, ensure_demo_workspace, list_workspaces
from pages import context

# Session-state keys of the sidebar widgets.
WS, LANG, PERIOD, RANGE, CUSTOMERS, ACTIVITIES = (
    "sb_workspace", "sb_lang", "sb_period", "sb_range", "sb_customers", "sb_activities",
)
FROM_URL = "sb_from_url"  # the ViewState read from the URL when the session started
ANCHOR = "sb_anchor"  # last day of the current workspace's data: presets count from it
LANGUAGE_NAMES = {"fr": "Français", "en": "English"}

st.set_page_config(page_title="Encours", page_icon=":material/account_balance_wallet:", layout="wide")

# -- first run of a session: the URL is the starting state ---------------------------------------
if FROM_URL not in st.session_state:
    url_state = ViewState.from_query({key: st.query_params.get_all(key) for key in st.query_params})
    st.session_state[FROM_URL] = url_state
    st.session_state[LANG] = url_state.lang
    st.session_state[CUSTOMERS] = list(url_state.customers)
    st.session_state[ACTIVITIES] = list(url_state.activities)
    if url_state.workspace:
        st.session_state[WS] = url_state.workspace

lang = language(st.session_state.get(LANG))
t = Translator(lang)

# A page (a click on a trend chart) asks for another period by leaving it here before a rerun:
# the widgets below are not drawn yet, so their state may still change.
requested = st.session_state.pop(context.PERIOD_REQUEST_KEY, None)
if requested is not None:
    st.session_state[RANGE] = (requested.start, requested.end)
    st.session_state[PERIOD] = CUSTOM

home = default_home()
try:
    with st.spinner(t("app.preparing_demo")):
        ensure_demo_workspace(home)
except Exception as error:  # the dashboard still opens on any other workspace
    context.show_error(error, t)

# -- workspace --------------------------------------------------------------------------------
saved = list_workspaces(home)
scratch = context.scratch_workspace()
choices = saved + ([context.SCRATCH_CHOICE] if scratch.exists() else [])
def _on_workspace_change() -> None:
    # Another client's data: its customers, activities and months are not this one's.
    for key in (CUSTOMERS, ACTIVITIES):
        st.session_state[key] = []
    for key in (PERIOD, RANGE):
        st.session_state.pop(key, None)
    st.session_state[FROM_URL] = ViewState(lang=lang)


requested_workspace = st.session_state.pop(context.WORKSPACE_REQUEST_KEY, None)
if requested_workspace in choices and requested_workspace != st.session_state.get(WS):
    st.session_state[WS] = requested_workspace
    _on_workspace_change()
if st.session_state.get(WS) not in choices:
    st.session_state[WS] = DEMO_WORKSPACE if DEMO_WORKSPACE in choices else (choices[0] if choices else None)



def _workspace_label(choice: str) -> str:
    if choice == context.SCRATCH_CHOICE:
        return t("workspace.session_only")
    if choice == DEMO_WORKSPACE:
        return t("workspace.demo")
    return choice


with st.sidebar:
    st.segmented_control(
        t("sidebar.language"), LANGUAGES, key=LANG, format_func=LANGUAGE_NAMES.get, selection_mode="single",
        required=True,
    )
    st.selectbox(t("sidebar.workspace"), choices, key=WS, format_func=_workspace_label, on_change=_on_workspace_change)

choice = st.session_state.get(WS)
view = None
if choice is not None:
    workspace = scratch if choice == context.SCRATCH_CHOICE else Workspace(home / choice)
    try:
        ledger, version = context.ledger_for(workspace)
        data_range = ledger.date_range()
        customers_frame = ledger.customers()
        activities = ledger.activities()
        preferences = context.Preferences.from_settings(workspace.settings())
    except Exception as error:
        context.show_error(error, t)
        st.stop()

    anchor = data_range[1] if data_range else date.today()
    st.session_state[ANCHOR] = anchor

    # -- period ---------------------------------------------------------------------------------
    if PERIOD not in st.session_state or RANGE not in st.session_state:
        period, preset_name = resolve_period(st.session_state[FROM_URL], data_range[1] if data_range else None)
        st.session_state[PERIOD] = preset_name
        st.session_state[RANGE] = (period.start, period.end)

    def _on_preset_change() -> None:
        name = st.session_state[PERIOD]
        if name != CUSTOM:
            chosen = preset_period(name, st.session_state[ANCHOR])
            st.session_state[RANGE] = (chosen.start, chosen.end)

    def _on_range_change() -> None:
        picked = st.session_state[RANGE]
        if isinstance(picked, (tuple, list)) and len(picked) == 2:
            st.session_state[PERIOD] = resolve_period(
                ViewState(start=picked[0], end=picked[1]), st.session_state[ANCHOR]
            )[1]

    names = dict(zip(customers_frame["customer_id"], customers_frame["customer_name"]))
    st.session_state[CUSTOMERS] = [c for c in st.session_state.get(CUSTOMERS, []) if c in names]
    st.session_state[ACTIVITIES] = [a for a in st.session_state.get(ACTIVITIES, []) if a in activities]

    with st.sidebar:
        st.selectbox(
            t("sidebar.period"), PERIOD_CHOICES, key=PERIOD, format_func=lambda name: t(f"period.{name}"),
            on_change=_on_preset_change,
        )
        st.date_input(
            t("sidebar.dates"), key=RANGE, format="DD/MM/YYYY", on_change=_on_range_change,
            min_value=date(2000, 1, 1), max_value=date(2100, 12, 31),
        )
        if data_range:
            st.caption(t("sidebar.presets_anchor", day=Formatter(lang).date(anchor)))
        st.multiselect(
            t("sidebar.customers"), list(names), key=CUSTOMERS,
            format_func=lambda cid: f"{names[cid]} ({cid})" if names[cid] != cid else cid,
            placeholder=t("sidebar.all_customers"),
        )
        st.multiselect(
            t("sidebar.activities"), activities, key=ACTIVITIES, placeholder=t("sidebar.all_activities"),
        )

    picked = st.session_state[RANGE]
    if isinstance(picked, (tuple, list)) and len(picked) == 2:
        period = Period(picked[0], picked[1])
        st.session_state["sb_last_period"] = period
    else:  # half-picked range: keep showing the last complete choice
        period = st.session_state.get("sb_last_period") or resolve_period(ViewState(), anchor)[0]

    view = context.View(
        workspace=workspace,
        workspace_label=_workspace_label(choice),
        is_scratch=choice == context.SCRATCH_CHOICE,
        ledger=ledger,
        version=version,
        period=period,
        filters=Filters(tuple(st.session_state[CUSTOMERS]), tuple(st.session_state[ACTIVITIES])),
        lang=lang,
        preferences=preferences,
        data_range=data_range,
        customer_names=names,
    )
    st.session_state[context.VIEW_KEY] = view

    # -- the URL mirrors the sidebar --------------------------------------------------------------
    state = ViewState(
        workspace=None if choice == context.SCRATCH_CHOICE else choice,
        lang=lang,
        preset=st.session_state[PERIOD],
        start=period.start,
        end=period.end,
        customers=view.filters.customers,
        activities=view.filters.activities,
    )
    wanted = state.to_query()
    current = {key: st.query_params.get_all(key) for key in st.query_params}
    if {k: v if isinstance(v, list) else [v] for k, v in wanted.items()} != current:
        st.query_params.from_dict(wanted)

pages = [
    st.Page("pages/overview.py", title=t("page.overview"), icon=":material/dashboard:", url_path="synthese",
            default=True),
    st.Page("pages/aged_balance.py", title=t("page.aged_balance"), icon=":material/stacked_bar_chart:",
            url_path="balance-agee"),
    st.Page("pages/customers.py", title=t("page.customers"), icon=":material/groups:", url_path="clients"),
    st.Page("pages/trends.py", title=t("page.trends"), icon=":material/show_chart:", url_path="tendances"),
    st.Page("pages/data.py", title=t("page.data"), icon=":material/upload_file:", url_path="donnees"),
    st.Page("pages/settings.py", title=t("page.settings"), icon=":material/settings:", url_path="parametres"),
]
current_page = st.navigation(pages)
if view is None:
    st.info(t("app.no_workspace"))
    st.stop()
try:
    current_page.run()
except Exception as error:  # never a traceback on screen; control-flow exceptions are not Exceptions
    context.show_error(error, t)
