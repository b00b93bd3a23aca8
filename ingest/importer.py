"""Run an import: check the file's shape, read it through a mapping or built-in
format, resolve its entities against the workspace, merge, and report.

The work happens in phases so that a failure, or a kill, never leaves a
half-imported workspace: the file's first records are checked against the
format's fingerprint (a file of another shape is refused whole), every record is
read, checked and staged in memory (the store is not touched), then the staged
entities and links are merged into the store in one pass and the caller saves
the workspace atomically, under the workspace's writer lock. Each imported fact
cites the file's version as a Source and keeps the record id it came from.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from itertools import chain, islice
from pathlib import Path
from typing import Any, Protocol

from tqdm import tqdm

from dualtrace.graph import collector
from dualtrace.graph.errors import RecordProblem
from dualtrace.graph.model import Link
from dualtrace.graph.store import EmbeddedStore
from dualtrace.ingest.candidates import find_candidates
from dualtrace.ingest.decisions import Decisions, read_review, write_review
from dualtrace.ingest.fingerprint import Expect, check_shape
from dualtrace.ingest.merge import merge
from dualtrace.ingest.readers import FileRejected, Record, read_records
from dualtrace.ingest.report import ImportReport, Warning_, date_note, write_rejects, write_warnings
from dualtrace.ingest.resolution import Resolver
from dualtrace.ingest.stager import Staging
from dualtrace.ingest.staging import Rejected, Unit
from dualtrace.ingest.versions import DATE_FROM_MTIME, compare_records, end_dropped_links, remember, version_of

PROGRESS_DELAY = 1.0  # seconds before the progress bar appears: short imports stay quiet
READ_AHEAD = 5000  # records read and mapped before they are staged (see read_ahead)


class Format(Protocol):
    """Anything that turns a file into units: a :class:`~dualtrace.ingest.mapping.Mapping`
    or a built-in reader such as FollowTheMoney."""

    name: str
    dataset: dict[str, Any]
    cross_record: bool  # relations may point at entities of other records

    def units(self, path: Path, problems: list[RecordProblem], skipped: list[str]) -> Iterator[Unit | Rejected]: ...


def read_ahead(items: Iterator[Any], size: int = READ_AHEAD) -> Iterator[Any]:
    """``items``, in order, taken from ``items`` ``size`` at a time.

    Why: reading and mapping records in turn with staging them made each step slower
    than it is alone (their working sets take turns in the processor's caches): the
    100,000-row benchmark staged in 9.4 s one record at a time, 7.8 s 5,000 at a time.
    Nothing changes but the timing: the format reads its file, never the staging,
    and what it yields is staged in the same order. A batch's units are all in memory
    at once (a few MB), and an error in the file surfaces before the batch is staged."""
    while batch := list(islice(items, size)):
        yield from batch


def checked(path: Path, name: str, expect: Expect | None, records: Iterator[Record]) -> Iterator[Record]:
    """``records``, after their first ones passed the format's fingerprint."""
    if expect is None:
        yield from records
        return
    head = list(islice(records, expect.sample))
    check_shape(path, name, expect, head)
    yield from chain(head, records)


class MappingFormat:
    """Adapts a mapping to :class:`Format`."""

    cross_record = False

    def __init__(self, mapping: Any):
        self.mapping = mapping
        self.name = mapping.name
        self.dataset = mapping.dataset

    def units(self, path: Path, problems: list[RecordProblem], skipped: list[str]) -> Iterator[Unit | Rejected]:
        mapping = self.mapping
        first = True
        records = checked(path, self.name, mapping.expect, read_records(path, mapping.read, problems))
        for record in records:
            if first and (mapping.read.format or path.suffix.lower()) not in ("json", "jsonl", ".json", ".jsonl"):
                missing = sorted(c for c in mapping.required_columns() if c not in record.values)
                if missing:
                    raise FileRejected(
                        f"{path}: required column(s) {', '.join(repr(m) for m in missing)} not in the file; "
                        f"found: {', '.join(record.values)}{_header_hint(mapping.read)}"
                    )
            first = False
            reason = mapping.skipped(record.values)
            if reason:
                skipped.append(reason)
                continue
            yield mapping.apply(record)
        mapping.forget()  # the file is read: its memo would only hold memory while the store grows


def _header_hint(read: Any) -> str:
    """Where the header was read, for a file whose header is elsewhere (a title above it)."""
    if read.header:
        return " (the column names given in `read: header`)"
    return f" (in row {read.header_row}; if the column names are on another row, say so with `read: header_row`)"


def _files(path: Path) -> list[Path]:
    return sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]


def file_sha256(path: Path) -> str:
    """SHA-256 of the file (of every file, in name order, for a folder)."""
    digest = hashlib.sha256()
    for item in _files(path):
        with item.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()


def file_date_of(path: Path) -> str:
    """The file's modification date (the newest file's, for a folder)."""
    newest = max(item.stat().st_mtime for item in _files(path))
    return dt.date.fromtimestamp(newest).isoformat()


def _version_date(path: Path, fmt: Format, file_date: str | None) -> tuple[str, str]:
    """The version's date and where it came from (see :mod:`dualtrace.ingest.versions`)."""
    if file_date:
        return file_date, "--date"
    if fmt.dataset.get("date"):
        return str(fmt.dataset["date"]), "the mapping"
    found = getattr(fmt, "file_date", None)
    if callable(found):
        stated = found(path)
        if stated:
            return str(stated), "the file"
    return file_date_of(path), DATE_FROM_MTIME


def _stage_all(fmt: Format, path: Path, staging: Staging, report: ImportReport, progress: bool | None) -> None:
    problems: list[RecordProblem] = []
    skipped: list[str] = []
    # disable=None: tqdm stays silent when stderr is not a terminal; delay: only for imports over a second
    disable = None if progress is None else not progress
    bar = tqdm(read_ahead(fmt.units(path, problems, skipped)), desc=f"Importing {path.name}", unit=" records",
               disable=disable, delay=PROGRESS_DELAY, leave=False)  # fmt: skip
    try:
        for item in bar:
            report.records += 1
            if isinstance(item, Rejected):
                report.rejected.append(item)
                continue
            refused = staging.add(item)
            if refused is not None:
                refused.record = refused.record or {"record_id": item.record_id}
                report.rejected.append(refused)
                continue
            report.warnings += [Warning_(item.row, column, message) for column, message in item.warnings]
    finally:
        bar.close()
    report.skipped = len(skipped)
    report.rejected += [Rejected(p.row or 0, p.column, p.message, {}) for p in problems]
    report.records += len(problems)
    if report.records == 0:
        raise FileRejected(f"{path}: no records found")
    report.warnings += [Warning_(row, column, message) for row, column, message in staging.resolve_references()]
    report.warnings += [Warning_(row, column, message) for row, column, message in staging.conflicts]


# see graph/collector.py: about a third of an import's time. Kept (frozen) when the import
# succeeds, as a loaded workspace is: else the first allocation after it walked every object
# the import made (0.5 s of the 100k benchmark's 11 s) and a later full pass again.
@collector.paused(keep=True)
def run_import(
    store: EmbeddedStore,
    path: Path,
    fmt: Format,
    *,
    file_date: str | None = None,
    decisions_path: Path | None = None,
    review_path: Path | None = None,
    progress: bool | None = None,
) -> ImportReport:
    """Import ``path`` into ``store`` (in memory: the caller saves, then writes the
    companion files with :func:`write_companions`). Raises :class:`FileRejected` when
    the file cannot be read or is not of the format's shape; rejected records, dropped
    values and candidate duplicates are in the report. ``review_path``: candidates
    still open from earlier imports are carried into the report's candidates."""
    if not path.exists():
        raise FileRejected(f"{path}: no such file or folder")
    date, date_from = _version_date(path, fmt, file_date)
    sha = file_sha256(path)
    version = version_of(store, fmt.dataset, date, date_from, sha)
    report = ImportReport(str(path), sha, fmt.name, version.dataset, version.date, version.source.id, version.date_from)
    notes = [date_note(version.date_from)]
    if version.seen_before:
        notes.append(f"this file was imported before (version {version.source.id}); importing it again changes nothing")
    elif not version.newest and version.previous is not None:
        notes.append(f"older than the newest version imported ({version.previous['date']}): it adds what it says, "
                     "changes no value the newer version gave, and ends nothing")  # fmt: skip
    report.notes = [n for n in notes if n]
    decisions = Decisions.load(decisions_path)
    resolver = Resolver(store, decisions, version.dataset)  # held by the staging alone (see Staging.apply)
    earlier = frozenset(v["date"] for v in store.meta.get("datasets", {}).get(version.dataset, {}).get("versions", ())
                        if v["date"] < version.date)  # fmt: skip
    staging = Staging(store, resolver, version.dataset, version.source, version.date, fmt.cross_record,
                      owner=version.newest, dropped_on=earlier)  # fmt: skip
    del resolver
    _stage_all(fmt, path, staging, report, progress)
    changes = compare_records(store, version, staging.digests)
    # the links to spare from ending, read before apply() empties staging.links (a set of a
    # large import's every link, so made only when there is something to end)
    staged_links = set(staging.links) if changes.removed else set()
    report.records_added, report.records_changed = changes.added, changes.changed
    report.records_unchanged, report.records_removed = changes.unchanged, changes.removed
    applied = staging.apply()
    for name in ("nodes_added", "nodes_updated", "links_added", "links_updated", "unchanged"):
        setattr(report, name, getattr(applied, name))
    report.entities_added = [i for i in applied.new_ids if i != version.source.id]
    report.links_added_keys = applied.new_links
    report.links_changed = [[*key[:3], key[3]] for key in applied.changed_links]
    if changes.removed:
        _end_dropped(store, version, staged_links, report)
    remember(store, version, staging.digests, report.records)
    for decision in decisions.items:
        if decision.decision == "same" and store.has(decision.left) and store.has(decision.right):
            merge(store, decision.left, decision.right, f"decisions file {decisions_path}")
            report.merged += 1
    # new entities, and entities that gained a name or alias (an alias may be another entity's name)
    fresh = find_candidates(store, [*applied.new_ids, *applied.renamed_ids], decisions)
    still_open = [c for c in read_review(review_path) if store.has(c.left) and store.has(c.right)
                  and decisions.verdict(c.left, c.right) is None] if review_path else []  # fmt: skip
    known = {(c.left, c.right) for c in still_open}
    report.candidates = sorted(still_open + [c for c in fresh if (c.left, c.right) not in known],
                               key=lambda c: (-c.score, c.left, c.right))  # fmt: skip
    store.meta.setdefault("imports", []).append(report.log_entry())
    return report


def _end_dropped(store: EmbeddedStore, version: Any, staged: set[tuple[str, str, str]], report: ImportReport) -> None:
    """End the links of records this version no longer holds, unless a rejected row
    of this version could be one of them (then nothing is ended, and the report says why)."""
    unidentified = [r for r in report.rejected if r.version_key is None or r.version_key.startswith("content:")]
    if unidentified:
        report.notes.append(
            f"{len(report.records_removed)} record(s) of the last version are not in this one, but "
            f"{len(unidentified)} rejected row(s) cannot be identified, so no listing was ended; "
            "fix the rejected rows and import the file again"
        )
        return
    spared = {f"{version.dataset}#{r.version_key}" for r in report.rejected}
    ended = end_dropped_links(store, version, staged, spared)
    report.ended = [_describe(store, link) for link in ended]
    report.ended_links = [list(link.key) for link in ended]


def _describe(store: EmbeddedStore, link: Link) -> str:
    ends = f"{store.name_of(link.source)} ({link.source}) {link.rel} {store.name_of(link.target)}"
    return f"{ends}: until {link.props['until']}"


def companions_writable(report: ImportReport, *, rejects_path: Path | None) -> None:
    """Make sure the rejects and warnings files can be written before the import lands:
    a workspace saved without the file naming its rejected records would lose them.
    Raises OSError naming the path."""
    if rejects_path is None or not (report.rejected or report.warnings):
        return
    rejects_path.parent.mkdir(parents=True, exist_ok=True)
    existed = rejects_path.exists()
    with rejects_path.open("a", encoding="utf-8"):
        pass
    if not existed:
        rejects_path.unlink()


def write_companions(
    report: ImportReport, source: Path, *, review_path: Path | None, rejects_path: Path | None
) -> None:
    """Write the review, rejects and warnings files of a landed import (never for one
    that failed, or a dry run: they would speak of entities that are not there)."""
    if report.candidates and review_path is not None:
        write_review(review_path, report.candidates)
        report.review_path = str(review_path)
    if report.rejected and rejects_path is not None:
        write_rejects(rejects_path, source, report.rejected)
        report.rejects_path = str(rejects_path)
    if report.warnings and rejects_path is not None:
        warnings_path = rejects_path.with_name(rejects_path.name.replace(".rejects.csv", "") + ".warnings.csv")
        write_warnings(warnings_path, source, report.warnings)
        report.warnings_path = str(warnings_path)
