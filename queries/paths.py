"""``shortest_path``: the shortest chain of sourced links between two entities,
whatever the direction of each link, and ``neighbourhood``: an entity and
everything one link away. Both feed maps and exports of "how are these two
connected?" and "everything about this vendor" questions.
"""

from __future__ import annotations

import networkx as nx

from dualtrace.graph.errors import DualtraceError
from dualtrace.graph.store import EmbeddedStore
from dualtrace.queries.resolve import resolve
from dualtrace.queries.trace import DEFAULT_STATUSES

ENTITY_KINDS = ("Organization", "GovernmentBuyer", "Person", "Product", "Transfer", "Country", "List", "Regime")


def _view(store: EmbeddedStore, statuses: tuple[str, ...]) -> nx.Graph:
    """An undirected view holding only links of the given statuses, without Sources."""
    graph = nx.Graph()
    for link in store.links():
        if link.props.get("status") in statuses:
            graph.add_edge(link.source, link.target)
    return graph


def shortest_path(
    store: EmbeddedStore, start: str, end: str, statuses: tuple[str, ...] = DEFAULT_STATUSES
) -> list[str]:
    """Entity ids along the shortest path between ``start`` and ``end`` (names or ids)."""
    a = resolve(store, start, ENTITY_KINDS, "entity")
    b = resolve(store, end, ENTITY_KINDS, "entity")
    graph = _view(store, statuses)
    try:
        return list(nx.shortest_path(graph, a, b))
    except (nx.NetworkXNoPath, nx.NodeNotFound):
        raise DualtraceError(
            f"No chain of {'/'.join(statuses)} links connects {store.name_of(a)} and {store.name_of(b)}."
        ) from None


def neighbourhood(store: EmbeddedStore, name: str, statuses: tuple[str, ...] = DEFAULT_STATUSES) -> set[str]:
    """An entity (name or id) and every entity one link away from it."""
    center = resolve(store, name, ENTITY_KINDS, "entity")
    ids = {center}
    for link in [*store.out_links(center), *store.in_links(center)]:
        if link.props.get("status") in statuses:
            ids.update((link.source, link.target))
    return ids
