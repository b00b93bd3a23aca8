"""``dualtrace serve``: the read-only web explorer (dualtrace/web) on this machine.

It serves the workspace the other commands read (``--workspace``,
``$DUALTRACE_WORKSPACE``), or a Neo4j database configured the way ``queries
run`` finds one (``--store``, ``--uri`` or NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD,
NEO4J_DATABASE). Loopback by default: the graph may hold unpublished research, and
the explorer has no login, so another ``--host`` is allowed only with a warning.
"""

from __future__ import annotations

import ipaddress
import socket
from pathlib import Path

import click

from dualtrace.cli_neo4j import with_connection
from dualtrace.cli_queries import _use_neo4j, queries_dir_option, store_option
from dualtrace.cli_support import friendly_errors, open_workspace
from dualtrace.graph.errors import DualtraceError

DEFAULT_PORT = 8765


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _check_port(host: str, port: int) -> None:
    """A clear message instead of the server's traceback when the port is taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host.strip("[]"), port))
        except OSError as exc:
            raise DualtraceError(f"Cannot listen on {host}:{port} ({exc.strerror}); choose another --port.") from None


@click.command("serve")
@click.option("--port", type=click.IntRange(1, 65535), default=DEFAULT_PORT, show_default=True)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. Anything but loopback shows the graph to the network (with a warning).",
)
@store_option
@with_connection
@queries_dir_option
@click.pass_context
@friendly_errors
def serve_cmd(
    ctx: click.Context,
    port: int,
    host: str,
    store: str,
    uri: str | None,
    user: str | None,
    database: str | None,
    queries_dirs: tuple[Path, ...],
) -> None:
    """Serve a read-only explorer of the workspace (or of Neo4j) in the browser: search,
    every entity with its links and sources, trace, reach, path and saved queries, each
    answer with numbered citations, a map, and CSV and JSON downloads.

    \b
    Examples:
      dualtrace serve                      # then open http://127.0.0.1:8765/
      dualtrace --workspace out/workspace.json serve --port 8000
    """
    import uvicorn

    from dualtrace.web.app import LOOPBACK_NAMES, create_app
    from dualtrace.web.graphs import Neo4jGraphs, WorkspaceGraphs

    graphs: WorkspaceGraphs | Neo4jGraphs
    if _use_neo4j(store, uri):
        from dualtrace.graph.neo4j_store import Connection, Neo4jStore

        connection = Connection.from_env(uri, user, None, database)
        remote = Neo4jStore(connection)
        remote.verify()
        graphs, where = Neo4jGraphs(remote, connection.uri), f"Neo4j at {connection.uri}"
    else:
        path: Path = ctx.obj["workspace"]
        graphs, where = WorkspaceGraphs(path, open_workspace(ctx)), str(path)
    local = is_loopback(host)
    if not local:
        click.echo(
            f"Warning: --host {host} makes the explorer, and with it the whole graph ({where}), visible to "
            "every machine that can reach this one on the network. It has no login. Use the default "
            "(127.0.0.1) unless that is what you want.",
            err=True,
        )
    _check_port(host, port)
    allowed = (*LOOPBACK_NAMES, host.strip("[]").lower()) if local else None  # see web/app.py: DNS rebinding
    app = create_app(graphs, queries_dirs=queries_dirs, allowed_hosts=allowed)
    shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
    click.echo(f"Exploring {where}, read-only, at http://{shown}:{port}/ (Ctrl+C to stop).", err=True)
    uvicorn.run(app, host=host.strip("[]"), port=port, log_level="warning", access_log=False)


SERVE_COMMANDS = (serve_cmd,)
