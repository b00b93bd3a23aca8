"""What every CLI module shares: user errors as messages (exit 1), opening the
workspace, and choosing the part of the graph a trace or reach spans."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from dualtrace.graph.errors import DualtraceError
from dualtrace.graph.store import EmbeddedStore
from dualtrace.queries.trace import DEFAULT_STATUSES, reach, trace
from dualtrace.render.map import nodes_of_paths

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
    return EmbeddedStore.open(path)


def statuses_for(include_denied: bool) -> tuple[str, ...]:
    return (*DEFAULT_STATUSES, "denied") if include_denied else DEFAULT_STATUSES


def scope_node_ids(
    store: EmbeddedStore, trace_of: str | None, category: str | None, reach_of: str | None, include_denied: bool
) -> set[str] | None:
    """The entities on the paths of a trace or reach, or None for the whole graph."""
    statuses = statuses_for(include_denied)
    if trace_of or category:
        return nodes_of_paths(trace(store, trace_of, category=category, statuses=statuses))
    if reach_of:
        return nodes_of_paths(reach(store, reach_of, statuses=statuses))
    return None
