"""Turn what a user types (an id, a name, an alias, a category) into graph ids.

A misspelt name is the commonest user error, so a miss never fails blank: it
raises :class:`NotFound` carrying the closest names.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from dualtrace.graph.errors import NotFound
from dualtrace.graph.names import name_key
from dualtrace.graph.protocol import Store


def normalize(text: str) -> str:
    """The lookup form of a name: the importer's comparison key (case, script,
    accents, punctuation and legal form ironed out), so that a name finds in the
    CLI exactly what it meets in an import.

    >>> normalize("Hangzhou Hikvision Digital Technology Co., Ltd.")
    'hangzhou hikvision digital technology'
    >>> normalize("ООО Зала Аэро")
    'zala aero'
    """
    return name_key(text)


class NameIndex:
    """Names and aliases of the nodes of some kinds, for lookup and suggestions.

    Built on first use, not on creation: a lookup by id (what the saved queries, the
    web pages' links and scripts pass) needs no index, and building one reads every
    name of those kinds (about half a second at a million links)."""

    def __init__(self, store: Store, kinds: Iterable[str]):
        self.store = store
        self.kinds = tuple(kinds)
        self._by_key: dict[str, set[str]] | None = None
        self._labels: dict[str, str] = {}
        self._key_list: list[str] | None = None

    @property
    def by_key(self) -> dict[str, set[str]]:
        """Lookup form of every name, alias and id suffix -> the ids bearing it."""
        if self._by_key is None:
            self._by_key = {}
            for kind in self.kinds:
                for node in self.store.nodes(kind):
                    self._labels[node.id] = node.name
                    for label in [node.name, *(node.props.get("aliases") or []), node.id.split(":", 1)[1]]:
                        for key in {label.lower(), normalize(label)}:
                            if key:
                                self._by_key.setdefault(key, set()).add(node.id)
        return self._by_key

    @property
    def labels(self) -> dict[str, str]:
        """Id -> name of every node of those kinds."""
        _ = self.by_key
        return self._labels

    def _keys(self) -> list[str]:
        if self._key_list is None:
            self._key_list = list(self.by_key)
        return self._key_list

    def find(self, text: str) -> list[str]:
        """Ids matching ``text`` exactly (by id, name, alias, or their normalized forms)."""
        if self.store.kind_of(text) in self.kinds:
            return [text]
        ids = self.by_key.get(text.strip().lower()) or self.by_key.get(normalize(text)) or set()
        return sorted(ids)

    def suggest(self, text: str, limit: int = 5) -> list[tuple[str, str]]:
        """The closest (id, name) pairs to ``text``, best first: difflib's ratio of the
        lookup forms, at least 0.5 (0.8 when one holds the other).

        Why the prefilter: difflib in Python over every key took 70-150 ms on the starter
        dataset, too slow for a suggestion box. rapidfuzz's ratio (longest common
        subsequence, in C) is never below difflib's (whose matching blocks are one common
        subsequence), so the keys it scores under 0.5 could not pass and are skipped;
        the answer is the same, about ten times sooner."""
        from rapidfuzz import fuzz, process  # only when a name missed: start-up stays light (issue 18)

        wanted = normalize(text) or text.lower()
        keys = self._keys()
        close = process.extract(wanted, keys, scorer=fuzz.ratio, score_cutoff=49.999, limit=None)
        candidates = {keys[index] for _, _, index in close}
        if wanted:
            candidates.update(key for key in keys if wanted in key or key in wanted)
        scored: dict[str, float] = {}
        for key in candidates:
            ids = self.by_key[key]
            score = difflib.SequenceMatcher(None, wanted, key).ratio()
            if wanted and (wanted in key or key in wanted):
                score = max(score, 0.8)
            for node_id in ids:
                scored[node_id] = max(scored.get(node_id, 0.0), score)
        best = sorted((s, i) for i, s in scored.items() if s >= 0.5)
        best.sort(key=lambda pair: -pair[0])
        return [(node_id, self.labels[node_id]) for _, node_id in best[:limit]]

    def resolve(self, text: str, what: str) -> str:
        """Exactly one id for ``text``, or :class:`NotFound` with suggestions
        (also when the name is ambiguous, listing the candidates)."""
        ids = self.find(text)
        if len(ids) == 1:
            return ids[0]
        if len(ids) > 1:
            raise NotFound(f"single {what} (the name is ambiguous)", text, [(i, self.labels[i]) for i in ids])
        raise NotFound(what, text, self.suggest(text))


def resolve(store: Store, text: str, kinds: Iterable[str], what: str) -> str:
    """Shortcut for ``NameIndex(store, kinds).resolve(text, what)``."""
    return NameIndex(store, kinds).resolve(text, what)


def resolve_category(store: Store, text: str) -> str:
    """A product category from the schema's controlled list, forgiving case, spaces and hyphens."""
    categories = store.schema.enum_values("Product", "category")
    wanted = re.sub(r"[\s-]+", "_", text.strip().lower())
    if wanted in categories:
        return wanted
    close = difflib.get_close_matches(wanted, categories, n=5, cutoff=0.5)
    raise NotFound("product category", text, [(c, c.replace("_", " ")) for c in close])
