"""CLI for saved queries (``dualtrace queries list|show|run|check|test|export``) and
ad-hoc Cypher (``dualtrace cypher``).

Where a query runs: ``--store neo4j`` or, by default, Neo4j whenever a connection
is configured (``--uri`` or NEO4J_URI); the embedded workspace otherwise.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from dualtrace.cli_neo4j import with_connection
from dualtrace.cli_options import Output, output_options
from dualtrace.cli_support import friendly_errors, open_workspace
from dualtrace.graph.errors import DualtraceError
from dualtrace.graph.neo4j_store import ENV_URI, Connection, Neo4jStore
from dualtrace.graph.protocol import Store

if TYPE_CHECKING:
    from dualtrace.queries.library import SavedQuery

queries_dir_option = click.option(
    "--queries-dir",
    "queries_dirs",
    multiple=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="A folder of your own .cypher queries (repeatable; also $DUALTRACE_QUERIES).",
)
param_option = click.option(
    "--param", "-p", "params", multiple=True, metavar="KEY=VALUE", help="A query parameter (repeatable)."
)
store_option = click.option(
    "--store",
    type=click.Choice(["auto", "embedded", "neo4j"]),
    default="auto",
    show_default=True,
    help="Where to run: auto is Neo4j when --uri or NEO4J_URI is set, else the embedded workspace.",
)
row_output = output_options()  # table, csv, json


def _library(queries_dirs: tuple[Path, ...]) -> dict[str, SavedQuery]:
    from dualtrace.queries.library import load_library

    return load_library(queries_dirs)


def _use_neo4j(store: str, uri: str | None) -> bool:
    return store == "neo4j" or (store == "auto" and bool(uri or os.environ.get(ENV_URI)))


def _describer(store: Store):  # type: ignore[no-untyped-def]
    """Citation lines for source ids, read from whichever store answered."""
    from dualtrace.queries.dossier import citations

    def describe(ids: list[str]) -> list[str]:
        lines = []
        for row in citations(store, ids).itertuples(index=False):
            parts = [f'"{row.title}"' if row.title else row.source, row.publisher, row.date, row.url]
            lines.append(", ".join(str(p) for p in parts if p))
        return lines

    return describe


def _run(ctx: click.Context, query: SavedQuery, given: dict[str, Any], store: str, conn: dict[str, Any], fmt: str):  # type: ignore[no-untyped-def]
    """The result and a function describing source ids, from the chosen store."""
    from dualtrace.queries.runner import run_embedded, run_neo4j
    from dualtrace.render.rows import render_rows

    if _use_neo4j(store, conn["uri"]):
        connection = Connection.from_env(conn["uri"], conn["user"], None, conn["database"])
        remote = Neo4jStore(connection)
        try:
            result = run_neo4j(query, remote, given)
            describe = _describer(remote)
            text = render_rows(result.columns, result.rows, fmt, describe)
        finally:
            remote.close()
        return result, text
    workspace = open_workspace(ctx)
    result = run_embedded(query, workspace, given)
    return result, render_rows(result.columns, result.rows, fmt, _describer(workspace))


@click.group("queries")
@queries_dir_option
@click.pass_context
def queries_group(ctx: click.Context, queries_dirs: tuple[Path, ...]) -> None:
    """Saved Cypher queries: list, show, run, check, test and export them.

    \b
    Examples:
      dualtrace queries list
      dualtrace queries show trace_technology
      dualtrace queries run trace_technology -p entity=org:hikvision
      dualtrace queries run end_users_in_country -p country=Ecuador --format csv
      dualtrace queries check my-queries/
    """
    ctx.obj["queries_dirs"] = queries_dirs


@queries_group.command("list")
@click.pass_context
@friendly_errors
def list_cmd(ctx: click.Context) -> None:
    """Every saved query: name, where it comes from, and the question it answers."""
    library = _library(ctx.obj["queries_dirs"])
    width = max(len(name) for name in library)
    for name, query in library.items():
        origin = "" if query.builtin else f"  [{query.path.parent}]"
        click.echo(f"{name.ljust(width)}  {query.question}{origin}")


@queries_group.command("show")
@click.argument("name")
@click.pass_context
@friendly_errors
def show_cmd(ctx: click.Context, name: str) -> None:
    """A query's question, parameters (type, default, example), columns and Cypher."""
    from dualtrace.queries.library import get_query
    from dualtrace.queries.params import TYPE_DOCS

    query = get_query(_library(ctx.obj["queries_dirs"]), name)
    click.echo(f"{query.name}: {query.question}\nfile: {query.path}")
    if query.notes:
        click.echo(f"\n{query.notes}")
    click.echo("\nparameters:" if query.params else "\nparameters: none")
    for param in query.params.values():
        need = "required" if param.required else f"default {param.default!r}"
        example = f"; example {param.example!r}" if param.example is not None else ""
        click.echo(f"  {param.name} ({param.type}: {TYPE_DOCS[param.type]}; {need}{example})")
        if param.doc:
            click.echo(f"      {param.doc}")
    click.echo(f"\nreturns: {', '.join(query.returns)}\n\n{query.body}")


@queries_group.command("run")
@click.argument("name")
@param_option
@row_output
@store_option
@with_connection
@click.pass_context
@friendly_errors
def run_cmd(
    ctx: click.Context,
    name: str,
    params: tuple[str, ...],
    out: Output,
    store: str,
    uri: str | None,
    user: str | None,
    database: str | None,
) -> None:
    """Run a saved query with --param key=value for each parameter."""
    from dualtrace.queries.library import get_query
    from dualtrace.queries.params import parse_pairs

    query = get_query(_library(ctx.obj["queries_dirs"]), name)
    conn = {"uri": uri, "user": user, "database": database}
    result, text = _run(ctx, query, parse_pairs(params), store, conn, out.fmt)
    out.emit(text)
    click.echo(f"{len(result.rows)} row(s) from {result.engine}", err=True)


@queries_group.command("check")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.pass_context
@friendly_errors
def check_cmd(ctx: click.Context, paths: tuple[Path, ...]) -> None:
    """Lint .cypher files (default: the built-in library and your folders): header,
    declared and used parameters, values formatted into the query text, RETURN columns."""
    from dualtrace.queries.library import builtin_folder, user_folders
    from dualtrace.queries.lint import check_paths

    targets = list(paths) or [builtin_folder(), *user_folders(ctx.obj["queries_dirs"])]
    problems = check_paths(targets)
    for problem in problems:
        click.echo(str(problem))
    files = sum(len(list(t.glob("*.cypher"))) if t.is_dir() else 1 for t in targets)
    click.echo(f"{files} file(s) checked, {len(problems)} problem(s)", err=True)
    if problems:
        sys.exit(1)


@queries_group.command("test")
@click.argument("names", nargs=-1)
@click.option("--print", "show", is_flag=True, help="Print each result as an example: block to paste into the header.")
@click.pass_context
@friendly_errors
def test_cmd(ctx: click.Context, names: tuple[str, ...], show: bool) -> None:
    """Run each query's example call on the starter dataset and compare with the
    expected result in its header."""
    from dualtrace.demo_data import starter_store
    from dualtrace.queries.examples import differences, example_yaml
    from dualtrace.queries.library import get_query
    from dualtrace.queries.runner import Result, run_embedded

    library = _library(ctx.obj["queries_dirs"])
    chosen = [get_query(library, n) for n in names] if names else list(library.values())
    failures = 0
    for query in chosen:
        params = query.example_params()
        result: Result = run_embedded(query, starter_store(), params)
        if show:
            click.echo(f"// {query.name}\n{example_yaml(query, params, result.rows)}\n")
            continue
        problems = differences(query, result.rows)
        failures += bool(problems)
        click.echo(f"{'FAIL' if problems else 'ok  '} {query.name} ({len(result.rows)} rows)")
        for problem in problems:
            click.echo(f"     {problem}")
    if failures:
        raise DualtraceError(f"{failures} of {len(chosen)} saved queries do not give their expected result")


@queries_group.command("export")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("dualtrace-queries.cypher"),
    show_default=True,
)
@click.pass_context
@friendly_errors
def export_cmd(ctx: click.Context, output: Path) -> None:
    """Write every saved query, with :param lines for its example, for Neo4j Browser or cypher-shell."""
    from dualtrace.render.query_bundle import write_bundle

    written = write_bundle(_library(ctx.obj["queries_dirs"]).values(), output)
    click.echo(f"Wrote {written}")


@click.command("cypher")
@click.argument("query")
@param_option
@row_output
@store_option
@with_connection
@click.pass_context
@friendly_errors
def cypher_cmd(
    ctx: click.Context,
    query: str,
    params: tuple[str, ...],
    out: Output,
    store: str,
    uri: str | None,
    user: str | None,
    database: str | None,
) -> None:
    """Run ad-hoc, read-only Cypher: on Neo4j if configured, else on the embedded
    workspace (small graphs; MATCH/WHERE/RETURN/ORDER BY/SKIP/LIMIT; anything the
    embedded engine would answer differently from Neo4j is refused with a message).
    Parameters (-p key=value) are passed as text; write $key in the query."""
    from dualtrace.queries.adhoc import refuse_writes, run_adhoc
    from dualtrace.queries.params import parse_pairs, untyped_value
    from dualtrace.queries.runner import plain
    from dualtrace.render.rows import render_rows

    given: dict[str, Any] = {key: untyped_value(value) for key, value in parse_pairs(params).items()}
    if _use_neo4j(store, uri):
        refuse_writes(query)
        with Neo4jStore(Connection.from_env(uri, user, None, database)) as remote:
            rows = [{k: plain(v) for k, v in r.items()} for r in remote.read(query, **given)]
            text = render_rows(list(rows[0]) if rows else [], rows, out.fmt, _describer(remote))
    else:
        workspace = open_workspace(ctx)
        columns, rows = run_adhoc(workspace, query, given)
        text = render_rows(columns, rows, out.fmt, _describer(workspace))
    out.emit(text)


QUERY_COMMANDS = (queries_group, cypher_cmd)
