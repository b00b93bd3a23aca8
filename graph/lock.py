"""One writer at a time on a workspace.

A writer (an import, a load, a merge) reads the workspace, changes it in
memory and saves it. Two writers started together would each read the same
file and the second save would silently drop the first one's work. So a writer
holds an exclusive lock (filelock: an OS-level lock on ``<workspace>.lock``,
released by the OS if the process dies) from before it reads the workspace
until after it has saved. A second writer waits, saying which process holds the
lock, or is refused at once (``wait=False``, the CLI's ``--no-wait``). Readers
take no lock: saves are atomic renames, so a reader sees the old file or the
new one, never half of one.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from dualtrace.graph.errors import DualtraceError


class WorkspaceBusy(DualtraceError):
    """Another process is writing the workspace and the caller chose not to wait."""


# Workspaces whose writer lock this process holds (see :func:`held_here`).
_HELD: set[Path] = set()


def lock_path(workspace: Path) -> Path:
    return workspace.with_name(workspace.name + ".lock")


def held_here(workspace: Path) -> bool:
    """Whether this process holds the workspace's writer lock."""
    return workspace.absolute() in _HELD


def _holder_path(workspace: Path) -> Path:
    return workspace.with_name(workspace.name + ".lock.holder")


def _holder(workspace: Path) -> str:
    """Who holds the lock, as its holder wrote it down (best effort: it may have just left)."""
    try:
        info = json.loads(_holder_path(workspace).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "another process"
    return f"process {info.get('pid')} on {info.get('host')} ({info.get('command')}, since {info.get('since')})"


@contextmanager
def writer_lock(
    workspace: Path, *, wait: bool = True, command: str = "", notify: Callable[[str], None] | None = None
) -> Iterator[None]:
    """Hold the workspace's writer lock for the ``with`` block (see module docstring).
    Raises :class:`WorkspaceBusy` when ``wait`` is False and another writer holds it."""
    workspace.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(lock_path(workspace)))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        holder = _holder(workspace)
        if not wait:
            raise WorkspaceBusy(
                f"{workspace} is being written by {holder}; nothing was done. Run again when it has finished, "
                "or without --no-wait to wait for it."
            ) from None
        if notify is not None:
            notify(f"Waiting for {holder} to finish writing {workspace} ...")
        lock.acquire()
    holder_file = _holder_path(workspace)
    try:
        stamp = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        info = {"pid": os.getpid(), "host": socket.gethostname(), "command": command or "dualtrace", "since": stamp}
        holder_file.write_text(json.dumps(info), encoding="utf-8")
        _HELD.add(workspace.absolute())
        yield
    finally:
        _HELD.discard(workspace.absolute())
        holder_file.unlink(missing_ok=True)
        lock.release()
