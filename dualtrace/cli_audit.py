"""``dualtrace audit``: the curated dataset checked against its evidence rules.

The rules live in :mod:`dualtrace.ingest.audit` (and README, "Evidence rules").
The command is for whoever adds facts: one line per finding, ``FILE, row N:
[rule] message``, so the row can be found and fixed; exit status 1 when any is
an error, so the test suite and CI fail on it. Deals resting on a general
statement with an unnamed supplier are listed apart and do not fail the run:
they are kept on purpose, and a reader should know which they are.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dualtrace.cli_support import friendly_errors


@click.command("audit")
@click.option(
    "--folder",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="A folder in the starter dataset's layout (default: the shipped starter dataset).",
)
@friendly_errors
def audit_cmd(folder: Path | None) -> None:
    """Check the curated CSVs against the evidence rules (README, "Evidence rules").
    Exits 1 on any error; deals with an unnamed supplier are listed apart and do not fail."""
    from dualtrace.ingest.audit import audit
    from dualtrace.ingest.audit_datasets import SHARED, missing_copies

    missing = missing_copies()
    if missing:
        click.echo(f"Warning: no copy under {SHARED} of {', '.join(missing)}; rows citing them cannot be "
                   "checked and cannot count as confirmed.", err=True)  # fmt: skip
    findings = audit(folder)
    errors = [f for f in findings if f.is_error]
    apart = [f for f in findings if not f.is_error]
    lines = [str(f) for f in errors]
    if apart:
        lines += ["", f"Listed apart, not errors: {len(apart)} deal(s) with an unnamed supplier"]
        lines += [str(f) for f in apart]
    where = folder or "the starter dataset"
    lines += ["", f"{len(errors)} error(s) in {where}." if errors else f"No errors in {where}."]
    click.echo("\n".join(lines).lstrip("\n"))
    sys.exit(1 if errors else 0)


AUDIT_COMMANDS = (audit_cmd,)
