"""Shared fixtures: the worked example of KPI-SPEC and small ledgers built in tests."""

from __future__ import annotations

import pytest

from kpi.importers import read_files
from kpi.ledger import Ledger
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
