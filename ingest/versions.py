"""Versions of a dataset: each imported file is a Source of its own, and a newer
version is compared with the last one record by record.

A sanctions list changes every week. Each imported file becomes its own Source
(``source:dataset-ofac-sdn.2024-05-02``: the dataset, the version's date, the
file's SHA-256), so an earlier version stays citable and a listing cites every
version that held it. The workspace keeps, per dataset, the versions imported
and a digest of every record of the newest one (``meta["datasets"]``); the next
version's records are then counted as added, changed, unchanged or removed, and
a removed record ends the links the schema says a record's absence ends
(``ends_when_dropped``: a listing), with ``until`` = the new version's date. The
link is kept, never deleted.

A version's date comes from ``--date``, else from the file where its format
carries one, else from the file's modification time, which is usually the day
it was downloaded, not published: the report says which, and warns.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from dualtrace.graph.model import Link, Node, slugify
from dualtrace.graph.store import EmbeddedStore

DATE_FROM_MTIME = "the file's modification time"


@dataclass
class Version:
    """One imported file of a dataset."""

    dataset: str  # the dataset's id: records read dataset#record
    source: Node  # the version's Source node
    date: str
    date_from: str  # "--date", "the mapping", "the file", or DATE_FROM_MTIME
    sha256: str
    seen_before: bool  # this very file was imported already
    newest: bool  # no version imported before is newer
    previous: dict[str, Any] | None  # the newest version imported before, if any


@dataclass
class RecordChanges:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)


def _history(meta: dict[str, Any], dataset: str) -> dict[str, Any]:
    return meta.setdefault("datasets", {}).setdefault(dataset, {"versions": [], "records": {}})


def version_of(store: EmbeddedStore, dataset: dict[str, Any], date: str, date_from: str, sha256: str) -> Version:
    """The Version a file of ``dataset`` stands for: the one already imported with the
    same SHA-256, or a new one dated ``date``."""
    dataset_id = str(dataset.get("id") or f"source:data-{slugify(str(dataset['title']))[:60]}")
    history = store.meta.get("datasets", {}).get(dataset_id, {"versions": []})
    versions: list[dict[str, Any]] = history["versions"]
    same = next((v for v in versions if v["sha256"] == sha256), None)
    if same is not None:
        date, date_from = same["date"], same["date_from"]
        source_id = same["source"]
    else:
        taken = {v["source"] for v in versions}
        source_id = f"{dataset_id}.{date}"
        if source_id in taken:
            source_id = f"{source_id}.{sha256[:8]}"
    previous = max(versions, key=lambda v: (v["date"], v["imported_at"]), default=None)
    newest = previous is None or date >= previous["date"]
    props = {
        "title": f"{dataset['title']}, version of {date}",
        "publisher": dataset["publisher"],
        "kind": dataset.get("kind", "dataset"),
        "date": date,
        "url": dataset.get("url"),
        "dataset": dataset_id,
        "sha256": sha256,
        "note": f"Imported file; its date is taken from {date_from}.",
    }
    source = Node(source_id, "Source", {k: v for k, v in props.items() if v})
    return Version(dataset_id, source, date, date_from, sha256, same is not None, newest, previous)


def compare_records(store: EmbeddedStore, version: Version, digests: dict[str, str]) -> RecordChanges:
    """This version's records against the newest version imported before it. ``digests``
    maps each record's version key to its content digest (a format without record ids
    keys records by content, so its records are only ever added or removed)."""
    known: dict[str, str] = store.meta.get("datasets", {}).get(version.dataset, {}).get("records", {})
    changes = RecordChanges()
    for key, digest in digests.items():
        before = known.get(key)
        if before is None:
            changes.added.append(key)
        elif before != digest and not key.startswith("content:"):
            changes.changed.append(key)
        else:
            changes.unchanged += 1
    if version.newest and not version.seen_before and version.previous is not None:
        changes.removed = [key for key in known if key not in digests]
    return changes


def remember(store: EmbeddedStore, version: Version, digests: dict[str, str], records: int) -> None:
    """Record the version in the workspace; the newest version's record digests are kept."""
    history = _history(store.meta, version.dataset)
    if not version.seen_before:
        history["versions"].append(
            {
                "source": version.source.id,
                "date": version.date,
                "date_from": version.date_from,
                "sha256": version.sha256,
                "records": records,
                "imported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            }
        )
    if version.newest:
        history["records"] = digests


def end_dropped_links(
    store: EmbeddedStore, version: Version, staged: set[tuple[str, str, str]], spared: set[str]
) -> list[Link]:
    """Give ``until`` = the version's date to every link this dataset made that this
    version no longer holds, of a kind whose link ends with its record (schema:
    ``ends_when_dropped``). ``spared``: records (``dataset#id``) this version holds but
    could not import (rejected rows): their links are not ended. Returns the ended links."""
    rels = {name for name, rel in store.schema.relationships.items() if rel.ends_when_dropped}
    prefix = f"{version.dataset}#"
    ended = []
    for link in list(store.links()):
        if link.rel not in rels or link.key in staged or link.props.get("until"):
            continue
        records = [r for r in link.props.get("records") or () if r.startswith(prefix)]
        if records and not spared.intersection(records):
            props = {**link.props, "until": version.date}
            store.add(links=[Link(link.source, link.rel, link.target, props)], validate=False)
            ended.append(Link(link.source, link.rel, link.target, props))
    return ended
