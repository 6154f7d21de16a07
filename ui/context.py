"""What every page receives from the router (app.py): the current view, its ledger, and cached engine calls.

Habits this module keeps (STYLE.md, "Streamlit and DuckDB habits"):
- one ledger per workspace for the whole server (kpi/store/store.py, through st.cache_resource): every
  session reads it with a cursor per query, and the stored version keys every cached result;
- st.cache_data only on engine calls keyed by that version; the ledger itself is passed
  as an underscored argument, so a cache key never contains a connection;
- a value from the data (a name, an id, a file name, an import message) is text: it goes
  into Markdown (titles, captions, labels, messages) through `markdown_text`, and into a
  table's text columns through `spreadsheet_text`, since a table's own CSV download and
  copy know nothing of formulas (kpi/text/untrusted.py).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import streamlit as st

from kpi.metrics.aging import AgedBalance, aged_balance, credits_suggest_oldest, customer_settlements
from kpi.metrics.customers import customer_table
from kpi.metrics.payment_history import payment_history
from kpi.metrics.report import PeriodReport, period_report
from kpi.metrics.series import aging_history, monthly_series
from kpi.metrics.settings import DisplaySettings
from kpi.model.filters import Filters
from kpi.model.periods import Period
from kpi.present.view import ViewState
from kpi.store.ledger import Ledger
from kpi.store.store import SharedStore, share
from kpi.store.workspace import Workspace, WorkspaceBusy
from kpi.text.errors import EncoursError
from kpi.text.formatting import Formatter
from kpi.text.i18n import Translator
from kpi.text.messages import render as render_message
from kpi.text.untrusted import markdown_text
from ui import session_files

log = logging.getLogger("encours.app")

VIEW_KEY = "encours_view"
SCRATCH_CHOICE = "__session__"
PERIOD_REQUEST_KEY = "encours_period_request"
WORKSPACE_REQUEST_KEY = "encours_workspace_request"


@dataclass(frozen=True)
class View:
    """The view the sidebar selected, with what a page needs to ask the engine and draw."""

    workspace: Workspace
    workspace_label: str
    is_scratch: bool
    ledger: Ledger
    version: str
    period: Period
    filters: Filters
    lang: str
    preferences: DisplaySettings
    data_range: tuple[date, date] | None
    customer_names: dict[str, str] = field(default_factory=dict)

    @property
    def t(self) -> Translator:
        return Translator(self.lang)

    @property
    def fmt(self) -> Formatter:
        return Formatter(self.lang, self.preferences.currency, self.preferences.currency_symbol)

    @property
    def has_data(self) -> bool:
        return self.data_range is not None


def current_view() -> View:
    return st.session_state[VIEW_KEY]


def page(title_key: str) -> tuple[View, Translator, Formatter]:
    """The view a page draws, under the page's title, with its translator and formatter (`view, t, fmt =
    context.page(...)`); a page of an empty workspace says where to import, and stops."""
    view = current_view()
    st.title(view.t(title_key))
    stop_unless_data(view)
    return view, view.t, view.fmt


def stop_unless_data(view: View) -> None:
    """A page has nothing to draw from an empty workspace: it says where to import, and stops."""
    if not view.has_data:
        st.info(view.t("app.empty_workspace"))
        st.stop()


# -- the sidebar's state, and its widgets' keys -------------------------------------------------------

SIDEBAR_KEY = "encours_sidebar"
GENERATIONS_KEY = "encours_widget_generations"
DRAWN_KEY = "encours_widgets_drawn"
EVER_DRAWN_KEY = "encours_widgets_ever_drawn"
RERUN_KEY = "encours_redraw_needed"


@dataclass
class SidebarState:
    """What the sidebar selects, kept in the session; the widgets only show it."""

    workspace: str | None
    lang: str
    preset: str | None
    period: Period | None
    customers: tuple[str, ...]
    activities: tuple[str, ...]
    from_url: ViewState | None  # the URL's view, until its period has been applied once
    matching: str | None = None  # this view's matching mode; None = the workspace's setting
    run_off: Period | None = None  # the twelve months opened on because the last month is a run-off

    def as_view_state(self) -> ViewState:
        return ViewState(
            workspace=None if self.workspace == SCRATCH_CHOICE else self.workspace,
            lang=self.lang,
            preset=self.preset,
            start=self.period.start if self.period else None,
            end=self.period.end if self.period else None,
            customers=self.customers,
            activities=self.activities,
            matching=self.matching,
        )


def sidebar_state(query: dict) -> SidebarState:
    """This session's sidebar state; on the session's first run, the one the URL describes."""
    if SIDEBAR_KEY not in st.session_state:
        url = ViewState.from_query(query)
        st.session_state[SIDEBAR_KEY] = SidebarState(
            url.workspace, url.lang, None, None, url.customers, url.activities, url, url.matching
        )
    st.session_state[DRAWN_KEY] = set()
    st.session_state[RERUN_KEY] = False
    return st.session_state[SIDEBAR_KEY]


def current_sidebar() -> SidebarState:
    return st.session_state[SIDEBAR_KEY]


def keep_choices_across_languages() -> None:
    """After a switch of language, every keyed choice keeps the option it showed, not its old label.

    Streamlit sends a selectbox's, a radio's or a multiselect's value back as the label it showed (its format_func):
    once the labels are in the other language, the old label matches no option and would come back as a bare string
    (« Démonstration » taken for a workspace's folder). Called before any widget is drawn in the new language, this
    reads each keyed value as the option it stood for (through the labels of the run that drew it) and sets it back
    as that option. Booleans are left alone: buttons refuse to be set, and checkboxes and toggles have no labels.
    """
    for key in list(st.session_state.keys()):
        value = st.session_state[key]
        if _plain_choice(value) or (isinstance(value, list) and value and all(_plain_choice(item) for item in value)):
            st.session_state[key] = value


def _plain_choice(value: object) -> bool:
    return isinstance(value, (str, int)) and not isinstance(value, bool)


def widget_key(name: str) -> str:
    """The key of a sidebar widget for this run (`sb_period`, then `sb_period~1` after a redraw)."""
    st.session_state.setdefault(DRAWN_KEY, set()).add(name)
    st.session_state.setdefault(EVER_DRAWN_KEY, set()).add(name)
    return widget_key_of(name)


def widget_key_of(name: str) -> str:
    generation = st.session_state.get(GENERATIONS_KEY, {}).get(name, 0)
    return name if generation == 0 else f"{name}~{generation}"


def redraw(*names: str) -> None:
    """Draw these widgets afresh from the sidebar state (a new key drops their old widget state)."""
    generations = st.session_state.setdefault(GENERATIONS_KEY, {})
    drawn = st.session_state.get(DRAWN_KEY, set())
    for name in names:
        if name not in st.session_state.get(EVER_DRAWN_KEY, set()):
            continue  # never drawn: it has no old state to drop
        generations[name] = generations.get(name, 0) + 1
        if name in drawn:
            st.session_state[RERUN_KEY] = True


def consume_redraw() -> bool:
    """Whether a widget already drawn this run must be drawn again (the router then reruns)."""
    return st.session_state.pop(RERUN_KEY, False)


def request_period(period: Period) -> None:
    """Show another period (e.g. the month clicked on a chart): the router applies it on the rerun."""
    st.session_state[PERIOD_REQUEST_KEY] = period
    st.rerun()


def request_matching(mode: str) -> None:
    """Show the view in another matching mode (the notice's one click): applied by the router on the rerun."""
    current_sidebar().matching = mode
    redraw("sb_matching")
    st.rerun()


def request_workspace(choice: str) -> None:
    """Switch the session to a workspace (after an import into it) on the next run."""
    st.session_state[WORKSPACE_REQUEST_KEY] = choice


# -- workspaces and ledgers of this session ---------------------------------------------------


def scratch_workspace() -> Workspace:
    """This browser session's own workspace for trying files without saving them anywhere shared.

    It lives in this session's folder of the system temporary directory, under a random name
    that only this session knows, so no other session can list or open it; it goes when the
    session ends (ui/session_files.py).
    """
    return Workspace(session_files.trial_workspace_path())


def ledger_for(workspace: Workspace) -> tuple[Ledger, str]:
    """The ledger of a workspace and its stored version (the key of every cached engine call).

    One store per workspace for the whole server (kpi/store/store.py): every session reads the same
    connection, a cursor per query, and the app's imports write through it.
    """
    version = workspace.version()
    return _store(str(workspace.path)).ledger, version


@st.cache_resource(show_spinner=False)
def _store(path: str) -> SharedStore:
    return share(Workspace(Path(path)))


# -- cached engine calls: pure in (version, arguments) -----------------------------------------


@st.cache_data(show_spinner=False, max_entries=512)
def cached_report(version: str, period: Period, filters: Filters, _ledger: Ledger) -> PeriodReport:
    return period_report(_ledger, period, filters)


@st.cache_data(show_spinner=False, max_entries=128)
def cached_aged_balance(
    version: str, as_of: date, edges: tuple[int, ...], basis: str, by: str, filters: Filters, _ledger: Ledger
) -> AgedBalance:
    return aged_balance(_ledger, as_of, edges=edges, basis=basis, by=by, filters=filters)


@st.cache_data(show_spinner=False, max_entries=16)
def cached_monthly_activity(version: str, _ledger: Ledger):
    return _ledger.monthly_activity()


@st.cache_data(show_spinner=False, max_entries=64)
def cached_activities(version: str, customers: tuple[str, ...], _ledger: Ledger) -> list[str]:
    return _ledger.activities(customers)


@st.cache_data(show_spinner=False, max_entries=64)
def cached_customers(version: str, filters: Filters, _ledger: Ledger):
    return _ledger.customers(filters)


@st.cache_data(show_spinner=False, max_entries=64)
def cached_monthly_series(version: str, start: date, end: date, filters: Filters, _ledger: Ledger):
    return monthly_series(_ledger, start, end, filters)


@st.cache_data(show_spinner=False, max_entries=64)
def cached_aging_history(version: str, start: date, end: date, filters: Filters, _ledger: Ledger):
    return aging_history(_ledger, start, end, filters)


def report(view: View, period: Period | None = None, filters: Filters | None = None) -> PeriodReport:
    return cached_report(view.version, period or view.period, filters or view.filters, view.ledger)


def balance(view: View, as_of: date, edges, basis: str, by: str, filters: Filters | None = None) -> AgedBalance:
    return cached_aged_balance(view.version, as_of, tuple(edges), basis, by, filters or view.filters, view.ledger)


@st.cache_data(show_spinner=False, max_entries=128)
def cached_customer_table(version: str, period: Period, filters: Filters, _ledger: Ledger):
    return customer_table(_ledger, period, filters)


def customers(view: View):
    return cached_customer_table(view.version, view.period, view.filters, view.ledger)


@st.cache_data(show_spinner=False, max_entries=128)
def cached_payment_history(version: str, until: date, filters: Filters, _ledger: Ledger):
    return payment_history(_ledger, until, filters)


def payments(view: View, until: date, filters: Filters):
    return cached_payment_history(view.version, until, filters, view.ledger)


@st.cache_data(show_spinner=False, max_entries=128)
def cached_customer_settlements(version: str, customer_id: str, as_of: date, _ledger: Ledger):
    return customer_settlements(_ledger, customer_id, as_of)


def settlements_of(view: View, customer_id: str, as_of: date):
    """What settled each document of a customer up to a date (the aged balance's drill-down)."""
    return cached_customer_settlements(view.version, customer_id, as_of, view.ledger)


def series(view: View, start: date, end: date):
    return cached_monthly_series(view.version, start, end, view.filters, view.ledger)


def history(view: View, start: date, end: date):
    return cached_aging_history(view.version, start, end, view.filters, view.ledger)


# -- errors --------------------------------------------------------------------------------------


def matching_notice(view: View, unapplied_credits, gross_ar, where: str) -> None:
    """In `matched` mode, when unapplied credits exceed 10 % of gross AR, say so and offer `oldest` in one click."""
    if not credits_suggest_oldest(unapplied_credits, gross_ar, view.filters.matching):
        return
    t, fmt = view.t, view.fmt
    share = float(-unapplied_credits / gross_ar * 100)
    with st.container(border=True):
        st.warning(
            t("matching.notice", amount=fmt.money(-unapplied_credits), share=fmt.percent(share)), icon=":material/info:"
        )
        if st.button(t("matching.notice_button"), key=f"matching_notice_{where}"):
            request_matching("oldest")


def show_error(error: BaseException, t: Translator) -> None:
    """A readable message instead of a traceback; the traceback goes to the server log."""
    if isinstance(error, WorkspaceBusy):
        st.warning(t("error.workspace_busy"))
        return
    # An import refused (an EncoursError too) lists its issues, up to 50 rather than the message's 20.
    issues = getattr(error, "issues", None)
    if issues:
        st.error(t("error.import_refused"))
        st.markdown("\n".join(f"- {markdown_text(render_message(issue, t.lang))}" for issue in issues[:50]))
        return
    # Engine messages are data (kpi.text.messages): worded here in the session's language.
    if isinstance(error, EncoursError):  # read-only, corrupted, full disk, a file stopped at its limit…
        st.error(markdown_text(error.render(t.lang)))
        return
    log.exception("page failed", exc_info=error)
    st.error(t("error.unexpected", message=markdown_text(render_message(error, t.lang) or type(error).__name__)))


def save_settings(view: View, values: dict, saved: str, icon: str = ":material/check:") -> None:
    """Store `values` in the view's workspace settings: a toast saying `saved` and a fresh run when done, the
    fault said in words otherwise."""
    try:
        view.workspace.save_settings(values)
    except Exception as error:
        show_error(error, view.t)
    else:
        st.toast(saved, icon=icon)
        st.rerun()
