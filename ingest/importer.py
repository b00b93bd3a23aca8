"""Run an import: read a file through a mapping or built-in format, resolve its
entities against the workspace, merge, and report what happened.

The work happens in two phases so that a failure, or a kill, never leaves a
half-imported workspace: first every record is read, checked and staged in
memory (the store is not touched), then the staged entities and links are
merged into the store in one pass and the caller saves the workspace
atomically. Each imported fact cites the file as a Source (dataset, publisher,
file date) and keeps the record id it came from.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from tqdm import tqdm

from dualtrace.graph import collector
from dualtrace.graph.errors import RecordProblem
from dualtrace.graph.model import Node, slugify
from dualtrace.graph.store import EmbeddedStore
from dualtrace.ingest.merge import merge
from dualtrace.ingest.props import MAX_RECORDS, merge_props
from dualtrace.ingest.readers import FileRejected, read_records
from dualtrace.ingest.resolution import Decisions, Resolver, find_candidates, read_review, write_review
from dualtrace.ingest.staging import Entity, Rejected, Relation, Unit

# Reference data: no per-import provenance on the node itself.
REFERENCE_KINDS = ("Country", "Source")
PROGRESS_DELAY = 1.0  # seconds before the progress bar appears: short imports stay quiet


class Format(Protocol):
    """Anything that turns a file into units: a :class:`~dualtrace.ingest.mapping.Mapping`
    or a built-in reader such as FollowTheMoney."""

    name: str
    dataset: dict[str, Any]
    cross_record: bool  # relations may point at entities of other records

    def units(self, path: Path, problems: list[RecordProblem], skipped: list[str]) -> Iterator[Unit | Rejected]: ...


class MappingFormat:
    """Adapts a mapping to :class:`Format`."""

    cross_record = False

    def __init__(self, mapping: Any):
        self.mapping = mapping
        self.name = mapping.name
        self.dataset = mapping.dataset

    def units(self, path: Path, problems: list[RecordProblem], skipped: list[str]) -> Iterator[Unit | Rejected]:
        mapping = self.mapping
        checked = False
        for record in read_records(path, mapping.read, problems):
            if not checked and (mapping.read.format or path.suffix.lower()) not in ("json", "jsonl", ".json", ".jsonl"):
                missing = sorted(c for c in mapping.required_columns() if c not in record.values)
                if missing:
                    found = ", ".join(k for k in record.values if k != "__extra__")
                    raise FileRejected(
                        f"{path}: required column(s) {', '.join(repr(m) for m in missing)} not in the file; "
                        f"found: {found}"
                    )
            checked = True
            reason = mapping.skipped(record.values)
            if reason:
                skipped.append(reason)
                continue
            yield mapping.apply(record)


@dataclass
class ImportReport:
    """What one import did; also written to the workspace's import log."""

    file: str
    sha256: str
    format: str
    dataset: str
    file_date: str
    at: str = field(default_factory=lambda: dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
    records: int = 0
    skipped: int = 0
    nodes_added: int = 0
    nodes_updated: int = 0
    links_added: int = 0
    links_updated: int = 0
    unchanged: int = 0
    merged: int = 0
    candidates: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    rejects_path: str | None = None
    review_path: str | None = None

    def log_entry(self) -> dict[str, Any]:
        entry = {k: v for k, v in self.__dict__.items() if k != "rejected"}
        entry["rejected"] = len(self.rejected)
        return entry

    def summary(self) -> str:
        lines = [
            f"Imported {self.file} as {self.format} (dataset {self.dataset}, file date {self.file_date})",
            f"  records read: {self.records}; skipped by rule: {self.skipped}; rejected: {len(self.rejected)}",
            f"  entities added: {self.nodes_added}, updated: {self.nodes_updated}; "
            f"links added: {self.links_added}, updated: {self.links_updated}; unchanged: {self.unchanged}",
        ]
        if self.merged:
            lines.append(f"  merged by the decisions file: {self.merged}")
        if self.candidates:
            lines.append(f"  possible duplicates to review: {self.candidates} (in {self.review_path})")
        if self.rejected:
            lines.append(f"  rejected records and reasons: {self.rejects_path}")
            for item in self.rejected[:10]:
                lines.append(f"    {self.file}, row {item.row}, column {item.column!r}: {item.reason}")
            if len(self.rejected) > 10:
                lines.append(f"    ... and {len(self.rejected) - 10} more")
        return "\n".join(lines)


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


def dataset_source(dataset: dict[str, Any], file_date: str) -> Node:
    """The Source node that stands for the imported file."""
    source_id = dataset.get("id") or f"source:data-{slugify(dataset['title'])[:60]}"
    props = {
        "title": dataset["title"],
        "publisher": dataset["publisher"],
        "kind": dataset.get("kind", "dataset"),
        "date": file_date,
        "url": dataset.get("url"),
        "note": dataset.get("note"),
    }
    return Node(source_id, "Source", {k: v for k, v in props.items() if v})


@dataclass(slots=True)
class _Staged:
    """One entity or link of the import: its properties, and apart from them the
    provenance that grows with every record (kept apart so that a vendor named in
    a million rows costs a dictionary lookup per row, not a merge)."""

    kind: str
    props: dict[str, Any]
    sources: tuple[str, ...] = ()  # interned: links citing the same sources share one tuple
    records: str | list[str] = ""  # one record id as a plain string until a second arrives
    seen: Any = None  # the last props object merged in: the same object again needs no merge

    def cite(self, sources: tuple[str, ...], record: str, intern: Callable[[tuple[str, ...]], tuple[str, ...]]) -> None:
        if sources is not self.sources:
            if not self.sources:
                self.sources = sources
            else:
                merged = self.sources + tuple(s for s in sources if s not in self.sources)
                self.sources = intern(merged[:MAX_RECORDS])
        if not self.records:
            self.records = record
        elif isinstance(self.records, str):
            if self.records != record:
                self.records = [self.records, record]
        elif len(self.records) < MAX_RECORDS and self.records[-1] != record:
            self.records.append(record)

    def full_props(
        self, file_date: str, with_provenance: bool, shared: dict[tuple[str, ...], list[str]]
    ) -> dict[str, Any]:
        """The properties to store (built in place: the staged copy is dropped after).
        Equal source lists are shared between links: a million links citing the same
        two sources hold one list."""
        props = dict(self.props)  # staged props may be shared between links and rows
        if with_provenance:
            sources = shared.get(self.sources)
            if sources is None:
                sources = shared[self.sources] = list(self.sources)
            props["sources"] = sources
            props["records"] = [self.records] if isinstance(self.records, str) else self.records
            props["first_seen"] = props["last_seen"] = file_date
        return props


class _Staging:
    """Entities and links of the import, merged among themselves, not yet in the store."""

    def __init__(self, store: EmbeddedStore, resolver: Resolver, source: Node, file_date: str, cross_record: bool):
        self.store = store
        self.schema = store.schema
        self.resolver = resolver
        self.source = source
        self.file_date = file_date
        self.cross_record = cross_record
        self.nodes: dict[str, _Staged] = {source.id: _Staged("Source", dict(source.props))}
        self.kinds_seed = {source.id: "Source"}
        self.links: dict[tuple[str, str, str], _Staged] = {}
        self.global_ids: dict[str, str] = {}
        self.resolved: dict[tuple[Any, ...], str] = {}
        self.kinds: dict[str, str] = dict(self.kinds_seed)
        self.interned: dict[tuple[str, ...], tuple[str, ...]] = {}
        self.valid_ends: set[tuple[str, str | None, str | None]] = set()

    def kind_of(self, node_id: str) -> str | None:
        kind = self.kinds.get(node_id)
        if kind is None:
            data = self.store.graph._node.get(node_id)  # the plain dict behind graph.nodes: much faster
            if data is not None:
                kind = self.kinds[node_id] = data["kind"]
        return kind

    def _intern(self, sources: tuple[str, ...]) -> tuple[str, ...]:
        found = self.interned.get(sources)
        if found is None:
            found = self.interned[sources] = sources
        return found

    def _resolve(self, entity: Entity) -> str:
        if entity.props.get("identifiers"):  # each record its own answer: no memo by name
            return self.resolver.resolve(entity)
        if entity.id is not None:
            return entity.id
        props = entity.props
        key = (entity.kind, props.get("name"), tuple(props.get("aliases") or ()), props.get("country"))
        found = self.resolved.get(key)
        if found is None:
            found = self.resolved[key] = self.resolver.resolve(entity)
        return found

    def add(self, unit: Unit) -> Rejected | None:
        """Stage one record; returns why it cannot be imported, if it cannot."""
        record = f"{self.source.id}#{unit.record_id}"
        ids: dict[str, tuple[str, Entity]] = {}
        for citation in unit.citations:
            assert citation.id is not None
            ids[citation.key] = (citation.id, citation)
        sources = self._intern((self.source.id, *(c.id for c in unit.citations if c.id)))
        for entity in unit.entities:
            node_id = self._resolve(entity)
            kind = self.kind_of(node_id) or entity.kind
            if kind != entity.kind and {kind, entity.kind} != {"Organization", "GovernmentBuyer"}:
                return Rejected(unit.row, "(record)", f"{entity.props.get('name')!r} is a {kind} ({node_id}) "
                                f"in the workspace, not a {entity.kind}", {})  # fmt: skip
            ids[entity.key] = (node_id, entity)
        links = []
        for relation in unit.relations:
            ends = self._ends(relation, ids)
            if isinstance(ends, str):
                return Rejected(unit.row, "(reference)", ends, {})
            problem = self._check_ends(relation.rel, ends, ids)
            if problem:
                return Rejected(unit.row, "(record)", problem, {})
            links.append(((ends[0], relation.rel, ends[1]), relation.props))
        for node_id, entity in ids.values():
            self._stage_node(node_id, entity, sources, record)
            if self.cross_record:
                self.global_ids[entity.key] = node_id
        for key, props in links:
            self._stage_link(key, props, sources, record)
        return None

    def _ends(self, relation: Relation, ids: dict[str, tuple[str, Entity]]) -> tuple[str, str] | str:
        """The node ids at both ends, or why one is missing."""
        ends: list[str] = []
        for key in (relation.source, relation.target):
            found = ids.get(key)
            node_id = found[0] if found else None
            if node_id is None and self.cross_record:
                node_id = self.global_ids.get(key) or (key if self.kind_of(key) else None)
            if node_id is None:
                return f"{relation.rel} points to {key!r}, which is not in this file (a partial export?)"
            ends.append(node_id)
        return ends[0], ends[1]

    def _check_ends(self, rel_name: str, ends: tuple[str, str], ids: dict[str, tuple[str, Entity]]) -> str | None:
        kinds = [self.kind_of(node_id) or next((e.kind for i, e in ids.values() if i == node_id), None)
                 for node_id in ends]  # fmt: skip
        triple = (rel_name, kinds[0], kinds[1])
        if triple in self.valid_ends:
            return None
        rel = self.schema.relationships[rel_name]
        for end, node_id, kind, allowed in (
            ("source", ends[0], kinds[0], rel.from_kinds),
            ("target", ends[1], kinds[1], rel.to_kinds),
        ):
            if kind not in allowed:
                return f"{rel_name} {end} must be {' or '.join(allowed)}; {node_id} is a {kind}"
        self.valid_ends.add(triple)
        return None

    def _stage_link(
        self, key: tuple[str, str, str], props: dict[str, Any], sources: tuple[str, ...], record: str
    ) -> None:
        own_sources = props.get("sources")
        if own_sources:
            props = {k: v for k, v in props.items() if k != "sources"}
        staged = self.links.get(key)
        if staged is None:
            staged = self.links[key] = _Staged(key[1], props)
        elif staged.props is not props and staged.props != props:
            staged.props = merge_props(staged.props, props, owned=False)
        staged.cite(self._intern((*own_sources, *sources)) if own_sources else sources, record, self._intern)

    def _stage_node(self, node_id: str, entity: Entity, sources: tuple[str, ...], record: str) -> None:
        staged = self.nodes.get(node_id)
        if staged is None:
            kind = self.kind_of(node_id) or entity.kind
            allowed = self.schema.node_properties(kind)
            props = {k: v for k, v in entity.props.items() if k in allowed and k not in ("sources", "records")}
            staged = self.nodes[node_id] = _Staged(kind, props, seen=entity.props)
            self.kinds[node_id] = kind
            self.resolver.remember_identifiers(node_id, kind, props)
            if entity.id is None and not self.store.has(node_id):
                self.resolver.index(node_id, kind, props)
        elif staged.seen is not entity.props:
            allowed = self.schema.node_properties(staged.kind)
            props = {k: v for k, v in entity.props.items() if k in allowed and k not in ("sources", "records")}
            staged.props = merge_props(staged.props, props, owned=False, has_aliases="aliases" in allowed)
            staged.seen = entity.props
        if staged.kind not in REFERENCE_KINDS:
            own = entity.props.get("sources")
            if own:
                staged.cite(self._intern((*own, *sources)), record, self._intern)
            else:
                own_source = self._intern((self.source.id,))
                staged.cite(sources if entity.kind != "Source" else own_source, record, self._intern)

    def apply(self, report: ImportReport) -> list[str]:
        """Merge the staged records into the store; returns the ids of new entities."""
        new_ids = []
        store = self.store
        origin = self.source.id
        store.touch()  # the graph is written directly below
        shared: dict[tuple[str, ...], list[str]] = {}
        for node_id in list(self.nodes):  # in staging order, freeing each staged copy as it goes
            staged = self.nodes.pop(node_id)
            kind = staged.kind
            props = staged.full_props(self.file_date, kind not in REFERENCE_KINDS, shared)
            old = store.get(node_id)
            if old is None:
                props["origin"] = origin
                store.graph.add_node(node_id, kind=kind, props=props)
                report.nodes_added += 1
                new_ids.append(node_id)
                continue
            owned = node_id == origin or old.props.get("origin") == origin
            has_aliases = "aliases" in self.schema.node_properties(kind)
            merged = merge_props(old.props, props, owned=owned, has_aliases=has_aliases)
            if merged is old.props or merged == old.props:
                report.unchanged += 1
            else:
                store.add([Node(node_id, old.kind, merged)], validate=False)
                report.nodes_updated += 1
        graph = store.graph
        for source, rel, target in list(self.links):
            staged_link = self.links.pop((source, rel, target))
            props = staged_link.full_props(self.file_date, True, shared)
            data = graph.get_edge_data(source, target, key=rel)
            if data is None:
                props["origin"] = origin
                graph.add_edge(source, target, key=rel, props=props)
                report.links_added += 1
                continue
            old_props = data["props"]
            merged = merge_props(old_props, props, owned=old_props.get("origin") == origin)
            if merged is old_props or merged == old_props:
                report.unchanged += 1
            else:
                data["props"] = merged
                report.links_updated += 1
        return new_ids


@collector.paused()  # see graph/collector.py: about a third of an import's time
def run_import(
    store: EmbeddedStore,
    path: Path,
    fmt: Format,
    *,
    file_date: str | None = None,
    decisions_path: Path | None = None,
    review_path: Path | None = None,
    rejects_path: Path | None = None,
    progress: bool | None = None,
) -> ImportReport:
    """Import ``path`` into ``store`` (in memory; the caller saves). Raises
    :class:`FileRejected` when nothing can be read; rejected records are in the report."""
    if not path.exists():
        raise FileRejected(f"{path}: no such file or folder")
    date = file_date or fmt.dataset.get("date") or file_date_of(path)
    source = dataset_source(fmt.dataset, str(date))
    report = ImportReport(str(path), file_sha256(path), fmt.name, source.id, str(date))
    decisions = Decisions.load(decisions_path)
    staging = _Staging(store, Resolver(store, decisions), source, str(date), fmt.cross_record)
    problems: list[RecordProblem] = []
    skipped: list[str] = []
    units = fmt.units(path, problems, skipped)
    # disable=None: tqdm stays silent when stderr is not a terminal; delay: only for imports over a second
    disable = None if progress is None else not progress
    bar = tqdm(
        units, desc=f"Importing {path.name}", unit=" records", disable=disable, delay=PROGRESS_DELAY, leave=False
    )
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
    finally:
        bar.close()
    report.skipped = len(skipped)
    report.rejected += [Rejected(p.row or 0, p.column, p.message, {}) for p in problems]
    report.records += len(problems)
    if report.records == 0:
        raise FileRejected(f"{path}: no records found")
    new_ids = staging.apply(report)
    for decision in decisions.items:
        if decision.decision == "same" and store.has(decision.left) and store.has(decision.right):
            merge(store, decision.left, decision.right, f"decisions file {decisions_path}")
            report.merged += 1
    if review_path is not None:
        still_open = [
            c
            for c in read_review(review_path)
            if store.has(c.left) and store.has(c.right) and decisions.verdict(c.left, c.right) is None
        ]
        fresh = find_candidates(store, new_ids, decisions)
        known = {(c.left, c.right) for c in still_open}
        combined = still_open + [c for c in fresh if (c.left, c.right) not in known]
        report.candidates = len(fresh)
        if combined:
            write_review(review_path, sorted(combined, key=lambda c: (-c.score, c.left, c.right)))
            report.review_path = str(review_path)
    if report.rejected and rejects_path is not None:
        write_rejects(rejects_path, path, report.rejected)
        report.rejects_path = str(rejects_path)
    store.meta.setdefault("imports", []).append(report.log_entry())
    return report


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
