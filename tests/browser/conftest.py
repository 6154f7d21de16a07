"""The real app in Debian's Chromium: a `streamlit run app.py` server on a free port with its own data home.

These tests are marked `browser` and skipped unless pytest gets `--browser` or
ENCOURS_BROWSER_TESTS=1; asked for without Chromium or Playwright, the run stops with what to install
(tests/conftest.py, tests/browser_check.py). Screenshots go to test-artifacts/ (gitignored).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_check import CHROMIUM_ARGS, chromium_path
from journey import new_context
from server import ROOT, running_app

ARTIFACTS = ROOT / "test-artifacts"
# tests/conftest.py has checked that it exists (the run stops there otherwise).
CHROMIUM = str(chromium_path())


@pytest.fixture(scope="session")
def app_temp(tmp_path_factory) -> Path:
    """The app server's temporary directory (its TMPDIR), where its sessions keep their folders."""
    return tmp_path_factory.mktemp("server-temp")


@pytest.fixture(scope="session")
def app_server(tmp_path_factory, app_temp):
    """The base URL of a running app; its process is stopped (by its own id) after the session.

    A disconnected session may come back for 2 s only (`server.disconnectedSessionTTL`), so that a session's end,
    and its folder's removal, come quickly once its tab closes.
    """
    home = tmp_path_factory.mktemp("encours-home")
    # KPI-SPEC's matching example, as a second workspace: credit notes applied and unapplied credits.
    from kpi.store.workspace import Workspace

    Workspace(home / "matching").import_files(
        [
            ROOT / "tests" / "data" / "matching" / "documents.csv",
            ROOT / "tests" / "data" / "matching" / "settlements.csv",
        ]
    )
    with running_app(
        home,
        tmp_path_factory.mktemp("server") / "streamlit.log",
        "--server.disconnectedSessionTTL",
        "2",
        env={"TMPDIR": str(app_temp)},
    ) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture
def new_page(browser):
    """Pages in fresh browser contexts (each one a separate Streamlit session), closed after the test."""
    contexts = []

    def open_page():
        context = new_context(browser, viewport={"width": 1400, "height": 1000}, locale="fr-FR", accept_downloads=True)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(60_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
