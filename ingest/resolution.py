"""Entity resolution: which workspace entity is the entity a record describes?

A wrong join hands one party's sanction or contract to another, so the
resolver joins only on strong evidence, in this order:

1. a shared identifier (``identifiers``: ``ofac-sdn:48059``, ``lei:...``): the
   same record of the same dataset, or a registration number both sides give;
2. the id the record fixes (a country code, a list's id);
3. the same name as this dataset gave the entity before (a file without record
   ids imported again, a vendor named by many rows of one file);
4. the same full name: equal name keys (:func:`~dualtrace.graph.names.name_parts`:
   case, script, punctuation and legal form ironed out) of two entities of one
   kind group, with legal forms that agree ("Co., Ltd." and "Company" do;
   "Limited" and "S.A." do not) and at least two words; or, for a one-word
   name, the very same name with its legal form ("ZTE Corporation"). Exactly
   one such entity, and nothing against it: no conflicting country, no
   identifier of the same scheme with another value (two records of one dataset
   are two entities), no reviewer's ``not_same``. A government body's name
   ("Ministry of Interior") names one in every country: it joins only when both
   sides give the same country.

Never on an alias, an acronym or a one-word name, never across kind groups
(schema.yaml, ``groups``) and never for people, whose names are not unique:
all of those become scored candidates for a reviewer
(:mod:`dualtrace.ingest.candidates`), never joins.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from dualtrace.graph.model import slugify
from dualtrace.graph.names import forms_agree, name_parts, plain_name
from dualtrace.graph.store import EmbeddedStore
from dualtrace.ingest.decisions import Decisions
from dualtrace.ingest.staging import Entity

# People share names; only an identifier joins them.
NAME_JOIN_GROUPS = ("party", "product", "list", "regime")
MIN_NAME_WORDS = 2


def schemes(identifiers: Any) -> dict[str, set[str]]:
    """``["ofac-sdn:1", "lei:X"]`` -> ``{"ofac-sdn": {"ofac-sdn:1"}, "lei": {"lei:X"}}``."""
    found: dict[str, set[str]] = defaultdict(set)
    for identifier in identifiers or ():
        found[str(identifier).split(":", 1)[0]].add(str(identifier))
    return found


def identifiers_conflict(a: dict[str, set[str]], b: dict[str, set[str]]) -> bool:
    """Whether two entities hold different identifiers of one scheme and none in common
    (two records of one dataset, two registration numbers: two entities)."""
    return any(scheme in b and not (values & b[scheme]) for scheme, values in a.items())


@dataclass
class Known:
    """What the resolver remembers of one workspace entity."""

    kind: str
    country: str | None = None
    form: str = ""
    identifiers: dict[str, set[str]] = field(default_factory=dict)


class Resolver:
    """Indexes workspace entities by identifier and by full name, and finds the one an
    incoming entity is (see module docstring)."""

    def __init__(self, store: EmbeddedStore, decisions: Decisions, dataset: str = ""):
        self.schema = store.schema
        self.decisions = decisions
        self.dataset = dataset  # the dataset being imported: records read dataset#record
        self.group_of = {kind: self.schema.group_of(kind) for kind in self.schema.nodes}
        self.by_identifier: dict[tuple[str | None, str], set[str]] = defaultdict(set)
        self.by_name: dict[tuple[str, str], set[str]] = defaultdict(set)  # (group, name key)
        self.by_plain: dict[tuple[str, str], set[str]] = defaultdict(set)  # (group, name with legal form)
        self.by_dataset_name: dict[tuple[str | None, str], set[str]] = defaultdict(set)  # this dataset's names
        self.known: dict[str, Known] = {}
        self.taken: set[str] = {node.id for node in store.nodes()}
        for node in store.nodes():
            if node.kind in ("Source", "Country"):
                continue
            self.index(node.id, node.kind, node.props)

    def index(self, node_id: str, kind: str, props: dict[str, Any], staged: bool = False) -> None:
        """Remember an entity (or, for one already known, the identifiers a record added);
        ``staged``: the entity comes from the file being imported."""
        group = self.group_of.get(kind)
        known = self.known.get(node_id)
        if known is None:
            name = str(props.get("name") or "")
            key, form = name_parts(name)
            known = self.known[node_id] = Known(kind, props.get("country"), form)
            if group in NAME_JOIN_GROUPS and key:
                self.by_name[group, key].add(node_id)
                self.by_plain[group, plain_name(name)].add(node_id)
        if staged or self._named_by_dataset(props):
            for name in (props.get("name"), *(props.get("aliases") or ())):
                if name:
                    self.by_dataset_name[group, plain_name(str(name))].add(node_id)
        for identifier in props.get("identifiers") or ():
            self.by_identifier[group, str(identifier)].add(node_id)
        for scheme, values in schemes(props.get("identifiers")).items():
            known.identifiers.setdefault(scheme, set()).update(values)
        self.taken.add(node_id)

    def _named_by_dataset(self, props: dict[str, Any]) -> bool:
        prefix = f"{self.dataset}#"
        return bool(self.dataset) and any(str(r).startswith(prefix) for r in props.get("records") or ())

    def resolve(self, entity: Entity) -> str:
        """The id ``entity`` should be stored under: an existing entity's, or a new one."""
        group = self.group_of.get(entity.kind)
        holders: set[str] = set()
        for identifier in entity.props.get("identifiers") or ():
            holders |= self.by_identifier.get((group, str(identifier)), set())
        if len(holders) == 1:
            return next(iter(holders))
        if entity.id is not None:
            return entity.id
        natural = self._natural_id(entity)
        if not holders:
            name = str(entity.props.get("name") or "")
            found = self._only_fitting(entity, self.by_dataset_name.get((group, plain_name(name)), set()), natural)
            if found is None and group in NAME_JOIN_GROUPS:
                same = self._same_full_name(group, name)
                found = self._only_fitting(entity, same, natural, same_country=self._is_body(entity, same))
            if found is not None:
                return found
        return self._fresh(natural)

    def _same_full_name(self, group: str, name: str) -> set[str]:
        key, form = name_parts(name)
        if len(key.split()) >= MIN_NAME_WORDS:
            return {i for i in self.by_name.get((group, key), ()) if forms_agree(form, self.known[i].form)}
        plain = plain_name(name)
        if len(plain.split()) >= MIN_NAME_WORDS:  # one word and its legal form: only the very same name
            return set(self.by_plain.get((group, plain), ()))
        return set()

    def _is_body(self, entity: Entity, found: set[str]) -> bool:
        """Whether a government body is involved: "Ministry of Interior" names one in every
        country, so such a name joins only when both sides give the same country."""
        return entity.kind == "GovernmentBuyer" or any(self.known[i].kind == "GovernmentBuyer" for i in found)

    def _only_fitting(self, entity: Entity, found: set[str], natural: str, same_country: bool = False) -> str | None:
        """The one entity of ``found`` nothing speaks against (see module docstring);
        ``same_country``: both must give a country, and the same one."""
        country = entity.props.get("country")
        own = schemes(entity.props.get("identifiers"))
        fitting = [
            node_id
            for node_id in found
            if self.group_of.get(self.known[node_id].kind) == self.group_of.get(entity.kind)
            and not (country and self.known[node_id].country and self.known[node_id].country != country)
            and not (same_country and not (country and self.known[node_id].country == country))
            and not identifiers_conflict(own, self.known[node_id].identifiers)
            and self.decisions.verdict(node_id, natural) != "not_same"
        ]
        return fitting[0] if len(fitting) == 1 else None

    def _natural_id(self, entity: Entity) -> str:
        """The id a new entity gets: its name as a slug, plus its first identifier when
        it has one, so that a record's entity has the same id whatever the import order."""
        prefix = self.schema.nodes[entity.kind].prefix
        slug = slugify(str(entity.props.get("name") or "x"))[:80]
        identifiers = sorted(entity.props.get("identifiers") or ())
        if identifiers:
            slug = f"{slug[:60]}-{slugify(identifiers[0])[:40]}"
        return f"{prefix}:{slug}"

    def _fresh(self, natural: str) -> str:
        candidate = natural
        number = 2
        while candidate in self.taken:
            candidate = f"{natural}-{number}"
            number += 1
        self.taken.add(candidate)
        return candidate
