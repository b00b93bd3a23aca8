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

import functools
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from dualtrace.graph import collector
from dualtrace.graph.dates import When, dated
from dualtrace.graph.model import Link
from dualtrace.graph.protocol import Store, status_allowed
from dualtrace.queries.walk import breadth_first

Row = dict[str, Any]
Implementation = Callable[..., list[Row]]

_REGISTRY: dict[str, Implementation] = {}


def implements(name: str) -> Callable[[Implementation], Implementation]:
    """Register a function as the embedded-store twin of the saved query ``name``.
    Every query takes ``as_of`` and ``dated_only`` (queries/library.py): the twin is
    asked of the store as it stood on that date (:func:`~dualtrace.graph.dates.dated`),
    which applies the one rule for time, as the Cypher does next to each status test."""

    def register(func: Implementation) -> Implementation:
        @functools.wraps(func)
        def twin(store: Store, *args: Any, as_of: str | None = None, dated_only: bool = False, **kwargs: Any) -> Any:
            with collector.paused():  # a twin makes many short-lived objects and no cycles
                return func(dated(store, When(as_of, dated_only)), *args, **kwargs)

        _REGISTRY[name] = twin
        return twin

    return register


def implementations() -> dict[str, Implementation]:
    """Every registered twin, by saved-query name."""
    from dualtrace.queries import saved_controls, saved_evidence, saved_supply  # noqa: F401 - they register

    return dict(_REGISTRY)


# -- what the twins share --------------------------------------------------------


def prop(store: Store, node_id: str, key: str) -> Any:
    """``n.key`` as Cypher reads it: the property, or None."""
    node = store.get(node_id)
    return None if node is None else node.props.get(key)


def is_kind(store: Store, node_id: str, kind: str) -> bool:
    return store.kind_of(node_id) == kind


def allowed(link: Link | dict[str, Any], statuses: Iterable[str]) -> bool:
    """``r.status IN $statuses``: the one status rule (graph/protocol.py)."""
    return status_allowed(link.props if isinstance(link, Link) else link, frozenset(statuses))


def links_of(store: Store, node: str, rels: Iterable[str], direction: str) -> Iterator[Link]:
    """Links of the given kinds leaving (``out``), entering (``in``) or touching (``both``) a node."""
    return store.neighbours(node, rels, direction)


def walk(
    store: Store,
    starts: Iterable[str],
    rels: Iterable[str],
    statuses: Iterable[str],
    max_hops: int,
    direction: str,
) -> dict[str, int]:
    """What ``(start)-[:A|B*1..max_hops]->(x)`` reaches, with the length of its shortest
    path (distance 0 for the starts): :func:`dualtrace.queries.walk.breadth_first`."""
    return breadth_first(store, starts, rels, direction, statuses, max_hops)[1]


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


def sorted_names(store: Store, ids: Iterable[str]) -> list[str]:
    """``collect(DISTINCT n.name)`` after ``ORDER BY n.name``: distinct, sorted, nulls dropped."""
    return sorted({name for name in (prop(store, i, "name") for i in ids) if name is not None})


def deal_date(store: Store, link: Link, transfer: str) -> str | None:
    """``coalesce(link.since, toString(transfer.year))``."""
    since = link.props.get("since")
    if since is not None:
        return str(since)
    year = prop(store, transfer, "year")
    return None if year is None else str(year)
