"""Errors a user may see: each names the file or workspace at fault and says what to do.

The command line prints them as one message (exit status 2) and the app as a notice; anything
else that escapes is a bug and keeps its traceback. Import refusals keep their own class,
`kpi.importers.ImportFailed`, which carries one issue per file, row and column.
"""

from __future__ import annotations

from pathlib import Path


class EncoursError(Exception):
    """Something the user can act on (a file, a workspace, an option), said in words."""


class UsageError(EncoursError):
    """Options or arguments that cannot work together, or a file given that cannot be used."""


class SourceNotFound(EncoursError, FileNotFoundError):
    """Files named on the command line that do not exist."""

    def __init__(self, paths: list[Path] | tuple[Path, ...]):
        self.paths = tuple(Path(p) for p in paths)
        names = ", ".join(str(p) for p in self.paths)
        super().__init__(f"fichier introuvable : {names} ; vérifiez le chemin et le nom")

    def __reduce__(self):
        return type(self), (self.paths,)


class OutputNotWritable(EncoursError):
    """The file a command was asked to write cannot be written."""

    def __init__(self, path: Path, reason: str):
        self.path, self.reason = Path(path), reason
        super().__init__(f"impossible d'écrire {self.path} ({reason}) ; choisissez un autre nom ou un autre dossier")

    def __reduce__(self):
        return type(self), (self.path, self.reason)


class WorkspaceError(EncoursError):
    """A workspace that cannot be used as asked; `path` is its directory."""

    def __init__(self, path: Path, message: str):
        self.path = Path(path)
        super().__init__(message)

    def __reduce__(self):
        return _rebuild, (type(self), self.path, self.args[0])


def _rebuild(kind: type, path: Path, message: str) -> WorkspaceError:
    error = kind.__new__(kind)
    WorkspaceError.__init__(error, path, message)
    return error


class WorkspaceNotFound(WorkspaceError, FileNotFoundError):
    def __init__(self, path: Path):
        super().__init__(path, f"aucun espace de travail dans {path} : créez-le avec `python -m kpi import {path} FICHIERS…`")


class NotAWorkspace(WorkspaceError):
    def __init__(self, path: Path):
        super().__init__(
            path,
            f"{path} est un dossier mais pas un espace de travail (il n'a pas de ledger.duckdb) : donnez les fichiers"
            f" eux-mêmes, ou importez-les d'abord avec `python -m kpi import {path} FICHIERS…`",
        )


class WorkspaceBusy(WorkspaceError):
    """Another process is writing to the workspace (an import holds DuckDB's file lock)."""

    def __init__(self, path: Path):
        super().__init__(
            path,
            f"l'espace de travail « {Path(path).name} » est en cours d'écriture par un autre programme (un import"
            " en cours) ; réessayez dans un instant",
        )


class WorkspaceReadOnly(WorkspaceError):
    """The workspace's folder or ledger file cannot be written: it can still be read."""

    def __init__(self, path: Path, reason: str = ""):
        because = f" ({reason})" if reason else ""
        super().__init__(
            path,
            f"l'espace de travail « {Path(path).name} » ({path}) est en lecture seule{because} : rien n'y a été"
            " écrit. Ses rapports restent lisibles ; pour y importer, rendez le dossier et son fichier"
            " ledger.duckdb modifiables, ou copiez le dossier à un endroit où vous pouvez écrire",
        )


class WorkspaceCorrupted(WorkspaceError):
    """`ledger.duckdb` is damaged (truncated, overwritten) or is not a DuckDB database at all."""

    def __init__(self, path: Path, reason: str = ""):
        because = f" ({reason})" if reason else ""
        super().__init__(
            path,
            f"le fichier {Path(path) / 'ledger.duckdb'} de l'espace de travail « {Path(path).name} » est endommagé"
            f"{because} : il ne peut pas être lu. Restaurez-le depuis une sauvegarde, ou créez un autre espace de"
            " travail et réimportez-y vos fichiers ; ne le modifiez pas, il peut encore servir à une récupération",
        )


class DiskFull(WorkspaceError):
    """The disk (or a file-size limit) refused a write: the transaction was rolled back."""

    def __init__(self, path: Path, detail: str = ""):
        detail = f" ; {detail}" if detail else ""
        super().__init__(
            path,
            f"plus de place pour écrire dans l'espace de travail « {Path(path).name} » ({path}{detail}) : rien n'a"
            " été enregistré et l'espace de travail est resté tel qu'il était. Libérez de la place sur ce disque,"
            " puis recommencez",
        )


class ImportNotFound(WorkspaceError, LookupError):
    def __init__(self, path: Path, import_id: int):
        self.import_id = import_id
        super().__init__(path, f"pas d'import n° {import_id} dans l'espace de travail « {Path(path).name} »")

    def __reduce__(self):
        return type(self), (self.path, self.import_id)


class ImportAborted(EncoursError):
    """A read or an import run in a child process (kpi.sandbox) ran out of memory or time, or died."""

    def __init__(self, files: tuple[str, ...], reason: str, limit: float | None = None):
        self.files, self.reason, self.limit = tuple(files), reason, limit
        names = ", ".join(self.files) or "l'import"
        if reason == "memory":
            what = f"elle demandait plus de {limit:g} Mo de mémoire"
        elif reason == "time":
            what = f"elle durait plus de {limit:g} s".replace(".", ",")
        else:
            what = f"le processus de lecture s'est arrêté brutalement ({reason})"
        super().__init__(
            f"{names} : lecture arrêtée, {what} ; rien n'a été enregistré. Le fichier est peut-être malformé ou"
            " démesuré (un classeur qui déclare des millions de cellules, une ligne ou un en-tête géant) :"
            " ouvrez-le pour le vérifier, exportez-le à nouveau (CSV de préférence) ou découpez-le en fichiers"
            " plus petits"
        )

    def __reduce__(self):
        return type(self), (self.files, self.reason, self.limit)
