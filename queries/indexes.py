"""Indexes for the saved queries that would otherwise read every link of the
embedded store on every call: links sorted in each query's ``ORDER BY``, and
deals pre-grouped for the two aggregations.

Why: in pure Python a bare pass over a million links takes about half a
second (benchmarks/README.md), so a query that reads them all cannot answer in
200 ms. Each index is built the first time a query needs it (one pass and a
sort, about what the query cost before) and kept until the store changes:
``EmbeddedStore.version`` moves on every change, and an index built for an
older version, or for another graph object, is rebuilt.

What each index holds is everything, whatever the statuses: the queries filter
by status as they read, so one index serves every parameter value.
"""

from __future__ import annotations

import weakref
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from dualtrace.graph.model import Link
from dualtrace.graph.store import EmbeddedStore
from dualtrace.queries.catalogue import deal_date

Groups = dict[tuple[Any, ...], tuple[set[str], set[str]]]

_CACHE: weakref.WeakKeyDictionary[EmbeddedStore, _Indexes] = weakref.WeakKeyDictionary()


class _Indexes:
    def __init__(self, store: EmbeddedStore):
        self.graph = store.graph  # held, so a replaced graph is never mistaken for this one
        self.version = store.version
        self.parts: dict[str, Any] = {}


def index(store: EmbeddedStore, name: str, build: Callable[[EmbeddedStore], Any]) -> Any:
    """The index ``name`` of ``store``, built by ``build(store)`` if absent or stale."""
    cached = _CACHE.get(store)
    if cached is None or cached.graph is not store.graph or cached.version != store.version:
        cached = _CACHE[store] = _Indexes(store)
    if name not in cached.parts:
        cached.parts[name] = build(store)
    return cached.parts[name]


def _null_last(value: Any) -> tuple[bool, Any]:
    return (value is None, "" if value is None else value)


def _links_where(store: EmbeddedStore, keep: Callable[[str, dict[str, Any]], bool]) -> list[Link]:
    """The links whose type and properties ``keep`` accepts (a Link object is made
    only for those: making one for each of a million links costs seconds)."""
    return [
        Link(source, rel, target, data["props"])
        for source, target, rel, data in store.graph.edges(keys=True, data=True)
        if keep(rel, data["props"])
    ]


def single_source_links(store: EmbeddedStore) -> list[Link]:
    """Links with exactly one source, by (type, from, to)."""
    found = _links_where(store, lambda rel, props: len(props.get("sources") or ()) == 1)
    return sorted(found, key=lambda link: (link.rel, link.source, link.target))


def reported_links(store: EmbeddedStore) -> list[Link]:
    """Links whose status is reported, by (number of sources, type, from, to)."""

    def count(link: Link) -> int | None:
        sources = link.props.get("sources")
        return None if sources is None else len(sources)

    found = _links_where(store, lambda rel, props: props.get("status") == "reported")
    return sorted(found, key=lambda link: (_null_last(count(link)), link.rel, link.source, link.target))


def denied_links(store: EmbeddedStore) -> list[Link]:
    """Links whose status is denied, by (from, type, to)."""
    found = _links_where(store, lambda rel, props: props.get("status") == "denied")
    return sorted(found, key=lambda link: (link.source, link.rel, link.target))


def deliveries_by_date(store: EmbeddedStore) -> dict[Any, tuple[list[str], list[tuple[str, Link]]]]:
    """Dated deliveries of a Transfer to a GovernmentBuyer by (date, transfer, end
    user), with the dates alone for bisection: all of them under ``None``, and
    each end-user country's under its code, so a country filter reads only its own."""
    kind = _kinds(store)
    found = []
    for link in _links_where(store, lambda rel, props: rel == "DELIVERED_TO"):
        if kind[link.source] != "Transfer" or kind[link.target] != "GovernmentBuyer":
            continue
        date = deal_date(store, link, link.source)
        if date is not None:
            found.append((date, link))
    found.sort(key=lambda pair: (pair[0], pair[1].source, pair[1].target))
    by_country: dict[Any, list[tuple[str, Link]]] = defaultdict(list)
    for pair in found:
        by_country[store.graph.nodes[pair[1].target]["props"].get("country")].append(pair)
    by_country[None] = found  # after the loop: a buyer without a country is only in the whole list
    return {country: ([date for date, _ in pairs], pairs) for country, pairs in by_country.items()}


def supply_key(link: Link) -> tuple[str, str, str]:
    """The order of :func:`supplies_by_vendor`'s lists: (vendor, transfer, type)."""
    return (link.source, link.target, link.rel)


def supplies_by_vendor(store: EmbeddedStore) -> dict[Any, list[Link]]:
    """SUPPLIER_OF and INTERMEDIARY_OF links from an Organization to a Transfer,
    one list per vendor country, each in :func:`supply_key` order."""
    graph = store.graph
    kind = _kinds(store)
    by_country: dict[Any, list[Link]] = defaultdict(list)
    for link in _links_where(store, lambda rel, props: rel in ("SUPPLIER_OF", "INTERMEDIARY_OF")):
        if kind[link.source] == "Organization" and kind[link.target] == "Transfer":
            by_country[graph.nodes[link.source]["props"].get("country")].append(link)
    for links in by_country.values():
        links.sort(key=supply_key)
    return dict(by_country)


def _kinds(store: EmbeddedStore) -> dict[str, str]:
    return {node: data["kind"] for node, data in store.graph.nodes(data=True)}


def _count(groups: Groups, statuses: tuple[Any, ...], transfer: str, buyer: str) -> None:
    """Count ``transfer`` and ``buyer`` under the statuses of the links that joined them."""
    transfers, buyers = groups.setdefault(statuses, (set(), set()))
    transfers.add(transfer)
    buyers.add(buyer)


def _deliveries(store: EmbeddedStore, transfer: str, kind: dict[str, str]) -> list[tuple[str, Any]]:
    return [
        (buyer, data["props"].get("status"))
        for buyer, keyed in store.graph.succ[transfer].items()
        for rel, data in keyed.items()
        if rel == "DELIVERED_TO" and kind[buyer] == "GovernmentBuyer"
    ]


def items_by_country(store: EmbeddedStore) -> dict[tuple[Any, Any], Groups]:
    """(end-user country, category) -> (item status, delivery status) -> (transfers, end users)."""
    graph = store.graph
    kind = _kinds(store)
    groups: dict[tuple[Any, Any], Groups] = defaultdict(dict)
    for product, data in graph.nodes(data=True):
        if data["kind"] != "Product":
            continue
        category = data["props"].get("category")
        for transfer, keyed in graph.succ[product].items():
            item = keyed.get("ITEM_OF")
            if item is None or kind[transfer] != "Transfer":
                continue
            for buyer, delivered in _deliveries(store, transfer, kind):
                country = graph.nodes[buyer]["props"].get("country")
                _count(groups[(country, category)], (item["props"].get("status"), delivered), transfer, buyer)
    return dict(groups)


def vendors_by_category(store: EmbeddedStore) -> dict[tuple[Any, str], Groups]:
    """(category, vendor) -> (supply, item, delivery statuses) -> (transfers, end users)."""
    graph = store.graph
    kind = _kinds(store)
    groups: dict[tuple[Any, str], Groups] = defaultdict(dict)
    for vendor, data in graph.nodes(data=True):
        if data["kind"] != "Organization":
            continue
        for transfer, keyed in graph.succ[vendor].items():
            supply = keyed.get("SUPPLIER_OF")
            if supply is None or kind[transfer] != "Transfer":
                continue
            deliveries = _deliveries(store, transfer, kind)
            for product, item_keyed in graph.pred[transfer].items():
                item = item_keyed.get("ITEM_OF")
                category = graph.nodes[product]["props"].get("category")
                if item is None or kind[product] != "Product" or category is None:
                    continue
                for buyer, delivered in deliveries:
                    statuses = (supply["props"].get("status"), item["props"].get("status"), delivered)
                    _count(groups[(category, vendor)], statuses, transfer, buyer)
    return dict(groups)


def union(groups: Groups, statuses: list[str]) -> tuple[set[str], set[str]]:
    """The transfers and end users of the groups whose every status is allowed."""
    allowed = set(statuses)
    transfers: set[str] = set()
    buyers: set[str] = set()
    for key, (some_transfers, some_buyers) in groups.items():
        if all(status is not None and status in allowed for status in key):
            transfers |= some_transfers
            buyers |= some_buyers
    return transfers, buyers
