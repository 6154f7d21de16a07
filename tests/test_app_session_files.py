"""Housekeeping of the app (ui/session_files.py, app_pages/data.py): one folder per session, removed when the session
ends and at start-up beyond a day; a refused first import leaves no workspace."""

from __future__ import annotations

import os
import tempfile
import time

import pytest
from app_session import WORKED, assert_clean, session

from kpi.importers import ImportFailed
from kpi.importers.errors import ImportIssue
from kpi.store.workspace import Workspace, list_workspaces
from ui import session_files
from ui.session_files import Lease

MARCH = {"ws": "worked", "from": "2026-03-01", "to": "2026-03-31"}
WORKED_UPLOAD = [(name, (WORKED / name).read_bytes(), "text/csv") for name in ("documents.csv", "settlements.csv")]


@pytest.fixture
def temp(tmp_path, monkeypatch):
    """The system temporary directory of the app, empty."""
    folder = tmp_path / "temp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def _folders(temp):
    root = temp / session_files.ROOT_NAME
    return sorted(root.iterdir()) if root.is_dir() else []


def _data_page(app):
    return app.switch_page("app_pages/data.py").run()


def test_one_folder_per_session_whatever_the_reruns(worked, temp):
    app = _data_page(session(MARCH))
    for _ in range(3):
        app.run()
    assert _folders(temp) == []  # nothing on disk before an upload
    app.get("file_uploader")[0].set_value(WORKED_UPLOAD).run()
    for _ in range(3):
        app.run()
    assert_clean(app)
    [folder] = _folders(temp)
    assert sorted(p.name for p in (folder / "uploads").iterdir()) != []
    assert not list(temp.glob(f"{session_files.LEGACY_UPLOAD_PREFIX}*"))
    app.button(key="data_confirm").click().run()
    assert_clean(app)
    # Imported: the copies are gone, the trial workspace stays in the same folder.
    assert _folders(temp) == [folder]
    assert not (folder / "uploads").exists()
    assert Workspace(folder / "workspace").exists()
    other = _data_page(session(MARCH))
    other.get("file_uploader")[0].set_value(WORKED_UPLOAD).run()
    assert len(_folders(temp)) == 2  # another browser session, its own folder


def test_folders_unused_for_a_day_are_removed_at_start_up(temp):
    root = temp / session_files.ROOT_NAME
    old, fresh = root / "old-session", root / "fresh-session"
    legacy, other = temp / f"{session_files.LEGACY_UPLOAD_PREFIX}abc", temp / "someone-else"
    for folder in (old / "workspace", fresh / "workspace", legacy, other):
        folder.mkdir(parents=True)
    two_days_ago = time.time() - 2 * 86400
    for path in (old / "workspace", old, legacy, other):
        os.utime(path, (two_days_ago, two_days_ago))
    removed = session_files.remove_stale()
    assert sorted(removed) == sorted([old, legacy])
    assert fresh.exists() and other.exists()  # used today; not ours


def test_the_sweep_runs_when_the_app_starts(worked, temp):
    stale = temp / session_files.ROOT_NAME / "stale"
    stale.mkdir(parents=True)
    os.utime(stale, (time.time() - 3 * 86400,) * 2)
    assert_clean(session(MARCH))
    assert not stale.exists()


@pytest.fixture
def server(monkeypatch):
    """A running server whose sessions are connected or not, as the test says; a short reconnection window."""
    connected: set[str] = set()
    monkeypatch.setattr(session_files, "_server_stopping", lambda: False)
    monkeypatch.setattr(session_files, "_session_connected", lambda session_id: session_id in connected)
    monkeypatch.setattr(session_files, "_reconnect_window", lambda: 0.2)
    return connected


def _wait_until(condition, seconds=5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_a_session_gone_for_good_loses_its_folder(server, tmp_path):
    folder = tmp_path / "session"
    (folder / "workspace").mkdir(parents=True)
    session_files._released(Lease(str(folder), "s1"))  # what Streamlit calls when the tab closes
    assert folder.exists()  # the tab may still come back
    assert _wait_until(lambda: not folder.exists())


def test_a_session_that_reconnects_keeps_its_folder(server, tmp_path):
    folder = tmp_path / "session"
    folder.mkdir()
    server.add("s1")  # a network blip: the same session is connected again
    session_files._released(Lease(str(folder), "s1"))
    time.sleep(0.6)
    assert folder.exists()
    server.discard("s1")  # then the tab closes for good
    assert _wait_until(lambda: not folder.exists())


def test_a_rerun_after_reconnecting_cancels_the_removal(server, tmp_path, monkeypatch):
    folder = tmp_path / "session"
    folder.mkdir()
    monkeypatch.setattr(session_files, "_reconnect_window", lambda: 0.5)
    session_files._released(Lease(str(folder), "s1"))
    session_files._cancel_removal(str(folder))  # what the session's next run does (_lease)
    time.sleep(0.8)
    assert folder.exists()


def test_a_stopping_server_removes_the_folder_at_once(tmp_path):
    folder = tmp_path / "session"
    folder.mkdir()
    session_files._released(Lease(str(folder), "s1"))  # no runtime here: as when the server has stopped
    assert not folder.exists()


def test_a_refused_first_import_leaves_no_workspace(worked, temp, monkeypatch):
    # The page imports through kpi.store.sandbox, whose child builds a first workspace aside and leaves
    # nothing when refused (tests/test_workspace_faults.py, tests/test_sandbox.py): the page must not
    # create anything itself either.
    def refused(paths, options=None, **limits):
        raise ImportFailed([ImportIssue("documents.csv", "refusé pour le test")])

    monkeypatch.setattr("kpi.store.sandbox.run_read", refused)
    app = _data_page(session(MARCH))
    app.get("file_uploader")[0].set_value(WORKED_UPLOAD).run()
    app.radio(key="data_target").set_value("new").run()
    app.text_input(key="data_new_name").set_value("Nouveau client").run()
    app.button(key="data_confirm").click().run()
    assert any("refusé pour le test" in m.value for m in app.markdown)  # the refusal is said
    assert "Nouveau client" not in list_workspaces(worked)
    assert not (worked / "Nouveau client").exists()
    app.radio(key="data_target").set_value("session").run()
    app.button(key="data_confirm").click().run()
    [folder] = _folders(temp)
    assert not Workspace(folder / "workspace").exists()  # nor a trial workspace to pick in the sidebar
    app.run()
    assert "__session__" not in app.selectbox(key="sb_workspace").options


def test_a_file_taken_out_of_the_uploader_loses_its_copy(worked, temp):
    app = _data_page(session(MARCH))
    app.get("file_uploader")[0].set_value(WORKED_UPLOAD).run()
    [folder] = _folders(temp)
    assert len(list((folder / "uploads").iterdir())) == 2
    app.get("file_uploader")[0].set_value(WORKED_UPLOAD[:1]).run()
    copies = [path.name for path in (folder / "uploads").rglob("*.csv")]
    assert copies == ["documents.csv"]
