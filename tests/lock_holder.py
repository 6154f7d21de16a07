"""Another process holding a workspace's DuckDB write lock, as an import does during its write phase."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# Opens the database for writing inside a transaction, says so, and keeps it open until its standard input is
# closed.
HOLD = (
    "import duckdb, sys; c = duckdb.connect(sys.argv[1]); c.execute('BEGIN');"
    " print('held', flush=True); sys.stdin.read()"
)


@contextmanager
def write_lock_held(database: Path) -> Iterator[None]:
    """While inside, a child process holds `database` open for writing; on leaving, it has exited."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(database)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        yield
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
