"""A `streamlit run app.py` server for the browser tests: a free port, its own data home, stopped by its own id."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The first page builds the demo workspace; two cores are shared with other work.
STARTUP_SECONDS = 120


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200 and response.read().strip() == b"ok"
    except OSError:
        return False


@contextlib.contextmanager
def running_app(
    home: Path,
    log_path: Path,
    *options: str,
    env: dict | None = None,
    launcher: tuple[str, ...] = ("-m", "streamlit", "run", str(ROOT / "app.py")),
):
    """`streamlit run app.py` on a free port with ENCOURS_HOME=home, until the block ends; yields its base URL.

    The process is stopped by its own id. `options` are more `streamlit run` options, `env`
    more environment variables (TMPDIR for the app's temporary folders, for instance), `launcher`
    what runs the app (`-m ui.serve` for `make run`'s way).
    """
    port = _free_port()
    log = log_path.open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            *launcher,
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
            *options,
        ],
        cwd=ROOT,
        env={**os.environ, "ENCOURS_HOME": str(home), **(env or {})},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_SECONDS
    try:
        while not _healthy(url):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start; see {log.name}")
            time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
