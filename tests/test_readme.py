"""Every command-line example of the README runs from a clone, as written (with the project's Python)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BLOCKS = re.findall(r"```sh\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), flags=re.S)
# Shell variables the examples set (W=…; M=…), then the commands themselves.
SETTINGS = [line for block in BLOCKS for line in block.splitlines() if re.match(r"^[A-Z]=\S", line)]
EXAMPLES = [
    line.split("  #")[0].strip() for block in BLOCKS for line in block.splitlines() if line.startswith("python -m kpi")
]
STORE = next(line for line in EXAMPLES if " import ~/" in line)


def test_the_readme_has_its_examples():
    assert len(EXAMPLES) >= 15
    assert any("--lang en" in line and " import " in line for line in EXAMPLES)


@pytest.mark.parametrize("command", EXAMPLES)
def test_a_readme_example_runs_from_a_clone(command, tmp_path):
    # The example runs in a folder that looks like the clone (its data folders linked), so that
    # what it writes (-o balance.xlsx, ~/.encours, /tmp/…) lands in this test's folder.
    for folder in ("tests", "data", "docs"):
        (tmp_path / folder).symlink_to(ROOT / folder)
    lines = [*SETTINGS]
    if " report ~/" in command or " match ~/" in command:
        lines.append(STORE + " >/dev/null")  # the workspace it reports on, as the example before stores it
    lines.append(command)
    script = "\n".join(lines).replace("/tmp/", f"{tmp_path}/out/")
    script = script.replace("python -m kpi", f"'{sys.executable}' -m kpi")
    (tmp_path / "out").mkdir()
    run = subprocess.run(
        ["bash", "-c", script],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        env={**os.environ, "HOME": str(tmp_path), "PYTHONPATH": str(ROOT)},
    )
    if "encours-refused" in command:  # the example of a refused file, in English
        assert run.returncode == 2, run.stderr
        assert re.search(r"factures\.csv, row \d+, column", run.stderr), run.stderr
        assert "ligne" not in run.stderr and "colonne" not in run.stderr
    else:
        assert run.returncode == 0, (command, run.stderr)
        assert run.stdout.strip() or "-o " in command
