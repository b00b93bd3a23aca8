"""The Neo4j store: the same nodes and links as the embedded store, in a shared
Neo4j database, through the official ``neo4j`` driver.

Why it looks like this:

- Labels and relationship types come from the schema file, never from data, so
  the only text ever put into a query is a schema name checked against
  ``IDENTIFIER``; every value travels as a parameter.
- Writes are ``UNWIND $rows AS row MERGE ...`` in batches, one managed
  transaction per batch (the driver retries transient errors), so a push is
  idempotent: running it again after an interruption finishes the job without
  duplicates.
- ``SET n = row.props`` replaces an entity's properties with the workspace's, so
  what is read back is exactly what was written.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from dualtrace.graph.errors import DualtraceError, RecordProblem, ValidationFailed
from dualtrace.graph.model import Link, Node
from dualtrace.graph.schema import Schema, load_schema

IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
DEFAULT_BATCH = 1000
LOW_DEGREE_KINDS = ("Transfer",)
LOOKUP_BATCH = 10_000  # ids per kind lookup query
ENV_URI, ENV_USER, ENV_PASSWORD, ENV_DATABASE = "NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE"


class Neo4jError(DualtraceError):
    """Neo4j could not be reached, refused us, or went away; the message says which."""


@dataclass(frozen=True)
class Connection:
    uri: str
    user: str
    password: str
    database: str | None = None

    @classmethod
    def from_env(
        cls, uri: str | None = None, user: str | None = None, password: str | None = None, database: str | None = None
    ) -> Connection:
        """Options win over NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD and NEO4J_DATABASE."""
        uri = uri or os.environ.get(ENV_URI)
        if not uri:
            raise Neo4jError(f"No Neo4j connection: give --uri or set {ENV_URI} (e.g. bolt://localhost:7687)")
        password = password if password is not None else os.environ.get(ENV_PASSWORD)
        if password is None:
            raise Neo4jError(f"No Neo4j password: set {ENV_PASSWORD} (never put it in a file in the repository)")
        return cls(uri, user or os.environ.get(ENV_USER, "neo4j"), password, database or os.environ.get(ENV_DATABASE))


def _name(text: str) -> str:
    """A schema name safe to place in query text, or an error (it never comes from data)."""
    if not IDENTIFIER.match(text):
        raise ValueError(f"not a plain identifier: {text!r}")
    return text


def _batches(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def schema_statements(schema: Schema) -> list[str]:
    """A uniqueness constraint on ``id`` and an index on ``name`` per node kind, from the schema file."""
    statements = []
    for kind in schema.nodes:
        label = _name(kind)
        statements.append(f"CREATE CONSTRAINT {label.lower()}_id IF NOT EXISTS FOR (n:{label}) REQUIRE n.id IS UNIQUE")
        statements.append(f"CREATE INDEX {label.lower()}_name IF NOT EXISTS FOR (n:{label}) ON (n.name)")
    return statements


def node_batches(nodes: Iterable[Node], size: int) -> list[tuple[str, list[dict[str, Any]]]]:
    """(query, rows) per batch: ``UNWIND $rows AS row MERGE (n:Kind {id: row.id}) SET n = row.props``."""
    by_kind: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for node in nodes:
        by_kind[node.kind].append({"id": node.id, "props": {**node.props, "id": node.id}})
    batches = []
    for kind, rows in by_kind.items():
        query = f"UNWIND $rows AS row MERGE (n:{_name(kind)} {{id: row.id}}) SET n = row.props"
        batches += [(query, batch) for batch in _batches(rows, size)]
    return batches


def link_batches(links: Iterable[Link], kinds: dict[str, str], size: int) -> list[tuple[str, list[dict[str, Any]]]]:
    """(query, rows) per batch, grouped by relationship and end kinds so both ends are
    found through the ``id`` constraint's index."""
    grouped: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for link in links:
        key = (link.rel, kinds[link.source], kinds[link.target])
        grouped[key].append({"source": link.source, "target": link.target, "props": dict(link.props)})
    batches = []
    for (rel, source_kind, target_kind), rows in grouped.items():
        # Same pattern either way round; written from the Transfer end when there is one,
        # because a vendor may have thousands of links and a deal only a few, and some
        # engines check a MERGE from the node it is written from.
        pattern = f"(b)<-[r:{_name(rel)}]-(a)" if target_kind in LOW_DEGREE_KINDS else f"(a)-[r:{_name(rel)}]->(b)"
        query = (
            f"UNWIND $rows AS row MATCH (a:{_name(source_kind)} {{id: row.source}}) "
            f"MATCH (b:{_name(target_kind)} {{id: row.target}}) "
            f"MERGE {pattern} SET r = row.props"
        )
        batches += [(query, batch) for batch in _batches(rows, size)]
    return batches


class Neo4jStore:
    """Nodes and links in Neo4j (or anything speaking Bolt and Neo4j's Cypher)."""

    def __init__(
        self,
        connection: Connection,
        schema: Schema | None = None,
        batch_size: int = DEFAULT_BATCH,
        retry_seconds: float = 30.0,
    ):
        """``retry_seconds``: how long the driver keeps retrying a batch that failed
        for a transient reason (a leader switch, a lost connection) before giving up."""
        import neo4j

        self.connection = connection
        self.schema = schema or load_schema()
        self.batch_size = batch_size
        self._neo4j = neo4j
        self._version = 0
        self.driver = neo4j.GraphDatabase.driver(
            connection.uri,
            auth=(connection.user, connection.password),
            max_transaction_retry_time=retry_seconds,
            connection_timeout=10.0,
        )

    def close(self) -> None:
        self.driver.close()

    def __enter__(self) -> Neo4jStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- plumbing ----------------------------------------------------------------

    def _translate(self, exc: Exception) -> Neo4jError:
        errors = self._neo4j.exceptions
        where = self.connection.uri
        if isinstance(exc, errors.AuthError):
            return Neo4jError(f"Neo4j at {where} refused the user {self.connection.user!r} and password")
        if isinstance(exc, errors.ServiceUnavailable):
            return Neo4jError(f"Cannot reach Neo4j at {where}: {exc}. Is it running (`docker compose up -d`)?")
        if isinstance(exc, errors.SessionExpired):
            return Neo4jError(f"The connection to Neo4j at {where} was lost: {exc}")
        return Neo4jError(f"Neo4j at {where} failed: {exc}")

    @property
    def version(self) -> int:
        """Moves on every write made through this store object (another client's writes
        to the same database are not seen here)."""
        return self._version

    def run(self, query: str, **params: Any) -> list[dict[str, Any]]:
        """Run one parameterised query in a managed transaction (retried on transient errors)."""
        self._version += 1
        return self._execute(query, params, read=False)

    def read(self, query: str, **params: Any) -> list[dict[str, Any]]:
        """Run a query in a read transaction: Neo4j refuses any write in it (saved and ad-hoc queries)."""
        return self._execute(query, params, read=True)

    def _execute(self, query: str, params: dict[str, Any], read: bool) -> list[dict[str, Any]]:
        routing = self._neo4j.RoutingControl.READ if read else self._neo4j.RoutingControl.WRITE
        try:
            records, _, _ = self.driver.execute_query(
                query, params, database_=self.connection.database, routing_=routing
            )
        except self._neo4j.exceptions.DriverError as exc:
            raise self._translate(exc) from exc
        except self._neo4j.exceptions.Neo4jError as exc:
            raise self._translate(exc) from exc
        return [dict(record) for record in records]

    def verify(self) -> None:
        """Fail early, with a clear message, on a wrong password or an unreachable host."""
        try:
            self.driver.verify_connectivity()
        except (self._neo4j.exceptions.DriverError, self._neo4j.exceptions.Neo4jError) as exc:
            raise self._translate(exc) from exc

    # -- schema ------------------------------------------------------------------

    def schema_statements(self) -> list[str]:
        return schema_statements(self.schema)

    def ensure_schema(self) -> list[str]:
        """Create the constraints and indexes; returns those the server refused (the
        Bolt stand-in lacks some Neo4j 5 syntax), so the caller can say so."""
        refused = []
        for statement in self.schema_statements():
            try:
                self.run(statement)
            except Neo4jError as exc:
                if "refused the user" in str(exc) or "Cannot reach" in str(exc):
                    raise
                refused.append(statement)
        return refused

    # -- writing -----------------------------------------------------------------

    def _kinds_for(self, nodes: list[Node], links: list[Link], known: dict[str, str], cited: bool) -> dict[str, str]:
        """The kind of every link end (and, with ``cited``, every cited source):
        from ``nodes`` and ``known`` first, the rest looked up in the database once."""
        kinds = {**known, **{n.id: n.kind for n in nodes}}
        referenced = {e for link in links for e in (link.source, link.target)}
        if cited:
            referenced.update(s for link in links for s in link.props.get("sources") or ())
        kinds.update(self.kinds_of(referenced - set(kinds)))
        return kinds

    def _validate(self, nodes: list[Node], links: list[Link], where: str, kinds: dict[str, str]) -> None:
        problems: list[RecordProblem] = []
        for index, node in enumerate(nodes, start=1):
            problems += [
                RecordProblem(where, index, p.field, f"{node.id}: {p.message}") for p in self.schema.validate_node(node)
            ]
        for index, link in enumerate(links, start=1):
            problems += [
                RecordProblem(where, index, p.field, f"{link.key}: {p.message}")
                for p in self.schema.validate_link(link, kinds)
            ]
        if problems:
            raise ValidationFailed(problems)

    def add(
        self,
        nodes: Iterable[Node] = (),
        links: Iterable[Link] = (),
        *,
        where: str = "input",
        validate: bool = True,
        progress: Callable[[int], None] | None = None,
        kinds: dict[str, str] | None = None,
    ) -> int:
        """MERGE ``nodes`` then ``links`` in batches; returns the number of batches written.
        ``kinds``: the kind of link ends the caller knows (a push knows all of them),
        so only the others are looked up in the database."""
        nodes, links = list(nodes), list(links)
        ends = self._kinds_for(nodes, links, kinds or {}, cited=validate)
        if validate:
            self._validate(nodes, links, where, ends)
        written = 0
        indexed: set[str] = set()
        for query, rows in self._node_batches(nodes):
            self.run(query, rows=rows)
            written += 1
            kind = query.split("MERGE (n:", 1)[1].split(" ", 1)[0]
            if kind not in indexed:
                # Some servers (the ArcadeDB stand-in) only index a label that exists:
                # repeat its constraint once its first batch is in. IF NOT EXISTS makes
                # this a no-op on Neo4j, where ensure_schema() already made it.
                self._ensure_kind(kind)
                indexed.add(kind)
            if progress:
                progress(len(rows))
        for query, rows in link_batches(links, ends, self.batch_size):
            self.run(query, rows=rows)
            written += 1
            if progress:
                progress(len(rows))
        return written

    def _ensure_kind(self, kind: str) -> None:
        for statement in schema_statements(self.schema):
            if f"(n:{kind})" in statement:
                # a refusal was reported by ensure_schema(); writes stay unique through MERGE on id
                with contextlib.suppress(Neo4jError):
                    self.run(statement)

    def _node_batches(self, nodes: list[Node]) -> list[tuple[str, list[dict[str, Any]]]]:
        return node_batches(nodes, self.batch_size)

    def add_one_by_one(self, links: Iterable[Link], kinds: dict[str, str]) -> int:
        """One statement and one transaction per link: only the benchmark's baseline
        uses this (``kinds``: the kind of every end, known beforehand like a push knows it)."""
        count = 0
        for link in links:
            query = (
                f"MATCH (a:{_name(kinds[link.source])} {{id: $source}}) "
                f"MATCH (b:{_name(kinds[link.target])} {{id: $target}}) "
                f"MERGE (a)-[r:{_name(link.rel)}]->(b) SET r = $props"
            )
            self.run(query, source=link.source, target=link.target, props=dict(link.props))
            count += 1
        return count

    def clear(self) -> None:
        """Delete every node and relationship (tests and `pull` round trips only)."""
        self.run("MATCH (n) DETACH DELETE n")

    # -- reading -----------------------------------------------------------------

    def kinds_of(self, ids: Iterable[str]) -> dict[str, str]:
        """The kind of each id found in the database.

        Why label by label: a match on ``{id: ...}`` without a label can use no
        index, so for each id the server reads every node (ArcadeDB does; Neo4j
        may too), which made pushing links to a large database quadratic. With a
        label each lookup goes through that kind's ``id`` constraint."""
        remaining = sorted(set(ids))
        found: dict[str, str] = {}
        for kind in self.schema.nodes:
            if not remaining:
                break
            query = f"UNWIND $ids AS id MATCH (n:{_name(kind)} {{id: id}}) RETURN n.id AS id"
            for batch in _batches(remaining, LOOKUP_BATCH):
                found.update((row["id"], kind) for row in self.read(query, ids=batch))
            remaining = [i for i in remaining if i not in found]
        return found

    def _kind(self, labels: list[str]) -> str:
        for label in labels:
            if label in self.schema.nodes:
                return label
        raise Neo4jError(f"A node in Neo4j has labels {labels}, none of them a dualtrace node kind")

    def nodes(self, kind: str | None = None) -> Iterator[Node]:
        query = f"MATCH (n:{_name(kind)}) " if kind else "MATCH (n) "
        for row in self.read(query + "RETURN labels(n) AS labels, properties(n) AS props"):
            props = {k: v for k, v in row["props"].items() if k != "id"}
            yield Node(row["props"]["id"], self._kind(row["labels"]), props)

    def links(self, rel: str | None = None) -> Iterator[Link]:
        pattern = f"[r:{_name(rel)}]" if rel else "[r]"
        query = (
            f"MATCH (a)-{pattern}->(b) RETURN a.id AS source, type(r) AS rel, b.id AS target, properties(r) AS props"
        )
        for row in self.read(query):
            yield Link(row["source"], row["rel"], row["target"], dict(row["props"]))

    def get(self, node_id: str) -> Node | None:
        kind = self.kind_of(node_id)
        if kind is None:
            return None
        rows = self.read(f"MATCH (n:{_name(kind)} {{id: $id}}) RETURN properties(n) AS props", id=node_id)
        props = {k: v for k, v in rows[0]["props"].items() if k != "id"}
        return Node(node_id, kind, props)

    def has(self, node_id: str) -> bool:
        return self.kind_of(node_id) is not None

    def kind_of(self, node_id: str) -> str | None:
        return self.kinds_of([node_id]).get(node_id)

    def name_of(self, node_id: str) -> str:
        node = self.get(node_id)
        return node.name if node else node_id

    def neighbours(
        self, node_id: str, rels: Iterable[str], direction: str, statuses: Iterable[str] | None = None
    ) -> Iterator[Link]:
        """Links of kinds ``rels`` at a node, of the given statuses (see graph/protocol.py)."""
        kind = self.kind_of(node_id)
        wanted = sorted(set(rels))
        if kind is None or not wanted:
            return
        allowed = None if statuses is None else sorted(set(statuses))
        status_rule = "" if allowed is None else " AND r.status IN $statuses"
        for arrow, ends in (("-[r]->(m)", ("$id", "m.id")), ("<-[r]-(m)", ("m.id", "$id"))):
            if (arrow.startswith("-[") and direction == "in") or (arrow.startswith("<") and direction == "out"):
                continue
            query = (
                f"MATCH (n:{_name(kind)} {{id: $id}}){arrow} WHERE type(r) IN $rels{status_rule} "
                f"RETURN {ends[0]} AS source, type(r) AS rel, {ends[1]} AS target, properties(r) AS props"
            )
            for row in self.read(query, id=node_id, rels=wanted, statuses=allowed):
                yield Link(row["source"], row["rel"], row["target"], dict(row["props"]))

    def out_links(self, node_id: str, rel: str | None = None) -> Iterator[Link]:
        return self.neighbours(node_id, [rel] if rel else self.schema.relationships, "out")

    def in_links(self, node_id: str, rel: str | None = None) -> Iterator[Link]:
        return self.neighbours(node_id, [rel] if rel else self.schema.relationships, "in")

    def link_props(self, key: tuple[str, str, str]) -> dict[str, Any] | None:
        source, rel, target = key
        for link in self.neighbours(source, [rel], "out"):
            if link.target == target:
                return dict(link.props)
        return None

    def counts(self) -> dict[str, int]:
        result: dict[str, int] = {}
        for node in self.nodes():
            result[node.kind] = result.get(node.kind, 0) + 1
        for link in self.links():
            result[link.rel] = result.get(link.rel, 0) + 1
        return result
