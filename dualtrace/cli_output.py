"""CLI commands that write files for publication: ``export`` and ``report``.

Registered on the main group by :mod:`dualtrace.cli`.
"""

from __future__ import annotations

from pathlib import Path

import click

from dualtrace.cli_options import Output, Scope, output_options, scope_options, when_options
from dualtrace.cli_support import friendly_errors, open_workspace
from dualtrace.graph.dates import When, dated
from dualtrace.graph.model import slugify
from dualtrace.render.exports import EXPORTS, SUFFIXES


@click.command("export")
@click.option("--format", "-f", "fmt", type=click.Choice(sorted(EXPORTS)), required=True,
              help="; ".join(f"{name}: {doc}" for name, (_, doc) in sorted(EXPORTS.items())))  # fmt: skip
@click.argument("output", type=click.Path(path_type=Path))
@scope_options
@when_options
@click.pass_context
@friendly_errors
def export_cmd(ctx: click.Context, fmt: str, output: Path, scope: Scope, when: When) -> None:
    """Write the graph (or one trace, reach, neighbourhood or path) to OUTPUT in another
    tool's format (OUTPUT - for standard output, for the formats that write one file).

    \b
    Examples:
      dualtrace export --format gexf graph.gexf
      dualtrace export --format kumu kumu/ --trace hikvision
      dualtrace export --format node-link - --path nvidia buyer:xuar-psb
    """
    store = dated(open_workspace(ctx), when)
    selection = scope.select(store)
    if selection.message:
        click.echo(selection.message, err=True)
    writer, _ = EXPORTS[fmt]
    written = Output(fmt, output).write(lambda target: writer(store, target, selection.node_ids), SUFFIXES.get(fmt, ""))
    if written is None:
        return
    click.echo(f"Wrote {fmt} to {written}", err=True)
    if fmt == "neo4j-admin":
        from dualtrace.render.neo4j_export import admin_command

        click.echo(f"Load it into an empty, stopped Neo4j database (from {written}):\n  {admin_command(written)}")


@click.group("report")
def report_group() -> None:
    """Write a Markdown and an HTML report, every row footnoted to its sources."""


def _write(ctx: click.Context, report_name: str, out: Output, when: When, build: object) -> None:
    store = dated(open_workspace(ctx), when)
    report = build(store)  # type: ignore[operator]
    if out.to_stdout and out.target is not None:  # -o -: the Markdown, for a pipe
        click.echo(report.markdown(store))
        return
    stem = out.target or Path(f"report-{slugify(report_name)}")
    md, page = report.write(store, stem.with_suffix(""))
    click.echo(f"Wrote {md} and {page}")


report_output = output_options(formats=("markdown",), default_format="markdown")


@report_group.command("vendor")
@click.argument("name")
@report_output
@when_options
@click.pass_context
@friendly_errors
def report_vendor(ctx: click.Context, name: str, out: Output, when: When) -> None:
    """A vendor's products, transfers and buyers, listings and corporate links: Markdown
    and HTML at the -o stem (default: report-<name>), or the Markdown alone with -o -."""
    from dualtrace.render.report import vendor_report

    _write(ctx, name, out, when, lambda store: vendor_report(store, name))


@report_group.command("country")
@click.argument("code")
@report_output
@when_options
@click.pass_context
@friendly_errors
def report_country(ctx: click.Context, code: str, out: Output, when: When) -> None:
    """Government buyers in a country, what reaches them, and listings: Markdown and HTML
    at the -o stem (default: report-<code>), or the Markdown alone with -o -."""
    from dualtrace.render.report import country_report

    _write(ctx, code, out, when, lambda store: country_report(store, code))


OUTPUT_COMMANDS = (export_cmd, report_group)
