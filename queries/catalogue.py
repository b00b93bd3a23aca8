"""The Python twin of every built-in saved query, for the embedded store.

Why twins and not a Cypher engine: the embedded store must answer every saved
query fast on a laptop, and no embeddable Cypher engine does that on a
million links (see benchmarks/). Each twin is written to give exactly the rows
its ``.cypher`` file gives on Neo4j: the same columns, the same ``ORDER BY``
(nulls last when ascending, first when descending, as Neo4j sorts them), the
same handling of missing properties. The parity tests hold them to it.

The twins live in ``saved_supply``, ``saved_controls`` and ``saved_evidence``;
this module holds what they share.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from dualtrace.graph.model import Link
from dualtrace.graph.store import EmbeddedStore

Row = dict[str, Any]
Implementation = Callable[..., list[Row]]

SUPPLY_RELS = ("MAKES", "SUPPLIER_OF", "INTERMEDIARY_OF", "ITEM_OF", "COMPONENT_OF", "DELIVERED_TO")
CONNECTION_RELS = (*SUPPLY_RELS, "SUBSIDIARY_OF", "OWNER_OF", "DIRECTOR_OF", "PARTNER_OF", "PART_OF")

_REGISTRY: dict[str, Implementation] = {}


def implements(name: str) -> Callable[[Implementation], Implementation]:
    """Register a function as the embedded-store twin of the saved query ``name``."""

    def register(func: Implementation) -> Implementation:
        _REGISTRY[name] = func
        return func

    return register


def implementations() -> dict[str, Implementation]:
    """Every registered twin, by saved-query name."""
    from dualtrace.queries import saved_controls, saved_evidence, saved_supply  # noqa: F401 - they register

    return dict(_REGISTRY)


# -- what the twins share --------------------------------------------------------


def prop(store: EmbeddedStore, node_id: str, key: str) -> Any:
    """``n.key`` as Cypher reads it: the property, or None."""
    data = store.graph.nodes.get(node_id)
    return None if data is None else data["props"].get(key)


def is_kind(store: EmbeddedStore, node_id: str, kind: str) -> bool:
    return store.kind_of(node_id) == kind


def allowed(link: Link | dict[str, Any], statuses: Iterable[str]) -> bool:
    """``r.status IN $statuses``: a missing status never matches."""
    props = link.props if isinstance(link, Link) else link
    status = props.get("status")
    return status is not None and status in statuses


def links_of(store: EmbeddedStore, node: str, rels: Iterable[str], direction: str) -> Iterator[Link]:
    """Links of the given kinds leaving (``out``), entering (``in``) or touching (``both``) a node."""
    wanted = set(rels)
    graph = store.graph
    if direction in ("out", "both"):
        for target, keyed in graph.succ[node].items():
            for rel, data in keyed.items():
                if rel in wanted:
                    yield Link(node, rel, target, data["props"])
    if direction in ("in", "both"):
        for source, keyed in graph.pred[node].items():
            for rel, data in keyed.items():
                if rel in wanted:
                    yield Link(source, rel, node, data["props"])


def other_end(link: Link, node: str) -> str:
    return link.target if link.source == node else link.source


def walk(
    store: EmbeddedStore,
    starts: Iterable[str],
    rels: Iterable[str],
    statuses: Iterable[str],
    max_hops: int,
    direction: str,
) -> dict[str, int]:
    """Breadth-first distances from ``starts`` (distance 0) over allowed links of
    ``rels``, up to ``max_hops``: what ``(start)-[:A|B*1..max_hops]->(x)`` reaches,
    with the length of its shortest path."""
    rels, statuses = tuple(rels), frozenset(statuses)
    depth = {start: 0 for start in starts if start in store.graph}
    queue = deque(depth)
    while queue:
        node = queue.popleft()
        if depth[node] >= max_hops:
            continue
        for link in links_of(store, node, rels, direction):
            if not allowed(link, statuses):
                continue
            nxt = other_end(link, node)
            if nxt not in depth:
                depth[nxt] = depth[node] + 1
                queue.append(nxt)
    return depth


def _null_last(value: Any) -> tuple[bool, Any]:
    return (value is None, "" if value is None else value)


def order_by(rows: list[Row], *columns: str) -> list[Row]:
    """Sort as Cypher's ``ORDER BY a, b DESC`` (write ``"-b"``): nulls last when
    ascending, first when descending."""
    for column in reversed(columns):
        descending = column.startswith("-")
        name = column.lstrip("-")
        rows.sort(key=lambda row, name=name: _null_last(row[name]), reverse=descending)  # type: ignore[misc]
    return rows


def first_rows(rows: Iterable[Row], limit: int, *columns: str) -> list[Row]:
    """``ORDER BY columns LIMIT limit`` (ascending), keeping only the winners in memory."""
    if limit <= 0:
        return []
    return heapq.nsmallest(limit, rows, key=lambda row: tuple(_null_last(row[c]) for c in columns))


def sorted_names(store: EmbeddedStore, ids: Iterable[str]) -> list[str]:
    """``collect(DISTINCT n.name)`` after ``ORDER BY n.name``: distinct, sorted, nulls dropped."""
    return sorted({name for name in (prop(store, i, "name") for i in ids) if name is not None})


def deal_date(store: EmbeddedStore, link: Link, transfer: str) -> str | None:
    """``coalesce(link.since, toString(transfer.year))``."""
    since = link.props.get("since")
    if since is not None:
        return str(since)
    year = prop(store, transfer, "year")
    return None if year is None else str(year)
