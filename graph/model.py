"""The two records the graph is made of: nodes and links.

They are plain values so that every store (embedded, Neo4j) and every importer
speaks the same language. Properties are kept in a dict whose keys the schema
checks; ids are readable and stable (``org:hikvision``) so saved queries and
exports survive re-imports.

Why ``slots`` and not ``frozen``: a walk over a million-link graph makes millions
of them, and a frozen dataclass costs three times as much to create (each field
is set through ``object.__setattr__``). Treat them as values all the same: build
a new one rather than changing one.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class Node:
    """An entity: ``id`` like ``org:hikvision``, ``kind`` a node kind of the schema."""

    id: str
    kind: str
    props: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """A human label: the name, else the title (sources), else the id."""
        return str(self.props.get("name") or self.props.get("title") or self.id)


@dataclass(slots=True)
class Link:
    """A relationship ``source -[rel]-> target`` with its provenance in ``props``."""

    source: str
    rel: str
    target: str
    props: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str, str]:
        """Identity of a link: one link of a given kind between two nodes."""
        return (self.source, self.rel, self.target)


def slugify(text: str) -> str:
    """A lower-case ASCII slug for building readable ids from names.

    >>> slugify("Zhejiang Dahua Technology Co., Ltd.")
    'zhejiang-dahua-technology-co-ltd'
    """
    ascii_text = text if text.isascii() else unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")
    return slug or "x"


_NOT_SLUG = re.compile(r"[^a-z0-9]+")  # compiled once: an import slugs every record's id
