"""Dates of partial precision, and the one rule for "did this link hold on that date?".

Sources give dates as precisely as they know them: ``2019``, ``2019-10`` or
``2019-10-09``. A question asked "as of" a date D counts a link only when its
sources say it certainly held on D:

- its ``since`` is over by D: the *last* day of the period it names is on or
  before the last day of D's period. ``since 2019`` counts as of 2019-12-31, not
  as of 2019-10-09; asked "as of 2019" (the whole year), it counts. So a partial
  date is on or before a full one only if the question says so, by being as
  coarse as it;
- its ``until`` has not begun by D: the *first* day of the period it names is
  after the last day of D's period (``until 2025-01-07``: no longer as of
  2025-01-07... on that day the link had ended);
- a link without ``since`` is *undated*: counted, and marked so, unless the
  question asks for dated links only;
- a deal (Transfer) counts by its ``year``, as a ``since`` of that year (a deal
  without a year is undated, like a link).

The last day of a month is written ``-31`` whatever the month: the rule compares
dates as text, exactly as the saved queries' Cypher does, so both give the same
answer (a month's last day of 28, 29 or 30 is counted from the day after).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from dualtrace.graph.errors import DualtraceError

DATE_RE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")


def period_end(text: str) -> str:
    """The last day of the period a date names, as text: ``2019`` -> ``2019-12-31``."""
    return text + {4: "-12-31", 7: "-31"}.get(len(text), "")


def period_start(text: str) -> str:
    """The first day of the period a date names, as text: ``2019`` -> ``2019-01-01``."""
    return text + {4: "-01-01", 7: "-01"}.get(len(text), "")


def as_of_date(text: str) -> str:
    """A question's date, checked, as the last day of the period it names."""
    value = str(text).strip()
    if not DATE_RE.match(value):
        raise DualtraceError(f"--as-of {text!r}: expected a date YYYY, YYYY-MM or YYYY-MM-DD")
    return period_end(value)


@dataclass(frozen=True)
class When:
    """When a question is asked: ``as_of`` (the last day of the period asked about, or
    None for "whatever the date") and whether undated links are left out."""

    as_of: str | None = None
    dated_only: bool = False

    @classmethod
    def parse(cls, as_of: str | None = None, dated_only: bool = False) -> When:
        return cls(as_of_date(as_of) if as_of else None, dated_only)

    @property
    def always(self) -> bool:
        return self.as_of is None

    def holds(self, props: dict[str, Any]) -> bool:
        """Whether a link (its properties) held on the date asked about (see module docstring)."""
        if self.as_of is None:
            return True
        since = props.get("since")
        if since is None:
            if self.dated_only:
                return False
        elif period_end(str(since)) > self.as_of:
            return False
        until = props.get("until")
        return until is None or period_start(str(until)) > self.as_of

    def deal_holds(self, year: Any) -> bool:
        """Whether a deal of ``year`` (an int or None) was made by the date asked about."""
        if self.as_of is None:
            return True
        if not isinstance(year, int):
            return not self.dated_only
        return period_end(f"{year:04d}") <= self.as_of


ALWAYS = When()


class DatedView:
    """A store as its sources describe it on one date: the same nodes, and only the links
    that held then (:meth:`When.holds`). It satisfies the Store protocol, so every
    question, walk, saved query's twin, map, export and report asked of it answers as of
    that date without knowing it; writes go to the store underneath."""

    def __init__(self, store: Any, when: When):
        self.store = store
        self.when = when
        self.schema = store.schema

    @property
    def version(self) -> int:
        return int(self.store.version)

    def has(self, node_id: str) -> bool:
        return bool(self.store.has(node_id))

    def get(self, node_id: str) -> Any:
        return self.store.get(node_id)

    def kind_of(self, node_id: str) -> str | None:
        return self.store.kind_of(node_id)

    def name_of(self, node_id: str) -> str:
        return str(self.store.name_of(node_id))

    def nodes(self, kind: str | None = None) -> Any:
        return self.store.nodes(kind)

    def links(self, rel: str | None = None) -> Any:
        return (link for link in self.store.links(rel) if self.when.holds(link.props))

    def out_links(self, node_id: str, rel: str | None = None) -> Any:
        return (link for link in self.store.out_links(node_id, rel) if self.when.holds(link.props))

    def in_links(self, node_id: str, rel: str | None = None) -> Any:
        return (link for link in self.store.in_links(node_id, rel) if self.when.holds(link.props))

    def neighbours(self, node_id: str, rels: Any, direction: str, statuses: Any = None) -> Any:
        found = self.store.neighbours(node_id, rels, direction, statuses)
        return (link for link in found if self.when.holds(link.props))

    def link_props(self, key: tuple[str, str, str]) -> dict[str, Any] | None:
        props = self.store.link_props(key)
        return props if props is not None and self.when.holds(props) else None

    def counts(self) -> dict[str, int]:
        result: dict[str, int] = {}
        for node in self.nodes():
            result[node.kind] = result.get(node.kind, 0) + 1
        for link in self.links():
            result[link.rel] = result.get(link.rel, 0) + 1
        return result

    def add(self, nodes: Any = (), links: Any = (), *, where: str = "input", validate: bool = True) -> int | None:
        return self.store.add(nodes, links, where=where, validate=validate)


def dated(store: Any, when: When) -> Any:
    """``store`` as of ``when``: a :class:`DatedView`, or the store itself when no date is asked."""
    return store if when.always else DatedView(store, when)
