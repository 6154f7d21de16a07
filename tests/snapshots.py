"""Snapshot tests: a text output compared with the file that holds what it should be.

`assert_snapshot("cli/report-fr", text)` compares `text` with `tests/snapshots/cli/report-fr.txt`. With the
environment variable SNAPSHOT_UPDATE=1 it writes the file instead (then read the diff before committing it:
a snapshot is only as right as the eyes that checked it). A missing snapshot fails the test unless updating,
so that a test never passes on a file nobody wrote. Names may hold `/` to group snapshots in folders.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SNAPSHOTS = Path(__file__).parent / "snapshots"


def snapshot_path(name: str) -> Path:
    """The file that holds the snapshot `name` (a relative name, `/` for a folder, no suffix)."""
    path = (SNAPSHOTS / f"{name}.txt").resolve()
    if SNAPSHOTS.resolve() not in path.parents:
        raise ValueError(f"snapshot name {name!r} leaves {SNAPSHOTS}")
    return path


def updating() -> bool:
    """Whether this run writes the snapshots (SNAPSHOT_UPDATE=1) instead of comparing with them."""
    return os.environ.get("SNAPSHOT_UPDATE", "") == "1"


def assert_snapshot(name: str, text: str) -> None:
    """Fail unless `text` is the snapshot `name`, byte for byte (UTF-8, line ends kept as they are)."""
    path = snapshot_path(name)
    if updating():
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_bytes() != text.encode("utf-8"):
            path.write_bytes(text.encode("utf-8"))
        return
    if not path.exists():
        pytest.fail(f"no snapshot {path}: run with SNAPSHOT_UPDATE=1 to write it, then check it by eye")
    expected = path.read_bytes().decode("utf-8")
    assert text == expected, f"output differs from snapshot {path} (SNAPSHOT_UPDATE=1 rewrites it)"
