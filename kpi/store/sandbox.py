"""Imports and file reads run in a child process under a memory and time budget, so that no file can take the caller down.

The app's server calls these instead of `read_files` and `Workspace.import_files`: a workbook that
declares a million columns, a zip bomb or a 20 MB line then costs a child process, killed at its
limit, and the caller gets `ImportAborted` (a message naming the file) instead of swapping or
being killed by the system with every session it serves.

Why a `subprocess` running `python -m kpi.store.sandbox` rather than `multiprocessing`: the caller is a
Streamlit server whose threads make `fork` unsafe, and `spawn`/`forkserver` children re-import the
server's `__main__`; a plain child process inherits nothing but the environment we give it, which
is what makes its address-space limit meaningful (see `CHILD_ENVIRONMENT`). Task and result cross
as pickles through files in a private folder: parent and child run the same code, so results
(`ImportResult` with its Arrow tables, `ImportIssue` lists, `StoredImport`) arrive exactly as built.
The price is a fresh interpreter per call (measured in tests/test_sandbox.py; about 1 s here).
"""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import tempfile
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from kpi.text.errors import EncoursError, ImportAborted

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from kpi.importers import ImportReport, ImportResult, InspectResult
    from kpi.importers.tables import GivenPaths
    from kpi.store.workspace import StoredImport, Workspace

R = TypeVar("R")

# The child's address space: the interpreter and its libraries take about 500 MB of it once
# arrow and glibc are told not to reserve more than they use (CHILD_ENVIRONMENT); the rest is
# for the data, with room for the files' own size several times over (text, then Arrow, then DuckDB).
BASE_MEMORY_MB = 2048
THREAD_STACKS_MB = 16  # per core: an Arrow and a DuckDB worker thread, 8 MB of stack each
MEMORY_PER_INPUT_MB = 4
DEFAULT_SECONDS = 120
CHILD_ENVIRONMENT = {
    # Arrow's default allocator reserves 1 GB of address space at its first array, glibc 64 MB
    # per thread arena: an address-space limit would count reservations, not use.
    "ARROW_DEFAULT_MEMORY_POOL": "system",
    "MALLOC_ARENA_MAX": "2",
}
# What a child at its address-space limit says as it dies: Python, C++, glibc and OpenBLAS words, and
# the EAGAIN of a thread whose stack could not be mapped.
MEMORY_SIGNS = (
    "memoryerror",
    "bad_alloc",
    "out of memory",
    "cannot allocate memory",
    "memory allocation",
    "resource temporarily unavailable",
)
PROJECT = Path(__file__).resolve().parents[2]


class ChildCrashed(RuntimeError):
    """A bug in the child (not a file's fault): its traceback travels in the message, for the log."""


def default_memory_mb(paths: GivenPaths) -> int:
    size = sum(p.stat().st_size for p in _files(paths))
    return BASE_MEMORY_MB + THREAD_STACKS_MB * (os.cpu_count() or 1) + MEMORY_PER_INPUT_MB * -(-size // 1_000_000)


class _ChildRead(Generic[R]):
    """One way of reading files in a child, called like a function:
    `run_read(paths, options, memory_mb=…, seconds=…)` → what the child returned, or ImportFailed/ImportAborted."""

    def __init__(self, task: str, doc: str) -> None:
        self.task = task
        self.__doc__ = doc

    def __call__(
        self,
        paths: GivenPaths,
        options: dict[str, Any] | None = None,
        *,
        memory_mb: int | None = None,
        seconds: float | None = DEFAULT_SECONDS,
    ) -> R:
        return cast("R", _run(self.task, (_paths(paths), dict(options or {})), paths, memory_mb, seconds))


run_read: _ChildRead[ImportResult] = _ChildRead(
    "read", "`read_files(paths, **options)` in a child: the canonical ledger and its report, or ImportFailed."
)
run_inspect: _ChildRead[InspectResult] = _ChildRead(
    "inspect", "`inspect_files(paths, **options)` in a child: how each file would be read."
)


@dataclass(frozen=True)
class DryRun:
    """What a page shows of files before importing them, read in one child: how each file is read (or why that could
    not be said: an error, kept for the log) and the import's report (or its refusal, an ImportFailed)."""

    inspection: InspectResult | Exception
    report: ImportReport | EncoursError


run_dry_run: _ChildRead[DryRun] = _ChildRead(
    "dry_run",
    "The inspection and the dry run of the same files in one child: one interpreter started for both. A file that "
    "runs the child out of memory or time stops both (ImportAborted), as a refusal found by the importers does not.",
)


def run_import(
    workspace_path: str | Path,
    paths: GivenPaths,
    options: dict[str, Any] | None = None,
    *,
    memory_mb: int | None = None,
    seconds: float | None = DEFAULT_SECONDS,
) -> StoredImport:
    """`Workspace(workspace_path).import_files(paths, **options)` in a child, all or nothing.

    A child killed at its limit commits nothing (DuckDB keeps the last committed state); what a
    first import had begun (its folder, its database built aside) is removed here.
    """
    from kpi.store.workspace import Workspace, first_missing_folder

    workspace = Workspace(Path(workspace_path))
    created_from = first_missing_folder(workspace.path)
    pids: list[int] = []
    try:
        return cast(
            "StoredImport",
            _run("import", (workspace.path, _paths(paths), dict(options or {})), paths, memory_mb, seconds, pids),
        )
    except BaseException:
        # The child cleans up after itself when it can; killed, it could not. Idempotent when it did.
        for pid in pids:
            workspace.discard_remains(pid, created_from)
        raise


def import_parsed_in_child(
    workspace: Workspace, paths: Iterable[str | Path], options: dict[str, Any] | None = None
) -> StoredImport:
    """`workspace.import_files(paths, **options)` with the files parsed in a child (`run_read`), all or nothing.

    The rows come back to this process, which stores them itself: in the app's server, through the
    connection every session reads (kpi/store/store.py), so that readers never wait on the import and see it
    once committed.
    """

    def read_in_child(files: list[Path], **read_options: Any) -> ImportResult:
        return run_read(files, read_options)

    return workspace.import_files(paths, read=read_in_child, **(options or {}))


# -- the parent's side -------------------------------------------------------------------------------


def _run(
    task: str,
    arguments: tuple[Any, ...],
    paths: GivenPaths,
    memory_mb: int | None,
    seconds: float | None,
    pids: list[int] | None = None,
) -> Any:
    from kpi.importers import ImportFailed

    files = [p.name for p in _files(paths)] or [p.name for p in _paths(paths)]
    memory_mb = memory_mb or default_memory_mb(paths)
    with tempfile.TemporaryDirectory(prefix="encours-sandbox-") as scratch:
        folder = Path(scratch)
        (folder / "task.pickle").write_bytes(pickle.dumps((task, arguments), protocol=pickle.HIGHEST_PROTOCOL))
        environment = {
            **os.environ,
            **CHILD_ENVIRONMENT,
            # DuckDB spills to disk past this instead of failing at the address-space limit.
            "ENCOURS_MEMORY_LIMIT": f"{max(memory_mb // 2, 128)}MB",
            "PYTHONPATH": os.pathsep.join(filter(None, (str(PROJECT), os.environ.get("PYTHONPATH")))),
        }
        with open(folder / "stderr", "wb") as stderr:
            child = subprocess.Popen(
                [sys.executable, "-m", "kpi.store.sandbox", str(folder), str(memory_mb)],
                stdin=subprocess.DEVNULL,
                stdout=stderr,
                stderr=stderr,
                env=environment,
                start_new_session=True,  # a Ctrl-C in the terminal reaches the parent, which ends the child
            )
            if pids is not None:
                pids.append(child.pid)
            try:
                child.wait(timeout=seconds)
            except subprocess.TimeoutExpired:
                raise ImportAborted(_culprits(folder, files), "time", seconds) from None
            finally:
                if child.poll() is None:
                    child.kill()
                    child.wait()
        outcome = _outcome(folder)
        if outcome is None:  # killed, or crashed in C code
            log = (folder / "stderr").read_bytes().decode("utf-8", "replace")
            if any(sign in log.lower() for sign in MEMORY_SIGNS):
                raise ImportAborted(_culprits(folder, files), "memory", memory_mb)
            if child.returncode and child.returncode < 0:
                raise ImportAborted(_culprits(folder, files), f"signal {signal.Signals(-child.returncode).name}")
            raise ChildCrashed(f"the {task} child ended with status {child.returncode} and no result:\n{log[-4000:]}")
        kind, value = outcome
        if kind == "ok":
            return value
        if kind == "refused":
            raise ImportFailed(list(value))
        if kind == "error":
            raise value
        if kind == "memory":
            raise ImportAborted(tuple(value or ()) or _culprits(folder, files), "memory", memory_mb)
        raise ChildCrashed(value)


def _outcome(folder: Path) -> tuple[str, Any] | None:
    try:
        return cast("tuple[str, Any]", pickle.loads((folder / "result.pickle").read_bytes()))
    except (OSError, EOFError, pickle.UnpicklingError):
        return None


def _culprits(folder: Path, files: list[str]) -> tuple[str, ...]:
    """The file being read when the child stopped, if it said so; otherwise all of them."""
    try:
        reading = (folder / "reading").read_text(encoding="utf-8")
    except OSError:
        return tuple(files)
    return (reading,) if reading else tuple(files)


def _paths(paths: GivenPaths) -> list[Path]:
    return [Path(paths)] if isinstance(paths, (str, Path)) else [Path(p) for p in paths]


def _files(paths: GivenPaths) -> list[Path]:
    from kpi.importers.tables import expand_paths

    return [p for p in expand_paths(_paths(paths)) if p.is_file()]


# -- the child's side --------------------------------------------------------------------------------


def serve(folder: Path, memory_mb: int) -> int:
    """Run the task in `folder` under the limit and leave its outcome there."""
    import resource

    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    try:
        outcome = _perform(folder)
    except MemoryError:
        outcome = ("memory", None)
    try:
        data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        data = pickle.dumps(("bug", traceback.format_exc()))
    (folder / "result.pickle").write_bytes(data)
    return 0


def _perform(folder: Path) -> tuple[str, Any]:
    import duckdb

    from kpi.importers import ImportFailed

    task, arguments = pickle.loads((folder / "task.pickle").read_bytes())
    _say_which_file(folder / "reading")
    try:
        return "ok", TASKS[task](*arguments)
    except ImportFailed as refused:
        if short := _short_of_memory(refused):
            # A reader short of memory under our own limit: the limit is what the user should hear of.
            return "memory", short
        return "refused", [*refused.issues, *refused.warnings]
    except EncoursError as error:
        return "error", error
    except (MemoryError, duckdb.OutOfMemoryException):
        return "memory", None
    except Exception as error:
        if _says_memory(error):
            return "memory", None
        return "bug", traceback.format_exc()


def _short_of_memory(refused: EncoursError) -> tuple[str, ...]:
    """The files a refusal says a reader ran short of memory on (under our limit), if any."""
    return tuple(i.file for i in getattr(refused, "issues", ()) if i.key == "table.out_of_memory")


def _says_memory(error: BaseException) -> bool:
    """An error that is the child's memory limit speaking (Python's, DuckDB's, Arrow's words)."""
    return isinstance(error, MemoryError) or any(sign in str(error).lower() for sign in MEMORY_SIGNS)


def _say_which_file(progress: Path) -> None:
    """Note each file's name as the importers open it, so that a child killed while reading names it.

    The importers have no progress callback; their one entry for opening a file is wrapped, and if
    it moves, messages name all the files of the call instead.
    """
    from kpi.importers import reading

    opening = getattr(reading, "open_file", None)
    if opening is None:
        return

    def open_file(path: Path, *args: Any, **kwargs: Any) -> Any:
        progress.write_text(Path(path).name, encoding="utf-8")
        opened = opening(path, *args, **kwargs)
        progress.write_text("", encoding="utf-8")
        return opened

    reading.open_file = open_file


def _read(paths: list[Path], options: dict[str, Any]) -> ImportResult:
    from kpi.importers import read_files

    return read_files(paths, **options)


def _check(paths: list[Path], options: dict[str, Any]) -> ImportReport:
    return _read(paths, options).report


def _inspect(paths: list[Path], options: dict[str, Any]) -> InspectResult:
    from kpi.importers import inspect_files

    return inspect_files(paths, **options)


def _dry_run(paths: list[Path], options: dict[str, Any]) -> DryRun:
    inspection: InspectResult | Exception
    try:
        inspection = _inspect(paths, options)
    except Exception as error:
        if _says_memory(error):
            raise  # the child's limit, said as such
        # The report below still says what is wrong, row by row; the inspection's traceback is for the log.
        inspection = ChildCrashed(traceback.format_exc())
    report: ImportReport | EncoursError
    try:
        report = _check(paths, options)
    except EncoursError as refused:
        if _short_of_memory(refused):
            raise  # said as the memory limit, as a read in a child of its own says it
        report = refused
    return DryRun(inspection, report)


def _import(workspace_path: Path, paths: list[Path], options: dict[str, Any]) -> StoredImport:
    from kpi.store.workspace import Workspace

    return Workspace(workspace_path).import_files(paths, **options)


TASKS: dict[str, Callable[..., object]] = {
    "read": _read,
    "inspect": _inspect,
    "dry_run": _dry_run,
    "import": _import,
}


if __name__ == "__main__":
    # Served by the module under its own name, not as __main__: the classes it returns (DryRun, ChildCrashed) are
    # pickled by their module's name, which the parent must be able to import.
    from kpi.store import sandbox

    sys.exit(sandbox.serve(Path(sys.argv[1]), int(sys.argv[2])))
