"""Errors a user may see: each names the file or workspace at fault and says what to do.

The command line prints them as one message (exit status 2) and the app as a notice; anything
else that escapes is a bug, said as one (the command line writes its traceback to a file and names
it, exit status 1), so that no defect is dressed as the user's mistake. Import refusals are one too, `kpi.importers.ImportFailed`, which carries one issue per
file, row and column.

Each error carries a `kpi.text.messages.Message` (a catalogue key and its parameters): `str(error)` is its
French text, `error.render("en")` its English one, and both survive the sandbox's pickling.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

from kpi.text.messages import DEFAULT_LANGUAGE, Message, render


class EncoursError(Exception):
    """Something the user can act on (a file, a workspace, an option), said in words."""

    # Whether `render()` opens with its own heading (« Import refusé : » and one line per issue): a front
    # end then shows it as it is, not after « erreur : ».
    headed: ClassVar[bool] = False

    def render(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The message in `lang`; an error raised with plain text says it as it is."""
        return render(self.args[0], lang) if self.args else ""

    @property
    def message(self) -> Message | str:
        return self.args[0] if self.args else ""


# What `__reduce__` gives pickle (the sandbox's child process sends errors back): a maker and its arguments.
Reduced = tuple[Callable[..., EncoursError], tuple[Any, ...]]


class UsageError(EncoursError):
    """Options or arguments that cannot work together, or a file given that cannot be used."""


class InvalidValue(UsageError, ValueError):
    """A value given by the user or by a file (bucket edges, payment terms, a scenario's change) that cannot
    be used. A ValueError too: the app's forms check what they were handed by catching that."""


class SourceNotFound(EncoursError, FileNotFoundError):
    """Files named on the command line that do not exist."""

    def __init__(self, paths: list[Path] | tuple[Path, ...]):
        self.paths = tuple(Path(p) for p in paths)
        super().__init__(Message("error.source_not_found", names=", ".join(str(p) for p in self.paths)))

    def __reduce__(self) -> Reduced:
        return type(self), (self.paths,)


class OutputNotWritable(EncoursError):
    """The file a command was asked to write cannot be written."""

    def __init__(self, path: Path, reason: str):
        self.path, self.reason = Path(path), reason
        super().__init__(Message("error.output_not_writable", path=str(self.path), reason=reason))

    def __reduce__(self) -> Reduced:
        return type(self), (self.path, self.reason)


class WorkspaceError(EncoursError):
    """A workspace that cannot be used as asked; `path` is its directory."""

    def __init__(self, path: Path, message: Message | str):
        self.path = Path(path)
        super().__init__(message)

    def __reduce__(self) -> Reduced:
        return _rebuild, (type(self), self.path, self.args[0])


def _rebuild(kind: type[WorkspaceError], path: Path, message: Message | str) -> WorkspaceError:
    error = kind.__new__(kind)
    WorkspaceError.__init__(error, path, message)
    return error


class WorkspaceNotFound(WorkspaceError, FileNotFoundError):
    def __init__(self, path: Path):
        super().__init__(path, Message("workspace.not_found", path=str(path)))


class NotAWorkspace(WorkspaceError):
    def __init__(self, path: Path):
        super().__init__(path, Message("workspace.not_a_workspace", path=str(path)))


class WorkspaceBusy(WorkspaceError):
    """Another process is writing to the workspace (an import holds DuckDB's file lock)."""

    def __init__(self, path: Path):
        super().__init__(path, Message("workspace.busy", name=Path(path).name))


def _because(reason: Message | str) -> Message | str:
    return Message("workspace.because", reason=reason) if reason else ""


class WorkspaceReadOnly(WorkspaceError):
    """The workspace's folder or ledger file cannot be written: it can still be read."""

    def __init__(self, path: Path, reason: Message | str = ""):
        super().__init__(
            path, Message("workspace.read_only", name=Path(path).name, path=str(path), because=_because(reason))
        )


class WorkspaceCorrupted(WorkspaceError):
    """`ledger.duckdb` is damaged (truncated, overwritten) or is not a DuckDB database at all."""

    def __init__(self, path: Path, reason: Message | str = ""):
        super().__init__(
            path,
            Message(
                "workspace.corrupted",
                database=str(Path(path) / "ledger.duckdb"),
                name=Path(path).name,
                because=_because(reason),
            ),
        )


class DiskFull(WorkspaceError):
    """The disk (or a file-size limit) refused a write: the transaction was rolled back."""

    def __init__(self, path: Path, detail: Message | str = ""):
        detail = Message("workspace.detail", detail=detail) if detail else ""
        super().__init__(path, Message("workspace.disk_full", name=Path(path).name, path=str(path), detail=detail))


class ImportNotFound(WorkspaceError, LookupError):
    def __init__(self, path: Path, import_id: int):
        self.import_id = import_id
        super().__init__(path, Message("workspace.import_not_found", import_id=import_id, name=Path(path).name))

    def __reduce__(self) -> Reduced:
        return type(self), (self.path, self.import_id)


class ImportAborted(EncoursError):
    """A read or an import run in a child process (kpi.store.sandbox) ran out of memory or time, or died."""

    def __init__(self, files: tuple[str, ...], reason: str, limit: float | None = None):
        self.files, self.reason, self.limit = tuple(files), reason, limit
        names = ", ".join(self.files) or Message("aborted.the_import")
        if reason == "memory":
            what = Message("aborted.memory", limit=limit)
        elif reason == "time":
            what = Message("aborted.time", limit=limit)
        else:
            what = Message("aborted.crashed", reason=reason)
        super().__init__(Message("aborted.message", names=names, what=what))

    def __reduce__(self) -> Reduced:
        return type(self), (self.files, self.reason, self.limit)


class SuggestionNotFound(WorkspaceError, LookupError):
    """Matching suggestions asked to be accepted that are not suggested at that date (never were, or are stale)."""

    def __init__(self, path: Path, ids: tuple[str, ...], as_of: object):
        super().__init__(
            path, Message("suggestions.unknown", count=len(ids), ids=", ".join(ids), as_of=as_of, name=Path(path).name)
        )


class ConflictingSuggestions(WorkspaceError):
    """Matching suggestions accepted together that use one payment, credit note or invoice twice."""

    def __init__(self, path: Path, ids: tuple[str, ...]):
        super().__init__(path, Message("suggestions.conflict", ids=", ".join(ids)))
