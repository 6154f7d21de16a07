"""The command line loads what a command uses, no more: a report, aged balance or series on a workspace
imports neither pandas nor a chart, app or document renderer (issue 12: importing pandas alone takes
longer than the query at a million invoices)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kpi.store.workspace import Workspace

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "data" / "demo"
# The frame library, the charts, the app, the document renderers, and the importers that load pandas.
UNUSED = (
    "pandas",
    "altair",
    "vl_convert",
    "streamlit",
    "reportlab",
    "weasyprint",
    "jinja2",
    "openpyxl",
    "xlsxwriter",
    "python_calamine",
    "kpi.importers",
)
# Runs one command in a fresh interpreter, then says which of UNUSED it loaded.
CHECK = """
import io, json, sys
from kpi.cli.main import main
status = main(sys.argv[2:], out=io.StringIO())
print(json.dumps({"status": status, "loaded": [m for m in json.loads(sys.argv[1]) if m in sys.modules]}))
"""
COMMANDS = {
    "report json": ("report", "--from", "2026-01-01", "--to", "2026-06-30", "--format", "json"),
    "report table": ("report", "--from", "2026-01-01", "--to", "2026-06-30"),
    "aging by customer": ("aging", "--as-of", "2026-06-30", "--by", "customer"),
    "aging csv": ("aging", "--as-of", "2026-06-30", "--by", "customer", "--format", "csv"),
    "aging by document": ("aging", "--as-of", "2026-06-30", "--by", "document", "--apply-credits", "oldest"),
    "series csv": ("series", "--from", "2025-11-01", "--to", "2026-10-31"),
    "series json": ("series", "--from", "2025-11-01", "--to", "2026-10-31", "--format", "json"),
    "worklist table": ("worklist", "--as-of", "2026-10-31"),
    "worklist json": ("worklist", "--as-of", "2026-10-31", "--format", "json"),
    "d441 json": ("d441", "--closing", "2026-10-31", "--fiscal-start", "2025-11-01", "--format", "json"),
}


@pytest.fixture(scope="module")
def demo_workspace(tmp_path_factory) -> Path:
    """The demo ledger with its four activity logs, so that every query of the report runs."""
    path = tmp_path_factory.mktemp("imports") / "demo"
    Workspace(path).import_files(sorted(DEMO.glob("*.csv")))
    return path


def loaded_by(workspace: Path, command: str, watched: list[str] | tuple[str, ...]) -> dict:
    """Runs COMMANDS[command] on `workspace` in a fresh interpreter: its exit status and which of `watched` it loaded."""
    name, *options = COMMANDS[command]
    run = subprocess.run(
        [sys.executable, "-c", CHECK, json.dumps(list(watched)), name, str(workspace), *options],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout.splitlines()[-1])


@pytest.mark.parametrize("command", COMMANDS)
def test_a_command_on_a_workspace_loads_no_frame_library_nor_renderer(demo_workspace, command):
    assert loaded_by(demo_workspace, command, UNUSED) == {"status": 0, "loaded": []}


def test_a_command_loads_no_other_command(demo_workspace):
    """The parser of the command run is built alone: of kpi/cli/'s command modules, only its own is loaded."""
    from kpi.cli.main import COMMAND_MODULES

    modules = [f"kpi.cli.{module}" for module in COMMAND_MODULES.values()]
    assert loaded_by(demo_workspace, "report json", modules) == {"status": 0, "loaded": ["kpi.cli.report"]}
