"""Load the declarative schema (``schema.yaml``) and validate nodes and links against it.

The schema file is the single description of the model; this module only
interprets it. Validation returns every problem it finds rather than stopping at
the first, so that an importer can report a whole row at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from dualtrace.graph.model import Link, Node

DATE_RE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
ID_RE = re.compile(r"^([a-z]+):([A-Za-z0-9][A-Za-z0-9._-]*)$")
COUNTRY_RE = re.compile(r"^[A-Z]{2}$")
URL_RE = re.compile(r"^https?://\S+$")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one field of one record."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


@dataclass(frozen=True)
class PropertySpec:
    name: str
    type: str
    required: bool = False
    values: tuple[str, ...] = ()
    doc: str = ""


@dataclass(frozen=True)
class NodeKind:
    name: str
    prefix: str
    properties: dict[str, PropertySpec]
    doc: str = ""


@dataclass(frozen=True)
class RelationshipKind:
    name: str
    from_kinds: tuple[str, ...]
    to_kinds: tuple[str, ...]
    properties: dict[str, PropertySpec] = field(default_factory=dict)
    doc: str = ""
    ends_when_dropped: bool = False  # a newer version of a dataset without the record ends the link


@dataclass(frozen=True)
class Meaning:
    """What relationships mean to the questions (schema.yaml, ``meaning``)."""

    end_users: tuple[str, ...]
    supply: tuple[str, ...]
    deal_parties: tuple[str, ...]
    ownership: tuple[str, ...]
    units: tuple[str, ...]
    connections: tuple[str, ...]
    path_excludes: tuple[str, ...]
    hop_limits: dict[str, int]
    default_statuses: tuple[str, ...]
    status_order: tuple[str, ...]

    def weakest(self, statuses: Any) -> str:
        """The weakest of some statuses (a chain is as strong as its weakest link)."""
        return min(statuses, key=self.status_order.index, default=self.status_order[-1])


@dataclass(frozen=True)
class Schema:
    version: int
    nodes: dict[str, NodeKind]
    relationships: dict[str, RelationshipKind]
    provenance: dict[str, PropertySpec]
    node_common: dict[str, PropertySpec] = field(default_factory=dict)
    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)
    meaning: Meaning | None = None
    styles: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)

    @property
    def means(self) -> Meaning:
        """The ``meaning`` block (every shipped schema has one)."""
        if self.meaning is None:
            raise ValueError("this schema declares no `meaning`")
        return self.meaning

    def group_of(self, kind: str) -> str | None:
        """The resolution group of a node kind (kinds of one group may be joined), else None."""
        for name, kinds in self.groups.items():
            if kind in kinds:
                return name
        return None

    def node_properties(self, kind: str) -> dict[str, PropertySpec]:
        """The properties a node of ``kind`` may carry: its own plus the common ones."""
        return {**self.node_common, **self.nodes[kind].properties}

    def link_properties(self, rel: str) -> dict[str, PropertySpec]:
        """The properties a link of ``rel`` may carry: provenance plus its own."""
        return {**self.provenance, **self.relationships[rel].properties}

    def enum_values(self, kind: str, prop: str) -> tuple[str, ...]:
        return self.nodes[kind].properties[prop].values

    def validate_node(self, node: Node) -> list[Problem]:
        """Every problem with ``node``: unknown kind, bad id, missing or mistyped properties."""
        kind = self.nodes.get(node.kind)
        if kind is None:
            return [Problem("kind", f"unknown node kind {node.kind!r}; expected one of {sorted(self.nodes)}")]
        problems = []
        match = ID_RE.match(node.id)
        if not match:
            problems.append(Problem("id", f"{node.id!r} is not of the form prefix:slug (e.g. org:hikvision)"))
        elif match.group(1) != kind.prefix:
            problems.append(Problem("id", f"{node.id!r} should start with {kind.prefix!r}: for a {node.kind}"))
        problems.extend(_check_properties(node.props, self.node_properties(node.kind)))
        return problems

    def validate_node_props(self, kind: str, props: dict[str, Any]) -> list[Problem]:
        """Problems with the properties alone (importers choose the id afterwards)."""
        return _check_properties(props, self.node_properties(kind))

    def validate_link(self, link: Link, kind_of: dict[str, str]) -> list[Problem]:
        """Every problem with ``link``, given ``kind_of`` (node id -> kind) for the ends."""
        rel = self.relationships.get(link.rel)
        if rel is None:
            return [Problem("rel", f"unknown relationship {link.rel!r}; expected one of {sorted(self.relationships)}")]
        problems = []
        for end, node_id, allowed in (("source", link.source, rel.from_kinds), ("target", link.target, rel.to_kinds)):
            found = kind_of.get(node_id)
            if found is None:
                problems.append(Problem(end, f"no entity with id {node_id!r}"))
            elif found not in allowed:
                problems.append(
                    Problem(end, f"{link.rel} {end} must be {' or '.join(allowed)}, not {found} ({node_id})")
                )
        problems.extend(_check_properties(link.props, self.link_properties(link.rel)))
        for source_id in link.props.get("sources") or []:
            if kind_of.get(source_id) != "Source":
                problems.append(Problem("sources", f"{source_id!r} is not the id of a Source"))
        return problems


def _check_properties(props: dict[str, Any], specs: dict[str, PropertySpec]) -> list[Problem]:
    problems = []
    for name in props:
        if name not in specs:
            problems.append(Problem(name, f"unknown property; expected one of {sorted(specs)}"))
    for name, spec in specs.items():
        value = props.get(name)
        if value is None or value in ("", []):
            if spec.required:
                problems.append(Problem(name, "required but missing"))
            continue
        message = _type_error(value, spec)
        if message:
            problems.append(Problem(name, message))
    return problems


def _type_error(value: Any, spec: PropertySpec) -> str | None:  # noqa: PLR0911 - one branch per type
    kind = spec.type
    if kind in ("string", "text"):
        return None if isinstance(value, str) and value.strip() else "expected non-empty text"
    if kind == "list":
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            return "expected a list of non-empty strings"
        bad = [v for v in value if spec.values and v not in spec.values]
        return f"unknown value(s) {bad}; expected {list(spec.values)}" if bad else None
    if kind == "date":
        return (
            None
            if isinstance(value, str) and DATE_RE.match(value)
            else f"expected a date YYYY[-MM[-DD]], got {value!r}"
        )
    if kind == "year":
        return None if isinstance(value, int) and 1900 <= value <= 2100 else f"expected a year 1900-2100, got {value!r}"
    if kind == "number":
        return (
            None
            if isinstance(value, (int, float)) and not isinstance(value, bool)
            else f"expected a number, got {value!r}"
        )
    if kind == "country":
        return (
            None
            if isinstance(value, str) and COUNTRY_RE.match(value)
            else f"expected an ISO 3166 alpha-2 code, got {value!r}"
        )
    if kind == "enum":
        return None if value in spec.values else f"expected one of {list(spec.values)}, got {value!r}"
    if kind == "url":
        return None if isinstance(value, str) and URL_RE.match(value) else f"expected an http(s) URL, got {value!r}"
    return f"schema error: unknown type {kind!r}"


def _specs(raw: dict[str, Any] | None) -> dict[str, PropertySpec]:
    return {
        name: PropertySpec(
            name=name,
            type=spec["type"],
            required=bool(spec.get("required", False)),
            values=tuple(spec.get("values", ())),
            doc=spec.get("doc", ""),
        )
        for name, spec in (raw or {}).items()
    }


def parse_schema(text: str) -> Schema:
    """Build a :class:`Schema` from YAML text."""
    raw = yaml.safe_load(text)
    nodes = {
        name: NodeKind(
            name=name, prefix=spec["prefix"], properties=_specs(spec.get("properties")), doc=spec.get("doc", "")
        )
        for name, spec in raw["nodes"].items()
    }
    relationships = {
        name: RelationshipKind(
            name=name,
            from_kinds=tuple(spec["from"]),
            to_kinds=tuple(spec["to"]),
            properties=_specs(spec.get("properties")),
            doc=spec.get("doc", ""),
            ends_when_dropped=bool(spec.get("ends_when_dropped", False)),
        )
        for name, spec in raw["relationships"].items()
    }
    return Schema(
        version=int(raw["version"]),
        nodes=nodes,
        relationships=relationships,
        provenance=_specs(raw["provenance"]),
        node_common=_specs(raw.get("node_common")),
        groups={name: tuple(kinds) for name, kinds in (raw.get("groups") or {}).items()},
        meaning=_meaning(raw.get("meaning")),
        styles=raw.get("styles") or {},
    )


def _meaning(raw: dict[str, Any] | None) -> Meaning | None:
    if not raw:
        return None
    lists = ("end_users", "supply", "deal_parties", "ownership", "units", "connections", "path_excludes")
    return Meaning(
        **{key: tuple(raw[key]) for key in lists},
        hop_limits={k: int(v) for k, v in raw["hop_limits"].items()},
        default_statuses=tuple(raw["statuses"]["default"]),
        status_order=tuple(raw["statuses"]["order"]),
    )


@lru_cache(maxsize=1)
def load_schema() -> Schema:
    """The schema shipped with the package (cached)."""
    text = resources.files("dualtrace.graph").joinpath("schema.yaml").read_text(encoding="utf-8")
    return parse_schema(text)
