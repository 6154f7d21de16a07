"""Shared fixtures: the worked example of KPI-SPEC and small ledgers built in tests."""

from __future__ import annotations

import pytest

from kpi.importers import read_files
from kpi.ledger import Ledger
from kpi.workspace import Workspace
from sample_files import WORKED_FILES


def pytest_addoption(parser):
    parser.addoption("--browser", action="store_true", default=False, help="run the real-browser tests (Playwright, Debian chromium)")


def pytest_collection_modifyitems(config, items):
    import os

    if config.getoption("--browser") or os.environ.get("ENCOURS_BROWSER_TESTS") == "1":
        return
    skip = pytest.mark.skip(reason="browser tests run with --browser or ENCOURS_BROWSER_TESTS=1")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def worked_ledger() -> Ledger:
    return Ledger.in_memory(read_files(WORKED_FILES).ledger)


@pytest.fixture(scope="module")
def worked_home(tmp_path_factory):
    """A data home whose one workspace, "worked", holds the worked example (one per test module)."""
    home = tmp_path_factory.mktemp("worked-home")
    Workspace(home / "worked").import_files(WORKED_FILES)
    return home


@pytest.fixture
def worked(worked_home, monkeypatch):
    """The app runs on `worked_home` and does not build the demo workspace."""
    monkeypatch.setenv("ENCOURS_HOME", str(worked_home))
    monkeypatch.setattr("kpi.workspace.ensure_demo_workspace", lambda home=None: None)
    return worked_home
