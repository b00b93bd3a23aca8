"""What a reader makes of one record before it meets the workspace.

Mappings and the built-in formats all produce :class:`Unit` values: the
entities and relations found in one record, each entity with a ``key`` that is
unique within the import. The importer then decides which workspace entity each
key is (entity resolution) and merges. Keeping this step free of the store is
what lets a failed import leave the workspace untouched.
"""

from __future__ import annotations

import hashlib
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
class Reference:
    """A link to another record of the same file, which the record names by the value
    of that record's ``match`` column (OFAC's "Linked To: CEC LIMITED")."""

    source: str  # entity key in this record
    rel: str
    value: str
    props: dict[str, Any] = field(default_factory=dict)


@dataclass
class Unit:
    """Everything one record says, with where it came from (``row`` as the user counts).

    ``version_key`` identifies the record across versions of the file (its record
    id, or its content when the format has no record ids) and ``digest`` its
    content, so that a newer version can be compared with the last."""

    row: int
    record_id: str
    entities: list[Entity] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    citations: list[Entity] = field(default_factory=list)  # Source entities made from the record
    references: list[Reference] = field(default_factory=list)
    match: str | None = None  # the value other records' references name this record by
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (column, what was dropped)
    version_key: str | None = None
    digest: str = ""


@dataclass
class Rejected:
    """A record that was not imported, and why (one line per problem). ``version_key``
    when the record could still be identified: a newer version's rejected record
    is not mistaken for a removed one."""

    row: int
    column: str
    reason: str
    record: dict[str, Any]
    version_key: str | None = None


def record_digest(values: dict[str, Any]) -> str:
    """A short fingerprint of a record's content (stable across runs and machines)."""
    text = "\x1f".join([f"{k}\x1e{v}" for k, v in values.items()])  # a list: faster to join than a generator
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()
