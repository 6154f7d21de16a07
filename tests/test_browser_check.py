"""tests/browser_check.py and its use in tests/conftest.py: browser tests asked for on a machine that cannot run
them stop the run with what to install; not asked for, they are skipped whatever the machine has."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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


def run_pytest(*args: str, chromium: Path, browser_env: str | None = None) -> subprocess.CompletedProcess:
    """pytest on the browser tests in a child process, with `chromium` as the browser the tests would drive."""
    env = {k: v for k, v in os.environ.items() if k != "ENCOURS_BROWSER_TESTS"}
    env["ENCOURS_CHROMIUM"] = str(chromium)
    if browser_env is not None:
        env["ENCOURS_BROWSER_TESTS"] = browser_env
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-n", "0", "-q", *args, FIRST_VIEW],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_browser_tests_asked_for_without_chromium_stop_the_run(tmp_path):
    # Through the environment (CI's way); --browser goes through the same browser_tests_asked, tested above.
    run = run_pytest("--collect-only", chromium=tmp_path / "chromium", browser_env="1")
    assert run.returncode == pytest.ExitCode.USAGE_ERROR, run.stdout + run.stderr
    assert f"the browser tests cannot run: {tmp_path}/chromium is missing or not executable" in run.stderr


def test_browser_tests_asked_for_with_a_chromium_are_collected(chromium):
    run = run_pytest("--collect-only", "--browser", chromium=chromium)
    assert run.returncode == pytest.ExitCode.OK, run.stdout + run.stderr
    assert "test_the_first_request_after_a_server_start_draws_the_page_asked_for" in run.stdout


def test_browser_tests_not_asked_for_are_skipped_even_without_chromium(tmp_path):
    run = run_pytest("-rs", chromium=tmp_path / "chromium")
    assert run.returncode == pytest.ExitCode.OK, run.stdout + run.stderr
    assert "browser tests run with --browser or ENCOURS_BROWSER_TESTS=1" in run.stdout
    assert " passed" not in run.stdout and " skipped" in run.stdout
