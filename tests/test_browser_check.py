"""tests/browser_check.py and its use in tests/conftest.py: browser tests asked for on a machine that cannot run
them stop the run with what to install; not asked for, they are skipped whatever the machine has."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from browser_check import browser_tests_asked, missing_for_browser_tests

ROOT = Path(__file__).resolve().parent.parent
FIRST_VIEW = "tests/browser/test_first_view.py"


def installed(_name):
    return object()  # what importlib.util.find_spec returns for an installed module: anything but None


def not_installed(_name):
    return None


@pytest.fixture
def chromium(tmp_path) -> Path:
    path = tmp_path / "chromium"
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return path


def test_nothing_is_missing_with_an_executable_chromium_and_playwright(chromium):
    assert missing_for_browser_tests(chromium, installed) == []


def test_a_missing_chromium_is_named(tmp_path):
    missing = missing_for_browser_tests(tmp_path / "nowhere" / "chromium", installed)
    assert missing == [
        f"{tmp_path}/nowhere/chromium is missing or not executable: apt-get install chromium (make test installs it)"
    ]


def test_a_chromium_that_cannot_be_run_is_missing_too(chromium):
    chromium.chmod(0o644)
    assert len(missing_for_browser_tests(chromium, installed)) == 1
    assert len(missing_for_browser_tests(chromium.parent, installed)) == 1  # a folder is no browser


def test_a_missing_playwright_is_named_beside_chromium(tmp_path):
    assert missing_for_browser_tests(tmp_path / "chromium", not_installed)[1] == (
        "the playwright package is missing: pip install -r requirements-test.txt"
    )


def test_browser_tests_are_asked_by_the_option_or_the_environment():
    assert browser_tests_asked(True, {})
    assert browser_tests_asked(False, {"ENCOURS_BROWSER_TESTS": "1"})
    assert not browser_tests_asked(False, {"ENCOURS_BROWSER_TESTS": "0"})
    assert not browser_tests_asked(False, {})


def root_conftest(config) -> ModuleType:
    """tests/conftest.py as pytest loaded it (its hooks are what decide)."""
    here = str(ROOT / "tests" / "conftest.py")
    return next(p for p in config.pluginmanager.get_plugins() if getattr(p, "__file__", None) == here)


class Options:
    """The part of pytest's config that the hooks read: the --browser option."""

    def __init__(self, browser: bool):
        self.browser = browser

    def getoption(self, name: str):
        assert name == "--browser"
        return self.browser


@pytest.mark.parametrize("browser", [True, False])
def test_the_run_goes_on_when_chromium_is_there_or_not_asked_for(pytestconfig, monkeypatch, chromium, browser):
    monkeypatch.setenv("ENCOURS_CHROMIUM", str(chromium if browser else chromium.parent / "absent"))
    monkeypatch.delenv("ENCOURS_BROWSER_TESTS", raising=False)
    assert root_conftest(pytestconfig).pytest_configure(Options(browser)) is None


def test_the_run_stops_when_chromium_is_asked_for_and_absent(pytestconfig, monkeypatch, tmp_path):
    monkeypatch.setenv("ENCOURS_CHROMIUM", str(tmp_path / "chromium"))
    with pytest.raises(pytest.UsageError, match=f"^the browser tests cannot run: {tmp_path}/chromium is missing"):
        root_conftest(pytestconfig).pytest_configure(Options(True))


def test_browser_tests_not_asked_for_are_marked_skipped_and_only_they(pytestconfig, monkeypatch):
    monkeypatch.delenv("ENCOURS_BROWSER_TESTS", raising=False)

    class Item:
        def __init__(self, keywords):
            self.keywords, self.markers = keywords, []

        def add_marker(self, marker):
            self.markers.append(marker)

    browser, engine = Item({"browser": True}), Item({})
    root_conftest(pytestconfig).pytest_collection_modifyitems(Options(False), [browser, engine])
    assert [m.mark.name for m in browser.markers] == ["skip"] and engine.markers == []
    asked = Item({"browser": True})
    root_conftest(pytestconfig).pytest_collection_modifyitems(Options(True), [asked])
    assert asked.markers == []


def test_a_real_run_asked_for_without_chromium_stops_before_any_test(tmp_path):
    """The whole way, in a child pytest: asked through the environment (CI's way), nothing collected or run."""
    env = {k: v for k, v in os.environ.items() if k != "ENCOURS_BROWSER_TESTS"}
    env |= {"ENCOURS_CHROMIUM": str(tmp_path / "chromium"), "ENCOURS_BROWSER_TESTS": "1"}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-n", "0", "-q", FIRST_VIEW],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == pytest.ExitCode.USAGE_ERROR, run.stdout + run.stderr
    assert f"the browser tests cannot run: {tmp_path}/chromium is missing or not executable" in run.stderr
    assert "passed" not in run.stdout and "failed" not in run.stdout
