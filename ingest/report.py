"""What one import did: the summary printed after it, the entry in the workspace's
import log, and the rejects and warnings files written beside the workspace."""

from __future__ import annotations

import csv
import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dualtrace.ingest.decisions import Candidate
from dualtrace.ingest.staging import Rejected
from dualtrace.ingest.versions import DATE_FROM_MTIME

SHOWN = 10  # rejected records, warnings and named records shown in the summary
MAX_LOGGED = 100_000  # entities and links the import log names, per import


@dataclass
class Warning_:
    """An optional value that was dropped (the record itself was imported)."""

    row: int
    column: str
    message: str


@dataclass
class ImportReport:
    """What one import did; also written to the workspace's import log."""

    file: str
    sha256: str
    format: str
    dataset: str
    file_date: str
    version: str = ""  # the Source id of this version of the dataset
    date_from: str = ""
    at: str = field(default_factory=lambda: dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
    records: int = 0
    skipped: int = 0
    nodes_added: int = 0
    nodes_updated: int = 0
    links_added: int = 0
    links_updated: int = 0
    unchanged: int = 0
    merged: int = 0
    records_added: list[str] = field(default_factory=list)
    records_changed: list[str] = field(default_factory=list)
    records_unchanged: int = 0
    records_removed: list[str] = field(default_factory=list)
    ended: list[str] = field(default_factory=list)  # the links a removed record ended, as readable lines
    ended_links: list[list[str]] = field(default_factory=list)  # the same, as [source, rel, target]
    entities_added: list[str] = field(default_factory=list)
    # (source, rel, target) of the first new links: MAX_LOGGED and one more (links_added counts them all)
    links_added_keys: list[tuple[str, str, str]] = field(default_factory=list)
    links_changed: list[list[Any]] = field(default_factory=list)  # [source, rel, target, [fields changed]]
    notes: list[str] = field(default_factory=list)  # what the reader should know (a date's origin, ...)
    rejected: list[Rejected] = field(default_factory=list)
    warnings: list[Warning_] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    rejects_path: str | None = None
    warnings_path: str | None = None
    review_path: str | None = None
    dry_run: bool = False

    def log_entry(self) -> dict[str, Any]:
        """The import log's entry: counts, and the records a newer version changed or removed."""
        skip = ("rejected", "warnings", "candidates", "records_added", "records_changed", "records_removed", "notes",
                "ended", "entities_added", "links_added_keys", "links_changed", "ended_links")  # fmt: skip
        entry = {k: v for k, v in self.__dict__.items() if k not in skip}
        entry["rejected"] = len(self.rejected)
        entry["warnings"] = len(self.warnings)
        entry["candidates"] = len(self.candidates)
        entry["records_added"] = len(self.records_added)
        entry["changed_records"] = self.records_changed
        entry["removed_records"] = self.records_removed
        # what `dualtrace changes` reads (capped: a first import of a huge file adds everything)
        entry["changes"] = {
            "entities_added": self.entities_added[:MAX_LOGGED],
            "links_added": [list(key) for key in self.links_added_keys[:MAX_LOGGED]],
            "links_changed": self.links_changed[:MAX_LOGGED],
            "links_ended": self.ended_links,
            "truncated": max(len(self.entities_added), len(self.links_added_keys), len(self.links_changed))
            > MAX_LOGGED,
        }
        return entry

    def summary(self) -> str:
        head = "Dry run: nothing was written. The import would have done this:\n" if self.dry_run else ""
        lines = [
            f"{head}Imported {self.file} as {self.format} (version {self.version}, dated {self.file_date} "
            f"from {self.date_from})",
            f"  records read: {self.records}; skipped by rule: {self.skipped}; rejected: {len(self.rejected)}; "
            f"values dropped with a warning: {len(self.warnings)}",
            f"  records against the last version: added {len(self.records_added)}, changed "
            f"{len(self.records_changed)}, unchanged {self.records_unchanged}, removed {len(self.records_removed)}",
            f"  entities added: {self.nodes_added}, updated: {self.nodes_updated}; "
            f"links added: {self.links_added}, updated: {self.links_updated}; unchanged: {self.unchanged}",
        ]
        lines += [f"  note: {note}" for note in self.notes]
        for label, keys in (("changed", self.records_changed), ("removed", self.records_removed)):
            if keys:
                shown = ", ".join(keys[:SHOWN]) + (f" and {len(keys) - SHOWN} more" if len(keys) > SHOWN else "")
                lines.append(f"  records {label}: {shown}")
        if self.records_changed or self.records_removed or self.links_changed:
            lines.append(f"  `dualtrace changes --dataset {self.dataset}` lists everything this version changed")
        if self.ended:
            lines.append(f"  links ended because their record is gone from this version ({len(self.ended)}):")
            lines += [f"    {line}" for line in self.ended[:SHOWN]]
            if len(self.ended) > SHOWN:
                lines.append(f"    ... and {len(self.ended) - SHOWN} more (`dualtrace changes` lists them all)")
        if self.merged:
            lines.append(f"  merged by the decisions file: {self.merged}")
        if self.candidates:
            where = f" (in {self.review_path})" if self.review_path else ""
            lines.append(f"  possible duplicates to review: {len(self.candidates)}{where}")
        for label, items, path in (
            ("rejected records and reasons", self.rejected, self.rejects_path),
            ("values dropped", self.warnings, self.warnings_path),
        ):
            if not items:
                continue
            lines.append(f"  {label}" + (f": {path}" if path else ":"))
            for item in items[:SHOWN]:
                message = item.reason if isinstance(item, Rejected) else item.message
                lines.append(f"    {self.file}, row {item.row}, column {item.column!r}: {message}")
            if len(items) > SHOWN:
                lines.append(f"    ... and {len(items) - SHOWN} more")
        return "\n".join(lines)


def date_note(date_from: str) -> str | None:
    """A warning when a version's date is only the file's modification time."""
    if date_from != DATE_FROM_MTIME:
        return None
    return (
        "the version's date is the file's modification time, usually the day it was downloaded rather than "
        "published; give the publication date with --date"
    )


def write_rejects(path: Path, source: Path, rejected: list[Rejected]) -> None:
    """One row per rejected record: where, why, and the record itself (as JSON), so
    it can be fixed and imported again."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "row", "column", "reason", "record"])
        for item in sorted(rejected, key=lambda r: r.row):
            record = json.dumps(item.record, ensure_ascii=False, default=str) if item.record else ""
            writer.writerow([str(source), item.row, item.column, item.reason, record])


def write_warnings(path: Path, source: Path, warnings: list[Warning_]) -> None:
    """One row per dropped value: the record was imported without it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "row", "column", "dropped"])
        for item in sorted(warnings, key=lambda w: w.row):
            writer.writerow([str(source), item.row, item.column, item.message])
