"""Every command-line example of the README runs from a clone, as written.

Each example runs in this process (`kpi.cli.main.main` with the words bash would give it), which costs a fraction
of a fresh interpreter per example; one of them also runs through bash and `python -m kpi`, as a user types it.
"""

from __future__ import annotations

import glob
import io
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from kpi.cli.main import main

ROOT = Path(__file__).resolve().parents[1]
BLOCKS = re.findall(r"```sh\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), flags=re.S)
# Shell variables the examples set (W=…; M=…), then the commands themselves.
SETTINGS = [line for block in BLOCKS for line in block.splitlines() if re.match(r"^[A-Z]=\S", line)]
VARIABLES = dict(setting.strip().split("=", 1) for line in SETTINGS for setting in line.split(";") if setting.strip())
EXAMPLES = [
    line.split("  #")[0].strip() for block in BLOCKS for line in block.splitlines() if line.startswith("python -m kpi")
]
STORE = next(line for line in EXAMPLES if " import ~/" in line)
ON_THE_STORE = (" report ~/", " match ~/")


def test_the_readme_has_its_examples():
    assert len(EXAMPLES) >= 15
    assert any("--lang en" in line and " import " in line for line in EXAMPLES)
    assert set(VARIABLES) == {"W", "M", "D"}


@pytest.fixture
def clone(tmp_path, monkeypatch) -> Path:
    """A folder that looks like the clone (its data folders linked), made the current folder and the home, so that
    what an example writes (-o balance.xlsx, ~/.encours, /tmp/…) lands in this test's folder."""
    for folder in ("tests", "data", "docs"):
        (tmp_path / folder).symlink_to(ROOT / folder)
    (tmp_path / "out").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    return tmp_path


def words(command: str, home: Path) -> list[str]:
    """The arguments bash would give `python -m kpi`: variables and ~ replaced, quotes taken off, patterns expanded
    in sorted order, /tmp/ moved into the test's folder."""
    for name, value in VARIABLES.items():
        command = command.replace(f"${name}/", f"{value}/")
    found: list[str] = []
    for word in shlex.split(command.replace("/tmp/", f"{home}/out/")):
        word = f"{home}/{word[2:]}" if word.startswith("~/") else word
        found.extend(sorted(glob.glob(word)) if any(c in word for c in "*?[") else [word])
    assert found[:3] == ["python", "-m", "kpi"], command
    assert not any("$" in word for word in found), found
    return found[3:]


def run_example(command: str, home: Path, capsys) -> tuple[int, str, str]:
    out = io.StringIO()
    try:
        code = main(words(command, home), out)
    except SystemExit as stop:  # argparse refusing the example's words
        code = stop.code
    return code, out.getvalue(), capsys.readouterr().err


@pytest.mark.parametrize("command", EXAMPLES)
def test_a_readme_example_runs_from_a_clone(command, clone, capsys):
    if any(word in command for word in ON_THE_STORE):
        assert run_example(STORE, clone, capsys)[0] == 0  # the workspace it works on, as the example before stores it
    code, out, err = run_example(command, clone, capsys)
    if "encours-refused" in command:  # the example of a refused file, in English
        assert code == 2, err
        assert re.search(r"factures\.csv, row \d+, column", err), err
        assert "ligne" not in err and "colonne" not in err
        return
    assert code == 0, (command, err)
    if "-o " in command:
        written = Path(words(command, clone)[words(command, clone).index("-o") + 1])
        assert (clone / written).stat().st_size > 0, written
    else:
        assert out.strip(), command


def test_the_workspace_examples_run_through_bash_as_typed(tmp_path):
    """Storing files into ~/.encours then reporting on it, as a user types both lines into a shell."""
    for folder in ("tests", "data", "docs"):
        (tmp_path / folder).symlink_to(ROOT / folder)
    report = next(line for line in EXAMPLES if " report ~/" in line)
    script = "\n".join([*SETTINGS, STORE + " >/dev/null", report]).replace(
        "python -m kpi", f"'{sys.executable}' -m kpi"
    )
    run = subprocess.run(
        ["bash", "-c", script],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        env={**os.environ, "HOME": str(tmp_path), "PYTHONPATH": str(ROOT)},
    )
    assert run.returncode == 0, run.stderr
    assert "DSO" in run.stdout
    assert (tmp_path / ".encours" / "client-a").is_dir()
