"""A format's fingerprint: the shape a file must have before any of its rows is read.

A file of another shape passed under a format's name must be refused whole,
not turned into facts: a 13-column CSV read as OFAC's 12 columns shifts every
value into the wrong column, and random bytes read as CSV become organisations
with control characters in their names. So each built-in format (and any
mapping, with ``expect:``) states what it expects: the number of fields in a
row, the header's columns, the keys of a JSON record, patterns the first rows'
cells match. The first ``sample`` records are checked before anything is
staged; the file is refused, naming what was expected and what was found, when
the first record fails or fewer than ``MIN_SHARE`` of the sample pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dualtrace.ingest.readers import FileRejected, Record

MIN_SHARE = 0.8


@dataclass(frozen=True)
class Expect:
    """The shape a file must have (see module docstring)."""

    columns: int | None = None  # csv: fields in every row
    header: tuple[str, ...] = ()  # columns the header must hold
    keys: tuple[str, ...] = ()  # json: keys every record holds
    values: tuple[tuple[str, str], ...] = ()  # (column, regular expression) the first rows' cells match
    sample: int = 20  # records checked

    def problems(self, record: Record) -> list[str]:
        """What in ``record`` differs from the expected shape."""
        found = []
        if self.columns is not None and record.fields is not None and record.fields != self.columns:
            found.append(f"{self.columns} fields per row expected, {record.fields} found")
        missing = [c for c in self.header if c not in record.values]
        if missing:
            found.append(f"columns {missing} expected in the header; found {_shown(list(record.values))}")
        absent = [k for k in self.keys if k not in record.values]
        if absent:
            found.append(f"keys {absent} expected in every record; found {_shown(list(record.values))}")
        for column, pattern in self.values:
            value = record.values.get(column)
            text = "" if value is None else str(value)
            if not re.search(pattern, text):
                found.append(f"{column!r} should match {pattern!r}, found {text[:40]!r}")
        return found


def _shown(names: list[Any]) -> str:
    text = ", ".join(repr(str(n))[:40] for n in names[:15])
    return text + (", ..." if len(names) > 15 else "")


def check_shape(path: Path, format_name: str, expect: Expect, records: list[Record]) -> None:
    """Raise :class:`FileRejected` when ``records`` (the file's first ones) do not have
    the expected shape; nothing has been imported at that point."""
    if not records:
        return
    failures = [(record, expect.problems(record)) for record in records]
    failed = [(record, problems) for record, problems in failures if problems]
    first_fails = bool(failures[0][1])
    if not first_fails and len(failed) <= len(records) * (1 - MIN_SHARE):
        return
    record, problems = failed[0]
    raise FileRejected(
        f"{path} does not look like a {format_name} file, so nothing was imported: row {record.number}: "
        f"{'; '.join(problems)} ({len(failed)} of the first {len(records)} records differ). "
        "Is it another format, or another version of this one?"
    )
