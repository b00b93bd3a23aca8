"""CLI commands that write files for publication: ``export`` and ``report``.

Registered on the main group by :mod:`dualtrace.cli`.
"""

from __future__ import annotations

from pathlib import Path

import click

from dualtrace.cli_support import friendly_errors, open_workspace, scope_node_ids, with_scope
from dualtrace.graph.model import slugify
from dualtrace.render.exports import EXPORTS
from dualtrace.render.report import country_report, vendor_report


@click.command("export")
@click.option("--format", "-f", "fmt", type=click.Choice(sorted(EXPORTS)), required=True,
              help="; ".join(f"{name}: {doc}" for name, (_, doc) in sorted(EXPORTS.items())))  # fmt: skip
@click.argument("output", type=click.Path(path_type=Path))
@with_scope
@click.pass_context
@friendly_errors
def export_cmd(
    ctx: click.Context,
    fmt: str,
    output: Path,
    trace_of: str | None,
    category: str | None,
    reach_of: str | None,
    around: str | None,
    path: tuple[str, str] | None,
    include_denied: bool,
    saved_query: str | None,
    query_params: tuple[str, ...],
) -> None:
    """Write the graph (or one trace, reach, neighbourhood or path) to OUTPUT in another tool's format.

    \b
    Examples:
      dualtrace export --format gexf graph.gexf
      dualtrace export --format kumu kumu/ --trace hikvision
    """
    store = open_workspace(ctx)
    node_ids = scope_node_ids(
        store, trace_of, category, reach_of, include_denied, around, path or None, saved_query, query_params
    )
    writer, _ = EXPORTS[fmt]
    written = writer(store, output, node_ids)
    click.echo(f"Wrote {fmt} to {written}")
    if fmt == "neo4j-admin":
        from dualtrace.render.neo4j_export import admin_command

        click.echo(f"Load it into an empty, stopped Neo4j database (from {written}):\n  {admin_command(written)}")


@click.group("report")
def report_group() -> None:
    """Write a Markdown and an HTML report, every row footnoted to its sources."""


def _write(ctx: click.Context, report_name: str, output: Path | None, build: object) -> None:
    store = open_workspace(ctx)
    report = build(store)  # type: ignore[operator]
    stem = output or Path(f"report-{slugify(report_name)}")
    md, page = report.write(store, stem.with_suffix(""))
    click.echo(f"Wrote {md} and {page}")


@report_group.command("vendor")
@click.argument("name")
@click.option("--output", "-o", type=click.Path(path_type=Path), help="File stem (default: report-<name>).")
@click.pass_context
@friendly_errors
def report_vendor(ctx: click.Context, name: str, output: Path | None) -> None:
    """A vendor's products, transfers and buyers, listings and corporate links."""
    _write(ctx, name, output, lambda store: vendor_report(store, name))


@report_group.command("country")
@click.argument("code")
@click.option("--output", "-o", type=click.Path(path_type=Path), help="File stem (default: report-<code>).")
@click.pass_context
@friendly_errors
def report_country(ctx: click.Context, code: str, output: Path | None) -> None:
    """Government buyers in a country, what reaches them, and listings."""
    _write(ctx, code, output, lambda store: country_report(store, code))


OUTPUT_COMMANDS = (export_cmd, report_group)
