"""CLI commands for a shared Neo4j database: ``push`` and ``pull``.

The connection comes from options or from NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD
and NEO4J_DATABASE; the password is never read from a file in the repository.
"""

from __future__ import annotations

from pathlib import Path

import click

from dualtrace.cli_support import friendly_errors, open_workspace, workspace_for_writing
from dualtrace.graph.errors import DualtraceError
from dualtrace.graph.neo4j_store import DEFAULT_BATCH, Connection, Neo4jStore

connection_options = [
    click.option("--uri", help="Bolt URI, e.g. bolt://localhost:7687 (default: $NEO4J_URI)."),
    click.option("--user", help="User (default: $NEO4J_USER, else neo4j)."),
    click.option("--database", help="Database name (default: $NEO4J_DATABASE, else the server's default)."),
]


def with_connection(func):  # type: ignore[no-untyped-def]
    for option in reversed(connection_options):
        func = option(func)
    return func


@click.command("push")
@with_connection
@click.option("--batch-size", type=click.IntRange(1, 100_000), default=DEFAULT_BATCH, show_default=True)
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: only on a terminal).")
@click.pass_context
@friendly_errors
def push_cmd(
    ctx: click.Context, uri: str | None, user: str | None, database: str | None, batch_size: int, progress: bool | None
) -> None:
    """Write the workspace to Neo4j: only what is new or changed, in batches, safe to
    run again after an interruption."""
    from tqdm import tqdm

    from dualtrace.graph.sync import push

    store = open_workspace(ctx)
    connection = Connection.from_env(uri, user, None, database)
    total = len(store) + store.link_count()
    with Neo4jStore(connection, batch_size=batch_size) as remote:
        bar = tqdm(total=total, unit=" records", disable=None if progress is None else not progress, delay=1.0)
        try:
            report = push(store, remote, progress=bar.update)
        except DualtraceError as exc:
            raise DualtraceError(f"{exc}\nNothing is lost: run `dualtrace push` again to finish.") from exc
        finally:
            bar.close()
    click.echo(report.summary(connection.uri))


@click.command("pull")
@with_connection
@click.option("--force", is_flag=True, help="Replace an existing workspace file.")
@click.pass_context
@friendly_errors
def pull_cmd(ctx: click.Context, uri: str | None, user: str | None, database: str | None, force: bool) -> None:
    """Read the whole Neo4j database into the workspace."""
    from dualtrace.graph.sync import pull

    path: Path = ctx.obj["workspace"]
    if path.exists() and not force:
        raise DualtraceError(f"{path} exists; pass --force to replace it with what Neo4j holds")
    connection = Connection.from_env(uri, user, None, database)
    with workspace_for_writing(ctx, no_wait=False, create=True), Neo4jStore(connection) as remote:
        store = pull(remote, path)
    click.echo(f"Pulled {len(store)} entities and {store.link_count()} links into {path}")


NEO4J_COMMANDS = (push_cmd, pull_cmd)
