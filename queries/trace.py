"""``trace`` (technology -> end users) and ``reach`` (end user -> technologies).

Both are breadth-first walks over the supply relationships, so each runs in
time linear in the part of the graph it reaches: every node is expanded once
and remembers the hop it was first reached by, which gives each answer its
shortest chain of cited hops. A row of the answer is one transfer reaching one
end user, with every hop's status and sources.

What a path means: each hop is backed by its own sources. A path from a
component maker through a product to a buyer says that each of those links
was reported; it does not by itself prove that one physical unit made the
whole journey. The ``status`` column is the weakest status along the path.

Moves followed downstream (trace):

    Organization -MAKES-> Product        Organization <-SUBSIDIARY_OF- subsidiary
    Organization -SUPPLIER_OF|INTERMEDIARY_OF-> Transfer
    Product -ITEM_OF-> Transfer          Product -COMPONENT_OF-> Product
    Transfer -DELIVERED_TO-> GovernmentBuyer (an end user: the walk stops)
    Transfer -DELIVERED_TO-> Organization (an integrator: the walk goes on)

``reach`` follows the same moves backwards from the buyers, plus the buyers'
subordinate units (PART_OF) and, for a country, every buyer located in it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import pandas as pd

from dualtrace.graph.store import EmbeddedStore
from dualtrace.queries.resolve import NameIndex, resolve_category

DEFAULT_STATUSES = ("reported", "confirmed")
STATUS_RANK = {"denied": 0, "reported": 1, "confirmed": 2}
TECH_KINDS = ("Organization", "Product")

# (relationship, direction) pairs followed from a node of each kind, downstream.
# "out" follows the link as stored; "in" follows it backwards.
DOWNSTREAM: dict[str, tuple[tuple[str, str], ...]] = {
    "Organization": (("SUPPLIER_OF", "out"), ("INTERMEDIARY_OF", "out"), ("MAKES", "out"), ("SUBSIDIARY_OF", "in")),
    "Product": (("ITEM_OF", "out"), ("COMPONENT_OF", "out")),
    "Transfer": (("DELIVERED_TO", "out"),),
}
UPSTREAM: dict[str, tuple[tuple[str, str], ...]] = {
    "GovernmentBuyer": (("DELIVERED_TO", "in"), ("PART_OF", "in")),
    "Transfer": (("SUPPLIER_OF", "in"), ("INTERMEDIARY_OF", "in"), ("ITEM_OF", "in")),
    "Product": (("MAKES", "in"), ("COMPONENT_OF", "in")),
    "Organization": (("SUBSIDIARY_OF", "out"), ("DELIVERED_TO", "in")),
}

TRACE_COLUMNS = [
    "origin",
    "origin_name",
    "end_user",
    "end_user_name",
    "country",
    "transfer",
    "transfer_name",
    "year",
    "suppliers",
    "items",
    "path",
    "hops",
    "status",
    "sources",
    "hop_details",
]
REACH_COLUMNS = [
    "entity",
    "entity_name",
    "entity_kind",
    "end_user",
    "end_user_name",
    "country",
    "transfer",
    "transfer_name",
    "year",
    "path",
    "hops",
    "status",
    "sources",
    "hop_details",
]


@dataclass(frozen=True)
class Hop:
    """One link walked, in the direction of supply (``source`` supplies towards ``target``)."""

    source: str
    rel: str
    target: str
    status: str
    sources: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "from": self.source,
            "rel": self.rel,
            "to": self.target,
            "status": self.status,
            "sources": list(self.sources),
        }


def _neighbours(
    store: EmbeddedStore, node: str, moves: Iterable[tuple[str, str]], statuses: frozenset[str]
) -> Iterator[tuple[str, Hop]]:
    """Yield (next node, hop oriented downstream) for the allowed moves."""
    graph = store.graph
    for rel, direction in moves:
        adjacency = graph.succ[node] if direction == "out" else graph.pred[node]
        for other, keyed in adjacency.items():
            data = keyed.get(rel)
            if data is None:
                continue
            props = data["props"]
            status = props.get("status", "reported")
            if status not in statuses:
                continue
            sources = tuple(props.get("sources", ()))
            if direction == "out":
                yield other, Hop(node, rel, other, status, sources)
            else:
                yield other, Hop(other, rel, node, status, sources)


def _walk(
    store: EmbeddedStore,
    starts: list[str],
    moves: dict[str, tuple[tuple[str, str], ...]],
    statuses: frozenset[str],
    max_hops: int,
    stop_kinds: tuple[str, ...],
) -> dict[str, tuple[str | None, Hop | None]]:
    """Breadth-first walk; returns node -> (previous node, hop used). Nodes of
    ``stop_kinds`` are reached but not expanded (end users, for trace)."""
    parent: dict[str, tuple[str | None, Hop | None]] = {s: (None, None) for s in starts}
    depth = dict.fromkeys(starts, 0)
    queue = deque(starts)
    while queue:
        node = queue.popleft()
        kind = store.kind_of(node)
        if kind is None or (kind in stop_kinds and depth[node] > 0) or depth[node] >= max_hops:
            continue
        for other, hop in _neighbours(store, node, moves.get(kind, ()), statuses):
            if other not in parent:
                parent[other] = (node, hop)
                depth[other] = depth[node] + 1
                queue.append(other)
    return parent


def _chain(parent: dict[str, tuple[str | None, Hop | None]], node: str) -> list[Hop]:
    hops: list[Hop] = []
    while True:
        previous, hop = parent[node]
        if previous is None or hop is None:
            return hops
        hops.append(hop)
        node = previous


def _describe(store: EmbeddedStore, hops: list[Hop]) -> dict[str, Any]:
    """Path text, weakest status and the de-duplicated sources of a chain of hops."""
    names = [store.name_of(hops[0].source)] + [store.name_of(h.target) for h in hops] if hops else []
    sources: list[str] = []
    for hop in hops:
        sources.extend(s for s in hop.sources if s not in sources)
    weakest = min((h.status for h in hops), key=STATUS_RANK.__getitem__, default="confirmed")
    return {
        "path": " → ".join(names),
        "hops": len(hops),
        "status": weakest,
        "sources": sources,
        "hop_details": [h.as_dict() for h in hops],
    }


def _transfer_facts(store: EmbeddedStore, transfer: str) -> dict[str, Any]:
    node = store.get(transfer)
    props = node.props if node else {}
    suppliers = [
        store.name_of(link.source)
        for link in store.in_links(transfer)
        if link.rel in ("SUPPLIER_OF", "INTERMEDIARY_OF")
    ]
    items = [store.name_of(link.source) for link in store.in_links(transfer, "ITEM_OF")]
    return {
        "transfer": transfer,
        "transfer_name": props.get("name", transfer),
        "year": props.get("year"),
        "suppliers": "; ".join(suppliers),
        "items": "; ".join(items),
    }


def _end_user_facts(store: EmbeddedStore, buyer: str) -> dict[str, Any]:
    node = store.get(buyer)
    return {
        "end_user": buyer,
        "end_user_name": node.name if node else buyer,
        "country": (node.props.get("country") if node else None) or "",
    }


def trace_from(
    store: EmbeddedStore,
    starts: list[str],
    *,
    statuses: Iterable[str] = DEFAULT_STATUSES,
    max_hops: int = 12,
    lead_in: dict[str, Hop] | None = None,
) -> pd.DataFrame:
    """Every (transfer, end user) reachable downstream of ``starts`` (node ids), one row each.

    ``lead_in`` maps a start to a hop shown before it (a product's maker), so that
    a path from a product category still names the vendor."""
    lead_in = lead_in or {}
    allowed = frozenset(statuses)
    parent = _walk(store, starts, DOWNSTREAM, allowed, max_hops, stop_kinds=("GovernmentBuyer",))
    rows = []
    for node in parent:
        if store.kind_of(node) != "Transfer":
            continue
        for buyer, hop in _neighbours(store, node, (("DELIVERED_TO", "out"),), allowed):
            if store.kind_of(buyer) != "GovernmentBuyer":
                continue
            hops = [*reversed(_chain(parent, node)), hop]
            if hops[0].source in lead_in:
                hops.insert(0, lead_in[hops[0].source])
            origin = hops[0].source
            rows.append(
                {
                    "origin": origin,
                    "origin_name": store.name_of(origin),
                    **_end_user_facts(store, buyer),
                    **_transfer_facts(store, node),
                    **_describe(store, hops),
                }
            )
    frame = pd.DataFrame(rows, columns=TRACE_COLUMNS)
    return frame.sort_values(["country", "end_user_name", "hops", "transfer"], ignore_index=True)


def trace(
    store: EmbeddedStore,
    technology: str | None = None,
    *,
    category: str | None = None,
    statuses: Iterable[str] = DEFAULT_STATUSES,
    max_hops: int = 12,
) -> pd.DataFrame:
    """End users reached by a technology: a vendor or product (name, alias or id), or a
    product ``category`` from the schema's controlled list.

    >>> from dualtrace.demo_data import starter_store
    >>> rows = trace(starter_store(), "CloudWalk")
    >>> rows.loc[0, "end_user_name"]
    'Government of Zimbabwe'
    """
    if (technology is None) == (category is None):
        raise ValueError("give a technology or a category, not both")
    if category is not None:
        wanted = resolve_category(store, category)
        starts = sorted(n.id for n in store.nodes("Product") if n.props.get("category") == wanted)
        makers: dict[str, Hop] = {}
        for product in starts:
            for _maker, hop in _neighbours(store, product, (("MAKES", "in"),), frozenset(statuses)):
                makers.setdefault(product, hop)
        return trace_from(store, starts, statuses=statuses, max_hops=max_hops, lead_in=makers)
    starts = [NameIndex(store, TECH_KINDS).resolve(technology or "", "vendor or product")]
    return trace_from(store, starts, statuses=statuses, max_hops=max_hops)


def reach(
    store: EmbeddedStore, target: str, *, statuses: Iterable[str] = DEFAULT_STATUSES, max_hops: int = 12
) -> pd.DataFrame:
    """Every vendor, product and component upstream of an end user, or of all end users
    in a country (ISO code, name or id). One row per upstream entity, with the shortest
    cited path from it to an end user (the dossier lists every transfer).

    >>> from dualtrace.demo_data import starter_store
    >>> "CloudWalk Technology Co., Ltd." in set(reach(starter_store(), "ZW")["entity_name"])
    True
    """
    found = f"country:{target.upper()}"
    if store.kind_of(found) != "Country":
        found = NameIndex(store, ("GovernmentBuyer", "Country")).resolve(target, "end user or country")
    if store.kind_of(found) == "Country":
        buyers = sorted(
            link.source
            for link in store.in_links(found, "LOCATED_IN")
            if store.kind_of(link.source) == "GovernmentBuyer"
        )
    else:
        buyers = [found]
    allowed = frozenset(statuses)
    parent = _walk(store, buyers, UPSTREAM, allowed, max_hops, stop_kinds=())
    rows = []
    for node in parent:
        kind = store.kind_of(node)
        if kind not in TECH_KINDS:
            continue
        hops = _chain(parent, node)  # upstream walk: hops already run from `node` towards the buyer
        delivery = next(
            (h for h in reversed(hops) if h.rel == "DELIVERED_TO" and store.kind_of(h.target) == "GovernmentBuyer"),
            None,
        )
        end_user = delivery.target if delivery else (hops[-1].target if hops else node)
        facts = (
            _transfer_facts(store, delivery.source) if delivery else {"transfer": "", "transfer_name": "", "year": None}
        )
        rows.append(
            {
                "entity": node,
                "entity_name": store.name_of(node),
                "entity_kind": kind,
                **_end_user_facts(store, end_user),
                **{k: facts[k] for k in ("transfer", "transfer_name", "year")},
                **_describe(store, hops),
            }
        )
    frame = pd.DataFrame(rows, columns=REACH_COLUMNS)
    return frame.sort_values(["entity_kind", "hops", "entity_name"], ignore_index=True)
