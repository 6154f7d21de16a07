"""Shared fixtures: the worked example of KPI-SPEC and small ledgers built in tests."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest
from browser_check import browser_tests_asked, chromium_path, missing_for_browser_tests
from hypothesis import HealthCheck, settings
from sample_files import WORKED_FILES

from kpi.importers import read_files
from kpi.store.ledger import Ledger

# The command line speaks the locale's language (kpi.cli.common.default_language): tests read it in French unless
# they ask for English with --lang or their own environment, whatever the machine's locale.
for _name in ("LC_ALL", "LC_MESSAGES", "LANG"):
    if os.environ.get(_name, "").lower().startswith("en"):
        os.environ[_name] = "C.UTF-8"


# Hypothesis profiles, chosen by HYPOTHESIS_PROFILE: "ci" (the default, what `make test` and CI run) draws new random
# ledgers and files every run, enough for each invariant to meet credit notes, overpayments and empty periods; "dev"
# draws a handful, for a quick loop while editing. A module that costs more per example asks for a share of
# `settings.default.max_examples` (tests/test_properties.py's HEAVY). Examples run SQL: no deadline.
settings.register_profile("ci", max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_addoption(parser):
    parser.addoption(
        "--browser", action="store_true", default=False, help="run the real-browser tests (Playwright, Debian chromium)"
    )


BROWSER_TESTS = Path(__file__).parent / "browser"


def pytest_configure(config):
    """Browser tests asked for but unable to run fail the whole run at once, saying what to install."""
    if browser_tests_asked(config.getoption("--browser")):
        missing = missing_for_browser_tests(chromium_path())
        if missing:
            raise pytest.UsageError("the browser tests cannot run: " + "; ".join(missing))


def pytest_ignore_collect(collection_path, config):
    """Without the browser tests and without Playwright, tests/browser/ is not imported (its modules import
    Playwright): a machine that does not run them need not install it."""
    if collection_path == BROWSER_TESTS and not browser_tests_asked(config.getoption("--browser")):
        return importlib.util.find_spec("playwright") is None or None
    return None


def pytest_collection_modifyitems(config, items):
    if browser_tests_asked(config.getoption("--browser")):
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
    from app_session import imported_home

    return imported_home(tmp_path_factory.mktemp("worked-home"), "worked", WORKED_FILES)


@pytest.fixture
def worked(worked_home, monkeypatch):
    """The app runs on `worked_home` and does not build the demo workspace."""
    from app_session import use_home

    return use_home(worked_home, monkeypatch)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory):
    """A data home holding the demo workspace, built once and copied by `demo_home`."""
    from app_session import build_demo_home

    return build_demo_home(tmp_path_factory.mktemp("demo-home"))


@pytest.fixture
def demo_home(demo_template, tmp_path, monkeypatch):
    """A fresh copy of the demo data home, which the app runs on."""
    from app_session import copy_home

    path = copy_home(demo_template, tmp_path / "home")
    monkeypatch.setenv("ENCOURS_HOME", str(path))
    return path
