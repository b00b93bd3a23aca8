"""The options commands share, written once: where output goes and in what format
(:class:`Output`: ``--format``, ``-o FILE``, ``-o -`` for standard output) and
which part of the graph a map or export shows (:class:`Scope`).

A command takes them with :func:`output_options` and :func:`scope_options`
and receives one typed value each (``out``, ``scope``) instead of a row of
loose parameters.
"""

from __future__ import annotations

import functools
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from dualtrace.graph.dates import When
from dualtrace.graph.errors import DualtraceError

if TYPE_CHECKING:
    from dualtrace.graph.protocol import Store

F = TypeVar("F", bound=Callable[..., Any])
TABLE_FORMATS = ("table", "csv", "json")


@dataclass(frozen=True)
class Output:
    """Where a command's output goes: a file, or standard output (no ``-o``, or ``-o -``)."""

    fmt: str
    target: Path | None

    @property
    def to_stdout(self) -> bool:
        return self.target is None or str(self.target) == "-"

    def emit(self, text: str) -> None:
        """Print ``text``, or write it to the file (saying so on standard error)."""
        if self.to_stdout:
            click.echo(text)
            return
        assert self.target is not None
        self.target.parent.mkdir(parents=True, exist_ok=True)
        self.target.write_text(text + "\n", encoding="utf-8")
        click.echo(f"Wrote {self.target}", err=True)

    def write(self, writer: Callable[[Path], Path], suffix: str) -> Path | None:
        """Run a file writer (a map, an export) on the target, or, for standard output, on a
        temporary file whose content is then printed. Returns the file written, if kept."""
        if not self.to_stdout:
            assert self.target is not None
            return writer(self.target)
        with tempfile.TemporaryDirectory() as folder:
            written = writer(Path(folder) / f"output{suffix}")
            if written.is_dir():
                raise DualtraceError("This format writes a folder of files; give -o FOLDER, not -o -.")
            click.echo(written.read_text(encoding="utf-8"), nl=False)
        return None


def output_options(
    formats: Sequence[str] = TABLE_FORMATS, default_format: str = "table", default_target: Path | None = None
) -> Callable[[F], F]:
    """``--format`` (one of ``formats``) and ``-o/--output`` (``-`` for standard output),
    handed to the command as ``out: Output``."""

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, fmt: str = default_format, output: Path | None = None, **kwargs: Any) -> Any:
            return func(*args, out=Output(fmt, output if output is not None else default_target), **kwargs)

        target_help = "Write to this file; - for standard output" + (
            f" (default: {default_target})." if default_target else " (the default)."
        )
        wrapped = click.option("--output", "-o", type=click.Path(path_type=Path), help=target_help)(wrapper)
        if len(formats) > 1:
            choice = click.Choice(list(formats))
            fmt_help = "table for reading; csv or json for piping."
            wrapped = click.option("--format", "fmt", type=choice, default=default_format, show_default=True,
                                   help=fmt_help)(wrapped)  # fmt: skip
        return wrapped  # type: ignore[return-value]

    return decorate


def when_options(func: F) -> F:
    """``--as-of DATE`` and ``--dated-only``, handed to the command as ``when: When``; the
    command asks its questions of ``dated(store, when)`` (graph/dates.py gives the rule)."""

    @functools.wraps(func)
    def wrapper(*args: Any, as_of: str | None = None, dated_only: bool = False, **kwargs: Any) -> Any:
        if dated_only and not as_of:
            raise DualtraceError("--dated-only goes with --as-of DATE.")
        return func(*args, when=When.parse(as_of, dated_only), **kwargs)

    wrapped = click.option("--dated-only", is_flag=True,
                           help="With --as-of, leave out links and deals without a date.")(wrapper)  # fmt: skip
    wrapped = click.option("--as-of", "as_of", metavar="DATE",
                           help="The graph as its sources describe it on DATE (YYYY, YYYY-MM or YYYY-MM-DD): "
                                "links that began by then and had not ended. Undated links are kept, marked "
                                "undated.")(wrapped)  # fmt: skip
    return wrapped  # type: ignore[return-value]


DEFAULT_LIMIT = 200


@dataclass(frozen=True)
class PageRequest:
    """Which deals of a long answer to show: ``limit`` (None: all) from ``offset``."""

    limit: int | None = DEFAULT_LIMIT
    offset: int = 0

    def heading(self, text: str, total: int, shown: int) -> str:
        """``text``, saying which deals of how many follow when they are not all of them."""
        if shown == total:
            return text
        if not shown:
            return f"{text.rstrip(':')} (no deals from {self.offset + 1:,}; there are {total:,}):"
        return f"{text.rstrip(':')} (deals {self.offset + 1:,}-{self.offset + shown:,} of {total:,}):"

    def show(self, out: Output, found: Any, text: str, table: Callable[[Any, str, int], str]) -> None:
        """Print a page of a long answer (``found``: its ``rows``, ``total`` and ``shown``):
        ``table(rows, heading, first number)`` in table format, else the rows in ``out``'s
        format, under a heading saying which deals these are; how to see the rest goes to
        standard error."""
        from dualtrace.render.text import frame_output  # pandas: only when a command answers

        heading = self.heading(text, found.total, found.shown)
        out.emit(table(found.rows, heading, self.offset + 1) if out.fmt == "table"
                 else frame_output(found.rows, out.fmt))  # fmt: skip
        notice = self.notice(found.total, found.shown)
        if notice:
            click.echo(notice, err=True)

    def notice(self, total: int, shown: int) -> str | None:
        """What to tell the user (on standard error) when the page is not the whole answer."""
        if shown == total:
            return None
        following = self.offset + shown
        more = f"; --offset {following} for the next" if following < total else ""
        return (f"Showing deals {self.offset + 1:,}-{following:,} of {total:,}, in the answer's order; "
                f"--limit 0 shows them all{more}.")  # fmt: skip


def page_options(func: F) -> F:
    """``--limit N`` and ``--offset N``, handed to the command as ``page: PageRequest``."""

    @functools.wraps(func)
    def wrapper(*args: Any, limit: int = DEFAULT_LIMIT, offset: int = 0, **kwargs: Any) -> Any:
        return func(*args, page=PageRequest(limit or None, offset), **kwargs)

    wrapped = click.option("--offset", type=click.IntRange(min=0), default=0, show_default=True,
                           help="Skip this many deals (with --limit, to page through).")(wrapper)  # fmt: skip
    wrapped = click.option("--limit", type=click.IntRange(min=0), default=DEFAULT_LIMIT, show_default=True,
                           help="Show at most this many deals (0: all); the total is reported.")(wrapped)  # fmt: skip
    return wrapped  # type: ignore[return-value]


def statuses_for(include_denied: bool) -> tuple[str, ...]:
    from dualtrace.queries.trace import DEFAULT_STATUSES

    return (*DEFAULT_STATUSES, "denied") if include_denied else DEFAULT_STATUSES


denied_option = click.option("--include-denied", is_flag=True, help="Also follow links whose status is 'denied'.")


@dataclass(frozen=True)
class Selection:
    """The entities a scope selects (None: the whole graph) and what to tell the user."""

    node_ids: set[str] | None
    message: str = ""


@dataclass(frozen=True)
class Scope:
    """Which part of the graph a map or export shows (one option at most)."""

    trace_of: str | None = None
    category: str | None = None
    reach_of: str | None = None
    around: str | None = None
    path: tuple[str, str] | None = None
    include_denied: bool = False
    saved_query: str | None = None
    query_params: tuple[str, ...] = ()

    @property
    def statuses(self) -> tuple[str, ...]:
        return statuses_for(self.include_denied)

    def select(self, store: Store) -> Selection:
        """The entities on the paths of a trace or reach, around one entity, on the sourced
        path between two (the first chain of ``shortest_sourced_path``), or named in a saved
        query's rows; None for the whole graph."""

        from dualtrace.queries.paths import neighbourhood
        from dualtrace.queries.paths import path as sourced_path
        from dualtrace.queries.trace import reach, trace
        from dualtrace.render.map import nodes_of_paths

        chosen = [name for name in ("trace_of", "category", "reach_of", "around", "path", "saved_query")
                  if getattr(self, name)]  # fmt: skip
        if len(chosen) > 1:
            raise DualtraceError("Choose one of --trace, --category, --reach, --around, --path and --query.")
        if self.saved_query:
            return Selection(saved_query_node_ids(store, self.saved_query, self.query_params))
        if self.path:
            chain = sourced_path(store, self.path[0], self.path[1], self.statuses)
            return Selection(set(chain.nodes), f"Path drawn: {chain.describe(store)}")
        if self.around:
            return Selection(neighbourhood(store, self.around, self.statuses))
        if self.trace_of or self.category:
            return Selection(nodes_of_paths(trace(store, self.trace_of, category=self.category,
                                                  statuses=self.statuses)))  # fmt: skip
        if self.reach_of:
            return Selection(nodes_of_paths(reach(store, self.reach_of, statuses=self.statuses)))
        return Selection(None)


def saved_query_node_ids(store: Store, name: str, pairs: tuple[str, ...]) -> set[str]:
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


_SCOPE_OPTIONS = [
    click.option("--trace", "trace_of", help="Only the paths of a trace from this vendor or product."),
    click.option("--category", help="Only the paths of a trace from this product category."),
    click.option("--reach", "reach_of", help="Only the deals reaching this end user or country, and their suppliers."),
    click.option("--around", help="Only this entity and everything one link away (a dossier's view)."),
    click.option("--path", nargs=2, metavar="FROM TO",
                 help="Only the shortest chain of sourced supply, ownership or agency links between two entities."),
    click.option("--include-denied", is_flag=True, help="Also follow links whose status is 'denied'."),
    click.option("--query", "saved_query", metavar="NAME", help="Only the entities in a saved query's rows."),
    click.option("--query-param", "query_params", multiple=True, metavar="KEY=VALUE", help="A parameter of --query."),
]  # fmt: skip
_SCOPE_FIELDS = ("trace_of", "category", "reach_of", "around", "path", "include_denied", "saved_query", "query_params")


def scope_options(func: F) -> F:
    """The options that choose part of the graph, handed to the command as ``scope: Scope``."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        given = {name: kwargs.pop(name) for name in _SCOPE_FIELDS}
        given["path"] = given["path"] or None
        return func(*args, scope=Scope(**given), **kwargs)

    wrapped: Any = wrapper
    for option in reversed(_SCOPE_OPTIONS):
        wrapped = option(wrapped)
    return wrapped
