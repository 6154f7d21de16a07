"""This browser session's files on disk — its uploads and its trial workspace — and their removal when it ends.

Each session gets one folder, `<temp>/encours-sessions/<random>/`, made on first need and
holding `uploads/` (the Data page's copies of uploaded files, which the importers read by
path) and `workspace/` (the trial workspace no other session can see).

Streamlit has no reliable "session ended" hook. What it does, read in its source
(runtime/websocket_session_manager.py, app_session.py, caching/cache_resource_api.py):
- when a tab closes or its connection drops, the session is *disconnected*: its
  session-scoped caches are cleared, which calls each `st.cache_resource(scope="session",
  on_release=...)` release function, and the session is kept for
  `server.disconnectedSessionTTL` seconds (120 by default) in case the same tab reconnects;
- after that it is dropped from a TTL cache silently: no hook runs;
- when the server stops, every session is closed (its caches cleared again).
So the release function only learns that the connection went away. It waits for the
reconnection window to pass, then removes the folder unless the session is connected
again (a network blip), in which case it keeps watching. When the server is stopping, the
folder goes at once; at interpreter exit, whatever is still waiting goes too.

What no hook can catch (a killed server, a crash) is swept at start-up: any session folder
not used for a day (MAX_AGE) is removed; a folder is "used" whenever its session runs.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import shutil
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import streamlit as st

log = logging.getLogger("encours.app")

ROOT_NAME = "encours-sessions"
LEGACY_UPLOAD_PREFIX = "encours-upload-"  # one such folder per rerun before this module existed
MAX_AGE = timedelta(days=1)
FOLDER_KEY = "encours_session_folder"

_pending: dict[str, threading.Timer] = {}
_pending_lock = threading.Lock()


def sessions_root() -> Path:
    return Path(tempfile.gettempdir()) / ROOT_NAME


# -- this session's folder --------------------------------------------------------------------------


def session_folder() -> Path:
    """This session's folder (not created here); the session's end will remove it."""
    if FOLDER_KEY not in st.session_state:
        st.session_state[FOLDER_KEY] = str(sessions_root() / uuid.uuid4().hex)
    folder = Path(st.session_state[FOLDER_KEY])
    _lease(str(folder), _session_id())
    if folder.exists():
        with contextlib.suppress(OSError):
            os.utime(folder)  # used now: the start-up sweep measures idleness from here
    return folder


def upload_folder() -> Path:
    """Where this session's uploads are copied: one folder for the whole session."""
    folder = session_folder() / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def clear_uploads() -> None:
    """The copies are read once imported: drop them, keep the session's folder."""
    shutil.rmtree(session_folder() / "uploads", ignore_errors=True)


def trial_workspace_path() -> Path:
    return session_folder() / "workspace"


def _session_id() -> str | None:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    context = get_script_run_ctx()
    return None if context is None else context.session_id


# -- the session's end --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lease:
    """A session's claim on its folder, released by Streamlit when the session's connection goes."""

    folder: str
    session_id: str | None


def _released(lease: Lease) -> None:
    if _server_stopping():
        remove_folder(Path(lease.folder))
        return
    _schedule_removal(lease, _reconnect_window())


@st.cache_resource(scope="session", on_release=_released, show_spinner=False)
def _lease(folder: str, session_id: str | None) -> Lease:
    _cancel_removal(folder)  # the session is back (it reconnected): its folder stays
    return Lease(folder, session_id)


def _reconnect_window() -> float:
    """How long a disconnected session may still come back, with a margin: 151 s by default."""
    try:
        ttl = float(st.get_option("server.disconnectedSessionTTL"))
    except Exception:  # an option renamed in a later Streamlit: its documented default
        ttl = 120.0
    return ttl * 1.25 + 1


def _schedule_removal(lease: Lease, delay: float) -> None:
    timer = threading.Timer(delay, _remove_if_ended, args=(lease, delay))
    timer.daemon = True
    with _pending_lock:
        previous = _pending.pop(lease.folder, None)
        _pending[lease.folder] = timer
    if previous is not None:
        previous.cancel()
    timer.start()


def _cancel_removal(folder: str) -> None:
    with _pending_lock:
        timer = _pending.pop(folder, None)
    if timer is not None:
        timer.cancel()


def _remove_if_ended(lease: Lease, delay: float) -> None:
    if _session_connected(lease.session_id):
        _schedule_removal(lease, delay)  # reconnected without a rerun yet: look again later
        return
    with _pending_lock:
        _pending.pop(lease.folder, None)
    remove_folder(Path(lease.folder))


def _runtime():
    from streamlit.runtime import Runtime

    return Runtime.instance() if Runtime.exists() else None


def _server_stopping() -> bool:
    from streamlit.runtime.runtime import RuntimeState

    runtime = _runtime()
    return runtime is None or runtime.state in (RuntimeState.STOPPING, RuntimeState.STOPPED)


def _session_connected(session_id: str | None) -> bool:
    runtime = _runtime()
    if runtime is None or session_id is None or _server_stopping():
        return False
    return runtime.is_active_session(session_id)


@atexit.register
def _remove_pending() -> None:
    """The server is going away: no session waiting for removal will come back."""
    with _pending_lock:
        folders = list(_pending)
        timers = [_pending.pop(folder) for folder in folders]
    for timer in timers:
        timer.cancel()
    for folder in folders:
        remove_folder(Path(folder))


# -- removal, and the start-up sweep ----------------------------------------------------------------


def remove_folder(folder: Path) -> None:
    if folder.exists():
        shutil.rmtree(folder, ignore_errors=True)
        log.info("removed session folder %s", folder)


def last_used(folder: Path) -> float:
    """The newest modification time of a folder and what it directly holds."""
    times = [folder.stat().st_mtime]
    with contextlib.suppress(OSError):
        times += [child.stat().st_mtime for child in folder.iterdir()]
    return max(times)


def remove_stale(max_age: timedelta = MAX_AGE, now: float | None = None) -> list[Path]:
    """Session folders (and the per-rerun upload folders of earlier releases) unused for max_age, removed."""
    now = time.time() if now is None else now
    temp = Path(tempfile.gettempdir())
    candidates = list(sessions_root().iterdir()) if sessions_root().is_dir() else []
    candidates += list(temp.glob(f"{LEGACY_UPLOAD_PREFIX}*"))
    removed = []
    for folder in candidates:
        try:
            if folder.is_dir() and now - last_used(folder) > max_age.total_seconds():
                shutil.rmtree(folder)
                removed.append(folder)
        except OSError as error:  # another server's folder, or one being removed by it
            log.warning("could not remove %s: %s", folder, error)
    return removed


@st.cache_resource(show_spinner=False)
def sweep_at_start_up(temp: str) -> tuple[str, ...]:
    """Once per server process (and temporary directory): what an earlier server left behind."""
    return tuple(str(path) for path in remove_stale())
