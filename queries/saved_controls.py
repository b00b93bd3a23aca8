"""Embedded twins of the saved queries about sanctions, export controls and
corporate groups: exposure after a listing, regime members supplying outsiders,
and the families of listed companies.

Each function mirrors the ``.cypher`` file of the same name in ``queries/saved``.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterator
from typing import Any

from dualtrace.graph.dates import period_end, period_start
from dualtrace.graph.model import Link
from dualtrace.graph.protocol import Store
from dualtrace.queries import indexes
from dualtrace.queries.catalogue import (
    Row,
    allowed,
    deal_date,
    implements,
    is_kind,
    links_of,
    order_by,
    prop,
    walk,
)
from dualtrace.queries.indexes import index
from dualtrace.queries.walk import other_end

PARTY_RELS = ("SUPPLIER_OF", "INTERMEDIARY_OF", "DELIVERED_TO")


@implements("deals_while_listed")
def deals_while_listed(store: Store, on_list: str | None, statuses: list[str]) -> list[Row]:
    rows = []
    lists = [on_list] if on_list is not None else [node.id for node in store.nodes("List")]
    listings = [link for lst in lists if is_kind(store, lst, "List") for link in store.in_links(lst, "LISTED_ON")]
    for listing in listings:
        since, until = listing.props.get("since"), listing.props.get("until")
        if since is None or not allowed(listing, statuses):
            continue
        party = listing.source
        for link in links_of(store, party, PARTY_RELS, "both"):
            transfer = other_end(link, party)
            if not (allowed(link, statuses) and is_kind(store, transfer, "Transfer")):
                continue
            date = deal_date(store, link, transfer)
            # the whole of the deal's date within the listing (graph/dates.py): errs on the side of not accusing
            if date is None or period_start(date) < period_end(str(since)):
                continue
            if until is not None and period_end(date) >= period_start(str(until)):
                continue
            rows.append(
                {
                    "party": party,
                    "party_name": prop(store, party, "name"),
                    "role": link.rel,
                    "list": listing.target,
                    "listed_since": since,
                    "listed_until": until,
                    "transfer": transfer,
                    "transfer_name": prop(store, transfer, "name"),
                    "deal_date": date,
                    "status": link.props.get("status"),
                    "sources": link.props.get("sources"),
                }
            )
    return order_by(rows, "party", "list", "transfer", "role")


@implements("regime_suppliers_to_outsiders")
def regime_suppliers_to_outsiders(store: Store, regime: str, statuses: list[str], limit: int) -> list[Row]:
    members = {
        prop(store, link.source, "iso2")
        for link in store.in_links(regime, "PARTICIPATES_IN")
        if is_kind(store, regime, "Regime") and is_kind(store, link.source, "Country")
    }
    by_country = index(store, "supplies_by_vendor", indexes.supplies_by_vendor)
    # Only member countries' suppliers are read, merged lazily into (vendor,
    # transfer) order; rows of one (vendor, transfer) are then put in (end user,
    # role) order, which is the query's ORDER BY, so reading stops at ``limit``.
    supplies = heapq.merge(*(by_country.get(code, []) for code in members if code is not None), key=indexes.supply_key)
    rows: list[Row] = []
    for _, group in itertools.groupby(supplies, key=lambda link: (link.source, link.target)):
        if len(rows) >= limit:
            break
        found: list[Row] = []
        for supply in group:
            if allowed(supply, statuses):
                found.extend(_outsider_rows(store, supply, members, statuses))
        rows.extend(order_by(found, "end_user", "role"))
    return rows[: max(limit, 0)]


def _outsider_rows(store: Store, supply: Link, members: set[Any], statuses: list[str]) -> Iterator[Row]:
    """Rows for each allowed delivery of ``supply``'s transfer to an end user in a non-member state."""
    vendor, transfer = supply.source, supply.target
    for delivery in store.out_links(transfer, "DELIVERED_TO"):
        buyer = delivery.target
        where = prop(store, buyer, "country")
        if not (allowed(delivery, statuses) and is_kind(store, buyer, "GovernmentBuyer")):
            continue
        if where is None or where in members:
            continue
        yield {
            "vendor": vendor,
            "vendor_name": prop(store, vendor, "name"),
            "vendor_country": prop(store, vendor, "country"),
            "role": supply.rel,
            "transfer": transfer,
            "year": prop(store, transfer, "year"),
            "end_user": buyer,
            "end_user_name": prop(store, buyer, "name"),
            "end_user_country": where,
            "supply_sources": supply.props.get("sources"),
            "delivery_sources": delivery.props.get("sources"),
        }


def _lists_of(store: Store, node: str) -> list[str]:
    """The lists ``node`` is on (as of the date asked about, when one is)."""
    return sorted({link.target for link in store.out_links(node, "LISTED_ON")
                   if is_kind(store, link.target, "List")})  # fmt: skip


@implements("corporate_family")
def corporate_family(store: Store, entity: str, statuses: list[str]) -> list[Row]:
    if not is_kind(store, entity, "Organization"):
        return []
    found: dict[tuple[str, str], int] = {}
    for relation, direction in (("parent", "out"), ("subsidiary", "in")):
        ownership, limit = store.schema.means.ownership, store.schema.means.hop_limits["ownership"]
        for node, hops in walk(store, [entity], ownership, statuses, limit, direction).items():
            if hops >= 1:
                found[(node, relation)] = hops
    for relation, direction in (("owner", "in"), ("owned", "out")):
        for link in links_of(store, entity, ("OWNER_OF",), direction):
            if allowed(link, statuses):
                found[(other_end(link, entity), relation)] = 1
    rows = [
        {
            "relative": node,
            "relative_name": prop(store, node, "name"),
            "relation": relation,
            "hops": hops,
            "lists": _lists_of(store, node),
        }
        for (node, relation), hops in found.items()
    ]
    return order_by(rows, "relation", "hops", "relative")


@implements("unlisted_group_members")
def unlisted_group_members(store: Store, on_list: str, statuses: list[str]) -> list[Row]:
    if not is_kind(store, on_list, "List"):
        return []
    listed_ids = {link.source for link in store.in_links(on_list, "LISTED_ON")}
    rows = []
    for listed in sorted(listed_ids):
        if not is_kind(store, listed, "Organization"):
            continue
        meaning = store.schema.means
        group = walk(store, [listed], meaning.ownership, statuses, meaning.hop_limits["ownership"], "both")
        for relative, hops in group.items():
            if hops < 1 or relative in listed_ids or not is_kind(store, relative, "Organization"):
                continue
            rows.append(
                {
                    "listed": listed,
                    "listed_name": prop(store, listed, "name"),
                    "relative": relative,
                    "relative_name": prop(store, relative, "name"),
                    "hops": hops,
                    "other_lists": _lists_of(store, relative),
                }
            )
    return order_by(rows, "listed", "hops", "relative")
