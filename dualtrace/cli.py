"""The ``dualtrace`` command: a thin layer over graph, ingest, queries and renderers.

Every command reads the workspace given by ``--workspace`` or
``$DUALTRACE_WORKSPACE`` (default ``~/.local/share/dualtrace/workspace.json``).
Errors the user can fix are printed as one clear message with exit code 1,
never as a traceback.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import click

from dualtrace.cli_audit import AUDIT_COMMANDS
from dualtrace.cli_import import IMPORT_COMMANDS
from dualtrace.cli_neo4j import NEO4J_COMMANDS
from dualtrace.cli_options import (
    Output,
    PageRequest,
    Scope,
    denied_option,
    output_options,
    page_options,
    scope_options,
    statuses_for,
    when_options,
)
from dualtrace.cli_output import OUTPUT_COMMANDS
from dualtrace.cli_queries import QUERY_COMMANDS
from dualtrace.cli_serve import SERVE_COMMANDS
from dualtrace.cli_support import friendly_errors, no_wait_option, open_workspace, workspace_for_writing
from dualtrace.graph.dates import When, dated
from dualtrace.graph.store import ENV_WORKSPACE, EmbeddedStore, default_workspace

workspace_option = click.option(
    "--workspace",
    "-w",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar=ENV_WORKSPACE,
    help=f"Workspace file. Default: ${ENV_WORKSPACE} or ~/.local/share/dualtrace/workspace.json.",
)


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
    from dualtrace.demo_data import build_workspace
    from dualtrace.queries.trace import trace
    from dualtrace.render.map import nodes_of_paths, render_map
    from dualtrace.render.text import paths_table

    with workspace_for_writing(ctx, no_wait=False, create=True) as path:
        store = build_workspace(path)
    click.echo(f"Workspace {path}: {len(store)} nodes, {store.link_count()} links from the starter dataset.\n")
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
    from dualtrace.ingest.starter import load_starter

    with workspace_for_writing(ctx, no_wait=no_wait, create=True) as path:
        store = EmbeddedStore(path) if replace or not path.exists() else EmbeddedStore.open(path)
        counts = load_starter(store)
        store.save()
    click.echo(f"Loaded {counts['nodes']} nodes and {counts['links']} links into {path}")


@main.command("trace")
@click.argument("technology", required=False)
@click.option("--category", "-c", help="A product category, e.g. facial_recognition (see `dualtrace categories`).")
@output_options()
@page_options
@denied_option
@when_options
@click.pass_context
@friendly_errors
def trace_cmd(
    ctx: click.Context,
    technology: str | None,
    category: str | None,
    out: Output,
    page: PageRequest,
    include_denied: bool,
    when: When,
) -> None:
    """End users that a TECHNOLOGY (vendor or product, by name, alias or id) or a
    --category reaches, one row per deal, with the sources of every hop. A company's
    trace includes its subsidiaries' deals, each marked "via" the subsidiary. Deals
    are sorted by country, end user and deal; the first 200 are shown, with the total.

    \b
    Examples:
      dualtrace trace hikvision
      dualtrace trace --category facial_recognition --format csv --limit 0
    """
    from dualtrace.queries.trace import trace_page
    from dualtrace.render.text import paths_table

    if (technology is None) == (category is None):
        raise click.UsageError("Give a TECHNOLOGY or --category (one of them).")
    store = dated(open_workspace(ctx), when)
    found = trace_page(store, technology, category=category, statuses=statuses_for(include_denied),
                       limit=page.limit, offset=page.offset)  # fmt: skip
    page.show(out, found, f"End users reached by {category or technology}:", functools.partial(paths_table, store))


@main.command("reach")
@click.argument("target")
@output_options()
@page_options
@denied_option
@when_options
@click.pass_context
@friendly_errors
def reach_cmd(
    ctx: click.Context, target: str, out: Output, page: PageRequest, include_denied: bool, when: When
) -> None:
    """Every deal reaching TARGET: an end user (name or id, its subordinate units
    included) or a country (ISO code such as ZW, or name); for each deal, its real
    supplier and the organizations and products upstream of it, a supplier's parent
    as a hop of its own. Deals are sorted by country, end user and deal; the first
    200 are shown, with the total.

    \b
    Examples:
      dualtrace reach ZW
      dualtrace reach "Kenya" --format json
    """
    from dualtrace.queries.trace import reach_page
    from dualtrace.render.text import reach_table

    store = dated(open_workspace(ctx), when)
    found = reach_page(store, target, statuses=statuses_for(include_denied), limit=page.limit, offset=page.offset)
    page.show(out, found, f"Deals reaching {target}, and what supplies them:", functools.partial(reach_table, store))


@main.command("dossier")
@click.argument("vendor")
@output_options(formats=("table", "json"))
@when_options
@click.pass_context
@friendly_errors
def dossier_cmd(ctx: click.Context, vendor: str, out: Output, when: When) -> None:
    """A VENDOR's products, transfers, buyers, countries, listings and sources.

    \b
    Example:
      dualtrace dossier dahua
    """
    from dualtrace.queries.dossier import dossier as dossier_query
    from dualtrace.render.text import dossier_json, dossier_table

    store = dated(open_workspace(ctx), when)
    result = dossier_query(store, vendor)
    out.emit(dossier_table(store, result) if out.fmt == "table" else dossier_json(result))


@main.command("show")
@click.argument("name_or_id")
@output_options(formats=("table", "json"))
@when_options
@click.pass_context
@friendly_errors
def show_cmd(ctx: click.Context, name_or_id: str, out: Output, when: When) -> None:
    """Everything about one node of any kind (by id, name, alias or title): its properties
    and every link with status, dates, note and sources; a list's members with their
    listing dates; a source's facts.

    \b
    Examples:
      dualtrace show "Entity List"
      dualtrace show org:nso-group --format json
      dualtrace show source:fp-ecuador-2018
    """
    from dualtrace.queries.show import show
    from dualtrace.render.text import show_table

    store = dated(open_workspace(ctx), when)
    shown = show(store, name_or_id)
    out.emit(show_table(store, shown) if out.fmt == "table" else json.dumps(shown.as_dict(), ensure_ascii=False,
                                                                          indent=2, default=str))  # fmt: skip


@main.command("map")
@output_options(formats=("html",), default_format="html", default_target=Path("dualtrace-map.html"))
@scope_options
@when_options
@click.option("--title", default="dualtrace relationship map", show_default=True)
@click.option("--caption", default="", help="Text under the title (default: counts and how to read the map).")
@click.option("--credit", default=None, help="Credit line at the foot of the map (who made it, from what).")
@click.pass_context
@friendly_errors
def map_cmd(
    ctx: click.Context, out: Output, scope: Scope, when: When, title: str, caption: str, credit: str | None
) -> None:
    """Write an offline HTML map (whole graph, or one trace, reach, neighbourhood,
    path or saved query's result) with filters, search, a legend, and each link's sources in a side panel.

    \b
    Examples:
      dualtrace map -o graph.html
      dualtrace map --trace huawei -o huawei.html --title "Huawei Safe City"
      dualtrace map --around dahua -o dahua.html
      dualtrace map --path nvidia "Xinjiang Public Security Bureau" -o path.html
      dualtrace map --query deals_while_listed -o exposure.html
    """
    from dualtrace.render.map import render_map

    store = dated(open_workspace(ctx), when)
    selection = scope.select(store)
    if selection.message:
        click.echo(selection.message, err=True)
    extra = {"credit": credit} if credit else {}
    written = out.write(
        lambda target: render_map(store, target, node_ids=selection.node_ids, title=title, caption=caption, **extra),
        ".html",
    )
    if written is not None:
        click.echo(f"Map written to {written.resolve()}")


@main.command()
@click.pass_context
def categories(ctx: click.Context) -> None:
    """List the product categories that --category accepts."""
    from dualtrace.graph.schema import load_schema

    for value in load_schema().enum_values("Product", "category"):
        click.echo(value)


# Import, resolution and import-log commands, exports and reports, Neo4j, saved queries and the web
# explorer live in their own modules.
for command in (*IMPORT_COMMANDS, *OUTPUT_COMMANDS, *NEO4J_COMMANDS, *QUERY_COMMANDS, *AUDIT_COMMANDS, *SERVE_COMMANDS):
    main.add_command(command)


if __name__ == "__main__":  # pragma: no cover
    main()
