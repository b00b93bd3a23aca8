"""The ``dualtrace`` command: a thin layer over graph, ingest, queries and renderers.

Every command reads the workspace given by ``--workspace`` or
``$DUALTRACE_WORKSPACE`` (default ``~/.local/share/dualtrace/workspace.json``).
Errors the user can fix are printed as one clear message with exit code 1,
never as a traceback.
"""

from __future__ import annotations

from pathlib import Path

import click

from dualtrace.cli_audit import AUDIT_COMMANDS
from dualtrace.cli_import import IMPORT_COMMANDS
from dualtrace.cli_neo4j import NEO4J_COMMANDS
from dualtrace.cli_output import OUTPUT_COMMANDS
from dualtrace.cli_queries import QUERY_COMMANDS
from dualtrace.cli_support import (
    friendly_errors,
    no_wait_option,
    open_workspace,
    scope_node_ids,
    statuses_for,
    with_scope,
    workspace_for_writing,
)
from dualtrace.demo_data import build_workspace
from dualtrace.graph.store import ENV_WORKSPACE, EmbeddedStore, default_workspace
from dualtrace.ingest.starter import load_starter
from dualtrace.queries.dossier import dossier as dossier_query
from dualtrace.queries.trace import reach, trace
from dualtrace.render.map import nodes_of_paths, render_map
from dualtrace.render.text import FORMATS, dossier_json, dossier_table, frame_output, paths_table

workspace_option = click.option(
    "--workspace",
    "-w",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar=ENV_WORKSPACE,
    help=f"Workspace file. Default: ${ENV_WORKSPACE} or ~/.local/share/dualtrace/workspace.json.",
)
format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="table for reading; csv or json for piping.",
)
denied_option = click.option("--include-denied", is_flag=True, help="Also follow links whose status is 'denied'.")
output_option = click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file instead of standard output.",
)


def _emit(text: str, output: Path | None) -> None:
    if output is None or str(output) == "-":
        click.echo(text)
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text + "\n", encoding="utf-8")
        click.echo(f"Wrote {output}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@workspace_option
@click.version_option(package_name="dualtrace")
@click.pass_context
def main(ctx: click.Context, workspace: Path | None) -> None:
    """dualtrace: who makes surveillance technology, who sells it to whom,
    which government bodies use it, which controls apply, and who says so."""
    ctx.ensure_object(dict)
    ctx.obj["workspace"] = workspace or default_workspace()


@main.command()
@click.option(
    "--map",
    "map_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("dualtrace-demo-map.html"),
    show_default=True,
    help="Where to write the offline map.",
)
@click.pass_context
@friendly_errors
def demo(ctx: click.Context, map_path: Path) -> None:
    """Build a fresh workspace from the starter dataset, print a sample trace with
    citations, and write an offline map of it."""
    with workspace_for_writing(ctx, no_wait=False, create=True) as path:
        store = build_workspace(path)
    click.echo(
        f"Workspace {path}: {len(store)} nodes, {store.graph.number_of_edges()} links from the starter dataset.\n"
    )
    result = trace(store, category="facial_recognition")
    click.echo(paths_table(store, result, "Which end users does facial-recognition technology reach, and who says so?"))
    written = render_map(
        store,
        map_path,
        node_ids=nodes_of_paths(result),
        title="Facial recognition: from vendors to end users",
        caption="dualtrace demo: each line carries its sources; hover over it to read them.",
    )
    click.echo(
        f"\nOffline map of this trace written to {written.resolve()} (open it in any browser; it needs no network)."
    )


@main.command()
@click.option(
    "--replace/--merge",
    default=True,
    show_default=True,
    help="Start from an empty workspace, or add to the existing one.",
)
@no_wait_option
@click.pass_context
@friendly_errors
def load(ctx: click.Context, replace: bool, no_wait: bool) -> None:
    """Load the curated starter dataset into the workspace (validated; saved atomically)."""
    with workspace_for_writing(ctx, no_wait=no_wait, create=True) as path:
        store = EmbeddedStore(path) if replace or not path.exists() else EmbeddedStore.open(path)
        counts = load_starter(store)
        store.save()
    click.echo(f"Loaded {counts['nodes']} nodes and {counts['links']} links into {path}")


@main.command("trace")
@click.argument("technology", required=False)
@click.option("--category", "-c", help="A product category, e.g. facial_recognition (see `dualtrace categories`).")
@format_option
@denied_option
@output_option
@click.pass_context
@friendly_errors
def trace_cmd(
    ctx: click.Context,
    technology: str | None,
    category: str | None,
    fmt: str,
    include_denied: bool,
    output: Path | None,
) -> None:
    """End users that a TECHNOLOGY (vendor or product, by name, alias or id) or a
    --category reaches, with the sources of every hop.

    \b
    Examples:
      dualtrace trace hikvision
      dualtrace trace --category facial_recognition --format csv
    """
    if (technology is None) == (category is None):
        raise click.UsageError("Give a TECHNOLOGY or --category (one of them).")
    store = open_workspace(ctx)
    result = trace(store, technology, category=category, statuses=statuses_for(include_denied))
    heading = f"End users reached by {category or technology}:"
    _emit(paths_table(store, result, heading) if fmt == "table" else frame_output(result, fmt), output)


@main.command("reach")
@click.argument("target")
@format_option
@denied_option
@output_option
@click.pass_context
@friendly_errors
def reach_cmd(ctx: click.Context, target: str, fmt: str, include_denied: bool, output: Path | None) -> None:
    """Vendors, products and components that reach TARGET: an end user (name or id)
    or a country (ISO code such as ZW, or name).

    \b
    Examples:
      dualtrace reach ZW
      dualtrace reach "Kenya" --format json
    """
    store = open_workspace(ctx)
    result = reach(store, target, statuses=statuses_for(include_denied))
    _emit(
        paths_table(store, result, f"Technologies and vendors reaching {target}:", end_column="entity_name")
        if fmt == "table"
        else frame_output(result, fmt),
        output,
    )


@main.command("dossier")
@click.argument("vendor")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@output_option
@click.pass_context
@friendly_errors
def dossier_cmd(ctx: click.Context, vendor: str, fmt: str, output: Path | None) -> None:
    """A VENDOR's products, transfers, buyers, countries, listings and sources.

    \b
    Example:
      dualtrace dossier dahua
    """
    store = open_workspace(ctx)
    result = dossier_query(store, vendor)
    _emit(dossier_table(store, result) if fmt == "table" else dossier_json(result), output)


@main.command("map")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("dualtrace-map.html"),
    show_default=True,
)
@with_scope
@click.option("--title", default="dualtrace relationship map", show_default=True)
@click.option("--caption", default="", help="Text under the title (default: counts and how to read the map).")
@click.option("--credit", default=None, help="Credit line at the foot of the map (who made it, from what).")
@click.pass_context
@friendly_errors
def map_cmd(
    ctx: click.Context,
    output: Path,
    trace_of: str | None,
    category: str | None,
    reach_of: str | None,
    title: str,
    caption: str,
    credit: str | None,
    around: str | None,
    path: tuple[str, str] | None,
    include_denied: bool,
    saved_query: str | None,
    query_params: tuple[str, ...],
) -> None:
    """Write an offline HTML map (whole graph, or one trace, reach, neighbourhood,
    path or saved query's result) with filters, search, a legend, and each link's sources in a side panel.

    \b
    Examples:
      dualtrace map -o graph.html
      dualtrace map --trace huawei -o huawei.html --title "Huawei Safe City"
      dualtrace map --around dahua -o dahua.html
      dualtrace map --path cloudwalk "Royal Malaysia Police" -o path.html
      dualtrace map --query deals_after_listing -o exposure.html
    """
    store = open_workspace(ctx)
    node_ids = scope_node_ids(
        store, trace_of, category, reach_of, include_denied, around, path or None, saved_query, query_params
    )
    extra = {"credit": credit} if credit else {}
    written = render_map(store, output, node_ids=node_ids, title=title, caption=caption, **extra)
    click.echo(f"Map written to {written.resolve()}")


@main.command()
@click.pass_context
def categories(ctx: click.Context) -> None:
    """List the product categories that --category accepts."""
    from dualtrace.graph.schema import load_schema

    for value in load_schema().enum_values("Product", "category"):
        click.echo(value)


# Import, resolution and import-log commands, exports and reports, Neo4j and saved queries live in their own modules.
for command in (*IMPORT_COMMANDS, *OUTPUT_COMMANDS, *NEO4J_COMMANDS, *QUERY_COMMANDS, *AUDIT_COMMANDS):
    main.add_command(command)


if __name__ == "__main__":  # pragma: no cover
    main()
