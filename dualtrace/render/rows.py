"""Rows of a saved or ad-hoc query as a table for reading, CSV or JSON.

In the table every citation column (``sources``, ``cited``, ...) shows numbered
marks, and the cited documents are listed once at the end with title,
publisher, date and URL, so a reader can check each row without the tool.
CSV and JSON keep the source ids for other tools.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from typing import Any

from dualtrace.render.text import Footnotes

CITATION_COLUMNS = ("sources", "supply_sources", "delivery_sources", "cited")
ROW_FORMATS = ("table", "csv", "json")
MAX_CELL = 60


def cell_text(value: Any) -> str:
    """A row's value as one cell of text: lists joined, records as JSON."""
    if value is None:
        return ""
    if isinstance(value, list):
        if value and isinstance(value[0], list | dict):
            return json.dumps(value, ensure_ascii=False)
        return "; ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def citation_ids(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    ids: list[str] = []
    for item in value:
        ids += citation_ids(item)
    return ids


def _marks(value: Any, notes: Footnotes) -> str:
    if isinstance(value, list) and value and isinstance(value[0], list):
        return " | ".join(notes.marks(citation_ids(v)) for v in value)  # one group per hop
    ids = citation_ids(value)
    return notes.marks(ids) if ids else ""


def _short(text: str) -> str:
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def as_table(
    columns: list[str], rows: list[dict[str, Any]], describe: Callable[[list[str]], list[str]] | None = None
) -> str:
    """Aligned columns; citation columns as [1,2] marks, then the numbered sources
    (``describe`` turns source ids into one line each)."""
    if not rows:
        return "(no rows)"
    notes = Footnotes()
    cells = [
        [_marks(row.get(c), notes) if c in CITATION_COLUMNS else _short(cell_text(row.get(c))) for c in columns]
        for row in rows
    ]
    widths = [max(len(c), *(len(line[i]) for line in cells)) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(line, widths, strict=True)).rstrip() for line in cells]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    if notes.order:
        lines += ["", "Sources:"]
        described = describe(notes.order) if describe else notes.order
        lines += [f"  [{i}] {text}" for i, text in enumerate(described, start=1)]
    return "\n".join(lines)


def as_csv(columns: list[str], rows: Iterable[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell_text(row.get(c)) for c in columns])
    return buffer.getvalue().rstrip("\n")


def as_json(columns: list[str], rows: Iterable[dict[str, Any]]) -> str:
    return json.dumps([{c: row.get(c) for c in columns} for row in rows], ensure_ascii=False, indent=2)


def render_rows(
    columns: list[str],
    rows: list[dict[str, Any]],
    fmt: str,
    describe: Callable[[list[str]], list[str]] | None = None,
) -> str:
    if fmt == "json":
        return as_json(columns, rows)
    if fmt == "csv":
        return as_csv(columns, rows)
    return as_table(columns, rows, describe)
