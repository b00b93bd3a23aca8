"""``trace`` (technology -> end users) and ``reach`` (end user or country -> what reaches it),
as tables: one row per deal reaching an end user, with every hop's status and sources.

Both are built on :mod:`dualtrace.queries.walk`, which the saved queries
``trace_technology``, ``trace_category``, ``vendors_reaching_agency`` and
``end_users_in_country`` share, so the command line, the saved queries, the maps
and the web pages give one answer to one question:

- a vendor's trace includes its subsidiaries' deals, each such row saying
  ``via`` which subsidiary (the parent did not supply it itself);
- a category's trace has a row per product of the category and deal;
- a reach has a row per deal reaching the end user (or any end user of the
  country, or a unit of the body) and per organization or product upstream of
  it, with its role: the deal's real supplier is named as such, and a
  supplier's parent appears as a hop of its own, "parent of supplier …".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from dualtrace.graph import collector
from dualtrace.graph.model import Link
from dualtrace.graph.protocol import Store
from dualtrace.graph.schema import load_schema
from dualtrace.queries.resolve import NameIndex, resolve_category
from dualtrace.queries.walk import Deal, deals_from, deals_to, end_users_of, maker_of, upstream_of

TECH_KINDS = ("Organization", "Product")
DEFAULT_STATUSES = load_schema().means.default_statuses  # reported and confirmed; denied only when asked

DEAL_COLUMNS = ["end_user", "end_user_name", "country", "transfer", "transfer_name", "year", "suppliers"]
CHAIN_COLUMNS = ["path", "hops", "status", "undated", "sources", "hop_details"]
TRACE_COLUMNS = ["origin", "origin_name", "via", "via_name", *DEAL_COLUMNS, "items", *CHAIN_COLUMNS]
REACH_COLUMNS = ["entity", "entity_name", "entity_kind", "role", *DEAL_COLUMNS, *CHAIN_COLUMNS]


def hop_details(start: str, links: list[Link]) -> list[dict[str, Any]]:
    """Each link of a chain walked from ``start`` as a plain record (what CSV/JSON output,
    text and maps read): ``from``/``to`` as the link is stored, and ``forward`` whether
    the walk goes along it (``False``: a subsidiary's link to its parent, walked down)."""
    details = []
    current = start
    for link in links:
        forward = link.source == current
        current = link.target if forward else link.source
        details.append({"from": link.source, "rel": link.rel, "to": link.target, "forward": forward,
                        "status": link.props.get("status"), "sources": list(link.props.get("sources") or []),
                        "since": link.props.get("since"), "until": link.props.get("until"),
                        "note": link.props.get("note") or ""})  # fmt: skip
    return details


def describe(store: Store, start: str, links: list[Link]) -> dict[str, Any]:
    """Path text, weakest status and the sources of a chain walked from ``start``."""
    details = hop_details(start, links)
    path = store.name_of(start)
    for hop in details:  # → along a link, ← against it (a parent, then its subsidiary)
        path += f" → {store.name_of(hop['to'])}" if hop["forward"] else f" ← {store.name_of(hop['from'])}"
    sources: list[str] = []
    for link in links:
        sources.extend(s for s in link.props.get("sources") or () if s not in sources)
    return {
        "path": path,
        "hops": len(links),
        "status": store.schema.means.weakest(str(x.props.get("status")) for x in links),
        "undated": sum(1 for x in links if not x.props.get("since")),  # links with no date: kept as of any date
        "sources": sources,
        "hop_details": details,
    }


def _year(value: Any) -> int | None:
    return value if isinstance(value, int) else None


def deal_facts(store: Store, transfer: str, end_user: str, statuses: Iterable[str]) -> dict[str, Any]:
    """The deal and its end user as columns: name, year, the deal's own parties and items."""
    deal, buyer = store.get(transfer), store.get(end_user)
    allowed = tuple(statuses)
    parties = store.neighbours(transfer, store.schema.means.deal_parties, "in", allowed)
    items = store.neighbours(transfer, ["ITEM_OF"], "in", allowed)
    return {
        "end_user": end_user,
        "end_user_name": buyer.name if buyer else end_user,
        "country": (buyer.props.get("country") if buyer else None) or "",
        "transfer": transfer,
        "transfer_name": deal.name if deal else transfer,
        "year": _year(deal.props.get("year")) if deal else None,
        "suppliers": "; ".join(sorted({store.name_of(x.source) for x in parties})),
        "items": "; ".join(sorted({store.name_of(x.source) for x in items})),
    }


def _trace_row(store: Store, deal: Deal, statuses: Iterable[str], lead_in: Link | None = None) -> dict[str, Any]:
    """A deal as a trace row; ``lead_in``: a category's product shown after its maker."""
    start, chain = (lead_in.source, [lead_in, *deal.chain]) if lead_in is not None else (deal.start, deal.chain)
    return {
        "origin": deal.start,
        "origin_name": store.name_of(deal.start),
        "via": deal.via,
        "via_name": store.name_of(deal.via) if deal.via else None,
        **deal_facts(store, deal.transfer, deal.end_user, statuses),
        **describe(store, start, chain),
    }


@dataclass
class Page:
    """Part of an answer: the rows of ``deals[offset:offset + limit]`` of ``total`` deals,
    in the answer's order. Why: a busy vendor has a hundred thousand deals, and a row
    (names, every hop's status and sources) costs far more than finding a deal, so a
    page finds them all, sorts them on what the order needs, and builds only its rows."""

    rows: pd.DataFrame
    total: int
    offset: int = 0
    limit: int | None = None

    @property
    def shown(self) -> int:
        """How many deals this page holds."""
        end = self.total if self.limit is None else min(self.total, self.offset + self.limit)
        return max(0, end - self.offset)

    @property
    def complete(self) -> bool:
        """Every deal of the answer is on this page."""
        return self.shown == self.total


class _EndUsers:
    """An end user's sort fields (country, name), read once per end user."""

    def __init__(self, store: Store):
        self.store = store
        self.seen: dict[str, tuple[str, str]] = {}

    def __call__(self, end_user: str) -> tuple[str, str]:
        found = self.seen.get(end_user)
        if found is None:
            buyer = self.store.get(end_user)
            found = ((buyer.props.get("country") or "") if buyer else "", buyer.name if buyer else end_user)
            self.seen[end_user] = found
        return found


def _window(items: list[Any], limit: int | None, offset: int) -> list[Any]:
    if (limit is not None and limit < 0) or offset < 0:
        raise ValueError("limit and offset count deals: 0 or more (limit None for all)")
    return items[offset:] if limit is None else items[offset : offset + limit]


class TraceDeals:
    """Every deal of a trace, found and sorted in the answer's order, with rows built
    only for the part asked for (:meth:`rows`): what a page of a long answer needs,
    from the command line (:func:`trace_page`) or a web page, with one walk."""

    @collector.paused()  # a walk makes hundreds of thousands of short-lived objects and no cycles
    def __init__(
        self,
        store: Store,
        technology: str | None = None,
        *,
        category: str | None = None,
        statuses: Iterable[str] = DEFAULT_STATUSES,
    ):
        if (technology is None) == (category is None):
            raise ValueError("give a technology or a category, not both")
        self.store, self.statuses = store, tuple(statuses)
        found: list[tuple[Deal, Link | None]] = []
        if category is not None:
            wanted = resolve_category(store, category)
            for product in sorted(n.id for n in store.nodes("Product") if n.props.get("category") == wanted):
                maker = maker_of(store, product, self.statuses)
                found += [(deal, maker) for deal in deals_from(store, product, self.statuses, ordered=False)]
        else:
            start = NameIndex(store, TECH_KINDS).resolve(technology or "", "vendor or product")
            found = [(deal, None) for deal in deals_from(store, start, self.statuses, ordered=False)]
        end_user = _EndUsers(store)
        # the answer's order; the end user's id last, as deals_from's own order would break ties
        found.sort(key=lambda pair: (*end_user(pair[0].end_user), pair[0].transfer, pair[0].start, pair[0].end_user))
        self.found = found

    @property
    def total(self) -> int:
        return len(self.found)

    def rows(self, limit: int | None = None, offset: int = 0) -> pd.DataFrame:
        """The rows of ``limit`` deals from ``offset`` (all from there, when None)."""
        chosen = _window(self.found, limit, offset)
        rows = [_trace_row(self.store, deal, self.statuses, lead_in) for deal, lead_in in chosen]
        return pd.DataFrame(rows, columns=TRACE_COLUMNS, dtype=object)  # object: a year stays 2017, never 2017.0


def trace_page(
    store: Store,
    technology: str | None = None,
    *,
    category: str | None = None,
    statuses: Iterable[str] = DEFAULT_STATUSES,
    limit: int | None = None,
    offset: int = 0,
) -> Page:
    """:func:`trace`, ``limit`` deals from ``offset`` (all, when ``limit`` is None), with
    the number of deals in the whole answer."""
    deals = TraceDeals(store, technology, category=category, statuses=statuses)
    return Page(deals.rows(limit, offset), deals.total, offset, limit)


def trace(
    store: Store,
    technology: str | None = None,
    *,
    category: str | None = None,
    statuses: Iterable[str] = DEFAULT_STATUSES,
) -> pd.DataFrame:
    """End users reached by a technology: a vendor or product (name, alias or id), or a
    product ``category`` from the schema's controlled list; one row per deal, sorted by
    country, end user, deal and origin.

    >>> from dualtrace.demo_data import starter_store
    >>> rows = trace(starter_store(), "CloudWalk")
    >>> rows.loc[0, "end_user_name"]
    'Government of Zimbabwe'
    """
    return trace_page(store, technology, category=category, statuses=statuses).rows


def resolve_end_user(store: Store, target: str) -> str:
    """An end user or a country (ISO code, name or id) as a node id."""
    found = f"country:{target.upper()}"
    if store.kind_of(found) == "Country":
        return found
    return NameIndex(store, ("GovernmentBuyer", "Country")).resolve(target, "end user or country")


def _reach_rows(store: Store, deal: Deal, statuses: tuple[str, ...]) -> list[dict[str, Any]]:
    """A deal's rows in a reach: one per organization or product upstream of it, nearest first."""
    facts = {k: v for k, v in deal_facts(store, deal.transfer, deal.end_user, statuses).items() if k != "items"}
    upstream = upstream_of(store, deal.transfer, statuses)
    if not upstream:  # the deal reaches the end user though no supplier is recorded: still listed
        return [{"entity": None, "role": "no supplier recorded", **facts,
                 **describe(store, deal.transfer, [deal.delivery])}]  # fmt: skip
    rows = [
        {
            "entity": found.entity,
            "entity_name": store.name_of(found.entity),
            "entity_kind": store.kind_of(found.entity),
            "role": found.role,
            **facts,
            **describe(store, found.entity, [*found.chain, deal.delivery]),
        }
        for found in upstream
    ]
    return sorted(rows, key=lambda row: (row["hops"], row["entity_name"]))


@collector.paused()
def reach_page(
    store: Store,
    target: str,
    *,
    statuses: Iterable[str] = DEFAULT_STATUSES,
    limit: int | None = None,
    offset: int = 0,
) -> Page:
    """:func:`reach`, the rows of ``limit`` deals from ``offset`` (all, when None), with
    the number of deals in the whole answer."""
    statuses = tuple(statuses)
    found = resolve_end_user(store, target)
    deals = deals_to(store, end_users_of(store, found, statuses), statuses)
    end_user = _EndUsers(store)
    deals.sort(key=lambda deal: (*end_user(deal.end_user), deal.transfer))
    rows = [row for deal in _window(deals, limit, offset) for row in _reach_rows(store, deal, statuses)]
    return Page(pd.DataFrame(rows, columns=REACH_COLUMNS, dtype=object), len(deals), offset, limit)


def reach(store: Store, target: str, *, statuses: Iterable[str] = DEFAULT_STATUSES) -> pd.DataFrame:
    """Every deal reaching an end user (and its units), or every end user of a country,
    with each organization and product upstream of the deal and its role; sorted by
    country, end user and deal, then nearest upstream first.

    >>> from dualtrace.demo_data import starter_store
    >>> "CloudWalk Technology Co., Ltd." in set(reach(starter_store(), "ZW")["entity_name"])
    True
    """
    return reach_page(store, target, statuses=statuses).rows
