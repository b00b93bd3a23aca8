"""The store contract: what queries, importers and renderers may ask of a store.

Two stores satisfy it: :class:`~dualtrace.graph.store.EmbeddedStore` (networkx,
one workspace file) and :class:`~dualtrace.graph.neo4j_store.Neo4jStore` (a
Neo4j database). Code outside ``graph/`` is typed on :class:`Store`, never on a
backend, so a question asked of one store is asked the same way of the other;
one contract suite (tests/test_store_contract.py) runs on both, and mypy checks
that both classes fit this protocol (see the assignments at the bottom of each
store module's tests and :func:`check`).

Reading is by node, by kind, by link kind and by neighbourhood; writing goes
through one method, :meth:`Store.add`, which validates against the schema and
adds all of its input or nothing. ``version`` changes on every write, so a cache
built over a store (the saved queries' indexes) knows when it is stale.

One optional capability: a store that holds its graph in memory may offer
``adjacency(direction)``, the links by node, then by the node at the other end,
then by relationship kind, as a mapping of properties (``out``: by source;
``in``: by target). The walks in queries/walk.py read it when a store has it,
which saves making a :class:`Link` for every link they look at, and give the same
answer without it (tests/test_pages.py checks both ways). Likewise
``node_table()``: every node's ``{"kind": ..., "props": ...}`` by id, which the
saved queries' indexes read instead of making a :class:`Node` per node
(tests/test_query_indexes.py checks both ways).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Protocol

from dualtrace.graph.model import Link, Node
from dualtrace.graph.schema import Schema


class Store(Protocol):
    """A graph of the schema's nodes and links (see module docstring)."""

    schema: Schema

    @property
    def version(self) -> int:
        """A number that changes on every write made through this store."""
        ...

    def has(self, node_id: str) -> bool: ...

    def get(self, node_id: str) -> Node | None: ...

    def kind_of(self, node_id: str) -> str | None: ...

    def name_of(self, node_id: str) -> str:
        """A node's human label (:attr:`Node.name`), or the id itself if it is absent."""
        ...

    def nodes(self, kind: str | None = None) -> Iterator[Node]: ...

    def links(self, rel: str | None = None) -> Iterator[Link]: ...

    def out_links(self, node_id: str, rel: str | None = None) -> Iterator[Link]: ...

    def in_links(self, node_id: str, rel: str | None = None) -> Iterator[Link]: ...

    def neighbours(
        self, node_id: str, rels: Iterable[str], direction: str, statuses: Iterable[str] | None = None
    ) -> Iterator[Link]:
        """The links of kinds ``rels`` leaving (``out``), entering (``in``) or touching
        (``both``) a node, whose status is one of ``statuses`` (all, when None; a link
        without a status never matches a list)."""
        ...

    def link_props(self, key: tuple[str, str, str]) -> dict[str, Any] | None:
        """The properties of the link ``(source, rel, target)``, or None if there is none."""
        ...

    def counts(self) -> dict[str, int]:
        """Number of nodes per kind and links per relationship."""
        ...

    def add(
        self, nodes: Iterable[Node] = (), links: Iterable[Link] = (), *, where: str = "input", validate: bool = True
    ) -> int | None:
        """Add or update nodes, then links, as one unit; with ``validate`` every record is
        checked against the schema first and :class:`~dualtrace.graph.errors.ValidationFailed`
        lists every problem, nothing added. (Neo4j returns the batches it wrote.)"""
        ...


def status_allowed(props: dict[str, Any], statuses: frozenset[str] | None) -> bool:
    """The one rule for a link's status, in every store and every query: ``r.status IN
    $statuses``, so a link without a status never matches a list of statuses."""
    if statuses is None:
        return True
    status = props.get("status")
    return status is not None and status in statuses
