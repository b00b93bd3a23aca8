"""What every CLI module shares: user errors as messages (exit 1), opening the
workspace, and choosing the part of the graph a trace or reach spans."""

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
from dualtrace.queries.paths import neighbourhood, shortest_path
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


def statuses_for(include_denied: bool) -> tuple[str, ...]:
    return (*DEFAULT_STATUSES, "denied") if include_denied else DEFAULT_STATUSES


def scope_node_ids(
    store: EmbeddedStore,
    trace_of: str | None,
    category: str | None,
    reach_of: str | None,
    include_denied: bool,
    around: str | None = None,
    path: tuple[str, str] | None = None,
    saved_query: str | None = None,
    query_params: tuple[str, ...] = (),
) -> set[str] | None:
    """The entities on the paths of a trace or reach, around one entity, on the
    shortest path between two, or named in a saved query's rows; None for the whole graph."""
    statuses = statuses_for(include_denied)
    if saved_query:
        return saved_query_node_ids(store, saved_query, query_params)
    if path:
        return set(shortest_path(store, path[0], path[1], statuses))
    if around:
        return neighbourhood(store, around, statuses)
    if trace_of or category:
        return nodes_of_paths(trace(store, trace_of, category=category, statuses=statuses))
    if reach_of:
        return nodes_of_paths(reach(store, reach_of, statuses=statuses))
    return None


def saved_query_node_ids(store: EmbeddedStore, name: str, pairs: tuple[str, ...]) -> set[str]:
    """Every entity id that appears in a saved query's rows (lists included)."""
    from dualtrace.queries.library import get_query, load_library
    from dualtrace.queries.params import parse_pairs
    from dualtrace.queries.runner import run_embedded

    result = run_embedded(get_query(load_library(), name), store, parse_pairs(pairs))
    ids: set[str] = set()

    def collect(value: Any) -> None:
        if isinstance(value, list):
            for item in value:
                collect(item)
        elif isinstance(value, str) and store.has(value) and store.kind_of(value) != "Source":
            ids.add(value)

    for row in result.rows:
        for value in row.values():
            collect(value)
    if not ids:
        raise DualtraceError(f"The saved query {name} gave no entities to show ({len(result.rows)} rows).")
    return ids


scope_options = [
    click.option("--trace", "trace_of", help="Only the paths of a trace from this vendor or product."),
    click.option("--category", help="Only the paths of a trace from this product category."),
    click.option("--reach", "reach_of", help="Only the paths reaching this end user or country."),
    click.option("--around", help="Only this entity and everything one link away (a dossier's view)."),
    click.option("--path", nargs=2, metavar="FROM TO", help="Only the shortest chain of links between two entities."),
    click.option("--include-denied", is_flag=True, help="Also follow links whose status is 'denied'."),
    click.option("--query", "saved_query", metavar="NAME", help="Only the entities in a saved query's rows."),
    click.option("--query-param", "query_params", multiple=True, metavar="KEY=VALUE", help="A parameter of --query."),
]


def with_scope(func: F) -> F:
    """Add the options that choose part of the graph (see :func:`scope_node_ids`)."""
    for option in reversed(scope_options):
        func = option(func)
    return func
