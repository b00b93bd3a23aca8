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
from dualtrace.graph.protocol import Store
from dualtrace.queries import indexes
from dualtrace.queries.catalogue import (
    Row,
    allowed,
    implements,
    order_by,
    prop,
)
from dualtrace.queries.indexes import index
from dualtrace.queries.walk import sourced_chains


def _link_row(store: Store, link: Link) -> Row:
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
def single_source_links(store: Store, rels: list[str], statuses: list[str], limit: int) -> list[Row]:
    wanted = set(rels)
    ordered = index(store, "single_source_links", indexes.single_source_links)
    keep = lambda link: link.rel in wanted and allowed(link, statuses)  # noqa: E731
    return [
        {**_link_row(store, link), "status": link.props.get("status"), "cited": link.props["sources"][0]}
        for link in _first(ordered, keep, limit)
    ]


@implements("unconfirmed_links")
def unconfirmed_links(store: Store, rels: list[str], limit: int) -> list[Row]:
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
def denied_claims(store: Store, limit: int) -> list[Row]:
    ordered = index(store, "denied_links", indexes.denied_links)
    return [
        {**_link_row(store, link), "note": link.props.get("note"), "sources": link.props.get("sources")}
        for link in _first(ordered, lambda link: True, limit)
    ]


@implements("most_connected_vendors")
def most_connected_vendors(store: Store, top: int, statuses: list[str]) -> list[Row]:
    ranked: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for (category, vendor), groups in index(store, "vendors_by_category", indexes.vendors_by_category).items():
        transfers, buyers, _ = indexes.union(groups, statuses)
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


@implements("shortest_sourced_path")
def shortest_sourced_path(store: Store, from_entity: str, to_entity: str, statuses: list[str], limit: int) -> list[Row]:
    rows = (
        {
            "path": nodes,
            "names": [prop(store, node, "name") for node in nodes],
            "rels": [link.rel for link in chain],
            "sources": [link.props.get("sources") for link in chain],
            "hops": len(chain),
        }
        for nodes, chain in sourced_chains(store, from_entity, to_entity, statuses)
    )
    return list(itertools.islice(rows, max(limit, 0)))
