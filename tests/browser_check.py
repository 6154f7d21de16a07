"""Whether the real-browser tests can run here: Debian's Chromium and the Playwright package.

Asked for (`--browser` or ENCOURS_BROWSER_TESTS=1) and missing, the run stops at once with what to install
(tests/conftest.py), instead of every browser test erroring or being skipped one by one.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
# How the browser tests and benchmarks/bench_app.py launch it: headless, with nothing of its own on the network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> Path:
    """The Chromium the tests drive: ENCOURS_CHROMIUM, else Debian's."""
    return Path(os.environ.get("ENCOURS_CHROMIUM", CHROMIUM))


def browser_tests_asked(option: bool, environ: dict | None = None) -> bool:
    environ = os.environ if environ is None else environ
    return option or environ.get("ENCOURS_BROWSER_TESTS") == "1"


def missing_for_browser_tests(chromium: Path, has_module=importlib.util.find_spec) -> list[str]:
    """What to install before the browser tests can run; empty when nothing is missing."""
    missing = []
    if not chromium.is_file() or not os.access(chromium, os.X_OK):
        missing.append(f"{chromium} is missing or not executable: apt-get install chromium (make test installs it)")
    if has_module("playwright") is None:
        missing.append("the playwright package is missing: pip install -r requirements-test.txt")
    return missing
