"""What every CLI module shares: user errors as messages (exit 1), and opening the
workspace to read it or, under the writer lock, to change it."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from dualtrace.graph.errors import DualtraceError
from dualtrace.graph.lock import writer_lock
from dualtrace.graph.store import EmbeddedStore

F = TypeVar("F", bound=Callable[..., Any])


def friendly_errors(func: F) -> F:
    """Turn user errors into a message and exit status 1 (never a traceback)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except DualtraceError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def open_workspace(ctx: click.Context, create: bool = False) -> EmbeddedStore:
    """The workspace the command was given; a clear error if there is none yet."""
    path: Path = ctx.obj["workspace"]
    if not path.exists() and not create:
        raise DualtraceError(
            f"No workspace at {path}. Run `dualtrace load` (starter dataset), `dualtrace demo` "
            "or `dualtrace import` first."
        )
    store = EmbeddedStore.open(path)
    if store.leftovers_removed:
        names = ", ".join(p.name for p in store.leftovers_removed)
        click.echo(f"Removed what an interrupted save left beside {path}: {names}", err=True)
    return store


no_wait_option = click.option(
    "--no-wait", is_flag=True, help="If another command is writing the workspace, stop at once instead of waiting."
)


@contextmanager
def workspace_for_writing(ctx: click.Context, *, no_wait: bool, create: bool = False) -> Iterator[Path]:
    """Hold the workspace's writer lock (see graph/lock.py) while the command reads,
    changes and saves it; yields the workspace's path. Open the workspace inside."""
    path: Path = ctx.obj["workspace"]
    if not path.exists() and not create:
        open_workspace(ctx)  # the usual message
    command = "dualtrace " + " ".join(sys.argv[1:])
    with writer_lock(path, wait=not no_wait, command=command[:200], notify=lambda m: click.echo(m, err=True)):
        yield path
