"""CLI commands for bringing data in: ``import``, ``imports``, ``formats``,
``mapping check`` and ``resolve list|merge|split``.

Registered on the main group by :mod:`dualtrace.cli`. Files the import keeps
beside the workspace: ``<workspace>.decisions.csv`` (a reviewer's same / not
same judgements, applied by every import), ``<workspace>.review.csv``
(candidate duplicates with scores) and ``rejects/`` (rejected records with the
reason).
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from dualtrace.cli_options import Output, output_options
from dualtrace.cli_support import friendly_errors, no_wait_option, open_workspace, workspace_for_writing
from dualtrace.graph.errors import DualtraceError

if TYPE_CHECKING:
    from dualtrace.ingest.decisions import Decisions


def companion(workspace: Path, suffix: str) -> Path:
    """A file kept beside the workspace: ``workspace.json`` -> ``workspace.<suffix>``."""
    return workspace.with_name(f"{workspace.stem}.{suffix}")


@click.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--mapping", "-m", "mapping_path", type=click.Path(dir_okay=False, path_type=Path),
              help="A YAML mapping (see README.md, section 'Writing a mapping').")  # fmt: skip
@click.option("--format", "-f", "format_name", help="A built-in format (`dualtrace formats` lists them).")
@click.option("--date", "file_date", help="Publication date of this version of the file (default: a date the file "
              "states, else its modification date, with a warning).")  # fmt: skip
@click.option("--decisions", type=click.Path(dir_okay=False, path_type=Path),
              help="Decisions file (default: <workspace>.decisions.csv).")  # fmt: skip
@click.option(
    "--rejects",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where rejected records go (default: rejects/<file>.rejects.csv beside the workspace).",
)
@click.option(
    "--dry-run", is_flag=True, help="Report what the import would add, change, end and reject; write nothing."
)
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: only on a terminal).")
@no_wait_option
@click.pass_context
@friendly_errors
def import_cmd(
    ctx: click.Context,
    file: Path,
    mapping_path: Path | None,
    format_name: str | None,
    file_date: str | None,
    decisions: Path | None,
    rejects: Path | None,
    dry_run: bool,
    progress: bool | None,
    no_wait: bool,
) -> None:
    """Import FILE through a mapping or a built-in format. Exits with status 2
    when records were rejected (they are in the rejects file, with reasons)."""
    from dualtrace.ingest.formats import get_format, mapping_format
    from dualtrace.ingest.importer import companions_writable, run_import, write_companions
    from dualtrace.ingest.values import ValueProblem, parse_date

    if (mapping_path is None) == (format_name is None):
        raise DualtraceError("Give exactly one of --mapping M.yaml or --format NAME (see `dualtrace formats`).")
    if file_date:
        try:
            file_date = parse_date(file_date).start
        except ValueProblem as exc:
            raise DualtraceError(f"--date: {exc}") from None
    with workspace_for_writing(ctx, no_wait=no_wait, create=True) as workspace:
        store = open_workspace(ctx, create=True)
        fmt = mapping_format(mapping_path, store) if mapping_path else get_format(str(format_name), file, store)
        review = companion(workspace, "review.csv")
        try:
            report = run_import(store, file, fmt, file_date=file_date, progress=progress, review_path=review,
                                decisions_path=decisions or companion(workspace, "decisions.csv"))  # fmt: skip
            report.dry_run = dry_run
            if not dry_run:
                rejects_path = rejects or workspace.parent / "rejects" / f"{file.name}.rejects.csv"
                companions_writable(report, rejects_path=rejects_path)
                store.save(workspace)
                write_companions(report, file, review_path=review, rejects_path=rejects_path)
        except OSError as exc:  # unreadable input, unwritable rejects file or workspace
            raise DualtraceError(f"{exc.filename or file}: {exc.strerror or exc}") from exc
    click.echo(report.summary())
    if report.rejected:
        sys.exit(2)


@click.command("imports")
@click.pass_context
@friendly_errors
def imports_cmd(ctx: click.Context) -> None:
    """List every import recorded in the workspace: file, hash, time and counts."""
    log = open_workspace(ctx).meta.get("imports", [])
    if not log:
        click.echo("No imports recorded in this workspace.")
        return
    for entry in log:
        click.echo(
            f"{entry['at']}  {entry['format']:<15} {entry['file']}\n"
            f"    sha256 {entry['sha256'][:16]}…  file date {entry['file_date']}  records {entry['records']}  "
            f"added {entry['nodes_added']}+{entry['links_added']}  updated {entry['nodes_updated']}+"
            f"{entry['links_updated']}  unchanged {entry['unchanged']}  rejected {entry['rejected']}  "
            f"skipped {entry['skipped']}"
        )


@click.command("formats")
def formats_cmd() -> None:
    """List the built-in import formats."""
    from dualtrace.ingest.formats import DESCRIPTIONS

    for name in sorted(DESCRIPTIONS):
        click.echo(f"{name:<16} {DESCRIPTIONS[name]}")


@click.group("mapping")
def mapping_group() -> None:
    """Work with mapping files."""


@mapping_group.command("check")
@click.argument("mapping_file", type=click.Path(dir_okay=False, path_type=Path))
@friendly_errors
def mapping_check(mapping_file: Path) -> None:
    """Check a mapping against the schema before using it; exit 1 on any problem."""
    from dualtrace.ingest.mapping import check_mapping

    problems = check_mapping(mapping_file)
    if problems:
        click.echo(f"{mapping_file}: {len(problems)} problem(s):", err=True)
        for problem in problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(1)
    click.echo(f"{mapping_file}: OK")


@click.group("resolve")
def resolve_group() -> None:
    """Review possible duplicates, merge them, or undo a merge."""


@resolve_group.command("list")
@click.pass_context
@friendly_errors
def resolve_list(ctx: click.Context) -> None:
    """Candidate duplicates waiting for review, then the merges made so far."""
    from dualtrace.ingest.decisions import Decisions, read_review
    from dualtrace.ingest.merge import merges

    workspace: Path = ctx.obj["workspace"]
    store = open_workspace(ctx)
    decisions = Decisions.load(companion(workspace, "decisions.csv"))
    waiting = [
        c
        for c in read_review(companion(workspace, "review.csv"))
        if store.has(c.left) and store.has(c.right) and decisions.verdict(c.left, c.right) is None
    ]
    click.echo(f"Candidates to review ({len(waiting)}):")
    for c in waiting:
        click.echo(f"  {c.score:5.1f}  {c.left} ({c.left_name})  ~  {c.right} ({c.right_name})  [{c.reason}]")
    click.echo(f"Merges ({len(merges(store))}):")
    for entry in merges(store):
        click.echo(f"  {entry['drop']} -> {entry['keep']}  at {entry['at']}  ({entry['reason']})")


def _decide(ctx: click.Context, left: str, right: str, decision: str, note: str) -> Decisions:
    from dualtrace.ingest.decisions import Decision, Decisions

    workspace: Path = ctx.obj["workspace"]
    decisions = Decisions.load(companion(workspace, "decisions.csv"))
    stamp = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    decisions.record(Decision(left, right, decision, note, stamp))
    return decisions


@resolve_group.command("merge")
@click.argument("keep")
@click.argument("drop")
@click.option("--note", default="", help="Why they are the same (kept in the decisions file).")
@no_wait_option
@click.pass_context
@friendly_errors
def resolve_merge(ctx: click.Context, keep: str, drop: str, note: str, no_wait: bool) -> None:
    """Merge entity DROP into KEEP and record the decision, so later imports keep them one."""
    from dualtrace.ingest.merge import merge

    with workspace_for_writing(ctx, no_wait=no_wait):
        store = open_workspace(ctx)
        merge(store, keep, drop, note or "dualtrace resolve merge")
        _decide(ctx, keep, drop, "same", note)
        store.save()
    click.echo(f"Merged {drop} into {keep}; undo with `dualtrace resolve split {keep} {drop}`.")


@resolve_group.command("split")
@click.argument("keep")
@click.argument("drop")
@click.option("--note", default="", help="Why they are different (kept in the decisions file).")
@no_wait_option
@click.pass_context
@friendly_errors
def resolve_split(ctx: click.Context, keep: str, drop: str, note: str, no_wait: bool) -> None:
    """Undo the merge of DROP into KEEP and record that they are not the same."""
    from dualtrace.ingest.merge import split

    with workspace_for_writing(ctx, no_wait=no_wait):
        store = open_workspace(ctx)
        split(store, keep, drop)
        _decide(ctx, keep, drop, "not_same", note)
        store.save()
    click.echo(f"Split {drop} from {keep}; later imports keep them apart.")


@click.command("changes")
@click.option("--dataset", help="The dataset (its id, e.g. source:dataset-ofac-sdn or ofac-sdn; default: the last one "
              "imported).")  # fmt: skip
@click.option("--import", "number", type=int, help="Which import of the dataset (1 = its first; default: the last).")
@click.option(
    "--from", "start", metavar="DATE", help="Instead of imports: what the graph's dates say happened after DATE ..."
)
@click.option("--to", "end", metavar="DATE", help="... and by DATE.")
@output_options(formats=("table", "csv", "json", "markdown"))
@click.pass_context
@friendly_errors
def changes_cmd(
    ctx: click.Context, dataset: str | None, number: int | None, start: str | None, end: str | None, out: Output
) -> None:
    """What changed between two imports of a dataset (by default its last import against the
    version before it: listings added and ended, entities added, links whose status, dates or
    sources changed, records removed), or, with --from and --to, between two dates.

    \b
    Examples:
      dualtrace changes --dataset ofac-sdn
      dualtrace changes --from 2024-01-01 --to 2024-12-31 --format markdown -o changes.md
    """
    from dualtrace.queries.changes import changes_between_dates, changes_between_imports, markdown
    from dualtrace.render.text import frame_output

    store = open_workspace(ctx)
    if start or end:
        if not (start and end):
            raise DualtraceError("Give both --from DATE and --to DATE.")
        frame = changes_between_dates(store, start, end)
        title = f"Changes after {start} and by {end}"
    else:
        frame = changes_between_imports(store, dataset, number)
        which = "last" if number is None else f"#{number}"
        title = f"Changes made by the {which} import of {dataset or 'the dataset imported last'}"
    if out.fmt == "markdown":
        out.emit(markdown(frame, title))
    elif out.fmt == "table":
        out.emit(f"{title}:\n" + (frame.to_string(index=False) if len(frame) else "(no changes)"))
    else:
        out.emit(frame_output(frame, out.fmt))


IMPORT_COMMANDS = (import_cmd, imports_cmd, changes_cmd, formats_cmd, mapping_group, resolve_group)
