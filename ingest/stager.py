"""Stage an import's records in memory, then merge them into the store in one pass.

Staging never touches the store: an import that fails, or is refused, leaves the
workspace exactly as it was. Each record's entities are resolved
(:mod:`dualtrace.ingest.resolution`), its entities and links merged with what
earlier records of the file said, and its provenance (the version's Source, the
record's own citation, the record id) attached. :meth:`Staging.apply` then
writes the lot through the store.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from dualtrace.graph.model import Link, Node
from dualtrace.graph.names import plain_name
from dualtrace.graph.store import EmbeddedStore
from dualtrace.ingest.props import MAX_RECORDS, merge_props, merged_status
from dualtrace.ingest.report import MAX_LOGGED
from dualtrace.ingest.resolution import Resolver
from dualtrace.ingest.staging import Entity, Rejected, Relation, Unit

# Reference data: no per-import provenance on the node itself.
REFERENCE_KINDS = ("Country", "Source")
UNREFERENCED_KINDS = ("Country", "Source", "List", "Regime")  # never the record a reference names
CHANGE_FIELDS = ("status", "since", "until", "sources")  # what `dualtrace changes` reports of a link
STATUS_COLUMN = "provenance.status"  # where a status conflict is reported (the mapping's field)


def _link_text(key: tuple[str, str, str]) -> str:
    return f"{key[0]} {key[1]} {key[2]}"


ABSORBED_KEPT = 32  # props objects remembered per staged entity or link as merged without effect


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
    # props objects whose merge left ``props`` as it is (by id, with the object, so the id
    # stays its own): merging one again would change nothing. Emptied when ``props`` changes.
    absorbed: dict[int, Any] | None = None

    def cite(self, sources: tuple[str, ...], record: str, intern: Callable[[tuple[str, ...]], tuple[str, ...]]) -> None:
        current = self.sources
        if sources is not current:
            if not current:
                self.sources = sources
            elif len(current) != MAX_RECORDS:  # a full tuple (interned, like every tuple here) stays as it is
                extra = [s for s in sources if s not in current]
                if extra or len(current) > MAX_RECORDS:
                    self.sources = intern((current + tuple(extra))[:MAX_RECORDS])
        records = self.records
        if not records:
            self.records = record
        elif isinstance(records, str):
            if records != record:
                self.records = [records, record]
        elif len(records) < MAX_RECORDS and records[-1] != record:
            records.append(record)

    def merge(self, props: dict[str, Any], made_of: Any, **how: Any) -> None:
        """Merge ``props`` (made of the record's ``made_of``, which it may be) into the
        staged properties with :func:`merge_props`, which never changes either dict.
        When nothing changes, ``made_of`` is remembered, and not merged again while
        the staged properties stay the same object: the answer would be the same."""
        merged = merge_props(self.props, props, **how)
        if merged is not self.props:
            self.props = merged
            self.absorbed = None
            return
        if self.absorbed is None:
            self.absorbed = {}
        if len(self.absorbed) < ABSORBED_KEPT:
            self.absorbed[id(made_of)] = made_of

    def absorbs(self, made_of: Any) -> bool:
        """Whether merging what ``made_of`` says was found to change nothing (see :meth:`merge`)."""
        return self.absorbed is not None and id(made_of) in self.absorbed

    def full_props(self, file_date: str, with_provenance: bool, shared: dict[Any, list[str]]) -> dict[str, Any]:
        """The properties to store. Equal source lists are shared between links: a
        million links citing the same two sources hold one list; so are the lists of
        one record id, which a deal and its links hold (a million lists fewer)."""
        props = dict(self.props)  # staged props may be shared between links and rows
        if with_provenance:
            sources = shared.get(self.sources)
            if sources is None:
                sources = shared[self.sources] = list(self.sources)
            props["sources"] = sources
            records = self.records
            if isinstance(records, str):  # one record: its deal and the deal's links share one list
                found = shared.get(records)
                if found is None:
                    found = shared[records] = [records]
                records = found
            props["records"] = records
            props["first_seen"] = props["last_seen"] = file_date
        return props


@dataclass
class Applied:
    """What :meth:`Staging.apply` changed."""

    new_ids: list[str]
    # The first new links, as many as the import log names and one more (to know there
    # were more): keeping all four million keys of a large import was 290 MB of its peak.
    new_links: list[tuple[str, str, str]] = field(default_factory=list)
    changed_links: list[tuple[str, str, str, list[str]]] = field(default_factory=list)  # key and what changed
    renamed_ids: list[str] = field(default_factory=list)  # entities already there that gained a name or alias
    nodes_added: int = 0
    nodes_updated: int = 0
    links_added: int = 0
    links_updated: int = 0
    unchanged: int = 0


class Staging:
    """Entities and links of the import, merged among themselves, not yet in the store.

    ``dataset`` is the dataset's id (records read ``dataset#record``; entities and
    links it creates carry it as ``origin``); ``source`` the version's Source node,
    cited by everything the file states. ``owner`` says whether this file may
    overwrite values its dataset stated before (not when it is older than the
    newest version already imported). ``dropped_on``: the dates of the dataset's earlier
    versions; an ``until`` one of them set by dropping a record is lifted when this
    newer version holds the link again."""

    def __init__(
        self,
        store: EmbeddedStore,
        resolver: Resolver,
        dataset: str,
        source: Node,
        file_date: str,
        cross_record: bool,
        owner: bool = True,
        dropped_on: frozenset[str] = frozenset(),
    ):
        self.store = store
        self.schema = store.schema
        self.resolver = resolver
        self.dataset = dataset
        self.source = source
        self.file_date = file_date
        self.cross_record = cross_record
        self.owner = owner
        self.dropped_on = dropped_on  # dates of earlier versions of the dataset, which may have ended links
        self.nodes: dict[str, _Staged] = {source.id: _Staged("Source", dict(source.props))}
        self.links: dict[tuple[str, str, str], _Staged] = {}
        self.global_ids: dict[str, str] = {}
        self.resolved: dict[tuple[Any, ...], str] = {}
        self.kinds: dict[str, str] = {source.id: "Source"}
        self.interned: dict[tuple[str, ...], tuple[str, ...]] = {}
        self.own_source = self._intern((source.id,))  # what the file's own statements cite
        self.group_of = {kind: self.schema.group_of(kind) for kind in self.schema.nodes}
        self.kept: dict[str, frozenset[str]] = {}  # the properties a kind's staged entities keep
        self.valid_ends: set[tuple[str, str | None, str | None]] = set()
        self.digests: dict[str, str] = {}  # version key -> digest (record id, for formats without ids)
        self.by_match: dict[str, set[str]] = defaultdict(set)  # a record's match value -> its entities
        self.references: list[tuple[int, str, str, Any]] = []  # (row, source node, rel, reference)
        self.conflicts: list[tuple[int, str, str]] = []  # (row, column, why) for statuses not taken
        self.store_has_links = next(store.links(), None) is not None  # else no stored status to disagree with

    def kind_of(self, node_id: str) -> str | None:
        kind = self.kinds.get(node_id)
        if kind is None:
            kind = self.store.kind_of(node_id)
            if kind is not None:
                self.kinds[node_id] = kind
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
        record = f"{self.dataset}#{unit.record_id}"
        ids: dict[str, tuple[str, Entity]] = {}
        for citation in unit.citations:
            assert citation.id is not None
            ids[citation.key] = (citation.id, citation)
        cited = [c.id for c in unit.citations if c.id]
        sources = self._intern((self.source.id, *cited)) if cited else self.own_source
        for entity in unit.entities:
            if entity.id is not None and not entity.props.get("identifiers"):
                node_id = entity.id  # what _resolve answers, without the call: every deal has its id
            else:
                node_id = self._resolve(entity)
            kind = self.kinds.get(node_id) or self.kind_of(node_id) or entity.kind
            if kind != entity.kind and self.group_of.get(kind) != self.group_of.get(entity.kind):
                return Rejected(unit.row, "(record)", f"{entity.props.get('name')!r} is a {kind} ({node_id}) "
                                f"in the workspace, not a {entity.kind}", {}, unit.version_key)  # fmt: skip
            ids[entity.key] = (node_id, entity)
        links = self._links_of(unit, ids)
        if isinstance(links, Rejected):
            return links
        for node_id, entity in ids.values():
            self._stage_node(node_id, entity, sources, record)
            if self.cross_record:
                self.global_ids[entity.key] = node_id
        for key, props in links:
            self._stage_link(key, props, sources, record, unit.row)
        if unit.version_key is not None:
            self.digests[unit.version_key] = unit.record_id if unit.version_key.startswith("content:") else unit.digest
        if unit.match:
            named = {i for i, e in ids.values() if e.kind not in UNREFERENCED_KINDS}
            self.by_match[plain_name(unit.match)].update(named)
        for reference in unit.references:
            source_id = ids[reference.source][0]
            self.references.append((unit.row, source_id, record, reference))
        return None

    def _links_of(
        self, unit: Unit, ids: dict[str, tuple[str, Entity]]
    ) -> list[tuple[tuple[str, str, str], dict[str, Any]]] | Rejected:
        """The record's relations as link keys and properties, or why one cannot be made."""
        links = []
        new_kinds: dict[str, str] | None = None  # kinds of the record's entities new to the import
        for relation in unit.relations:
            source, target = ids.get(relation.source), ids.get(relation.target)
            if source is not None and target is not None:
                ends = (source[0], target[0])
            else:
                found = self._ends(relation, ids)
                if isinstance(found, str):
                    return Rejected(unit.row, "(reference)", found, {}, unit.version_key)
                ends = found
            # the kinds _check_ends finds (a new entity's is its record's: it is staged after
            # its links are checked), so that a known good triple skips the check
            kinds = self.kinds
            source_kind, target_kind = kinds.get(ends[0]), kinds.get(ends[1])
            if source_kind is None or target_kind is None:
                if new_kinds is None:
                    new_kinds = self._new_kinds(ids)
                if source_kind is None:
                    source_kind = self.kind_of(ends[0]) or new_kinds.get(ends[0])
                if target_kind is None:
                    target_kind = self.kind_of(ends[1]) or new_kinds.get(ends[1])
            if (relation.rel, source_kind, target_kind) not in self.valid_ends:  # else known good
                if new_kinds is None:
                    new_kinds = self._new_kinds(ids)
                problem = self._check_ends(relation.rel, ends, new_kinds)
                if problem:
                    return Rejected(unit.row, "(record)", problem, {}, unit.version_key)
            links.append(((ends[0], relation.rel, ends[1]), relation.props))
        return links

    @staticmethod
    def _new_kinds(ids: dict[str, tuple[str, Entity]]) -> dict[str, str]:
        """The kinds a record gives the node ids it holds: the first entity holding an id gives its kind."""
        new_kinds: dict[str, str] = {}
        for node_id, entity in ids.values():
            new_kinds.setdefault(node_id, entity.kind)
        return new_kinds

    def resolve_references(self) -> list[tuple[int, str, str]]:
        """Stage the links records make to other records of the file by name; returns
        (row, column, warning) for each reference that names no record, or several."""
        warnings = []
        for row, source_id, record, reference in self.references:
            rel = self.schema.relationships[reference.rel]
            targets = {t for t in self.by_match.get(plain_name(reference.value), ()) if self.kind_of(t) in rel.to_kinds}
            targets.discard(source_id)
            if len(targets) != 1:
                found = "no record" if not targets else f"{len(targets)} records"
                warnings.append((row, f"links.{reference.rel}", f"{reference.value!r} names {found} in this file; "
                                 f"the {reference.rel} link was dropped"))  # fmt: skip
                continue
            self._stage_link((source_id, reference.rel, targets.pop()), reference.props, self.own_source, record, row)
        return warnings

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

    def _check_ends(self, rel_name: str, ends: tuple[str, str], new_kinds: dict[str, str]) -> str | None:
        """Why a link of ``rel_name`` cannot join ``ends``, or None; ``new_kinds``: the kinds
        the record gives its entities, for those neither the import nor the store knows."""
        kinds = [self.kind_of(node_id) or new_kinds.get(node_id) for node_id in ends]
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
        self, key: tuple[str, str, str], props: dict[str, Any], sources: tuple[str, ...], record: str, row: int
    ) -> None:
        own_sources = props.get("sources")
        if own_sources:
            props = {k: v for k, v in props.items() if k != "sources"}
        staged = self.links.get(key)
        if staged is None:
            staged = self.links[key] = _Staged(key[1], props)
            self._check_status(key, None, staged, row)
        elif staged.props is not props and not staged.absorbs(props) and staged.props != props:
            held = staged.props.get("status")
            conflicts: list[str] = []
            staged.merge(props, props, owned=False, conflicts=conflicts)
            for why in conflicts:
                self.conflicts.append((row, STATUS_COLUMN, f"{_link_text(key)}: {why} (in an earlier row)"))
            self._check_status(key, held, staged, row)
        staged.cite(self._intern((*own_sources, *sources)) if own_sources else sources, record, self._intern)

    def _check_status(self, key: tuple[str, str, str], held: str | None, staged: _Staged, row: int) -> None:
        """Record, with its row, a status this record states that the link the store
        holds will not take (see :func:`merged_status`); only when the staged status is
        new or changed, so a link stated by a million rows is looked up once."""
        status = staged.props.get("status")
        if status is None or status == held or not self.store_has_links:
            return
        old = self.store.link_props(key)
        if not old or not old.get("status"):
            return
        owned = self.owner and old.get("origin") == self.dataset
        _, why = merged_status(old["status"], status, owned=owned)
        if why:
            self.conflicts.append((row, STATUS_COLUMN, f"{_link_text(key)}: {why} (in the workspace)"))

    def _stage_node(self, node_id: str, entity: Entity, sources: tuple[str, ...], record: str) -> None:
        staged = self.nodes.get(node_id)
        if staged is None:
            kind = self.kind_of(node_id) or entity.kind
            props = self._own_props(kind, entity.props)
            staged = self.nodes[node_id] = _Staged(kind, props, seen=entity.props)
            self.kinds[node_id] = kind
            if kind not in REFERENCE_KINDS:
                self.resolver.index(node_id, kind, props, staged=True)
        elif staged.seen is not entity.props and not staged.absorbs(entity.props):
            props = self._own_props(staged.kind, entity.props)
            has_aliases = "aliases" in self.schema.node_properties(staged.kind)
            staged.merge(props, entity.props, owned=False, has_aliases=has_aliases)
            staged.seen = entity.props
            if props.get("identifiers"):
                self.resolver.index(node_id, staged.kind, props, staged=True)
        if staged.kind not in REFERENCE_KINDS:
            own = entity.props.get("sources")
            if own:
                staged.cite(self._intern((*own, *sources)), record, self._intern)
            else:
                staged.cite(sources if entity.kind != "Source" else self.own_source, record, self._intern)

    def _own_props(self, kind: str, props: dict[str, Any]) -> dict[str, Any]:
        """``props`` without what a ``kind`` cannot hold and without provenance (staged
        apart); ``props`` itself when nothing goes, which is safe: staged properties
        are never changed in place (merges make new dicts, :meth:`_Staged.full_props` copies)."""
        kept = self.kept.get(kind)
        if kept is None:
            kept = self.kept[kind] = frozenset(self.schema.node_properties(kind)) - {"sources", "records"}
        if props.keys() <= kept:
            return props
        return {k: v for k, v in props.items() if k in kept}

    def apply(self) -> Applied:
        """Merge the staged records into the store: one validated write, in bulk. Staging
        ends here: what only it reads (the resolver's indexes, the kinds and ids found,
        the staged copies) is let go first, so that it is not held while the store grows.
        ``digests`` stays, for the versions log."""
        del self.resolver
        self.resolved, self.kinds, self.global_ids, self.by_match, self.references = {}, {}, {}, defaultdict(set), []
        applied = Applied([])
        # lists stored once for all who hold them: by a tuple of source ids, or by one record id
        # (a str, never equal to a tuple); stored lists are never changed in place (props.py)
        shared: dict[Any, list[str]] = {}
        nodes = self._merged_nodes(applied, shared)
        links = self._merged_links(applied, shared)
        del shared  # not held while the store grows
        self.store.add(nodes, links, where=f"import of {self.dataset}", adopt=True)
        return applied

    def _merged_nodes(self, applied: Applied, shared: dict[Any, list[str]]) -> list[Node]:
        """The staged entities that are new or change, with their properties merged
        into the store's, in staging order."""
        store = self.store
        nodes: list[Node] = []
        staged_nodes, self.nodes = self.nodes, {}  # the table goes with the method, not only its entries
        for node_id in list(staged_nodes):  # in staging order, freeing each staged copy as it goes
            staged = staged_nodes.pop(node_id)
            kind = staged.kind
            props = staged.full_props(self.file_date, kind not in REFERENCE_KINDS, shared)
            old = store.get(node_id)
            if old is None:
                props["origin"] = self.dataset
                nodes.append(Node(node_id, kind, props))
                applied.nodes_added += 1
                applied.new_ids.append(node_id)
                continue
            owned = self.owner and (node_id == self.source.id or old.props.get("origin") == self.dataset)
            has_aliases = "aliases" in self.schema.node_properties(kind)
            merged = merge_props(old.props, props, owned=owned, has_aliases=has_aliases)
            if merged is old.props or merged == old.props:
                applied.unchanged += 1
            else:
                nodes.append(Node(node_id, old.kind, merged))
                applied.nodes_updated += 1
                if merged.get("name") != old.props.get("name") or merged.get("aliases") != old.props.get("aliases"):
                    applied.renamed_ids.append(node_id)
        return nodes

    def _merged_links(self, applied: Applied, shared: dict[Any, list[str]]) -> list[Link]:
        """The staged links that are new or change, in staging order. New links that one
        record alone states, with the same provenance, share one properties dict (a
        deal's four links hold one, not four): see :class:`_SharedProvenance`."""
        store = self.store
        one_record = _SharedProvenance()
        links: list[Link] = []
        staged_links, self.links = self.links, {}  # the table goes with the method, not only its entries
        for key in list(staged_links):  # in staging order, freeing each staged copy as it goes
            staged = staged_links.pop(key)
            old_props = store.link_props(key)
            if old_props is None:
                props = one_record.get(staged)
                if props is None:
                    props = staged.full_props(self.file_date, True, shared)
                    props["origin"] = self.dataset
                    one_record.put(staged, props)
                links.append(Link(key[0], key[1], key[2], props))
                applied.links_added += 1
                if len(applied.new_links) <= MAX_LOGGED:
                    applied.new_links.append(key)
                continue
            props = staged.full_props(self.file_date, True, shared)
            merged = merge_props(old_props, props, owned=self.owner and old_props.get("origin") == self.dataset)
            if self.owner and "until" in merged and "until" not in props and merged["until"] in self.dropped_on:
                # an earlier version ended it by dropping its record; this newer one holds it again
                merged = {k: v for k, v in merged.items() if k != "until"}
            if merged is old_props or merged == old_props:
                applied.unchanged += 1
            else:
                links.append(Link(key[0], key[1], key[2], merged))
                applied.links_updated += 1
                fields = [f for f in CHANGE_FIELDS if merged.get(f) != old_props.get(f)]
                if fields:
                    applied.changed_links.append((*key, fields))
        return links


class _SharedProvenance:
    """The properties dict of new links that one record alone states, for reuse by the
    record's other new links with the same staged properties and sources: equal
    inputs make equal dicts (:meth:`_Staged.full_props`), so one serves them all.

    Why: most links of a large file are a deal's own (supplier, goods, end user),
    each with the very same provenance; one dict per link was most of an import's
    memory. Only the links of the record at hand are kept (a record's links are
    staged one after another), so this holds a handful of dicts, not one per record.
    The staged properties object is kept too: its ``id()`` is part of the key, and
    must not be reused by another object while the key is held."""

    def __init__(self) -> None:
        self.record = ""
        self.found: dict[tuple[int, tuple[str, ...]], tuple[dict[str, Any], dict[str, Any]]] = {}

    def get(self, staged: _Staged) -> dict[str, Any] | None:
        if not isinstance(staged.records, str) or staged.records != self.record:
            return None
        found = self.found.get((id(staged.props), staged.sources))
        return None if found is None else found[1]

    def put(self, staged: _Staged, props: dict[str, Any]) -> None:
        if not isinstance(staged.records, str):
            return
        if staged.records != self.record:
            self.record = staged.records
            self.found.clear()
        self.found[id(staged.props), staged.sources] = (staged.props, props)
