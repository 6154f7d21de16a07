"""Where a command's ledger comes from: a workspace directory, or files read into memory."""

from __future__ import annotations

from pathlib import Path

from kpi.errors import NotAWorkspace, SourceNotFound, UsageError
from kpi.importers import read_files
from kpi.ledger import Ledger
from kpi.messages import Message
from kpi.workspace import Workspace, is_workspace


def open_sources(paths: list[Path], **import_options) -> Ledger:
    """A workspace directory (read without re-importing) or any supported files (read into memory)."""
    paths = [Path(p) for p in paths]
    workspaces = [p for p in paths if is_workspace(p)]
    if workspaces:
        if len(paths) > 1:
            raise UsageError(Message("sources.workspace_and_files", workspaces=", ".join(str(p) for p in workspaces)))
        return Workspace(workspaces[0]).open(snapshot=False)
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise SourceNotFound(missing)
    directories = [p for p in paths if p.is_dir()]
    if directories:
        raise NotAWorkspace(directories[0])
    return Ledger.in_memory(read_files(paths, **import_options).ledger)
