"""Entity resolution: decide which workspace entity a record's entity is.

Three steps, cautious on purpose because a wrong merge puts one company's
contracts on another's name:

1. exact: the name or an alias equals (after :func:`plain_name`) a known name or
   alias of the same group (organizations and government bodies form one group,
   so an OFAC entry for a police bureau meets the buyer already in the graph);
2. key: the names agree once legal forms and romanisation variants are removed
   (:func:`name_key`: "Hikvision Digital Technology Company" = "... Co., Ltd.");
3. otherwise a new entity. Near misses are found later by a fuzzy matcher and
   written to a review file, never merged without a reviewer.

At steps 1 and 2 a match is refused when both sides name different countries,
when the match is ambiguous (two known entities), or when the decisions file
says the two are not the same.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process

from dualtrace.graph.errors import DualtraceError
from dualtrace.graph.model import slugify
from dualtrace.graph.store import EmbeddedStore
from dualtrace.ingest.normalize import name_key, plain_name
from dualtrace.ingest.staging import Entity

GROUPS = {
    "Organization": "party",
    "GovernmentBuyer": "party",
    "Person": "person",
    "Product": "product",
    "List": "list",
    "Regime": "regime",
}
DECISIONS = ("same", "not_same")
DECISION_COLUMNS = ("left", "right", "decision", "note", "decided_at")
REVIEW_COLUMNS = ("score", "left", "left_name", "right", "right_name", "reason")
FUZZY_CUTOFF = 88.0


@dataclass(frozen=True)
class Decision:
    left: str
    right: str
    decision: str
    note: str = ""
    decided_at: str = ""


class Decisions:
    """A reviewer's judgements, kept in a CSV beside the workspace and applied by every import."""

    def __init__(self, path: Path | None, items: Iterable[Decision] = ()):
        self.path = path
        self.items: list[Decision] = list(items)

    @classmethod
    def load(cls, path: Path | None) -> Decisions:
        if path is None or not path.exists():
            return cls(path)
        items = []
        with path.open(encoding="utf-8", newline="") as handle:
            for number, row in enumerate(csv.DictReader(handle), start=2):
                decision = (row.get("decision") or "").strip()
                if decision not in DECISIONS or not row.get("left") or not row.get("right"):
                    raise DualtraceError(
                        f"{path}, row {number}: expected left, right and decision (same or not_same); got {row}"
                    )
                items.append(
                    Decision(
                        row["left"].strip(),
                        row["right"].strip(),
                        decision,
                        row.get("note") or "",
                        row.get("decided_at") or "",
                    )
                )
        return cls(path, items)

    def verdict(self, a: str, b: str) -> str | None:
        """The latest decision about the pair, in either order."""
        found = None
        for item in self.items:
            if {item.left, item.right} == {a, b}:
                found = item.decision
        return found

    def record(self, decision: Decision) -> None:
        self.items.append(decision)
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        new_file = not self.path.exists()
        with self.path.open("a", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            if new_file:
                writer.writerow(DECISION_COLUMNS)
            writer.writerow([decision.left, decision.right, decision.decision, decision.note, decision.decided_at])


class Resolver:
    """Indexes the names of workspace entities and matches incoming entities to them."""

    def __init__(self, store: EmbeddedStore, decisions: Decisions):
        self.store = store
        self.decisions = decisions
        # (group, normalised name) -> ids; primary names and aliases apart, so that a
        # name beats an alias when both point somewhere.
        self.tables: dict[str, dict[tuple[str, str], set[str]]] = {
            level: defaultdict(set) for level in ("exact-name", "exact-alias", "key-name", "key-alias")
        }
        self.country: dict[str, str | None] = {}
        self.kind: dict[str, str] = {}
        self.taken: set[str] = set(store.graph.nodes)
        # (kind, identifier) -> id: a record id another dataset gave the entity
        self.identifiers: dict[tuple[str, str], str] = {}
        for node in store.nodes():
            if node.kind in GROUPS:
                self.index(node.id, node.kind, node.props)
            self.remember_identifiers(node.id, node.kind, node.props)

    def remember_identifiers(self, node_id: str, kind: str, props: dict[str, object]) -> None:
        """Index the ``identifiers`` of an entity (the first holder of one keeps it)."""
        for identifier in props.get("identifiers") or []:  # type: ignore[attr-defined]
            self.identifiers.setdefault((kind, str(identifier)), node_id)

    def index(self, node_id: str, kind: str, props: dict[str, object]) -> None:
        group = GROUPS[kind]
        name = str(props.get("name") or "")
        if name:
            self.tables["exact-name"][group, plain_name(name)].add(node_id)
            self.tables["key-name"][group, name_key(name)].add(node_id)
        for alias in props.get("aliases") or []:  # type: ignore[attr-defined]
            self.tables["exact-alias"][group, plain_name(str(alias))].add(node_id)
            self.tables["key-alias"][group, name_key(str(alias))].add(node_id)
        self.country[node_id] = props.get("country")  # type: ignore[assignment]
        self.kind[node_id] = kind
        self.taken.add(node_id)

    def resolve(self, entity: Entity) -> str:
        """The id ``entity`` should be stored under (existing or new): the holder of
        one of its identifiers, else its own id, else a match on names."""
        for identifier in entity.props.get("identifiers") or []:
            found = self.identifiers.get((entity.kind, str(identifier)))
            if found is not None:
                return found
        if entity.id is not None:
            return entity.id
        group = GROUPS.get(entity.kind)
        natural = f"{self._prefix(entity.kind)}:{slugify(str(entity.props['name']))[:80]}"
        if group is not None:
            names = [str(entity.props["name"]), *entity.props.get("aliases", [])]
            for level, normal in (("exact", plain_name), ("key", name_key)):
                for table in (self.tables[f"{level}-name"], self.tables[f"{level}-alias"]):
                    found = self._match(table, group, names, normal, entity, natural)
                    if found:
                        return found
        return self._fresh(natural)

    def _match(self, table, group, names, normal, entity, natural) -> str | None:  # type: ignore[no-untyped-def]
        """The one fitting entity known under the first name (the entity's own name,
        then each alias) that gives exactly one; None if none does."""
        country = entity.props.get("country")
        for name in names:
            candidates = table.get((group, normal(name)), set())
            fitting = {
                c
                for c in candidates
                if not (country and self.country.get(c) and self.country[c] != country)
                and self.decisions.verdict(c, natural) != "not_same"
            }
            if len(fitting) > 1:
                same_kind = {c for c in fitting if self.kind.get(c) == entity.kind}
                fitting = same_kind if len(same_kind) == 1 else fitting
            if len(fitting) == 1:
                return next(iter(fitting))
        return None

    def _prefix(self, kind: str) -> str:
        return self.store.schema.nodes[kind].prefix

    def _fresh(self, natural: str) -> str:
        candidate = natural
        number = 2
        while candidate in self.taken:
            candidate = f"{natural}-{number}"
            number += 1
        self.taken.add(candidate)
        return candidate


@dataclass(frozen=True)
class Candidate:
    """Two entities that may be one, with the matcher's score (0-100)."""

    score: float
    left: str
    left_name: str
    right: str
    right_name: str
    reason: str


def find_candidates(
    store: EmbeddedStore, new_ids: Iterable[str], decisions: Decisions, cutoff: float = FUZZY_CUTOFF
) -> list[Candidate]:
    """Pairs of (new entity, other entity) in the same group whose names are close
    but were not merged, excluding pairs a reviewer already decided."""
    by_group: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for node in store.nodes():
        group = GROUPS.get(node.kind)
        if group in ("party", "person"):
            by_group[group].append((node.id, name_key(node.name)))
    found: dict[tuple[str, str], Candidate] = {}
    for node_id in new_ids:
        node = store.get(node_id)
        if node is None or GROUPS.get(node.kind) not in ("party", "person"):
            continue
        group = GROUPS[node.kind]
        choices = {other: key for other, key in by_group[group] if other != node_id}
        matches = process.extract(
            name_key(node.name), choices, scorer=fuzz.token_sort_ratio, score_cutoff=cutoff, limit=5
        )
        for _key, score, other in matches:
            pair = (min(node_id, other), max(node_id, other))
            if pair in found or decisions.verdict(*pair) is not None:
                continue
            left, right = store.get(pair[0]), store.get(pair[1])
            assert left is not None and right is not None
            countries = (left.props.get("country"), right.props.get("country"))
            if all(countries) and countries[0] != countries[1]:
                continue  # same name in two countries: different bodies, as a rule
            reason = "similar names" + (f"; country {countries[0] or countries[1]}" if any(countries) else "")
            found[pair] = Candidate(round(score, 1), left.id, left.name, right.id, right.name, reason)
    return sorted(found.values(), key=lambda c: (-c.score, c.left, c.right))


def write_review(path: Path, candidates: list[Candidate]) -> None:
    """The review file: one candidate pair per row, best score first. A reviewer
    copies rows into the decisions file with ``same`` or ``not_same``
    (or runs ``dualtrace resolve merge`` / ``resolve split``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(REVIEW_COLUMNS)
        for c in candidates:
            writer.writerow([c.score, c.left, c.left_name, c.right, c.right_name, c.reason])


def read_review(path: Path) -> list[Candidate]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            Candidate(float(r["score"]), r["left"], r["left_name"], r["right"], r["right_name"], r["reason"])
            for r in csv.DictReader(handle)
        ]
