"""What changed: between two imports of a dataset, or between two dates.

Between imports: every import records in the workspace's log what it changed
against the dataset's version before it (ingest/report.py): the entities and
links it added, the links whose status, dates or sources changed, and the links
a removed record ended. ``changes_between_imports`` reads that entry (by
default the dataset's last import, against the one before).

Between two dates: what the graph's own dates say happened in the period
(start, end]: listings that began (``since``) and ended (``until``), deals
dated in it, other links that began or ended, and entities first seen in an
import of the period. The same partial-date rule as ``--as-of``
(graph/dates.py): a date counts in the period when the whole of it does.

Both give one table: ``change, kind, id, name, detail, date``.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from dualtrace.graph.dates import as_of_date, period_end
from dualtrace.graph.errors import DualtraceError
from dualtrace.graph.store import EmbeddedStore

COLUMNS = ["change", "kind", "id", "name", "detail", "date"]


def _link_row(store: EmbeddedStore, change: str, key: list[str], detail: str, date: str) -> dict[str, Any]:
    source, rel, target = key
    return {
        "change": change,
        "kind": rel,
        "id": f"{source} -[{rel}]-> {target}",
        "name": f"{store.name_of(source)} {rel} {store.name_of(target)}",
        "detail": detail,
        "date": date,
    }


def imports_of(store: EmbeddedStore, dataset: str | None) -> list[dict[str, Any]]:
    """The import log's entries of a dataset, named by its id, its id without ``source:dataset-``,
    or the format it was imported with (default: the dataset imported last)."""
    log = store.meta.get("imports", [])
    if not log:
        raise DualtraceError("No imports recorded in this workspace: `dualtrace changes` compares imports.")
    wanted = dataset or log[-1]["dataset"]
    entries = [e for e in log if wanted in (e["dataset"], e["format"]) or e["dataset"] == f"source:dataset-{wanted}"]
    if not entries:
        known = sorted({e["dataset"] for e in log})
        raise DualtraceError(f"No import of dataset {wanted!r}; imported datasets: {', '.join(known)}")
    return entries


def changes_between_imports(
    store: EmbeddedStore, dataset: str | None = None, number: int | None = None
) -> pd.DataFrame:
    """What one import of a dataset changed against the version before it: by default
    its last import; ``number`` picks another (1 = the dataset's first import)."""
    entries = imports_of(store, dataset)
    entry = entries[-1] if number is None else entries[number - 1] if 0 < number <= len(entries) else None
    if entry is None:
        raise DualtraceError(f"{entries[0]['dataset']} has {len(entries)} import(s); there is no import {number}")
    date = entry["file_date"]
    changes = entry.get("changes") or {}
    rows: list[dict[str, Any]] = []
    for key in changes.get("links_added", []):
        change = "listing added" if key[1] == "LISTED_ON" else "link added"
        rows.append(_link_row(store, change, key, "", date))
    for key in changes.get("links_ended", []):
        rows.append(_link_row(store, "listing ended" if key[1] == "LISTED_ON" else "link ended", key,
                              "its record is gone from this version", date))  # fmt: skip
    for *key, fields in changes.get("links_changed", []):
        props = store.link_props((key[0], key[1], key[2])) or {}
        detail = "; ".join(f"{f}: {props.get(f)}" for f in fields)
        rows.append(_link_row(store, "link changed", key, detail, date))
    for node_id in changes.get("entities_added", []):
        node = store.get(node_id)
        if node is not None and node.kind not in ("Country", "Source"):  # reference data, not news
            rows.append({"change": "entity added", "kind": node.kind, "id": node_id, "name": node.name,
                         "detail": "", "date": date})  # fmt: skip
    for record in entry.get("removed_records", []):
        rows.append({"change": "record removed", "kind": "record", "id": f"{entry['dataset']}#{record}",
                     "name": "", "detail": "", "date": date})  # fmt: skip
    if changes.get("truncated"):
        rows.append({"change": "(more)", "kind": "", "id": "", "name": "", "detail": "the import log keeps the first "
                     "100,000 of each kind of change", "date": date})  # fmt: skip
    return _frame(rows)


def _in(value: Any, start: str, end: str) -> bool:
    """Whether a (partial) date falls in the period (start, end] by its last day."""
    return value is not None and start < period_end(str(value)) <= end


def changes_between_dates(store: EmbeddedStore, start: str, end: str) -> pd.DataFrame:
    """What the graph's dates say happened after ``start`` and by ``end`` (see module docstring)."""
    first, last = as_of_date(start), as_of_date(end)
    if first >= last:
        raise DualtraceError(f"--from {start} must be before --to {end}")
    rows: list[dict[str, Any]] = []
    for link in store.links():
        props = link.props
        listing = link.rel == "LISTED_ON"
        if _in(props.get("since"), first, last):
            rows.append(_link_row(store, "listing added" if listing else "link began", list(link.key),
                                  f"since {props['since']}", str(props["since"])))  # fmt: skip
        if _in(props.get("until"), first, last):
            rows.append(_link_row(store, "listing ended" if listing else "link ended", list(link.key),
                                  f"until {props['until']}", str(props["until"])))  # fmt: skip
    for node in store.nodes():
        if node.kind == "Transfer" and isinstance(node.props.get("year"), int) and _in(node.props["year"], first, last):
            rows.append({"change": "deal dated", "kind": "Transfer", "id": node.id, "name": node.name,
                         "detail": f"year {node.props['year']}", "date": str(node.props["year"])})  # fmt: skip
        elif node.kind not in ("Source", "Country") and _in(node.props.get("first_seen"), first, last):
            rows.append({"change": "entity first imported", "kind": node.kind, "id": node.id, "name": node.name,
                         "detail": "", "date": node.props["first_seen"]})  # fmt: skip
    return _frame(rows)


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    order = {"listing added": 0, "listing ended": 1, "link added": 2, "link began": 2, "link ended": 3,
             "link changed": 4, "deal dated": 5, "entity added": 6, "entity first imported": 6,
             "record removed": 7}  # fmt: skip
    frame = pd.DataFrame(rows, columns=COLUMNS, dtype=object)
    if frame.empty:
        return frame
    frame["_order"] = frame["change"].map(lambda c: order.get(c, 9))
    return frame.sort_values(["_order", "date", "id"], ignore_index=True).drop(columns="_order")


def markdown(frame: pd.DataFrame, title: str) -> str:
    """The changes as a Markdown table, for a newsroom's copy desk."""
    lines = [f"# {title}", "", f"{len(frame)} change(s).", "", "| " + " | ".join(COLUMNS) + " |",
             "|" + "---|" * len(COLUMNS)]  # fmt: skip
    for row in frame.to_dict(orient="records"):
        cells = [str(row[c] if row[c] is not None else "").replace("|", "\\|").replace("\n", " ") for c in COLUMNS]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
