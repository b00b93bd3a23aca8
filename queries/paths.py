"""``path``: how two entities are connected, by the shortest chain of sourced links;
and ``neighbourhood``: an entity and everything one link away.

A path here means what the saved query ``shortest_sourced_path`` means: a chain
of supply, ownership and agency links (schema.yaml, ``meaning``), each in either
direction, never through a Country, a List or a Regime (two companies in one
country, or on one list, are not connected by that). ``map --path`` and
``export --path`` draw the first of its chains, and say so when there is none.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from dualtrace.graph.errors import DualtraceError
from dualtrace.graph.model import Link
from dualtrace.graph.protocol import Store
from dualtrace.queries.resolve import resolve
from dualtrace.queries.trace import DEFAULT_STATUSES
from dualtrace.queries.walk import sourced_chains

ENTITY_KINDS = ("Organization", "GovernmentBuyer", "Person", "Product", "Transfer", "Country", "List", "Regime")


@dataclass(frozen=True)
class Chain:
    """A sourced path: the entities along it and the links between them."""

    nodes: list[str]
    links: tuple[Link, ...]

    def describe(self, store: Store) -> str:
        """One line: each entity, and between two the link and its direction."""
        parts = [store.name_of(self.nodes[0])]
        for here, link in zip(self.nodes, self.links, strict=False):
            arrow = f"--{link.rel}-->" if link.source == here else f"<--{link.rel}--"
            parts += [arrow, store.name_of(link.target if link.source == here else link.source)]
        return " ".join(parts)


class NoPath(DualtraceError):
    """No chain of sourced links connects two entities."""


def path(store: Store, start: str, end: str, statuses: Iterable[str] = DEFAULT_STATUSES) -> Chain:
    """The first shortest chain of sourced links between two entities (names or ids),
    as ``shortest_sourced_path`` orders them; :class:`NoPath` when there is none."""
    a = resolve(store, start, ENTITY_KINDS, "entity")
    b = resolve(store, end, ENTITY_KINDS, "entity")
    allowed = tuple(statuses)
    for nodes, links in sourced_chains(store, a, b, allowed):
        return Chain(nodes, links)
    limit = store.schema.means.hop_limits["path"]
    raise NoPath(
        f"No chain of {'/'.join(allowed)} supply, ownership or agency links (at most {limit}) connects "
        f"{store.name_of(a)} and {store.name_of(b)}; a shared country or list entry is not a connection."
    )


def neighbourhood(store: Store, name: str, statuses: Iterable[str] = DEFAULT_STATUSES) -> set[str]:
    """An entity (name or id) and every entity one link away from it."""
    center = resolve(store, name, ENTITY_KINDS, "entity")
    ids = {center}
    for link in store.neighbours(center, store.schema.relationships, "both", tuple(statuses)):
        ids.update((link.source, link.target))
    return ids
