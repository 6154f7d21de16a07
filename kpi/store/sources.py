"""Where a command's ledger comes from: a workspace directory, or files read into memory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kpi.store.ledger import Ledger
from kpi.text.errors import NotAWorkspace, SourceNotFound, UsageError
from kpi.text.messages import Message


def open_sources(paths: list[Path], **import_options: Any) -> Ledger:
    """A workspace directory (read without re-importing) or any supported files (read into memory).

    Canonical files DuckDB can read itself are loaded straight into the ledger's connection
    (kpi/store/native.py); any other file, or a canonical one with anything to say, goes through
    the importers. Both are imported here, not at the top: a report on a workspace needs neither.
    """
    paths = [Path(p) for p in paths]
    directories = [p for p in paths if p.is_dir()]
    if directories:
        from kpi.store.workspace import Workspace, is_workspace

        workspaces = [p for p in directories if is_workspace(p)]
        if workspaces:
            if len(paths) > 1:
                raise UsageError(
                    Message("sources.workspace_and_files", workspaces=", ".join(str(p) for p in workspaces))
                )
            return Workspace(workspaces[0]).open(snapshot=False)
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise SourceNotFound(missing)
    if directories:
        raise NotAWorkspace(directories[0])
    from kpi.store.native import read_ledger

    ledger = read_ledger(paths, **import_options)
    if ledger is not None:
        return ledger
    from kpi.importers import read_files

    return Ledger.in_memory(read_files(paths, **import_options).ledger)
