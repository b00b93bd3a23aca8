"""What a reader makes of one record before it meets the workspace.

Mappings and the built-in formats all produce :class:`Unit` values: the
entities and relations found in one record, each entity with a ``key`` that is
unique within the import. The importer then decides which workspace entity each
key is (entity resolution) and merges. Keeping this step free of the store is
what lets a failed import leave the workspace untouched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Entity:
    """An entity as a record states it. ``id`` is set when the record fixes it
    (a country code, a transfer's record id); otherwise resolution chooses."""

    key: str
    kind: str
    props: dict[str, Any]
    id: str | None = None


@dataclass
class Relation:
    source: str  # entity key
    rel: str
    target: str  # entity key
    props: dict[str, Any] = field(default_factory=dict)


@dataclass
class Unit:
    """Everything one record says, with where it came from (``row`` as the user counts)."""

    row: int
    record_id: str
    entities: list[Entity] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    citations: list[Entity] = field(default_factory=list)  # Source entities made from the record


@dataclass
class Rejected:
    """A record that was not imported, and why (one line per problem)."""

    row: int
    column: str
    reason: str
    record: dict[str, Any]
