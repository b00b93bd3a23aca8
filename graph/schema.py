"""Load the declarative schema (``schema.yaml``) and validate nodes and links against it.

The schema file is the single description of the model; this module only
interprets it. Validation returns every problem it finds rather than stopping at
the first, so that an importer can report a whole row at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable
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
GOOD_VALUES_KEPT = 10_000  # text values remembered as valid, per property (see PropertyChecks)


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
    # Derived once per node kind or relationship (see _checks): not part of the schema's value.
    _derived: dict[tuple[str, str], PropertyChecks] = field(default_factory=dict, init=False, repr=False, compare=False)

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
        """The properties a node of ``kind`` may carry: its own plus the common ones.
        The same dict on every call (an import asks millions of times): read it, never change it."""
        return self._checks("node", kind).specs

    def link_properties(self, rel: str) -> dict[str, PropertySpec]:
        """The properties a link of ``rel`` may carry: provenance plus its own (the same
        dict on every call: read it, never change it)."""
        return self._checks("link", rel).specs

    def link_checks(self, rel: str) -> PropertyChecks:
        """The property checks of a relationship: the same object for relationships whose
        properties are the same, so that a properties object shared by links of several
        kinds is checked once (see EmbeddedStore._validate)."""
        return self._checks("link", rel)

    def _checks(self, side: str, name: str) -> PropertyChecks:
        """The property checks of a node kind (``side`` "node") or relationship ("link"),
        made on first use. Raises KeyError for a kind the schema does not declare."""
        found = self._derived.get((side, name))
        if found is None:
            if side == "node":
                specs = {**self.node_common, **self.nodes[name].properties}
            else:
                specs = {**self.provenance, **self.relationships[name].properties}
            # kinds whose properties are the same share their checks (and a record's verdict)
            same = next((checks for checks in self._derived.values() if checks.specs == specs), None)
            found = self._derived[side, name] = same or PropertyChecks(specs)
        return found

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
        problems.extend(self._checks("node", node.kind).problems(node.props))
        return problems

    def validate_node_props(self, kind: str, props: dict[str, Any]) -> list[Problem]:
        """Problems with the properties alone (importers choose the id afterwards)."""
        return self._checks("node", kind).problems(props)

    def validate_link(self, link: Link, kind_of: dict[str, str]) -> list[Problem]:
        """Every problem with ``link``, given ``kind_of`` (node id -> kind) for the ends."""
        problems = self.validate_link_ends(link, kind_of)
        if problems is None:
            return [Problem("rel", f"unknown relationship {link.rel!r}; expected one of {sorted(self.relationships)}")]
        return problems + self.validate_link_props(link.rel, link.props, kind_of)

    def validate_link_ends(self, link: Link, kind_of: dict[str, str]) -> list[Problem] | None:
        """The problems of :meth:`validate_link` that depend on the link's ends (None for
        an unknown relationship: :meth:`validate_link` says so)."""
        rel = self.relationships.get(link.rel)
        if rel is None:
            return None
        problems = []
        for end, node_id, allowed in (("source", link.source, rel.from_kinds), ("target", link.target, rel.to_kinds)):
            found = kind_of.get(node_id)
            if found is None:
                problems.append(Problem(end, f"no entity with id {node_id!r}"))
            elif found not in allowed:
                problems.append(
                    Problem(end, f"{link.rel} {end} must be {' or '.join(allowed)}, not {found} ({node_id})")
                )
        return problems

    def validate_link_props(self, rel: str, props: dict[str, Any], kind_of: dict[str, str]) -> list[Problem]:
        """The problems of :meth:`validate_link` that depend on its properties alone (a
        known ``rel``): links sharing one properties object share the answer."""
        problems = self._checks("link", rel).problems(props)
        for source_id in props.get("sources") or []:
            if kind_of.get(source_id) != "Source":
                problems.append(Problem("sources", f"{source_id!r} is not the id of a Source"))
        return problems


class PropertyChecks:
    """The property specs of one node kind or relationship, prepared for checking
    millions of records: a record without problems (nearly all of them) is checked
    in one pass over its own properties; only a record with a problem is checked
    again by :func:`_check_properties`, which words every problem in its order."""

    def __init__(self, specs: dict[str, PropertySpec]):
        self.specs = specs
        self.required = tuple(name for name, spec in specs.items() if spec.required)
        # per property: its check, its spec, and the text values already found good (a
        # million links carry the same few dates, statuses and dataset ids)
        self.checks: dict[str, tuple[Callable[[Any, PropertySpec], str | None], PropertySpec, set[str]]] = {
            name: (_CHECKS.get(spec.type, _unknown_type), spec, set()) for name, spec in specs.items()
        }

    def problems(self, props: dict[str, Any]) -> list[Problem]:
        return [] if self._valid(props) else _check_properties(props, self.specs)

    def _valid(self, props: dict[str, Any]) -> bool:
        """Whether :func:`_check_properties` finds no problem (the same tests, in another order)."""
        checks = self.checks
        for name, value in props.items():
            found = checks.get(name)
            if found is None:
                return False
            if value is None or value in ("", []):
                continue
            if type(value) is str:
                good: set[str] = found[2]
                if value in good:
                    continue
                if found[0](value, found[1]) is not None:
                    return False
                if len(good) < GOOD_VALUES_KEPT:
                    good.add(value)
            elif found[0](value, found[1]) is not None:
                return False
        for name in self.required:
            value = props.get(name)
            if value is None or value in ("", []):
                return False
        return True


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


def _type_error(value: Any, spec: PropertySpec) -> str | None:
    """What is wrong with a (non-empty) value of a property, or None."""
    return _CHECKS.get(spec.type, _unknown_type)(value, spec)


def _text(value: Any, spec: PropertySpec) -> str | None:
    return None if isinstance(value, str) and value.strip() else "expected non-empty text"


def _list(value: Any, spec: PropertySpec) -> str | None:
    if not isinstance(value, list):
        return "expected a list of non-empty strings"
    for item in value:  # a loop, not all() over a generator: twice as fast on the short lists of records
        if not (isinstance(item, str) and item.strip()):
            return "expected a list of non-empty strings"
    if not spec.values:
        return None
    bad = [v for v in value if v not in spec.values]
    return f"unknown value(s) {bad}; expected {list(spec.values)}" if bad else None


def _date(value: Any, spec: PropertySpec) -> str | None:
    return None if isinstance(value, str) and DATE_RE.match(value) else f"expected a date YYYY[-MM[-DD]], got {value!r}"


def _year(value: Any, spec: PropertySpec) -> str | None:
    return None if isinstance(value, int) and 1900 <= value <= 2100 else f"expected a year 1900-2100, got {value!r}"


def _number(value: Any, spec: PropertySpec) -> str | None:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    return None if ok else f"expected a number, got {value!r}"


def _country(value: Any, spec: PropertySpec) -> str | None:
    ok = isinstance(value, str) and COUNTRY_RE.match(value)
    return None if ok else f"expected an ISO 3166 alpha-2 code, got {value!r}"


def _enum(value: Any, spec: PropertySpec) -> str | None:
    return None if value in spec.values else f"expected one of {list(spec.values)}, got {value!r}"


def _url(value: Any, spec: PropertySpec) -> str | None:
    return None if isinstance(value, str) and URL_RE.match(value) else f"expected an http(s) URL, got {value!r}"


def _unknown_type(value: Any, spec: PropertySpec) -> str | None:
    return f"schema error: unknown type {spec.type!r}"


# One check per property type (schema.yaml lists them): a lookup, not a chain of comparisons.
_CHECKS = {"string": _text, "text": _text, "list": _list, "date": _date, "year": _year, "number": _number,
           "country": _country, "enum": _enum, "url": _url}  # fmt: skip


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
