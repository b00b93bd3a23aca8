"""The walks every question shares: one implementation per question.

``trace`` (which end users does a technology reach?), ``reach`` (what reaches an
end user or a country?), the saved queries that ask the same things, the maps
and the web pages all call these functions, and the ``.cypher`` files state the
same meaning for Neo4j (tests/test_meaning.py checks that they name the same
relationships and hop limits). What the relationships mean comes from
``graph/schema.yaml`` (``meaning``), never from lists written here.

One rule for a link's status everywhere: a link is followed when its status is
one of the statuses asked for (:func:`~dualtrace.graph.protocol.status_allowed`).
One rule for time everywhere: a question asked "as of" a date is asked of the
store as it stood then (:func:`~dualtrace.graph.dates.dated`), a view that shows
only the links whose dates say they held on that date; the walks, the twins,
maps, exports and reports need not know.

What a chain means: each link is backed by its own sources. A chain from a
component maker through a product to a buyer says that each of those links was
reported; it does not by itself prove that one physical unit made the whole
journey. A chain is as strong as its weakest link.
"""

from __future__ import annotations

import itertools
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from operator import attrgetter, itemgetter
from typing import Any

from dualtrace.graph.model import Link
from dualtrace.graph.protocol import Store

# A breadth-first tree: node -> (the node it was first reached from, the link used).
Tree = dict[str, tuple[str | None, Link | None]]
# A store's links by node, by the node at the other end, by kind (graph/protocol.py).
Adjacency = Mapping[str, Mapping[str, Mapping[str, dict[str, Any]]]]


def links(
    store: Store, node: str, rels: Iterable[str], direction: str, statuses: Iterable[str] | None
) -> Iterator[Link]:
    """A node's links of kinds ``rels`` with an allowed status (a store asked as of a date,
    :class:`~dualtrace.graph.dates.DatedView`, gives only the links that held then)."""
    return store.neighbours(node, rels, direction, statuses)


def other_end(link: Link, node: str) -> str:
    return link.target if link.source == node else link.source


def breadth_first(
    store: Store,
    starts: Iterable[str],
    rels: Iterable[str],
    direction: str,
    statuses: Iterable[str],
    max_hops: int,
    on_visit: Callable[[str, Mapping[str, Mapping[str, dict[str, Any]]]], None] | None = None,
) -> tuple[Tree, dict[str, int]]:
    """Every node within ``max_hops`` allowed links of ``rels`` from ``starts`` (in the
    links' stored direction, ``out``; backwards, ``in``; or ``both``), with the link it
    was first reached by and its distance: what ``(start)-[:A|B*1..max_hops]->(x)``
    reaches, with the length of its shortest path. Neighbours are taken in id order
    (then by relationship kind), so the tree is the same whatever the store.

    ``on_visit(node, links)``: called for every node of the tree in the order it was
    reached, with all of its links in ``direction`` as the store's adjacency holds them
    (other end -> kind -> properties), so that a caller needing more of each node's
    links than the walk follows reads them once. Only with a store that offers
    ``adjacency``; a caller checks :func:`adjacency` first."""
    rels, allowed = tuple(rels), tuple(statuses)
    tree: Tree = {}
    depth: dict[str, int] = {}
    for start in starts:
        if start not in tree and store.has(start):
            tree[start], depth[start] = (None, None), 0
    nearby = adjacency(store, direction)
    wanted, allowed_set = frozenset(rels), frozenset(allowed)
    queue = deque(tree)
    if on_visit is not None and nearby is None:
        raise ValueError("on_visit needs a store with an adjacency")
    while queue:
        node = queue.popleft()
        if on_visit is not None:
            on_visit(node, nearby.get(node, _NOTHING))  # type: ignore[union-attr]
        reached = depth[node] + 1
        if reached > max_hops:
            continue
        if nearby is None:
            fresh = [(other_end(x, node), x.rel, x) for x in links(store, node, rels, direction, allowed)]
        else:  # the same links, as (other end, kind, properties), without a Link for each
            fresh = [
                (other, rel, props)
                for other, keyed in nearby.get(node, _NOTHING).items()
                if other not in tree
                for rel, props in keyed.items()
                if rel in wanted and props.get("status") in allowed_set  # status_allowed, written out
            ]
        if len(fresh) > 1:
            fresh.sort(key=_BY_END_AND_KIND)
        for other, rel, found in fresh:
            if other not in tree:
                link = found if isinstance(found, Link) else _link(node, rel, other, found, direction)
                tree[other], depth[other] = (node, link), reached
                queue.append(other)
    return tree, depth


_NOTHING: dict[str, Any] = {}


def _link(node: str, rel: str, other: str, props: dict[str, Any], direction: str) -> Link:
    return Link(node, rel, other, props) if direction == "out" else Link(other, rel, node, props)


_BY_END_AND_KIND = itemgetter(0, 1)  # (other end, relationship kind, ...)


def chain_to(tree: Tree, node: str) -> list[Link]:
    """The links from the start of ``tree`` to ``node``, in walk order."""
    links: list[Link] = []
    while True:
        previous, link = tree[node]
        if previous is None or link is None:
            return links[::-1]
        links.append(link)
        node = previous


# -- trace: from a technology to the end users it reaches --------------------------


class Deal:
    """One deal reaching one end user, and the chain of links that leads there.

    ``start`` is where ``chain`` begins (the technology asked about); ``via`` names
    the subsidiary a parent's trace went through (None when the parent reaches the
    deal itself; the chain then begins with the ownership links down to it);
    ``chain`` runs, in walk order, from ``start`` to the deal and ends with the
    delivery. A busy vendor has a hundred thousand deals and a page shows a few
    hundred, so a deal found by a walk keeps the walk's tree and reads its chain
    off it only when asked."""

    __slots__ = ("_chain", "_prefix", "_tree", "delivery", "end_user", "start", "transfer", "via")

    def __init__(
        self,
        transfer: str,
        end_user: str,
        delivery: Link,
        start: str,
        via: str | None = None,
        chain: list[Link] | None = None,
        *,
        tree: Tree | None = None,
        prefix: list[Link] | None = None,
    ):
        self.transfer, self.end_user, self.delivery, self.start, self.via = transfer, end_user, delivery, start, via
        self._chain, self._tree, self._prefix = chain, tree, prefix or []

    @property
    def chain(self) -> list[Link]:
        if self._chain is None:
            walked = chain_to(self._tree, self.transfer) if self._tree is not None else []
            self._chain = [*self._prefix, *walked, self.delivery]
        return self._chain

    def __repr__(self) -> str:
        return f"Deal({self.transfer!r} -> {self.end_user!r}, start={self.start!r}, via={self.via!r})"


def subsidiaries(store: Store, org: str, statuses: Iterable[str]) -> dict[str, list[Link]]:
    """Subsidiaries (and theirs, up to the ownership hop limit) of ``org``, each with the
    chain of ownership links from the parent down to it."""
    meaning = store.schema.means
    tree, _ = breadth_first(store, [org], meaning.ownership, "in", statuses, meaning.hop_limits["ownership"])
    return {node: chain_to(tree, node) for node in tree if node != org}


def deals_from(
    store: Store, start: str, statuses: Iterable[str], *, with_subsidiaries: bool = True, ordered: bool = True
) -> list[Deal]:
    """Every (deal, end user) downstream of ``start`` over supply links, up to the supply
    hop limit; for an organization, its subsidiaries' deals too, labelled ``via``
    the subsidiary (the one with the smallest id, when several reach a deal and the
    parent itself does not). Sorted by end user and deal (unless ``ordered`` is False:
    for a caller that sorts them its own way)."""
    meaning = store.schema.means
    allowed = tuple(statuses)
    origins: dict[str, list[Link]] = {start: []}
    if with_subsidiaries and store.kind_of(start) == "Organization":
        origins.update(sorted(subsidiaries(store, start, allowed).items()))
    deals: list[Deal] = []
    reached: set[str] = set()  # deals already found from an earlier origin (the parent first)
    end_users, kind_of, outgoing = meaning.end_users, store.kind_of, adjacency(store, "out")
    hops = meaning.hop_limits["supply"]
    for origin, ownership in origins.items():
        via = None if origin == start else origin
        found: list[tuple[str, str, Link]] = []  # (deal, end user, delivery), in walk order
        visit = _deliveries_into(found, origin, reached, store, end_users, allowed)
        if outgoing is not None:
            tree, _ = breadth_first(store, [origin], meaning.supply, "out", allowed, hops, on_visit=visit)
        else:
            tree, _ = breadth_first(store, [origin], meaning.supply, "out", allowed, hops)
            for node in tree:
                if node == origin or node in reached or kind_of(node) != "Transfer":
                    continue
                reached.add(node)
                found += [(node, x.target, x) for x in deliveries(store, node, allowed, None)
                          if kind_of(x.target) in end_users]  # fmt: skip
        # each chain: parent <- subsidiary (ownership links walked backwards), then the supply chain
        deals += [Deal(node, end_user, delivery, start, via, tree=tree, prefix=ownership)
                  for node, end_user, delivery in found]  # fmt: skip
    if ordered:
        deals.sort(key=attrgetter("end_user", "transfer"))
    return deals


def _deliveries_into(
    found: list[tuple[str, str, Link]],
    origin: str,
    reached: set[str],
    store: Store,
    end_users: Iterable[str],
    allowed: tuple[str, ...],
) -> Callable[[str, Mapping[str, Mapping[str, dict[str, Any]]]], None]:
    """An ``on_visit`` for :func:`breadth_first` that adds each newly reached deal's
    deliveries to an end user to ``found``, read while the walk is at the deal
    (:func:`deliveries`, written out: this runs once per deal of a busy vendor)."""
    kind_of = store.kind_of

    def visit(node: str, ends: Mapping[str, Mapping[str, dict[str, Any]]]) -> None:
        if node == origin or node in reached or kind_of(node) != "Transfer":
            return
        reached.add(node)
        for target, keyed in ends.items():
            props = keyed.get("DELIVERED_TO")
            if props is not None and props.get("status") in allowed and kind_of(target) in end_users:
                found.append((node, target, Link(node, "DELIVERED_TO", target, props)))

    return visit


def adjacency(store: Store, direction: str) -> Adjacency | None:
    """The store's adjacency in ``direction``, if it offers one (graph/protocol.py)."""
    offered = getattr(store, "adjacency", None)
    return offered(direction) if offered is not None else None


def deliveries(store: Store, transfer: str, statuses: tuple[str, ...], outgoing: Adjacency | None) -> list[Link]:
    """A deal's allowed DELIVERED_TO links, read off ``outgoing`` when the store has one."""
    if outgoing is None:
        return list(links(store, transfer, _DELIVERY, "out", statuses))
    found = []
    for target, keyed in outgoing.get(transfer, _NOTHING).items():
        props = keyed.get("DELIVERED_TO")
        if props is not None and props.get("status") in statuses:  # status_allowed, written out
            found.append(Link(transfer, "DELIVERED_TO", target, props))
    return found


_DELIVERY = frozenset({"DELIVERED_TO"})


def maker_of(store: Store, product: str, statuses: Iterable[str]) -> Link | None:
    """A product's maker link (the first by maker id), shown before a category's chains."""
    makers = sorted(links(store, product, ["MAKES"], "in", tuple(statuses)), key=lambda link: link.source)
    return makers[0] if makers else None


# -- reach: what reaches an end user or a country ---------------------------------


@dataclass
class Upstream:
    """An organization or product upstream of a deal, its role, and its chain to the deal."""

    entity: str
    role: str
    chain: list[Link]


def end_users_of(store: Store, target: str, statuses: Iterable[str]) -> list[str]:
    """The end users a reach question is about: every end user of a country (by its
    ``country``), or a body and its subordinate units (up to the units hop limit)."""
    meaning = store.schema.means
    if store.kind_of(target) == "Country":
        code = target.split(":", 1)[1]
        return sorted(n.id for kind in meaning.end_users for n in store.nodes(kind) if n.props.get("country") == code)
    tree, _ = breadth_first(store, [target], meaning.units, "in", statuses, meaning.hop_limits["units"])
    return sorted(tree)


def deals_to(store: Store, end_users: Iterable[str], statuses: Iterable[str]) -> list[Deal]:
    """Every deal delivered to one of ``end_users``, one per (deal, end user)."""
    allowed = tuple(statuses)
    deals = []
    for end_user in end_users:
        for delivery in links(store, end_user, ["DELIVERED_TO"], "in", allowed):
            if store.kind_of(delivery.source) == "Transfer":
                deals.append(Deal(delivery.source, end_user, delivery, delivery.source, None, [delivery]))
    return sorted(deals, key=lambda d: (d.end_user, d.transfer))


def _role(store: Store, entity: str, chain: list[Link]) -> str:
    """What an upstream entity is to a deal, read off its chain to the deal."""
    rels = [link.rel for link in chain]
    if len(rels) == 1:
        return {"SUPPLIER_OF": "supplier", "INTERMEDIARY_OF": "intermediary", "ITEM_OF": "item"}.get(rels[0], rels[0])
    if "DELIVERED_TO" in rels:
        return "upstream, through an integrator"
    if store.kind_of(entity) == "Product":
        return "component"
    return "component maker" if "COMPONENT_OF" in rels else "maker"


def upstream_of(store: Store, transfer: str, statuses: Iterable[str]) -> list[Upstream]:
    """Organizations and products upstream of a deal over supply links (up to the supply
    hop limit, the delivery counting as one), each with its role and chain; then the
    parents of the deal's own parties, each as an ownership link of its own, with the
    role "parent of …": a parent is never shown as the deal's supplier."""
    meaning = store.schema.means
    allowed = tuple(statuses)
    tree, _ = breadth_first(store, [transfer], meaning.supply, "in", allowed, meaning.hop_limits["supply"] - 1)
    found = []
    for node in tree:
        if node == transfer or store.kind_of(node) not in ("Organization", "Product"):
            continue
        chain = chain_to(tree, node)[::-1]  # from the entity towards the deal
        found.append(Upstream(node, _role(store, node, chain), chain))
    parties = [u for u in found if len(u.chain) == 1 and u.chain[0].rel in meaning.deal_parties]
    seen = {u.entity for u in found}
    for party in parties:
        for link in sorted(links(store, party.entity, meaning.ownership, "out", allowed), key=lambda x: x.target):
            if link.target not in seen:
                seen.add(link.target)
                found.append(Upstream(link.target, f"parent of {party.role} {store.name_of(party.entity)}",
                                      [link, *party.chain]))  # fmt: skip
    return found


# -- paths: how two entities are connected ----------------------------------------


def path_rels(store: Store) -> tuple[str, ...]:
    """The relationships a sourced path may use (supply and connections), each either way."""
    meaning = store.schema.means
    return (*meaning.supply, *meaning.connections)


def _expand(
    store: Store, frontier: list[str], seen: dict[str, list[str]], statuses: tuple[str, ...]
) -> dict[str, list[str]]:
    """One breadth-first layer: each newly reached node with the frontier nodes it was reached from."""
    layer: dict[str, list[str]] = {}
    excluded, kind_of = store.schema.means.path_excludes, store.kind_of
    for node in frontier:
        for nxt in _path_neighbours(store, node, statuses):
            if nxt in seen or kind_of(nxt) in excluded:
                continue
            reached_from = layer.setdefault(nxt, [])
            if node not in reached_from:
                reached_from.append(node)
    return layer


def _path_neighbours(store: Store, node: str, statuses: tuple[str, ...]) -> Iterator[str]:
    """The nodes an allowed path link joins ``node`` to, either way (read off the store's
    adjacency when it has one, without a Link per link)."""
    rels = path_rels(store)
    outgoing, incoming = adjacency(store, "out"), adjacency(store, "in")
    if outgoing is None or incoming is None:
        yield from (other_end(link, node) for link in links(store, node, rels, "both", statuses))
        return
    wanted = frozenset(rels)
    for nearby in (outgoing, incoming):
        for other, keyed in nearby.get(node, _NOTHING).items():
            for rel, props in keyed.items():
                if rel in wanted and props.get("status") in statuses:  # status_allowed, written out
                    yield other


def _frontier_cost(store: Store, frontier: list[str]) -> int:
    """How much expanding a frontier costs: its links when the store's adjacency says so
    (one hub costs more than a hundred small nodes), else its size."""
    outgoing, incoming = adjacency(store, "out"), adjacency(store, "in")
    if outgoing is None or incoming is None:
        return len(frontier)
    return sum(len(outgoing.get(n, _NOTHING)) + len(incoming.get(n, _NOTHING)) for n in frontier)


def shortest_node_paths(store: Store, start: str, end: str, statuses: Iterable[str]) -> Iterator[list[str]]:
    """Every shortest node sequence from ``start`` to ``end`` over allowed path links in
    either direction, within the path hop limit, in ascending order of the list of ids
    (Cypher's ``ORDER BY path``), produced one at a time: between two hubs there can be
    millions, and a caller with a limit takes only the first few.

    The search grows from both ends, a layer at a time from the cheaper frontier (the
    one with fewer links), until the two meet: it visits far less of a large graph than
    a search from one end, and steps round a hub while it can. Which side grows first
    does not change the answer: the meeting nodes are every node at the two depths
    reached, so every shortest path passes through one of them."""
    allowed = tuple(statuses)
    max_hops = store.schema.means.hop_limits["path"]
    if not store.has(start) or not store.has(end) or start == end:
        return
    # toward[side][node]: the nodes one step nearer that side's end, on shortest routes
    toward: tuple[dict[str, list[str]], dict[str, list[str]]] = ({start: []}, {end: []})
    frontiers = ([start], [end])
    depth = [0, 0]
    meeting: list[str] = []
    while not meeting:
        if depth[0] + depth[1] >= max_hops or not frontiers[0] or not frontiers[1]:
            return
        side = 0 if _frontier_cost(store, frontiers[0]) <= _frontier_cost(store, frontiers[1]) else 1
        layer = _expand(store, frontiers[side], toward[side], allowed)
        toward[side].update(layer)
        depth[side] += 1
        frontiers = (list(layer), frontiers[1]) if side == 0 else (frontiers[0], list(layer))
        meeting = [node for node in layer if node in frontiers[1 - side]]
    successors: dict[str, set[str]] = defaultdict(set)
    for side, forwards in ((0, False), (1, True)):
        stack, seen = list(meeting), set(meeting)
        while stack:  # link each side towards the end, only where it leads through a meeting node
            node = stack.pop()
            for other in toward[side][node]:
                if forwards:
                    successors[node].add(other)
                else:
                    successors[other].add(node)
                if other not in seen:
                    seen.add(other)
                    stack.append(other)

    def forward(node: str) -> Iterator[list[str]]:
        if node == end:
            yield [end]
            return
        for nxt in sorted(successors[node]):
            for rest in forward(nxt):
                yield [node, *rest]

    yield from forward(start)


def chains_along(store: Store, nodes: list[str], statuses: Iterable[str]) -> Iterator[tuple[Link, ...]]:
    """The chains of links along a node sequence, in ascending order of their types:
    two entities joined by links of two kinds make two chains, as in Cypher."""
    allowed = tuple(statuses)
    hops = [sorted(_links_between(store, a, b, allowed), key=attrgetter("rel")) for a, b in itertools.pairwise(nodes)]
    return itertools.product(*hops)


def _links_between(store: Store, a: str, b: str, statuses: tuple[str, ...]) -> list[Link]:
    """The allowed path links joining ``a`` and ``b`` either way, those leaving ``a`` first.
    With the store's adjacency this reads the pair's own links, not all of a hub's."""
    rels = path_rels(store)
    outgoing, incoming = adjacency(store, "out"), adjacency(store, "in")
    if outgoing is None or incoming is None:
        return [link for link in links(store, a, rels, "both", statuses) if other_end(link, a) == b]
    found = []
    for rel, props in outgoing.get(a, _NOTHING).get(b, _NOTHING).items():
        if rel in rels and props.get("status") in statuses:  # status_allowed, written out
            found.append(Link(a, rel, b, props))
    for rel, props in incoming.get(a, _NOTHING).get(b, _NOTHING).items():
        if rel in rels and props.get("status") in statuses:
            found.append(Link(b, rel, a, props))
    return found


def sourced_chains(
    store: Store, start: str, end: str, statuses: Iterable[str]
) -> Iterator[tuple[list[str], tuple[Link, ...]]]:
    """Every shortest chain of sourced links between two entities, as (node ids, links),
    in the order of the saved query ``shortest_sourced_path`` (its first is what
    ``map --path`` draws)."""
    allowed = tuple(statuses)
    for nodes in shortest_node_paths(store, start, end, allowed):
        for chain in chains_along(store, nodes, allowed):
            yield nodes, chain
