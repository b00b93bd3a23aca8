"""``push`` (workspace to Neo4j) and ``pull`` (Neo4j to a workspace).

A push reads what the database already holds and writes only what is new or
different, so a second push writes nothing, and a push interrupted half-way is
finished, without duplicates, by running it again (every write is a MERGE).
A push never deletes: a team database may hold entities other workspaces put
there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from dualtrace.graph.neo4j_store import Neo4jError, Neo4jStore
from dualtrace.graph.protocol import Store
from dualtrace.graph.store import EmbeddedStore


@dataclass
class PushReport:
    nodes_written: int = 0
    links_written: int = 0
    unchanged: int = 0
    batches: int = 0
    refused_schema: list[str] = field(default_factory=list)

    def summary(self, target: str) -> str:
        lines = [
            f"Pushed to {target}: {self.nodes_written} entities and {self.links_written} links written "
            f"in {self.batches} batch(es); {self.unchanged} already up to date."
        ]
        if self.refused_schema:
            lines.append(f"  The server refused {len(self.refused_schema)} constraint/index statement(s) (see README):")
            lines += [f"    {s}" for s in self.refused_schema[:4]]
        return "\n".join(lines)


def push(local: EmbeddedStore, remote: Neo4jStore, progress: Callable[[int], None] | None = None) -> PushReport:
    """Write the workspace's new and changed entities and links to ``remote``."""
    remote.verify()
    report = PushReport(refused_schema=remote.ensure_schema())
    remote_nodes = {node.id: node for node in remote.nodes()}
    remote_links = {link.key: link.props for link in remote.links()}
    nodes = []
    kinds = {}  # every local entity's kind: link ends need no lookup in the database
    for node in local.nodes():
        kinds[node.id] = node.kind
        there = remote_nodes.get(node.id)
        if there is not None and there.kind == node.kind and there.props == node.props:
            report.unchanged += 1
        else:
            nodes.append(node)
    links = []
    for link in local.links():
        if remote_links.get(link.key) == link.props:
            report.unchanged += 1
        else:
            links.append(link)
    report.batches = remote.add(nodes, links, validate=False, progress=progress, kinds=kinds)
    report.nodes_written, report.links_written = len(nodes), len(links)
    return report


def pull(remote: Neo4jStore, path: Path) -> EmbeddedStore:
    """Read every entity and link from ``remote`` into a new workspace at ``path``
    (checked against the schema first; the file is only written if all is valid)."""
    remote.verify()
    store = EmbeddedStore(path)
    nodes = list(remote.nodes())
    if not nodes:
        raise Neo4jError(f"The Neo4j database at {remote.connection.uri} holds no dualtrace entities")
    store.add(nodes, remote.links(), where=f"Neo4j at {remote.connection.uri}")
    store.save(path)
    return store


def _both_stores_fit_the_protocol(embedded: EmbeddedStore, remote: Neo4jStore) -> tuple[Store, Store]:
    """Never called: mypy checks here that both stores satisfy :class:`Store`."""
    return embedded, remote
