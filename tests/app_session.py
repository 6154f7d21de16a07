"""Helpers for the AppTest tests: a data home holding the demo workspace, and one simulated browser session."""

from __future__ import annotations

import shutil
from pathlib import Path

from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from kpi.store.workspace import DEMO_WORKSPACE, Workspace, ensure_demo_workspace

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
WORKED = Path(__file__).parent / "data" / "worked"
# Two cores are shared with other work: a first run that builds the demo or imports takes seconds.
TIMEOUT = 120


def build_demo_home(path: Path) -> Path:
    ensure_demo_workspace(path)
    return path


def use_home(home: Path, monkeypatch) -> Path:
    """The app runs on the data home `home` (ENCOURS_HOME) and does not build the demo workspace there."""
    monkeypatch.setenv("ENCOURS_HOME", str(home))
    monkeypatch.setattr("kpi.store.workspace.ensure_demo_workspace", lambda home=None: None)
    return home


def imported_home(home: Path, workspace: str, files) -> Path:
    """The data home `home` with one workspace, `workspace`, holding `files`."""
    Workspace(home / workspace).import_files(files)
    return home


def copied_home(template: Path, target: Path, monkeypatch) -> Path:
    """A copy of the data home `template` for one test (one that changes it), the app running on it."""
    shutil.copytree(template, target)
    return use_home(target, monkeypatch)


def copy_home(template: Path, target: Path) -> Path:
    """A fresh data home with the demo already built, so a test never waits for it again."""
    shutil.copytree(template / DEMO_WORKSPACE, target / DEMO_WORKSPACE)
    return target


def session(query_params: dict | None = None) -> AppTest:
    """One browser session of the app, run once (ENCOURS_HOME must already point at a data home)."""
    app = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    if query_params:
        app.query_params.update(query_params)
    return app.run()


def sidebar(app: AppTest, kind: str, name: str):
    """A sidebar widget by its base key: the router re-keys a widget (`sb_range~2`) when it redraws it."""
    found = [w for w in app.get(kind) if w.key == name or (w.key or "").startswith(f"{name}~")]
    assert len(found) == 1, [w.key for w in app.get(kind)]
    return found[0]


def metric(app: AppTest, label: str) -> str:
    return next(m.value for m in app.metric if m.label == label)


def assert_clean(app: AppTest) -> None:
    """No exception element and no error box on the page."""
    assert [e.value for e in app.exception] == []
    assert [e.value for e in app.error] == []


def upload_worked_example(app: AppTest) -> AppTest:
    """On the Data page: drop the worked example's two files and import them into this session's trial workspace."""
    app.switch_page("app_pages/data.py").run()
    files = [(name, (WORKED / name).read_bytes(), "text/csv") for name in ("documents.csv", "settlements.csv")]
    app.get("file_uploader")[0].set_value(files)
    app.run()
    assert_clean(app)
    app.button(key="data_confirm").click().run()
    assert_clean(app)
    assert app.success, "the Data page confirms the import"
    return app.switch_page("app_pages/overview.py").run()


def capture_downloads(monkeypatch) -> dict:
    """Every st.download_button(data=callable) of the runs to come, by file name: what a click would produce."""
    captured = {}
    original = MediaFileManager.add_deferred

    def capture(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        captured[file_name] = data_callable
        return original(self, data_callable, mimetype, coordinates, file_name=file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", capture)
    return captured
