"""Embedded twins of the saved queries about evidence and the network's shape:
what rests on one source, what is only reported, what is denied, the shortest
sourced chains between two entities, and the best-connected vendors.

Each function mirrors the ``.cypher`` file of the same name in ``queries/saved``.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Iterator

from dualtrace.graph.model import Link
from dualtrace.graph.store import EmbeddedStore
from dualtrace.queries import indexes
from dualtrace.queries.catalogue import (
    CONNECTION_RELS,
    Row,
    allowed,
    implements,
    links_of,
    order_by,
    other_end,
    prop,
)
from dualtrace.queries.indexes import index


def _link_row(store: EmbeddedStore, link: Link) -> Row:
    """The columns every link query starts with."""
    return {
        "rel": link.rel,
        "from_id": link.source,
        "from_name": prop(store, link.source, "name"),
        "to_id": link.target,
        "to_name": prop(store, link.target, "name"),
    }


def _first(ordered: list[Link], keep: Callable[[Link], bool], limit: int) -> Iterator[Link]:
    """The first ``limit`` links of an index (already in the query's order) that ``keep`` accepts."""
    return itertools.islice((link for link in ordered if keep(link)), max(limit, 0))


@implements("single_source_links")
def single_source_links(store: EmbeddedStore, rels: list[str], statuses: list[str], limit: int) -> list[Row]:
    wanted = set(rels)
    ordered = index(store, "single_source_links", indexes.single_source_links)
    keep = lambda link: link.rel in wanted and allowed(link, statuses)  # noqa: E731
    return [
        {**_link_row(store, link), "status": link.props.get("status"), "cited": link.props["sources"][0]}
        for link in _first(ordered, keep, limit)
    ]


@implements("unconfirmed_links")
def unconfirmed_links(store: EmbeddedStore, rels: list[str], limit: int) -> list[Row]:
    wanted = set(rels)
    ordered = index(store, "reported_links", indexes.reported_links)
    return [
        {
            **_link_row(store, link),
            "source_count": None if link.props.get("sources") is None else len(link.props["sources"]),
            "sources": link.props.get("sources"),
            "note": link.props.get("note"),
        }
        for link in _first(ordered, lambda link: link.rel in wanted, limit)
    ]


@implements("denied_claims")
def denied_claims(store: EmbeddedStore, limit: int) -> list[Row]:
    ordered = index(store, "denied_links", indexes.denied_links)
    return [
        {**_link_row(store, link), "note": link.props.get("note"), "sources": link.props.get("sources")}
        for link in _first(ordered, lambda link: True, limit)
    ]


@implements("most_connected_vendors")
def most_connected_vendors(store: EmbeddedStore, top: int, statuses: list[str]) -> list[Row]:
    ranked: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for (category, vendor), groups in index(store, "vendors_by_category", indexes.vendors_by_category).items():
        transfers, buyers = indexes.union(groups, statuses)
        if transfers:
            ranked[category].append((-len(buyers), -len(transfers), vendor))
    rows = []
    for category, entries in ranked.items():
        for rank, (minus_users, minus_deals, vendor) in enumerate(sorted(entries)[: max(top, 0)], start=1):
            rows.append(
                {
                    "category": category,
                    "rank": rank,
                    "vendor": vendor,
                    "vendor_name": prop(store, vendor, "name"),
                    "end_users": -minus_users,
                    "transfers": -minus_deals,
                }
            )
    return order_by(rows, "category", "rank")


def _expand(
    store: EmbeddedStore, frontier: list[str], seen: dict[str, list[str]], statuses: list[str]
) -> dict[str, list[str]]:
    """One breadth-first layer: each newly reached node with the frontier nodes it was reached from."""
    layer: dict[str, list[str]] = {}
    for node in frontier:
        for link in links_of(store, node, CONNECTION_RELS, "both"):
            nxt = other_end(link, node)
            if nxt in seen or not allowed(link, statuses):
                continue
            if node not in layer.setdefault(nxt, []):
                layer[nxt].append(node)
    return layer


def _shortest_node_paths(
    store: EmbeddedStore, start: str, end: str, statuses: list[str], max_hops: int
) -> Iterator[list[str]]:
    """Every shortest node sequence from ``start`` to ``end`` over allowed connection
    links in either direction, in ascending order of the list of ids (Cypher's
    ``ORDER BY path``), produced one at a time: between two hubs there can be
    millions, and a caller with a LIMIT takes only the first few.

    The search grows from both ends, a layer at a time from the smaller frontier,
    until the two meet: it visits far less of a large graph than a search from one end."""
    if start not in store.graph or end not in store.graph or start == end:
        return
    # toward[side][node]: the nodes one step nearer that side's end, on shortest routes
    toward: tuple[dict[str, list[str]], dict[str, list[str]]] = ({start: []}, {end: []})
    frontiers = ([start], [end])
    depth = [0, 0]
    meeting: list[str] = []
    while not meeting:
        if depth[0] + depth[1] >= max_hops or not frontiers[0] or not frontiers[1]:
            return
        side = 0 if len(frontiers[0]) <= len(frontiers[1]) else 1
        layer = _expand(store, frontiers[side], toward[side], statuses)
        toward[side].update(layer)
        depth[side] += 1
        frontiers = (list(layer), frontiers[1]) if side == 0 else (frontiers[0], list(layer))
        meeting = [node for node in layer if node in frontiers[1 - side]]
    successors: dict[str, set[str]] = defaultdict(set)
    stack, seen = list(meeting), set(meeting)
    while stack:  # the start side, linked forwards, only where it leads to a meeting node
        node = stack.pop()
        for previous in toward[0][node]:
            successors[previous].add(node)
            if previous not in seen:
                seen.add(previous)
                stack.append(previous)
    stack, seen = list(meeting), set(meeting)
    while stack:  # the end side already points forwards
        node = stack.pop()
        for nxt in toward[1][node]:
            successors[node].add(nxt)
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)

    def forward(node: str) -> Iterator[list[str]]:
        if node == end:
            yield [end]
            return
        for nxt in sorted(successors[node]):
            for rest in forward(nxt):
                yield [node, *rest]

    yield from forward(start)


def _chains(store: EmbeddedStore, nodes: list[str], statuses: list[str]) -> Iterator[tuple[Link, ...]]:
    """The chains of links along a node sequence, in ascending order of their types:
    two entities joined by links of two kinds make two chains, as in Cypher."""
    hops = [
        sorted(
            (
                link
                for link in links_of(store, a, CONNECTION_RELS, "both")
                if other_end(link, a) == b and allowed(link, statuses)
            ),
            key=lambda link: link.rel,
        )
        for a, b in itertools.pairwise(nodes)
    ]
    return itertools.product(*hops)


@implements("shortest_sourced_path")
def shortest_sourced_path(
    store: EmbeddedStore, from_entity: str, to_entity: str, statuses: list[str], limit: int
) -> list[Row]:
    rows = (
        {
            "path": nodes,
            "names": [prop(store, node, "name") for node in nodes],
            "rels": [link.rel for link in chain],
            "sources": [link.props.get("sources") for link in chain],
            "hops": len(chain),
        }
        for nodes in _shortest_node_paths(store, from_entity, to_entity, statuses, 12)
        for chain in _chains(store, nodes, statuses)
    )
    return list(itertools.islice(rows, max(limit, 0)))
