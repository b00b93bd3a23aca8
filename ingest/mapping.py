"""The mapping language: a YAML file that says how the rows of a table become
entities and links. README, "Writing a mapping", documents it with a
worked example; the built-in formats in ``ingest/formats/`` are mappings too.

A mapping is checked against the schema once (:func:`check_mapping`, also
``dualtrace mapping check``) and then applied to every record
(:meth:`Mapping.apply`), which returns a :class:`~dualtrace.ingest.staging.Unit`
or the reasons the record was rejected.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from dualtrace.graph.errors import DualtraceError
from dualtrace.graph.model import slugify
from dualtrace.graph.names import country_name, plain_name
from dualtrace.graph.schema import DATE_RE, ID_RE, URL_RE, PropertySpec, Schema, load_schema
from dualtrace.ingest.fingerprint import Expect
from dualtrace.ingest.parsers import PARSERS
from dualtrace.ingest.readers import ReadOptions, Record
from dualtrace.ingest.staging import Entity, Reference, Rejected, Relation, Unit, record_digest
from dualtrace.ingest.values import DateValue, ValueProblem, parse_country, parse_date, parse_integer, parse_year

MAX_CELL = 10_000
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # tab, newline and return are text
CACHE_LIMIT = 500_000  # memoised entities kept per import before the memo is cleared
TEMPLATE_RE = re.compile(r"\{([^{}]+)\}")
SOURCE_KEYS = ("column", "columns", "constant", "template", "value")
MODIFIER_KEYS = ("split", "pattern", "parse", "map", "unmapped", "type", "formats", "first", "default", "required",
                 "on_error")  # fmt: skip
ON_ERROR = ("reject", "drop")
UNMAPPED = ("reject", "keep", "drop")
TYPES = ("text", "list", "date", "year", "integer", "country")
SKIP_KEYS = ("column", "in", "empty", "present", "matches")
CONDITIONS = SKIP_KEYS[1:]
TOP_KEYS = ("mapping", "name", "description", "dataset", "read", "expect", "record_id", "skip", "entities", "links",
            "provenance", "citation")  # fmt: skip
EXPECT_KEYS = ("columns", "header", "keys", "values", "sample")
DATASET_KEYS = ("id", "title", "publisher", "kind", "url", "date", "note")
READ_KEYS = ("format", "encoding", "sheet", "header", "header_row", "skip_after_header", "records", "null_values",
             "delimiter")  # fmt: skip
READ_FORMATS = ("csv", "xlsx", "json", "jsonl")
ENTITY_KEYS = ("kind", "properties", "optional", "each", "id", "when")
LINK_KEYS = ("from", "rel", "to", "to_record", "match", "properties", "status", "note")
PROVENANCE_KEYS = ("status", "since", "until", "note")
CITATION_KEYS = ("title", "publisher", "url", "date", "kind", "note")


class MappingError(DualtraceError):
    """The mapping file itself is wrong; ``problems`` names each place."""

    def __init__(self, where: str, problems: list[str]):
        self.problems = problems
        super().__init__(f"{where}: {len(problems)} problem(s) in the mapping:\n  " + "\n  ".join(problems))


@dataclass
class Field:
    """How one value is taken from a record (see README for every key)."""

    spec: dict[str, Any]
    prop: PropertySpec | None = None
    where: str = ""

    @property
    def text_column(self) -> str | None:
        """The column, for a field that takes a column's text with nothing else done to
        it (a record id, a name): :meth:`evaluate` then reads it directly."""
        found: str | None = self.__dict__.get("_text_column", "")
        if found == "":
            plain = set(self.spec) == {"column"} and _implied_type(self.prop) == "text"
            found = self.__dict__["_text_column"] = self.spec["column"] if plain else None
        return found

    def columns(self) -> list[str]:
        if "column" in self.spec:
            return [self.spec["column"]]
        if "columns" in self.spec:
            return list(self.spec["columns"])
        if "template" in self.spec:
            return [n for n in TEMPLATE_RE.findall(self.spec["template"]) if n != "each"]
        return []

    def raw(self, values: dict[str, Any], each: Any) -> Any:
        spec = self.spec
        if "constant" in spec:
            return spec["constant"]
        if "value" in spec:
            return each
        if "column" in spec:
            return values.get(spec["column"])
        if "columns" in spec:
            for column in spec["columns"]:
                if values.get(column) not in (None, "", []):
                    return values[column]
            return None
        template: str = spec["template"]
        filled = 0

        def fill(match: re.Match[str]) -> str:
            nonlocal filled
            name = match.group(1)
            found = each if name == "each" else values.get(name)
            if found in (None, ""):
                return ""
            filled += 1
            return str(found)

        text = TEMPLATE_RE.sub(fill, template)
        # Empty when every referenced value is empty; a template without references is a constant.
        return text if filled or not TEMPLATE_RE.search(template) else None

    def evaluate(self, values: dict[str, Any], each: Any = None, warnings: list[str] | None = None) -> Any:
        """The typed value, ``None`` when empty; raises :class:`ValueProblem`. A named
        parser's warnings (pieces it could not read and dropped) go to ``warnings``."""
        spec = self.spec
        column = self.text_column
        if column is not None:  # a column's text, as it is: what the rest makes of a non-empty string
            text = values.get(column)
            if type(text) is str and text:
                return text.strip()
        value = self.raw(values, each)
        kind = spec.get("type") or _implied_type(self.prop)
        if isinstance(value, str) and "parse" in spec:
            parsed = PARSERS[spec["parse"]](value)
            if warnings is not None:
                warnings.extend(parsed.warnings)
            value = parsed.values
        elif isinstance(value, str) and "split" in spec:
            value = [part.strip() for part in value.split(spec["split"]) if part.strip()]
        elif isinstance(value, str) and kind == "list":
            value = [part.strip() for part in value.split(";") if part.strip()]
        if "pattern" in spec and value not in (None, ""):
            value = _extract(spec["pattern"], value)
        if "map" in spec and value not in (None, ""):
            value = _map(spec["map"], spec.get("unmapped", "reject"), value)
        if isinstance(value, list):
            value = [v for v in value if v not in (None, "")]
            if spec.get("first"):
                value = value[0] if value else None
        if value in (None, "", []):
            value = spec.get("default")
        if value in (None, "", []):
            if spec.get("required"):
                raise ValueProblem("required but empty")
            return None
        return _typed(value, kind, tuple(spec.get("formats") or ()))


def _implied_type(prop: PropertySpec | None) -> str:
    if prop is None:
        return "text"
    return {"country": "country", "date": "date", "year": "year", "list": "list", "number": "integer"}.get(
        prop.type, "text"
    )


def _extract(pattern: str, value: Any) -> Any:
    if isinstance(value, list):
        found = [_extract(pattern, v) for v in value]
        return [f for f in found if f]
    match = re.search(pattern, str(value))
    if not match:
        return None
    return (match.group(1) if match.groups() else match.group(0)).strip()


def _map(table: dict[str, Any], unmapped: Any, value: Any) -> Any:
    if isinstance(value, list):
        mapped = [_map(table, unmapped, v) for v in value]
        return [m for m in mapped if m is not None]
    lowered = {str(k).strip().lower(): v for k, v in table.items()}
    key = str(value).strip().lower()
    if key in lowered:
        return lowered[key]
    if unmapped == "reject":
        raise ValueProblem(f"{value!r} is not in the mapping's table; expected one of {sorted(table)}")
    if unmapped == "keep":
        return value
    if unmapped == "drop":
        return None
    return unmapped


def _typed(value: Any, kind: str, formats: tuple[str, ...]) -> Any:  # noqa: PLR0911 - one branch per type
    if kind == "list":
        items = value if isinstance(value, list) else [value]
        return [str(v).strip() for v in items if str(v).strip()]
    if isinstance(value, list):
        return [_typed(v, kind, formats) for v in value]
    if kind == "date":
        return parse_date(str(value), formats)
    if kind == "year":
        return parse_year(value)
    if kind == "integer":
        return parse_integer(value)
    if kind == "country":
        return parse_country(value)
    return str(value).strip() if not isinstance(value, str) else value.strip()


@dataclass
class EntitySpec:
    name: str
    kind: str
    properties: dict[str, Field]
    optional: bool = False
    each: Field | None = None
    id: Field | None = None
    when: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class LinkSpec:
    source: str
    rel: str
    target: str  # an entity of the mapping; empty for a link to another record (to_record)
    properties: dict[str, Field] = field(default_factory=dict)
    to_record: Field | None = None  # values naming other records of the file by their `match` column


@dataclass
class Mapping:
    """A checked mapping, ready to apply to records."""

    path: str
    name: str
    dataset: dict[str, Any]
    read: ReadOptions
    record_id: Field | None
    skip: list[dict[str, Any]]
    entities: dict[str, EntitySpec]
    links: list[LinkSpec]
    provenance: dict[str, Field]
    citation: dict[str, Field]
    schema: Schema
    expect: Expect | None = None
    match: str | None = None  # the column other records' to_record values name a record by
    _warnings: list[tuple[str, str]] = field(default_factory=list, repr=False)
    _cache: dict[tuple[str, tuple[Any, ...]], Any] = field(default_factory=dict, repr=False)
    _spec_columns: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)
    _countries: dict[str, Entity] = field(default_factory=dict, repr=False)  # Country entities by code

    @property
    def slug(self) -> str:
        """The dataset's id as a slug, for the ids of its deals and citations (asked for
        on every record: kept, and made again only if the dataset's id changed)."""
        dataset_id = str(self.dataset["id"])
        cached = self.__dict__.get("_slug")
        if cached is None or cached[0] != dataset_id:
            cached = self.__dict__["_slug"] = (dataset_id, slugify(dataset_id.removeprefix("source:"))[:60])
        return cached[1]

    def used_columns(self) -> set[str]:
        fields: list[Field] = [*self.provenance.values(), *self.citation.values()]
        if self.record_id:
            fields.append(self.record_id)
        for entity in self.entities.values():
            fields += list(entity.properties.values())
            fields += [f for f in (entity.each, entity.id) if f]
        for link in self.links:
            fields += [*link.properties.values(), *([link.to_record] if link.to_record else [])]
        columns = {c for f in fields for c in f.columns()} | ({self.match} if self.match else set())
        conditions = [*self.skip, *(rule for e in self.entities.values() for rule in e.when)]
        return columns | {rule["column"] for rule in conditions}

    def required_columns(self) -> set[str]:
        """Columns that must exist in the file's header (a column of a required
        field, or the only column of a field)."""
        needed: set[str] = set()
        for entity in self.entities.values():
            if entity.optional:
                continue
            for name, prop in entity.properties.items():
                spec = prop.spec
                is_required = spec.get("required") or (prop.prop is not None and prop.prop.required and name == "name")
                if is_required and "column" in spec:
                    needed.add(spec["column"])
        return needed

    def skipped(self, values: dict[str, Any]) -> str | None:
        """The reason a record is skipped on purpose (a ``skip`` rule), else None."""
        for rule in self.skip:
            reason = _holds(rule, values)
            if reason:
                return reason
        return None

    def apply(self, record: Record) -> Unit | Rejected:
        """The entities and relations of one record, or why it was rejected."""
        values = record.values
        self._warnings = []
        if record.fields is not None and record.fields != record.expected:
            return Rejected(
                record.number, "(row)", f"the row has {record.fields} fields where {record.expected} are expected: "
                "a field was added or lost, so its values cannot be matched to their columns", values,
            )  # fmt: skip
        problem = self._check_cells(values)
        if problem:
            return Rejected(record.number, problem[0], problem[1], values, self._version_key(record, None))
        digest = record_digest(values)
        try:
            unit = self._apply(record)
        except _RowProblem as exc:
            return Rejected(record.number, exc.column, exc.message, values, self._version_key(record, digest))
        unit.warnings = self._warnings
        unit.digest = digest
        if self.record_id is None:
            unit.version_key = f"content:{digest}" if digest else None
        return unit

    def _version_key(self, record: Record, digest: str | None) -> str | None:
        """What identifies the record in every version of the file: its record id, or,
        for a format without record ids, its content (None when neither can be had)."""
        if self.record_id is None:
            return f"content:{digest}" if digest else None
        try:
            value = self.record_id.evaluate(record.values)
        except ValueProblem:
            return None
        return str(value) if value not in (None, "") else None

    def _check_cells(self, values: dict[str, Any]) -> tuple[str, str] | None:
        """The first column whose cell is not text a mapping can read, and why."""
        texts = [value for column in self.used_columns_cache if isinstance(value := values.get(column), str)]
        joined = "".join(texts)
        if not CONTROL_RE.search(joined) and "\ufffd" not in joined and max(map(len, texts), default=0) <= MAX_CELL:
            return None  # every cell at once, the usual answer; else cell by cell, to name the column
        for column in self.used_columns_cache:
            value = values.get(column)
            if isinstance(value, str):
                bad = CONTROL_RE.search(value)
                if bad:
                    return column, (
                        f"control character U+{ord(bad.group()):04X} at position {bad.start() + 1}: not text "
                        "(a binary file, or one of another format?)"
                    )
                if len(value) > MAX_CELL:
                    return column, (
                        f"the cell holds {len(value):,} characters; at most {MAX_CELL:,} expected "
                        "(is a whole document pasted into one cell?)"
                    )
                if "\ufffd" in value:
                    return column, "bytes that are not valid in the file's encoding; state `read: encoding:`"
        return None

    @property
    def used_columns_cache(self) -> set[str]:
        cached = self.__dict__.get("_used")
        if cached is None:
            cached = self.__dict__["_used"] = self.used_columns()
        return cached

    def _value(self, fld: Field, values: dict[str, Any], column_label: str, each: Any = None) -> Any:
        columns = fld.columns()
        column = columns[0] if len(columns) == 1 else column_label
        notes: list[str] = []
        try:
            value = fld.evaluate(values, each, notes)
        except ValueProblem as exc:
            if fld.spec.get("on_error") != "drop":
                raise _RowProblem(column, str(exc)) from None
            notes.append(f"{exc}; dropped")
            value = None
        self._warnings.extend((column, note) for note in notes)
        return value

    def _record_id(self, record: Record) -> tuple[str, str | None]:
        """The record's id (its row when it has none) and version key (see
        :meth:`_version_key`, which it equals: the value is evaluated once)."""
        if self.record_id is None:
            return f"row-{record.number}", None
        value = self._value(self.record_id, record.values, "record_id")
        if value in (None, ""):
            return f"row-{record.number}", None
        return str(value), str(value)

    def _apply(self, record: Record) -> Unit:
        values = record.values
        record_id, version_key = self._record_id(record)
        unit = Unit(row=record.number, record_id=record_id, version_key=version_key)
        provenance, approx_note = self._provenance(values)
        keys: dict[str, list[str]] = {}
        countries: set[str] = set()  # the countries this record's entities are located in
        for entity in self.entities.values():
            keys[entity.name] = self._entities(entity, values, unit, provenance, countries)
        for link in self.links:
            # Relations share one props dict (often the memoised provenance itself): read-only downstream.
            props = provenance
            if link.properties:
                props = dict(provenance)
                for name, fld in link.properties.items():
                    value = self._value(fld, values, f"links.{link.rel}.{name}")
                    if value is not None:
                        props[name] = value.start if isinstance(value, DateValue) else value
            if link.to_record is not None:
                named = self._value(link.to_record, values, f"links.{link.rel}.to_record")
                for value in named if isinstance(named, list) else [named] if named else []:
                    unit.references += [Reference(source, link.rel, str(value), props) for source in keys[link.source]]
                continue
            for source in keys[link.source]:
                for target in keys[link.target]:
                    unit.relations.append(Relation(source, link.rel, target, props))
        if self.match:
            unit.match = values.get(self.match)
        if approx_note:
            for relation in unit.relations:
                note = "; ".join(filter(None, [relation.props.get("note"), approx_note]))
                relation.props = {**relation.props, "note": note}
        if self.citation:
            self._citation(values, unit)
        return unit

    def _provenance(self, values: dict[str, Any]) -> tuple[dict[str, Any], str]:
        """Status, dates and note of the record's links (memoised like entities)."""
        columns = self._spec_columns.get("(provenance)")
        if columns is None:
            columns = self._spec_columns["(provenance)"] = tuple(
                sorted({c for f in self.provenance.values() for c in f.columns()})
            )
        cells = tuple([values.get(c) for c in columns])
        return self._memo("(provenance)", cells, lambda: self._evaluate_provenance(values))

    def forget(self) -> None:
        """Empty the memo of :meth:`_memo` (at the end of a file: a million rows' deals are
        a million entries). Only the time to build them again changes: the memo gives
        what ``build()`` gives."""
        self._cache = {}

    def _memo(self, name: str, cells: tuple[Any, ...], build: Any) -> Any:
        """``build()``, memoised on the cells it reads: a vendor named in a million rows
        is built and checked once. Its warnings are replayed on every row that reads
        the same cells; a problem is raised again."""
        try:
            cached = self._cache.get((name, cells))
        except TypeError:  # a JSON list or object in a cell: not hashable, build every time
            return build()
        if cached is None:
            if len(self._cache) > CACHE_LIMIT:
                self._cache.clear()
            before = len(self._warnings)
            try:
                result: Any = build()
            except _RowProblem as exc:
                result = exc
            cached = self._cache[name, cells] = (result, self._warnings[before:])
        else:
            self._warnings.extend(cached[1])
        if isinstance(cached[0], _RowProblem):
            raise cached[0]
        return cached[0]

    def _evaluate_provenance(self, values: dict[str, Any]) -> tuple[dict[str, Any], str]:
        props: dict[str, Any] = {}
        approx = ""
        for name, fld in self.provenance.items():
            value = self._value(fld, values, f"provenance.{name}")
            if isinstance(value, DateValue):
                if value.approximate:
                    approx = f"{name} approximate ({value.start})"
                if value.end and name == "since" and "until" not in props:
                    props["until"] = value.end
                value = value.start
            if value is not None:
                props[name] = value
        props.setdefault("status", "reported")
        return props, approx

    def _entities(
        self, spec: EntitySpec, values: dict[str, Any], unit: Unit, provenance: dict[str, Any], countries: set[str]
    ) -> list[str]:
        """Add the entities ``spec`` makes of the record to ``unit`` (with the country each
        party is located in); returns their keys."""
        keys = []
        # A party's location is not what a denial denies (the record's statement, a
        # sale): the link to its country is only reported then.
        location = provenance if provenance.get("status") != "denied" else {**provenance, "status": "reported"}
        for built in self._built(spec, values):
            entity = built
            if entity.id is None and spec.kind == "Transfer":  # a deal: the record's own
                record_slug = slugify(unit.record_id)
                entity = Entity(built.key, built.kind, built.props, f"transfer:{self.slug}-{record_slug}"[:120])
            unit.entities.append(entity)
            keys.append(entity.key)
            country = entity.props.get("country") if entity.kind in ("Organization", "GovernmentBuyer") else None
            if country:
                country_key = self._country_entity(country, unit, countries)
                unit.relations.append(Relation(entity.key, "LOCATED_IN", country_key, location))
        return keys

    def _built(self, spec: EntitySpec, values: dict[str, Any]) -> list[Entity]:
        """The entities ``spec`` makes of ``values``, memoised on the cells it reads:
        a vendor named in a million rows is built and checked once. The result is
        shared between rows and must not be changed. Keys are unique within a record
        (``spec.index``), so one Entity serves every record that names it."""
        columns = self._spec_columns.get(spec.name)
        if columns is None:
            columns = self._spec_columns[spec.name] = _entity_columns(spec)
        cells = tuple([values.get(c) for c in columns])
        found: list[Entity] = self._memo(spec.name, cells, lambda: self._build(spec, values))
        return found

    def _build(self, spec: EntitySpec, values: dict[str, Any]) -> list[Entity]:
        if spec.when and not all(_holds(rule, values) for rule in spec.when):
            return []
        items: list[Any] = [None]
        if spec.each is not None:
            found = self._value(spec.each, values, f"entities.{spec.name}.each")
            items = found if isinstance(found, list) else ([] if found is None else [found])
        built: list[Entity] = []
        for item in items:
            props: dict[str, Any] = {}
            for name, fld in spec.properties.items():
                value = self._value(fld, values, f"entities.{spec.name}.{name}", item)
                if isinstance(value, DateValue):
                    value = value.start
                if value is not None:
                    props[name] = value
            entity = self._entity(spec, props, values, item)
            if entity is not None:
                built.append(Entity(f"{spec.name}.{len(built)}", spec.kind, entity[0], entity[1]))
        return built

    def _entity(
        self, spec: EntitySpec, props: dict[str, Any], values: dict[str, Any], item: Any
    ) -> tuple[dict[str, Any], str | None] | None:
        """Checked properties and fixed id (if any) of one entity; None when an
        optional entity is absent; raises :class:`_RowProblem`."""
        if spec.kind == "Country":
            code = props.get("iso2") or props.get("name")
            if code is None:
                if spec.optional:
                    return None
                raise _RowProblem(f"entities.{spec.name}", "no country given")
            try:
                code = parse_country(code)
            except ValueProblem as exc:
                raise _RowProblem(_first_column(spec, ("iso2", "name")), str(exc)) from None
            return {"name": country_name(code), "iso2": code}, f"country:{code}"
        entity_id = None
        if spec.id is not None:
            raw = self._value(spec.id, values, f"entities.{spec.name}.id", item)
            entity_id = str(raw) if raw else None
            problem = _id_problem(entity_id, self.schema.nodes[spec.kind].prefix) if entity_id else None
            if problem:
                raise _RowProblem(_first_column(spec, ("id",), spec.id), problem)
        missing = [
            name for name, p in self.schema.node_properties(spec.kind).items() if p.required and name not in props
        ]
        if missing:
            if spec.optional:
                return None
            raise _RowProblem(
                _first_column(spec, tuple(missing)), f"{spec.name} ({spec.kind}) needs {', '.join(missing)}; empty"
            )
        if props.get("aliases"):
            own = plain_name(str(props["name"]))
            props["aliases"] = [a for a in props["aliases"] if plain_name(a) != own] or None
            if props["aliases"] is None:
                del props["aliases"]
        problems = self.schema.validate_node_props(spec.kind, props)
        if problems:
            first = problems[0]
            raise _RowProblem(_first_column(spec, (first.field,)), f"{spec.name}.{first.field}: {first.message}")
        return props, entity_id

    def _country_entity(self, code: str, unit: Unit, countries: set[str]) -> str:
        """The key of the Country ``code`` in ``unit``, added when the record has none yet."""
        key = f"country.{code}"
        if code not in countries:
            countries.add(code)
            entity = self._countries.get(code)
            if entity is None:
                props = _COUNTRY_PROPS.get(code)
                if props is None:
                    props = _COUNTRY_PROPS[code] = {"name": country_name(code), "iso2": code}
                entity = self._countries[code] = Entity(key, "Country", props, f"country:{code}")
            unit.entities.append(entity)
        return key

    def _citation(self, values: dict[str, Any], unit: Unit) -> None:
        """The record's citation: a Source of its own (memoised like entities: twenty
        thousand reports cited by a million rows are built twenty thousand times)."""
        columns = self._spec_columns.get("(citation)")
        if columns is None:
            columns = self._spec_columns["(citation)"] = tuple(
                sorted({c for f in self.citation.values() for c in f.columns()})
            )
        cells = tuple([values.get(c) for c in columns])
        citation = self._memo("(citation)", cells, lambda: self._build_citation(values))
        if citation is not None:
            unit.citations.append(citation)

    def _build_citation(self, values: dict[str, Any]) -> Entity | None:
        props: dict[str, Any] = {}
        for name, fld in self.citation.items():
            value = self._value(fld, values, f"citation.{name}")
            if isinstance(value, DateValue):
                value = value.start
            if value is not None:
                props[name] = value
        if not props.get("title") and not props.get("url"):
            return None
        if props.get("url") and not re.match(r"^https?://\S+$", props["url"]):
            props.setdefault("note", f"Link as given: {props['url']}")
            props.pop("url")
        props.setdefault("title", props.get("url") or "untitled")
        props["title"] = props["title"][:500]
        props.setdefault("publisher", f"not stated (cited by {self.dataset['title']})")
        props.setdefault("kind", "other")
        ident = slugify(props.get("url") or props["title"])[:80]
        return Entity("citation", "Source", props, id=f"source:{self.slug}-{ident}")


_COUNTRY_PROPS: dict[str, dict[str, str]] = {}


def _entity_columns(spec: EntitySpec) -> tuple[str, ...]:
    """Every column an entity spec reads: its memo key."""
    fields = [*spec.properties.values(), *(f for f in (spec.each, spec.id) if f)]
    columns = {c for f in fields for c in f.columns()} | {rule["column"] for rule in spec.when}
    return tuple(sorted(columns))


def _holds(rule: dict[str, Any], values: dict[str, Any]) -> str | None:
    """Why ``rule`` (a skip or when condition) holds for ``values``, or None if it does not."""
    value = values.get(rule["column"])
    text = "" if value is None else str(value)
    if "in" in rule and text in [str(v) for v in rule["in"]]:
        return f"{rule['column']} is {text!r}"
    if rule.get("empty") and text == "":
        return f"{rule['column']} is empty"
    if rule.get("present") and text != "":
        return f"{rule['column']} is present"
    if "matches" in rule and re.search(rule["matches"], text):
        return f"{rule['column']} matches {rule['matches']!r}"
    return None


def _hashable(value: Any) -> bool:
    """Whether a YAML value can be looked up in a table (a list or mapping cannot)."""
    return not isinstance(value, (list, dict))


def _first_column(spec: EntitySpec, names: tuple[str, ...], fld: Field | None = None) -> str:
    for name in names:
        found = fld or spec.properties.get(name)
        if found is not None and found.columns():
            return found.columns()[0]
    return f"entities.{spec.name}.{names[0]}"


def _id_problem(entity_id: str, prefix: str) -> str | None:
    """Why ``entity_id`` cannot be the id of an entity whose kind has ``prefix``, or None."""
    match = ID_RE.match(entity_id)
    if match and match.group(1) == prefix:
        return None
    return f"{entity_id!r} is not an id of this kind; expected {prefix}:slug (letters, digits, - . _)"


class _RowProblem(Exception):
    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column = column
        self.message = message


# -- loading and checking -------------------------------------------------------


def load_mapping(path: Path, schema: Schema | None = None) -> Mapping:
    """Read and check a mapping file; raises :class:`MappingError` listing every problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise MappingError(str(path), [f"cannot read: {exc}"]) from exc
    return parse_mapping(text, str(path), schema)


def parse_mapping(text: str, where: str = "mapping", schema: Schema | None = None) -> Mapping:
    schema = schema or load_schema()
    try:
        raw = yaml.safe_load(text)
        lines = _key_lines(text)
    except yaml.YAMLError as exc:
        raise MappingError(where, [f"not valid YAML: {exc}"]) from exc
    checker = _Checker(schema, lines)
    mapping = checker.mapping(raw, where)
    if checker.problems:
        raise MappingError(where, checker.problems)
    assert mapping is not None
    return mapping


def check_mapping(path: Path, schema: Schema | None = None) -> list[str]:
    """Every problem with the mapping at ``path`` (empty when it is fine)."""
    try:
        load_mapping(path, schema)
    except MappingError as exc:
        return exc.problems
    return []


def _key_lines(text: str) -> dict[str, int]:
    """Line number (1-based) of each key path (``entities.vendor.kind``) in the YAML."""
    lines: dict[str, int] = {}

    def walk(node: yaml.Node, path: str) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                child = f"{path}.{key.value}" if path else str(key.value)
                lines[child] = key.start_mark.line + 1
                walk(value, child)
        elif isinstance(node, yaml.SequenceNode):
            for index, value in enumerate(node.value):
                child = f"{path}[{index}]"
                lines[child] = value.start_mark.line + 1
                walk(value, child)

    root = yaml.compose(text)
    if root is not None:
        walk(root, "")
    return lines


class _Checker:
    """Builds a :class:`Mapping` from parsed YAML, collecting problems with line numbers."""

    def __init__(self, schema: Schema, lines: dict[str, int]):
        self.schema = schema
        self.lines = lines
        self.problems: list[str] = []
        self.match: str | None = None

    def problem(self, path: str, message: str) -> None:
        line = self.lines.get(path)
        while line is None and "." in path:
            path = path.rsplit(".", 1)[0]
            line = self.lines.get(path)
        self.problems.append(f"line {line or '?'}, {path}: {message}")

    def keys(self, raw: Any, path: str, allowed: tuple[str, ...]) -> dict[str, Any]:
        if not isinstance(raw, dict):
            self.problem(path, f"expected a mapping of keys ({', '.join(allowed)})")
            return {}
        for key in raw:
            if key not in allowed:
                self.problem(f"{path}.{key}" if path else str(key), f"unknown key; expected one of {list(allowed)}")
        return raw

    def field(self, raw: Any, path: str, prop: PropertySpec | None, allow_each: bool = False) -> Field | None:
        if isinstance(raw, str):
            raw = {"column": raw}
        elif not isinstance(raw, dict):
            raw = {"constant": raw}
        spec = self.keys(raw, path, SOURCE_KEYS + MODIFIER_KEYS)
        sources = [k for k in SOURCE_KEYS if k in spec]
        if len(sources) != 1:
            self.problem(path, f"give exactly one of {list(SOURCE_KEYS)} (found {sources or 'none'})")
            return None
        if not self.source(spec, path, prop, allow_each):
            return None
        self.modifiers(spec, path)
        if prop is not None and prop.values:
            self.allowed_values(spec, path, prop)
        return Field(spec, prop, path)

    def allowed_values(self, spec: dict[str, Any], path: str, prop: PropertySpec) -> None:
        """A constant, a ``map``'s replacements and an ``unmapped`` replacement of a
        property with a fixed set of values (a Product's category, a List's kind)."""
        allowed = list(prop.values)
        if "constant" in spec and "map" not in spec:
            given = spec["constant"] if isinstance(spec["constant"], list) else [spec["constant"]]
            for value in given:
                if not (_hashable(value) and value in prop.values):
                    self.problem(path, f"{value!r} is not one of {allowed}")
        if isinstance(spec.get("map"), dict):
            for key, value in spec["map"].items():
                if value is not None and not (_hashable(value) and value in prop.values):
                    self.problem(f"{path}.map.{key}", f"{value!r} is not one of {allowed}")
        unmapped = spec.get("unmapped", "reject")
        if _hashable(unmapped) and unmapped not in (*UNMAPPED, *prop.values):
            self.problem(f"{path}.unmapped", f"expected reject, keep, drop or one of {allowed}; got {unmapped!r}")

    def source(self, spec: dict[str, Any], path: str, prop: PropertySpec | None, allow_each: bool) -> bool:
        """Check where a field's value comes from (normalising column names to text);
        False when it cannot be used at all."""
        usable = True
        if "column" in spec:
            spec["column"] = self.column(spec["column"], f"{path}.column")
            usable = spec["column"] is not None
        elif "columns" in spec:
            raw = spec["columns"]
            names = [self.column(c, f"{path}.columns") for c in raw] if isinstance(raw, list) else []
            usable = bool(names) and None not in names
            if not usable:
                self.problem(f"{path}.columns", "expected a non-empty list of column names")
            spec["columns"] = names
        elif "template" in spec:
            usable = isinstance(spec["template"], str) and bool(spec["template"].strip())
            if not usable:
                self.problem(f"{path}.template", 'expected text naming columns in braces, e.g. "{Contract ref}"')
            elif "{each}" in spec["template"] and not allow_each:
                self.problem(path, "{each} is only allowed inside an entity that has `each`")
        elif "value" in spec:
            if spec["value"] != "each" or not allow_each:
                self.problem(path, "`value: each` is only allowed inside an entity that has `each`")
        elif spec["constant"] is None or isinstance(spec["constant"], dict):
            self.problem(path, "expected a value (a column name, a constant, or a table such as {column: C})")
            usable = False
        elif isinstance(spec["constant"], list) and prop is not None and prop.type != "list":
            self.problem(path, f"{prop.name!r} takes one value, not a list")
            usable = False
        return usable

    def modifiers(self, spec: dict[str, Any], path: str) -> None:
        """Check the keys that shape a value (README: "Writing a mapping")."""
        if "split" in spec and not (isinstance(spec["split"], str) and spec["split"]):
            self.problem(f"{path}.split", 'expected the separator, e.g. ";"')
        if spec.get("type") is not None and not (_hashable(spec["type"]) and spec["type"] in TYPES):
            self.problem(f"{path}.type", f"unknown type {spec['type']!r}; expected one of {list(TYPES)}")
        if "pattern" in spec:
            self.regex(spec["pattern"], f"{path}.pattern")
        if "map" in spec and not isinstance(spec["map"], dict):
            self.problem(f"{path}.map", "expected a table of `value: replacement`")
        unmapped = spec.get("unmapped", "reject")
        if unmapped is None or isinstance(unmapped, (list, dict)):
            self.problem(f"{path}.unmapped", "expected reject, keep, drop or a replacement value")
        formats = spec.get("formats", [])
        if not (isinstance(formats, list) and all(isinstance(f, str) and f for f in formats)):
            self.problem(f"{path}.formats", "expected a list of strptime formats, e.g. ['%d/%m/%Y']")
        if "parse" in spec and not (_hashable(spec["parse"]) and spec["parse"] in PARSERS):
            self.problem(f"{path}.parse", f"unknown parser {spec['parse']!r}; expected one of {sorted(PARSERS)}")
        for key in ("first", "required"):
            self.flag(spec, key, path)
        if isinstance(spec.get("default"), dict):
            self.problem(f"{path}.default", "expected a value or a list of values")
        if not (_hashable(spec.get("on_error", "reject")) and spec.get("on_error", "reject") in ON_ERROR):
            self.problem(f"{path}.on_error", f"expected one of {list(ON_ERROR)}")

    def column(self, raw: Any, path: str) -> str | None:
        """A column name (a number such as a year heading counts as its text), or None."""
        if isinstance(raw, bool) or not isinstance(raw, (str, int)) or not str(raw).strip():
            self.problem(path, f"expected a column name, got {raw!r}")
            return None
        return str(raw)

    def flag(self, spec: dict[str, Any], key: str, path: str) -> None:
        if key in spec and not isinstance(spec[key], bool):
            self.problem(f"{path}.{key}", f"expected true or false, got {spec[key]!r}")

    def whole(self, raw: Any, path: str, least: int, example: str) -> int | None:
        if isinstance(raw, bool) or not isinstance(raw, int) or raw < least:
            self.problem(path, f"expected a whole number, at least {least} ({example}); got {raw!r}")
            return None
        return raw

    def text(self, raw: Any, path: str, what: str) -> str | None:
        if not isinstance(raw, str) or not raw.strip():
            self.problem(path, f"expected {what}, got {raw!r}")
            return None
        return raw

    def regex(self, raw: Any, path: str) -> None:
        if not isinstance(raw, str):
            self.problem(path, f"expected a regular expression (text), got {raw!r}")
            return
        try:
            re.compile(raw)
        except re.error as exc:
            self.problem(path, f"not a valid regular expression: {exc}")

    def rules(self, raw: Any, path: str) -> list[dict[str, Any]]:
        """``skip`` rules or an entity's ``when`` conditions."""
        if raw is None:
            return []
        if not isinstance(raw, list):
            self.problem(path, "expected a list of conditions, e.g. [{column: Status, in: [withdrawn]}]")
            return []
        result = []
        for index, rule in enumerate(raw):
            where = f"{path}[{index}]"
            if not isinstance(rule, dict):
                self.keys(rule, where, SKIP_KEYS)
                continue
            checked = self.keys(rule, where, SKIP_KEYS)
            if "column" not in checked:
                self.problem(where, "a condition needs `column`")
                continue
            column = self.column(checked["column"], f"{where}.column")
            if not any(key in checked for key in CONDITIONS):
                self.problem(where, f"a condition needs one of {list(CONDITIONS)}")
                continue
            if "in" in checked and not (
                isinstance(checked["in"], list) and all(not isinstance(v, (list, dict)) for v in checked["in"])
            ):
                self.problem(f"{where}.in", "expected a list of values")
                continue
            for key in ("empty", "present"):
                self.flag(checked, key, where)
            if "matches" in checked:
                self.regex(checked["matches"], f"{where}.matches")
            if column is not None:
                result.append({**checked, "column": column})
        return result

    def read(self, raw: Any) -> ReadOptions:
        """The ``read:`` block: how the file is read (README: "Writing a mapping")."""
        spec = self.keys(raw if raw is not None else {}, "read", READ_KEYS)
        fmt = spec.get("format")
        if fmt is not None and not (_hashable(fmt) and fmt in READ_FORMATS):
            self.problem("read.format", f"expected one of {', '.join(READ_FORMATS)}; got {fmt!r}")
            fmt = None
        encoding = spec.get("encoding", "auto")
        if encoding != "auto":
            try:
                codecs.lookup(encoding if isinstance(encoding, str) else "")
            except LookupError:
                self.problem("read.encoding", f"unknown encoding {encoding!r}; e.g. utf-8, cp1252, utf-16, latin-1")
                encoding = "auto"
        sheet = spec.get("sheet")
        if sheet is not None and not (isinstance(sheet, str) and sheet):
            sheet = self.whole(sheet, "read.sheet", 0, "a sheet's name, or its number: 0 is the first sheet")
        header = spec.get("header")
        if header is not None:
            names = [self.column(c, "read.header") for c in header] if isinstance(header, list) else []
            if not names or None in names:
                self.problem("read.header", "expected the list of column names of a file without a header row")
                header = None
            else:
                header = tuple(str(n) for n in names)
        header_row = self.whole(spec.get("header_row", 1), "read.header_row", 1, "1 is the first row")
        skip_after = self.whole(spec.get("skip_after_header", 0), "read.skip_after_header", 0, "rows to skip")
        if header is not None and ("header_row" in spec or "skip_after_header" in spec):
            self.problem("read.header", "`header` names the columns of a file without a header row; `header_row` "
                         "and `skip_after_header` are for a file with one: give one or the other")  # fmt: skip
        if fmt in ("json", "jsonl") and ("header_row" in spec or "skip_after_header" in spec):
            self.problem("read.header_row", "`header_row` and `skip_after_header` are for CSV and XLSX files")
        records = spec.get("records")
        if records is not None and self.text(records, "read.records", "a dotted path such as data.items") is None:
            records = None
        nulls = spec.get("null_values", [])
        if not (isinstance(nulls, list) and all(not isinstance(v, (list, dict)) and v is not None for v in nulls)):
            self.problem("read.null_values", 'expected a list of cell values that mean empty, e.g. ["-0-", "n/a"]')
            nulls = []
        delimiter = spec.get("delimiter", ",")
        if not (isinstance(delimiter, str) and len(delimiter) == 1):
            self.problem("read.delimiter", f'expected one character, e.g. ";" or "\\t"; got {delimiter!r}')
            delimiter = ","
        return ReadOptions(
            format=fmt,
            encoding=encoding,
            sheet=sheet,
            header=header,
            records=records,
            null_values=tuple(str(v) for v in nulls),
            delimiter=delimiter,
            header_row=header_row or 1,
            skip_after_header=skip_after or 0,
        )

    def mapping(self, raw: Any, where: str) -> Mapping | None:
        top = self.keys(raw, "", TOP_KEYS)
        if not top:
            return None
        if top.get("mapping") != 1 or isinstance(top.get("mapping"), bool):
            self.problem("mapping", "start the file with `mapping: 1` (the version of this language)")
        for key in ("name", "description"):
            if key in top:
                self.text(top[key], key, "text")
        dataset = self.keys(top.get("dataset"), "dataset", DATASET_KEYS)
        for key in ("title", "publisher"):
            if not dataset.get(key):
                self.problem("dataset", f"`dataset.{key}` is required: every imported fact cites the file")
            elif self.text(dataset[key], f"dataset.{key}", "text") is None:
                del dataset[key]
        kinds = self.schema.nodes["Source"].properties["kind"].values
        if not (_hashable(dataset.get("kind", "dataset")) and dataset.get("kind", "dataset") in kinds):
            self.problem("dataset.kind", f"expected one of {list(kinds)}")
        if "date" in dataset:
            dataset["date"] = str(dataset["date"])
            if not DATE_RE.match(dataset["date"]):
                self.problem("dataset.date", f"expected a date YYYY, YYYY-MM or YYYY-MM-DD; got {dataset['date']!r}")
        if "url" in dataset and not (isinstance(dataset["url"], str) and URL_RE.match(dataset["url"])):
            self.problem("dataset.url", f"expected an http(s) URL, got {dataset['url']!r}")
        if "note" in dataset:
            self.text(dataset["note"], "dataset.note", "text")
        if "id" in dataset and not isinstance(dataset["id"], str):
            self.problem("dataset.id", f"expected an id like source:data-my-register; got {dataset['id']!r}")
            del dataset["id"]
        if dataset.get("title") and not dataset.get("id"):
            dataset["id"] = f"source:data-{slugify(str(dataset['title']))[:60]}"
        if dataset.get("id") and not re.match(r"^source:[a-z0-9][a-z0-9._-]*$", str(dataset["id"])):
            self.problem("dataset.id", "expected an id like source:data-my-register (lower case, digits, - . _)")
        read = self.read(top.get("read"))
        record_id = self.field(top["record_id"], "record_id", None) if "record_id" in top else None
        if record_id is not None and "constant" in record_id.spec:
            self.problem("record_id", "expected a column or a template: a constant gives every record the same id")
        skip = self.rules(top.get("skip"), "skip")
        entities = self.entities(top.get("entities"))
        links = self.links(top.get("links", []), entities)
        provenance = self.block(top.get("provenance") or {}, "provenance", PROVENANCE_KEYS, self.schema.provenance)
        citation_specs = self.schema.nodes["Source"].properties
        citation = self.block(top.get("citation") or {}, "citation", CITATION_KEYS, citation_specs)
        return Mapping(
            path=where,
            name=str(top.get("name") or dataset.get("title") or where),
            dataset=dataset,
            read=read,
            record_id=record_id,
            skip=skip,
            entities=entities,
            links=links,
            provenance=provenance,
            citation=citation,
            schema=self.schema,
            expect=self.expect(top.get("expect")),
            match=self.match,
        )

    def block(self, raw: Any, path: str, allowed: tuple[str, ...], specs: dict[str, PropertySpec]) -> dict[str, Field]:
        fields = {}
        for name, value in self.keys(raw, path, allowed).items():
            fld = self.field(value, f"{path}.{name}", specs.get(name))
            if fld is not None:
                fields[name] = fld
        return fields

    def entities(self, raw: Any) -> dict[str, EntitySpec]:
        if not isinstance(raw, dict) or not raw:
            self.problem("entities", "declare at least one entity")
            return {}
        result = {}
        for name, body in raw.items():
            path = f"entities.{name}"
            spec = self.keys(body, path, ENTITY_KEYS)
            kind = spec.get("kind")
            if not isinstance(kind, str) or kind not in self.schema.nodes or kind in ("Source",):
                self.problem(f"{path}.kind", f"unknown or unmappable kind {kind!r}; expected one of "
                             f"{[k for k in self.schema.nodes if k != 'Source']}")  # fmt: skip
                continue
            allowed = self.schema.node_properties(kind)
            props = {}
            raw_props = spec.get("properties") or {}
            if not isinstance(raw_props, dict):
                self.problem(f"{path}.properties", "expected a table of `property: value`, e.g. {name: Company}")
                raw_props = {}
            self.flag(spec, "optional", path)
            for prop_name, value in raw_props.items():
                if prop_name not in allowed:
                    self.problem(f"{path}.properties.{prop_name}", f"{kind} has no property {prop_name!r}; "
                                 f"expected one of {sorted(allowed)}")  # fmt: skip
                    continue
                fld = self.field(value, f"{path}.properties.{prop_name}", allowed[prop_name], "each" in spec)
                if fld is not None:
                    props[prop_name] = fld
            for prop_name, prop in allowed.items():
                if prop.required and prop_name not in props and not (kind == "Country" and "name" in props):
                    self.problem(f"{path}.properties", f"{kind} needs `{prop_name}`")
            each = self.field(spec["each"], f"{path}.each", None) if "each" in spec else None
            when = self.rules(spec.get("when"), f"{path}.when")
            ident = self.field(spec["id"], f"{path}.id", None, "each" in spec) if "id" in spec else None
            if ident is not None and "constant" in ident.spec:
                problem = _id_problem(str(ident.spec["constant"]), self.schema.nodes[str(kind)].prefix)
                if problem:
                    self.problem(f"{path}.id", problem)
            result[name] = EntitySpec(name, str(kind), props, spec.get("optional") is True, each, ident, when)
        return result

    def links(self, raw: Any, entities: dict[str, EntitySpec]) -> list[LinkSpec]:
        if not isinstance(raw, list):
            self.problem("links", "expected a list of {from, rel, to}")
            return []
        result = []
        for index, body in enumerate(raw):
            path = f"links[{index}]"
            spec = self.keys(body, path, LINK_KEYS)
            rel = self.schema.relationships.get(spec["rel"]) if isinstance(spec.get("rel"), str) else None
            if rel is None:
                self.problem(
                    path, f"unknown rel {spec.get('rel')!r}; expected one of {sorted(self.schema.relationships)}"
                )
                continue
            ends = []
            to_record = self.to_record(spec, path)
            for end, allowed in (("from", rel.from_kinds), ("to", rel.to_kinds)):
                if end == "to" and "to_record" in spec:
                    ends.append("(record)")
                    continue
                name = spec.get(end)
                entity = entities.get(name) if isinstance(name, str) else None
                if entity is None:
                    self.problem(f"{path}.{end}", f"{name!r} is not an entity of this mapping")
                elif entity.kind not in allowed:
                    self.problem(f"{path}.{end}", f"{rel.name} {end} must be {' or '.join(allowed)}, "
                                 f"not {entity.kind} ({name})")  # fmt: skip
                ends.append(str(name or ""))
            specs = self.schema.link_properties(rel.name)
            props: dict[str, Field] = {}
            for prop_name in ("status", "note"):
                if prop_name in spec:
                    fld = self.field(spec[prop_name], f"{path}.{prop_name}", specs[prop_name])
                    if fld is not None:
                        props[prop_name] = fld
            raw_props = spec.get("properties") or {}
            if not isinstance(raw_props, dict):
                self.problem(f"{path}.properties", "expected a table of `property: value`")
                raw_props = {}
            for prop_name, value in raw_props.items():
                if prop_name not in specs:
                    self.problem(f"{path}.properties.{prop_name}", f"{rel.name} has no property {prop_name!r}")
                    continue
                fld = self.field(value, f"{path}.properties.{prop_name}", specs[prop_name])
                if fld is not None:
                    props[prop_name] = fld
            if len(ends) == 2 and all(ends):
                target = "" if to_record is not None else str(ends[1])
                result.append(LinkSpec(str(ends[0]), rel.name, target, props, to_record))
        return result

    def to_record(self, spec: dict[str, Any], path: str) -> Field | None:
        """A link's ``to_record`` (values naming other records) and the ``match`` column."""
        if "to_record" not in spec:
            if "match" in spec:
                self.problem(f"{path}.match", "`match` goes with `to_record`")
            return None
        to_record = self.field(spec["to_record"], f"{path}.to_record", None)
        if "to" in spec:
            self.problem(f"{path}.to", "give `to` (an entity of this record) or `to_record`, not both")
        if "match" not in spec:
            self.problem(f"{path}.match", "`to_record` needs `match`: the column that names each record")
            return to_record
        match = self.column(spec["match"], f"{path}.match")
        if match is not None and self.match not in (None, match):
            self.problem(f"{path}.match", f"every to_record link must match on one column ({self.match!r})")
        elif match is not None:
            self.match = match
        return to_record

    def expect(self, raw: Any) -> Expect | None:
        if raw is None:
            return None
        spec = self.keys(raw, "expect", EXPECT_KEYS)
        columns = spec.get("columns")
        if columns is not None and (isinstance(columns, bool) or not (isinstance(columns, int) and columns > 0)):
            self.problem("expect.columns", "expected the number of fields in every row, e.g. 12")
            columns = None
        lists = {}
        for key in ("header", "keys"):
            value = spec.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                self.problem(f"expect.{key}", "expected a list of names")
                value = []
            lists[key] = tuple(value)
        values = spec.get("values", {})
        if not isinstance(values, dict):
            self.problem("expect.values", "expected a table of `column: regular expression`")
            values = {}
        for column, pattern in values.items():
            self.regex(pattern, f"expect.values.{column}")
        sample = spec.get("sample", 20)
        if isinstance(sample, bool) or not (isinstance(sample, int) and sample > 0):
            self.problem("expect.sample", "expected the number of rows to check, e.g. 20")
            sample = 20
        pairs = tuple((str(c), str(p)) for c, p in values.items())
        return Expect(columns, lists["header"], lists["keys"], pairs, sample)
