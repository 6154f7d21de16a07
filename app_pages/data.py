"""Données / Data: upload files, check how they are read, correct the mapping, validate, import; list and remove imports.

Where uploads go: only into the workspace chosen below — this session's own temporary
workspace ("try without saving", invisible to every other session), a new named workspace,
or the current one. Nothing is shared between browser sessions except named workspaces.
The uploaded files are copied once into this session's folder (pages/session_files.py),
removed after the import and, at the latest, when the session ends.

File names, headers, cells and import messages are the data's text: Markdown gets them
escaped, tables get them as text cells (pages/context.py).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import streamlit as st

from kpi.importers import ImportFailed, ImportReport
from kpi.importers.inspection import display_preview
from kpi.store import sandbox
from kpi.store.workspace import DEMO_WORKSPACE, Workspace, default_home, list_workspaces
from kpi.text.messages import render as render_message
from kpi.text.untrusted import markdown_text, spreadsheet_text
from ui import context, session_files

view = context.current_view()
t, fmt = view.t, view.fmt
st.title(t("page.data"))

UPLOADS_KEY = "data_uploaded_paths"  # file_id -> path on disk, so a rerun does not copy again
CHUNK = 1 << 20
TARGET_SESSION, TARGET_NEW, TARGET_CURRENT = "session", "new", "current"
DONE_KEY = "data_import_done"
DAY_ORDERS = {"detect": None, "day": True, "month": False}  # the importers' `dayfirst` option
# An engine message asking for the day/month order names the CLI's flags: the app says where its choice is.
DAY_ORDER_MESSAGE = re.compile(r"--(day|month)first|jour/mois|day/month", re.IGNORECASE)


def _texts(values) -> list:
    """A column of the data's text for a table: never a formula in the table's CSV download."""
    return [spreadsheet_text("" if value is None else str(value)) for value in values]


def _signature(paths: list[Path], options: dict, target: Workspace) -> tuple:
    """What a dry run depends on: the files as they are, the options, and the mappings saved so far."""
    mappings = (
        sorted((p.name, p.stat().st_mtime_ns) for p in target.mappings_dir.glob("*"))
        if target.mappings_dir.is_dir()
        else []
    )
    files = tuple((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in paths)
    return files, tuple(sorted(options.items())), str(target.path), tuple(mappings)


def _dry_run(paths: list[Path], options: dict, target: Workspace) -> sandbox.DryRun | Exception:
    """How the files are read and what importing them would give, in one child process under a memory and time limit
    (kpi.store.sandbox), so that no file can take the server down; kept for this session until the files, the
    options or the saved mappings change (a rerun reads nothing again)."""
    key = _signature(paths, options, target)
    held = st.session_state.setdefault("data_dry_runs", {})
    if key not in held:
        held.clear()  # what was read of other files, or with other options, goes
        try:
            held[key] = sandbox.run_dry_run(paths, {"mappings_dir": target.mappings_dir, **options})
        except Exception as error:  # the child stopped at its limit, or a bug: said under « validation » below
            held[key] = error
    return held[key]


def _report(looked: sandbox.DryRun | Exception) -> ImportReport:
    """The dry run's report, or its refusal (an ImportFailed) or the child's failure raised."""
    if isinstance(looked, Exception):
        raise looked
    if isinstance(looked.report, Exception):
        raise looked.report
    return looked.report


if done := st.session_state.pop(DONE_KEY, None):
    st.success(done, icon=":material/check_circle:")
    st.page_link("app_pages/overview.py", label=t("data.see_overview"), icon=":material/dashboard:")

# -- the workspace's imports ----------------------------------------------------------------------
st.subheader(t("data.imports_of", workspace=markdown_text(view.workspace_label)))
try:
    imports = view.workspace.imports()
except Exception as error:
    context.show_error(error, t)
    imports = pd.DataFrame()
if imports.empty:
    st.caption(t("data.no_imports"))
else:
    st.dataframe(
        {
            t("data.import_id"): imports["import_id"],
            t("data.imported_at"): [f"{fmt.date(v)} {pd.Timestamp(v):%H:%M}" for v in imports["imported_at"]],
            t("data.sources"): _texts(", ".join(v) if v is not None else "" for v in imports["sources"]),
            t("data.documents"): imports["documents"],
            t("data.settlements"): imports["settlements"],
            t("data.documents_total"): [fmt.money(v) for v in imports["documents_total"]],
            t("data.settlements_total"): [fmt.money(v) for v in imports["settlements_total"]],
        },
        hide_index=True,
        width="stretch",
    )
    with st.expander(t("data.remove_title")):
        removable = list(imports["import_id"])
        chosen = st.selectbox(t("data.remove_which"), removable, format_func=lambda i: f"#{i}", key="remove_choice")
        confirm = st.checkbox(t("data.remove_confirm", import_id=chosen), key="remove_confirm")
        if st.button(t("data.remove_button"), disabled=not confirm, type="secondary", key="remove_button"):
            try:
                view.workspace.remove_import(int(chosen))
            except Exception as error:
                context.show_error(error, t)
            else:
                st.session_state.pop("remove_confirm", None)
                st.toast(t("data.removed", import_id=chosen), icon=":material/delete:")
                st.rerun()

st.divider()

# -- upload ----------------------------------------------------------------------------------------
st.subheader(t("data.upload_title"))
st.caption(t("data.upload_help"))
uploaded = st.file_uploader(
    t("data.upload_label"),
    accept_multiple_files=True,
    type=["csv", "txt", "xlsx", "xls", "parquet", "tsv"],
    key=f"data_uploader_{st.session_state.get('data_uploader_round', 0)}",
)
# Save each upload once to this session's own folder: the importers read paths. A file taken
# out of the uploader loses its copy.
stored: dict = st.session_state.setdefault(UPLOADS_KEY, {})
for dropped in set(stored) - {f.file_id for f in uploaded or ()}:
    shutil.rmtree(Path(stored.pop(dropped)).parent, ignore_errors=True)
if not uploaded:
    st.stop()

new_files = [f for f in uploaded if f.file_id not in stored or not Path(stored[f.file_id]).is_file()]
if new_files:
    total = sum(f.size for f in new_files) or 1
    progress = st.progress(0.0, text=t("data.receiving"))
    folder = session_files.upload_folder()
    done = 0
    for upload in new_files:
        target = folder / upload.file_id / Path(upload.name).name
        target.parent.mkdir(parents=True, exist_ok=True)
        upload.seek(0)
        with target.open("wb") as handle:
            while chunk := upload.read(CHUNK):
                handle.write(chunk)
                done += len(chunk)
                progress.progress(
                    min(done / total, 1.0), text=t("data.receiving_file", file=markdown_text(upload.name))
                )
        stored[upload.file_id] = str(target)
    progress.empty()
paths = [Path(stored[f.file_id]) for f in uploaded]

# -- where the rows will go ---------------------------------------------------------------------------
targets = [TARGET_SESSION, TARGET_NEW] + (
    [] if view.workspace.name == DEMO_WORKSPACE or view.is_scratch else [TARGET_CURRENT]
)
target_choice = st.radio(
    t("data.target"),
    targets,
    horizontal=True,
    key="data_target",
    format_func=lambda c: t(f"data.target_{c}", workspace=markdown_text(view.workspace_label)),
)
home = default_home()
new_name = ""
if target_choice == TARGET_NEW:
    new_name = st.text_input(t("data.new_name"), key="data_new_name", help=t("data.new_name_help")).strip()
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 _.-]{0,60}", new_name or ""):
        st.info(t("data.new_name_needed"))
        st.stop()
    if new_name in list_workspaces(home):
        st.warning(t("data.new_name_exists", name=markdown_text(new_name)))
        st.stop()
    target = Workspace(home / new_name)
elif target_choice == TARGET_CURRENT:
    target = view.workspace
else:
    target = context.scratch_workspace()

terms_column, order_column = st.columns([1, 2])
terms = terms_column.number_input(
    t("settings.payment_terms"),
    min_value=0,
    max_value=365,
    value=view.preferences.payment_terms,
    step=1,
    help=t("settings.payment_terms_help"),
    key="data_terms",
)
day_order = order_column.radio(
    t("data.day_order"),
    tuple(DAY_ORDERS),
    horizontal=True,
    key="data_day_order",
    format_func=lambda order: t(f"data.day_order.{order}"),
    help=t("data.day_order_help"),
)
options = {"terms": f"{int(terms)}", "dayfirst": DAY_ORDERS[day_order]}

# -- how each file is read: layout and mapping, correctable ------------------------------------------
with st.spinner(t("data.inspecting")):
    looked = _dry_run(paths, options, target)
inspection = None if isinstance(looked, Exception) else looked.inspection
if isinstance(inspection, Exception):  # the dry run below still says what is wrong, row by row
    context.log.warning("inspection failed: %s", inspection)
    inspection = None
for found in getattr(inspection, "files", ()):
    name = getattr(found, "file", "?")
    layout = getattr(found, "layout", None)
    with st.expander(t("data.file_layout", file=markdown_text(name), layout=t(f"data.layout.{layout}")), expanded=True):
        if isinstance(getattr(found, "preview", None), pd.DataFrame):
            # The product's labels over the file's own headers; cells as read: text stays text in the
            # table's download.
            preview = display_preview(found, view.lang)
            st.dataframe(preview.map(spreadsheet_text), hide_index=True, width="stretch", height=180)
        mapping = getattr(found, "mapping", None)
        # The columns as read: a second « Montant TTC » is offered as « Montant TTC (2) ».
        headers = tuple(getattr(found, "columns", ()) or getattr(found, "headers", ()) or ())
        if mapping is None or not headers:
            continue
        from kpi.importers.mapping import LAYOUT_FIELDS, ColumnChoice, ColumnMapping
        from kpi.importers.saved_mappings import save_mapping

        st.caption(t("data.mapping_help"))
        fields = list(LAYOUT_FIELDS.get(mapping.layout, {}))
        chosen: dict[str, str] = {}
        columns = st.columns(3)
        for index, field_name in enumerate(fields):
            current = mapping.header(field_name)
            options_list = ["", *headers]
            picked = columns[index % 3].selectbox(
                t(f"field.{field_name}"),
                options_list,
                index=options_list.index(current) if current in options_list else 0,
                format_func=lambda h: h or t("data.not_mapped"),
                key=f"map_{name}_{field_name}",
            )
            if picked:
                chosen[field_name] = picked
        if chosen != mapping.fields and st.button(t("data.apply_mapping"), key=f"apply_{name}"):
            corrected = ColumnMapping(
                mapping.layout,
                tuple(ColumnChoice(f, h, 1.0, "app") for f, h in chosen.items()),
                source="app",
                options=dict(mapping.options),
            )
            # Saved with the target workspace: the next file with these headers reads the same way.
            save_mapping(target.mappings_dir, headers, corrected)
            st.rerun()

# -- validation: a dry run of the import ----------------------------------------------------------------
st.subheader(t("data.validation"))
try:
    report = _report(looked)
except ImportFailed as error:
    st.error(t("data.errors_block", count=len(error.issues)))
    if any(issue.remedy == "day_order" or DAY_ORDER_MESSAGE.search(issue.render(t.lang)) for issue in error.issues):
        st.info(t("data.day_order_hint", choice=t("data.day_order")), icon=":material/calendar_month:")
    st.dataframe(
        {
            t("data.issue_file"): _texts(i.file for i in error.issues),
            t("data.issue_row"): [i.row for i in error.issues],
            t("data.issue_column"): _texts(i.column or "" for i in error.issues),
            t("data.issue_message"): _texts(render_message(i.message, t.lang) for i in error.issues),
            t("data.issue_value"): _texts(i.value for i in error.issues),
        },
        hide_index=True,
        width="stretch",
    )
    st.stop()
except Exception as error:
    context.show_error(error, t)
    st.stop()

st.dataframe(
    {
        t("data.file"): _texts(f.file for f in report.files),
        t("data.layout"): [t(f"data.layout.{f.layout}") for f in report.files],
        t("data.rows_read"): [f.rows_read for f in report.files],
        t("data.rows_imported"): [f.rows_imported for f in report.files],
        t("data.amount_in_file"): [fmt.money(f.amount_in_file) for f in report.files],
        t("data.amount_imported"): [fmt.money(f.amount_imported) for f in report.files],
        t("data.reconciled"): ["✓" if f.reconciled else "✗" for f in report.files],
    },
    hide_index=True,
    width="stretch",
)
if report.warnings:
    with st.expander(t("data.warnings", count=len(report.warnings))):
        st.markdown("\n".join(f"- {markdown_text(w.render(t.lang))}" for w in report.warnings[:200]))
else:
    st.success(t("data.no_warning"))

target_label = t(f"data.target_{target_choice}", workspace=markdown_text(view.workspace_label))
if st.button(t("data.confirm", workspace=target_label), type="primary", key="data_confirm"):
    try:
        with st.spinner(t("data.importing")):
            # Files parsed in a child process under a memory limit, rows stored through the workspace's
            # shared connection; a refused or stopped first import leaves no workspace.
            stored_import = sandbox.import_parsed_in_child(target, paths, options)
    except Exception as error:
        context.show_error(error, t)
        st.stop()
    st.session_state.pop(UPLOADS_KEY, None)
    session_files.clear_uploads()
    # A fresh uploader (new key) once the files are in: the next visit starts empty.
    st.session_state["data_uploader_round"] = st.session_state.get("data_uploader_round", 0) + 1
    if stored_import.already_imported:
        done = t("data.already_imported", import_id=stored_import.import_id)
    else:
        done = t("data.imported", documents=stored_import.documents, settlements=stored_import.settlements)
    st.session_state[DONE_KEY] = done
    # Stay on this page for the rerun: the router switches the sidebar to the target workspace
    # (a st.switch_page in the same step would drop that switch on the way).
    context.request_workspace(context.SCRATCH_CHOICE if target_choice == TARGET_SESSION else target.name)
    st.rerun()
