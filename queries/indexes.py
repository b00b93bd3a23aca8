"""Indexes for the saved queries that would otherwise read every link of the
embedded store on every call: links sorted in each query's ``ORDER BY``, and
deals pre-grouped for the two aggregations.

Why: in pure Python a bare pass over a million links takes about half a
second (benchmarks/README.md), so a query that reads them all cannot answer in
200 ms. Each index is built the first time a query needs it (one pass and a
sort, about what the query cost before) and kept until the store changes:
a store's ``version`` moves on every write (graph/protocol.py), and an index
built for an older version is rebuilt. They read the store only through the
Store protocol.

What each index holds is everything, whatever the statuses: the queries filter
by status as they read, so one index serves every parameter value.
"""

from __future__ import annotations

import weakref
from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import Any

from dualtrace.graph.model import Link
from dualtrace.graph.protocol import Store
from dualtrace.queries.catalogue import deal_date
from dualtrace.queries.walk import adjacency, other_end

Groups = dict[tuple[Any, ...], tuple[set[str], set[str], set[str]]]  # statuses -> (deals, end users, sources)

_CACHE: weakref.WeakKeyDictionary[Store, _Indexes] = weakref.WeakKeyDictionary()


class _Indexes:
    def __init__(self, store: Store):
        self.version = store.version
        self.parts: dict[str, Any] = {}


def index(store: Store, name: str, build: Callable[[Store], Any]) -> Any:
    """The index ``name`` of ``store``, built by ``build(store)`` if absent or stale."""
    cached = _CACHE.get(store)
    if cached is None or cached.version != store.version:
        cached = _CACHE[store] = _Indexes(store)
    if name not in cached.parts:
        cached.parts[name] = build(store)
    return cached.parts[name]


def _null_last(value: Any) -> tuple[bool, Any]:
    return (value is None, "" if value is None else value)


def _links_where(store: Store, keep: Callable[[str, dict[str, Any]], bool], rel: str | None = None) -> list[Link]:
    """The links (of kind ``rel``, when given) whose type and properties ``keep`` accepts."""
    return [link for link in store.links(rel) if keep(link.rel, link.props)]


def single_source_links(store: Store) -> list[Link]:
    """Links with exactly one source, by (type, from, to)."""
    found = _links_where(store, lambda rel, props: len(props.get("sources") or ()) == 1)
    return sorted(found, key=lambda link: (link.rel, link.source, link.target))


def reported_links(store: Store) -> list[Link]:
    """Links whose status is reported, by (number of sources, type, from, to)."""

    def count(link: Link) -> int | None:
        sources = link.props.get("sources")
        return None if sources is None else len(sources)

    found = _links_where(store, lambda rel, props: props.get("status") == "reported")
    return sorted(found, key=lambda link: (_null_last(count(link)), link.rel, link.source, link.target))


def denied_links(store: Store) -> list[Link]:
    """Links whose status is denied, by (from, type, to)."""
    found = _links_where(store, lambda rel, props: props.get("status") == "denied")
    return sorted(found, key=lambda link: (link.source, link.rel, link.target))


def deliveries_by_date(store: Store) -> dict[Any, tuple[list[str], list[tuple[str, Link]]]]:
    """Dated deliveries of a Transfer to a GovernmentBuyer by (date, transfer, end
    user), with the dates alone for bisection: all of them under ``None``, and
    each end-user country's under its code, so a country filter reads only its own."""
    nodes = _Nodes(store)
    kind = nodes.kind
    found = []
    for link in store.links("DELIVERED_TO"):
        if kind[link.source] != "Transfer" or kind[link.target] != "GovernmentBuyer":
            continue
        date = deal_date(store, link, link.source)
        if date is not None:
            found.append((date, link))
    found.sort(key=lambda pair: (pair[0], pair[1].source, pair[1].target))
    by_country: dict[Any, list[tuple[str, Link]]] = defaultdict(list)
    country = nodes.country
    for pair in found:
        by_country[country.get(pair[1].target)].append(pair)
    by_country[None] = found  # after the loop: a buyer without a country is only in the whole list
    return {country: ([date for date, _ in pairs], pairs) for country, pairs in by_country.items()}


def supply_key(link: Link) -> tuple[str, str, str]:
    """The order of :func:`supplies_by_vendor`'s lists: (vendor, transfer, type)."""
    return (link.source, link.target, link.rel)


def supplies_by_vendor(store: Store) -> dict[Any, list[Link]]:
    """SUPPLIER_OF and INTERMEDIARY_OF links from an Organization to a Transfer,
    one list per vendor country, each in :func:`supply_key` order."""
    nodes = _Nodes(store)
    kind, country = nodes.kind, nodes.country
    by_country: dict[Any, list[Link]] = defaultdict(list)
    for rel in ("SUPPLIER_OF", "INTERMEDIARY_OF"):
        for link in store.links(rel):
            if kind[link.source] == "Organization" and kind[link.target] == "Transfer":
                by_country[country.get(link.source)].append(link)
    for links in by_country.values():
        links.sort(key=supply_key)
    return dict(by_country)


class _Nodes:
    """What the deal indexes need of every node, read in one pass over the store
    (a pass per need made three over 350,000 nodes at a million links)."""

    def __init__(self, store: Store):
        self.kind: dict[str, str] = {}
        self.country: dict[str, Any] = {}
        self.of_kind: dict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)  # kind -> (id, props)
        offered = getattr(store, "node_table", None)  # graph/protocol.py: no Node made per node
        table = offered() if offered is not None else {n.id: {"kind": n.kind, "props": n.props} for n in store.nodes()}
        for node_id, data in table.items():
            kind, props = data["kind"], data["props"]
            self.kind[node_id] = kind
            self.of_kind[kind].append((node_id, props))
            country = props.get("country")
            if country:
                self.country[node_id] = country


def _count(groups: Groups, statuses: tuple[Any, ...], transfer: str, buyer: str, cited: Any = ()) -> None:
    """Count ``transfer`` and ``buyer`` (and the links' sources) under the statuses of the links that joined them."""
    found = groups.get(statuses)
    if found is None:  # not setdefault: it would make three sets per call to throw away
        found = groups[statuses] = (set(), set(), set())
    found[0].add(transfer)
    found[1].add(buyer)
    if cited:
        found[2].update(cited)


class _Ends:
    """A node's links in one direction as other end -> {kind: properties}, every status:
    networkx's own adjacency when the store offers one (an index build visits every
    deal three times, and a call and a list per visit were half of its time), else
    made from the Store protocol. It may hold links of other kinds: pick yours."""

    def __init__(self, store: Store):
        self.store = store
        self.nearby = {"out": adjacency(store, "out"), "in": adjacency(store, "in")}

    def of(self, node: str, rel: str, direction: str) -> Mapping[str, Mapping[str, dict[str, Any]]]:
        nearby = self.nearby[direction]
        if nearby is not None:
            return nearby.get(node, _NOTHING)
        found: dict[str, dict[str, dict[str, Any]]] = {}
        for link in self.store.neighbours(node, [rel], direction):
            found.setdefault(other_end(link, node), {})[rel] = link.props
        return found


_NOTHING: dict[str, Any] = {}


def _deliveries(
    ends: _Ends, transfer: str, kind: dict[str, str], cited: bool
) -> list[tuple[str, Any, tuple[str, ...]]]:
    """(end user, delivery status, the delivery's sources if ``cited``) of a deal."""
    found = []
    for buyer, keyed in ends.of(transfer, "DELIVERED_TO", "out").items():
        props = keyed.get("DELIVERED_TO")
        if props is not None and kind[buyer] == "GovernmentBuyer":
            found.append((buyer, props.get("status"), tuple(props.get("sources") or ()) if cited else ()))
    return found


def items_by_country(store: Store) -> dict[tuple[Any, Any], Groups]:
    """(end-user country, category) -> (item status, delivery status) -> (transfers, end users).
    Read deal by deal (a deal's items in, its deliveries out), so each deal's
    deliveries are read once."""
    nodes, ends = _Nodes(store), _Ends(store)
    kind, country = nodes.kind, nodes.country
    category_of = {product: props.get("category") for product, props in nodes.of_kind["Product"]}
    groups: dict[tuple[Any, Any], Groups] = defaultdict(dict)
    for transfer, _props in nodes.of_kind["Transfer"]:
        deliveries = None
        for product, keyed in ends.of(transfer, "ITEM_OF", "in").items():
            item = keyed.get("ITEM_OF")
            if item is None or kind[product] != "Product":
                continue
            if deliveries is None:
                deliveries = _deliveries(ends, transfer, kind, cited=True)
            category = category_of[product]
            item_status, item_sources = item.get("status"), tuple(item.get("sources") or ())
            for buyer, delivered, cited in deliveries:
                _count(groups[(country.get(buyer), category)], (item_status, delivered), transfer, buyer,
                       item_sources + cited)  # fmt: skip
    return dict(groups)


def vendors_by_category(store: Store) -> dict[tuple[Any, str], Groups]:
    """(category, vendor) -> (supply, item, delivery statuses) -> (transfers, end users)."""
    nodes, ends = _Nodes(store), _Ends(store)
    kind = nodes.kind
    category_of = {product: props.get("category") for product, props in nodes.of_kind["Product"]}
    groups: dict[tuple[Any, str], Groups] = defaultdict(dict)
    for vendor, _props in nodes.of_kind["Organization"]:
        for transfer, keyed in ends.of(vendor, "SUPPLIER_OF", "out").items():
            supply = keyed.get("SUPPLIER_OF")
            if supply is None or kind[transfer] != "Transfer":
                continue
            deliveries = _deliveries(ends, transfer, kind, cited=False)
            if not deliveries:
                continue
            supply_status = supply.get("status")
            for product, item_keyed in ends.of(transfer, "ITEM_OF", "in").items():
                item = item_keyed.get("ITEM_OF")
                category = category_of.get(product)
                if item is None or kind[product] != "Product" or category is None:
                    continue
                statuses = (supply_status, item.get("status"))
                counted = groups[(category, vendor)]
                for buyer, delivered, _cited in deliveries:
                    _count(counted, (*statuses, delivered), transfer, buyer)
    return dict(groups)


def union(groups: Groups, statuses: list[str]) -> tuple[set[str], set[str], set[str]]:
    """The transfers, end users and sources of the groups whose every status is allowed."""
    allowed = set(statuses)
    transfers: set[str] = set()
    buyers: set[str] = set()
    sources: set[str] = set()
    for key, (some_transfers, some_buyers, some_sources) in groups.items():
        if all(status is not None and status in allowed for status in key):
            transfers |= some_transfers
            buyers |= some_buyers
            sources |= some_sources
    return transfers, buyers, sources
