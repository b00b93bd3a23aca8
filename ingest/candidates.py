"""Candidate duplicates for a reviewer: pairs the resolver would not join on its own.

After an import, every organization, government body or person the import
added, or gave a new name or alias, is compared with the entities of its kind
group: the same name where the resolver saw a reason not to join (two legal
forms, a one-word name, a person), one side's name among the other's aliases
("Lomonosov Moscow State University"), a shared alias or acronym ("MPS"), or
names a fuzzy matcher scores close
(rapidfuzz token-sort ratio of the name keys). Each pair goes to the review
file with its score and reason; none is ever merged without a reviewer.

Never all pairs: entities are blocked by the words of their names (a word held
by more than ``BLOCK_LIMIT`` names, such as "company" or "al", blocks nothing),
and only pairs in a block are scored. Two entities holding different
identifiers of one scheme (two records of one dataset, whose own ids say they
are different) are not a candidate pair, nor a pair a reviewer already decided,
nor two bodies in different countries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz

from dualtrace.graph.model import Node
from dualtrace.graph.names import forms_agree, name_parts
from dualtrace.graph.store import EmbeddedStore
from dualtrace.ingest.decisions import Candidate, Decisions
from dualtrace.ingest.resolution import identifiers_conflict, schemes

FUZZY_CUTOFF = 88.0
BLOCK_LIMIT = 300
REVIEWED_GROUPS = ("party", "person")
PER_ENTITY = 5  # candidates kept per new entity, best first


@dataclass
class _Entry:
    node: Node
    name_key: str
    keys: frozenset[str]  # name and aliases
    schemes: dict[str, set[str]]


def _entry(node: Node) -> _Entry:
    name_key = name_parts(node.name)[0]
    aliases = {name_parts(str(a))[0] for a in node.props.get("aliases") or ()}
    return _Entry(node, name_key, frozenset({name_key, *aliases} - {""}), schemes(node.props.get("identifiers")))


def _reason(new: _Entry, other: _Entry) -> tuple[float, str] | None:
    """Score and reason of the pair, or None when it is not worth a reviewer's time."""
    if new.name_key and new.name_key == other.name_key:
        return 100.0, f"same name, not joined: {_why_not(new, other)}"
    if new.name_key in other.keys or other.name_key in new.keys:
        return 95.0, "the name of one is an alias of the other"
    shared = sorted(new.keys & other.keys)
    if shared:
        weak = all(len(s.split()) < 2 for s in shared)
        return (60.0 if weak else 90.0), f"shared alias {shared[0]!r}" + (" (one word or an acronym)" if weak else "")
    score = fuzz.token_sort_ratio(new.name_key, other.name_key)
    if score >= FUZZY_CUTOFF:
        return round(score, 1), "similar names"
    return None


def _why_not(new: _Entry, other: _Entry) -> str:
    """Why the resolver did not join two entities of the same name key."""
    if new.node.kind == "Person" or other.node.kind == "Person":
        return "people are joined only by a shared identifier"
    if len(new.name_key.split()) < 2:
        return "a one-word name"
    forms = (name_parts(new.node.name)[1], name_parts(other.node.name)[1])
    if not forms_agree(*forms):
        return f"different legal forms ({forms[0]} / {forms[1]})"
    if new.node.props.get("country") is None or other.node.props.get("country") is None:
        return "several entities have this name"
    return "several entities have this name, or a reviewer said they differ"


def _countries(new: _Entry, other: _Entry) -> str:
    found = [new.node.props.get("country") or "?", other.node.props.get("country") or "?"]
    return "" if found == ["?", "?"] else f"; countries {found[0]} / {found[1]}"


def find_candidates(store: EmbeddedStore, new_ids: Iterable[str], decisions: Decisions) -> list[Candidate]:
    """Candidate pairs (a new entity, another entity of its group), best score first."""
    group_of = {kind: store.schema.group_of(kind) for kind in store.schema.nodes}
    new_ids = [i for i in new_ids if group_of.get(store.kind_of(i) or "") in REVIEWED_GROUPS]
    if not new_ids:
        return []
    entries: dict[str, _Entry] = {}
    # (group, name key or word) -> identifier schemes held -> ids: entities holding an identifier of
    # a scheme the new entity holds too are another record of that dataset, never a candidate,
    # so whole groups of them are passed over without a look at each
    by_key: dict[tuple[str, str], dict[frozenset[str], set[str]]] = defaultdict(lambda: defaultdict(set))
    by_word: dict[tuple[str, str], dict[frozenset[str], set[str]]] = defaultdict(lambda: defaultdict(set))
    word_count: dict[tuple[str, str], int] = defaultdict(int)
    for node in store.nodes():
        group = group_of.get(node.kind)
        if group not in REVIEWED_GROUPS:
            continue
        entry = entries[node.id] = _entry(node)
        held = frozenset(entry.schemes)
        for key in entry.keys:
            by_key[group, key][held].add(node.id)
        for word in set(entry.name_key.split()):
            by_word[group, word][held].add(node.id)
            word_count[group, word] += 1
    found: dict[tuple[str, str], Candidate] = {}
    for node_id in new_ids:
        new = entries[node_id]
        group = group_of[new.node.kind]
        own = frozenset(new.schemes)
        block: set[str] = set()
        tables = [by_key.get((group, key), {}) for key in new.keys]
        rare = [word for word in set(new.name_key.split()) if word_count[group, word] <= BLOCK_LIMIT]
        tables += [by_word.get((group, word), {}) for word in rare]
        for table in tables:
            for held, ids in table.items():
                if not held & own:
                    block |= ids
        scored = []
        for other_id in block - {node_id}:
            pair = (min(node_id, other_id), max(node_id, other_id))
            if pair in found:
                continue
            other = entries[other_id]
            if identifiers_conflict(new.schemes, other.schemes) or decisions.verdict(*pair) is not None:
                continue
            countries = (new.node.props.get("country"), other.node.props.get("country"))
            if all(countries) and countries[0] != countries[1]:
                continue  # the same name in two countries: two bodies, as a rule
            judged = _reason(new, other)
            if judged is not None:
                scored.append((judged, pair))
        scored.sort(key=lambda item: -item[0][0])
        for (score, reason), pair in scored[:PER_ENTITY]:
            left, right = entries[pair[0]], entries[pair[1]]
            found[pair] = Candidate(score, left.node.id, left.node.name, right.node.id, right.node.name,
                                    reason + _countries(left, right))  # fmt: skip
    return sorted(found.values(), key=lambda c: (-c.score, c.left, c.right))
