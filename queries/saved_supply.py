"""Embedded twins of the supply-chain saved queries: who reaches whom with what.

Each function mirrors the ``.cypher`` file of the same name in ``queries/saved``;
read them side by side (see :mod:`dualtrace.queries.catalogue` for why).
"""

from __future__ import annotations

import bisect
import itertools
from collections import defaultdict
from typing import Any

from dualtrace.graph.protocol import Store
from dualtrace.queries import indexes
from dualtrace.queries.catalogue import (
    Row,
    allowed,
    implements,
    is_kind,
    links_of,
    order_by,
    prop,
    sorted_names,
    walk,
)
from dualtrace.queries.indexes import index
from dualtrace.queries.walk import Deal, deals_from, deals_to, end_users_of, upstream_of


class _DeliveryRows:
    """Rows of the delivery queries, reading each end user once: a busy vendor's
    hundred thousand deals go to a few hundred end users."""

    def __init__(self, store: Store):
        self.store = store
        self.buyers: dict[str, tuple[Any, Any]] = {}

    def __call__(self, deal: Deal) -> Row:
        buyer, transfer, link = deal.end_user, deal.transfer, deal.delivery
        known = self.buyers.get(buyer)
        if known is None:
            node = self.store.get(buyer)
            known = self.buyers[buyer] = (
                (None, None) if node is None else (node.props.get("name"), node.props.get("country"))
            )
        deal_node = self.store.get(transfer)
        deal_props = deal_node.props if deal_node is not None else {}
        return {
            "end_user": buyer,
            "end_user_name": known[0],
            "country": known[1],
            "transfer": transfer,
            "transfer_name": deal_props.get("name"),
            "year": deal_props.get("year"),
            "status": link.props.get("status"),
            "sources": link.props.get("sources"),
        }


@implements("trace_technology")
def trace_technology(store: Store, entity: str, statuses: list[str]) -> list[Row]:
    row = _DeliveryRows(store)
    rows = [{**row(deal), "via": deal.via} for deal in deals_from(store, entity, statuses)]
    return order_by(rows, "country", "end_user", "transfer")


@implements("trace_category")
def trace_category(store: Store, category: str, statuses: list[str]) -> list[Row]:
    rows = []
    row = _DeliveryRows(store)
    for product in store.nodes("Product"):
        if product.props.get("category") != category:
            continue
        for deal in deals_from(store, product.id, statuses, with_subsidiaries=False):
            found = row(deal)
            del found["transfer_name"]
            rows.append({"product": product.id, "product_name": product.props.get("name"), **found})
    return order_by(rows, "product", "country", "end_user", "transfer")


def _parties(store: Store, transfer: str, rels: tuple[str, ...], kind: str, statuses: list[str]) -> set[str]:
    """Ids of the ``kind`` nodes linked into ``transfer`` by allowed links of ``rels``."""
    return {
        link.source
        for link in links_of(store, transfer, rels, "in")
        if allowed(link, statuses) and is_kind(store, link.source, kind)
    }


@implements("end_users_in_country")
def end_users_in_country(store: Store, country: str, statuses: list[str]) -> list[Row]:
    rows = []
    for buyer in store.nodes("GovernmentBuyer"):
        if buyer.props.get("country") != country:
            continue
        for link in store.in_links(buyer.id, "DELIVERED_TO"):
            transfer = link.source
            if not (allowed(link, statuses) and is_kind(store, transfer, "Transfer")):
                continue
            suppliers = _parties(store, transfer, ("SUPPLIER_OF", "INTERMEDIARY_OF"), "Organization", statuses)
            products = _parties(store, transfer, ("ITEM_OF",), "Product", statuses)
            rows.append(
                {
                    "end_user": buyer.id,
                    "end_user_name": buyer.props.get("name"),
                    "transfer": transfer,
                    "transfer_name": prop(store, transfer, "name"),
                    "year": prop(store, transfer, "year"),
                    "suppliers": sorted_names(store, suppliers),
                    "products": sorted_names(store, products),
                    "status": link.props.get("status"),
                    "sources": link.props.get("sources"),
                }
            )
    return order_by(rows, "end_user", "transfer")


@implements("technologies_by_country")
def technologies_by_country(store: Store, country: str | None, statuses: list[str]) -> list[Row]:
    rows = []
    for (where, category), groups in index(store, "items_by_country", indexes.items_by_country).items():
        if country is not None and where != country:
            continue
        transfers, buyers, cited = indexes.union(groups, statuses)
        if transfers:
            rows.append({"country": where, "category": category, "transfers": len(transfers), "end_users": len(buyers),
                         "sources": sorted(cited)})  # fmt: skip
    return order_by(rows, "country", "category")


@implements("vendors_reaching_agency")
def vendors_reaching_agency(store: Store, agency: str, statuses: list[str]) -> list[Row]:
    hops: dict[str, int] = {}
    transfers: dict[str, set[str]] = defaultdict(set)
    sources: dict[str, set[str]] = defaultdict(set)
    for deal in deals_to(store, end_users_of(store, agency, statuses), statuses):
        for upstream in upstream_of(store, deal.transfer, statuses):
            if is_kind(store, upstream.entity, "Organization") and not upstream.role.startswith("parent of"):
                depth = len(upstream.chain) + 1  # the delivery counts as a hop
                hops[upstream.entity] = min(hops.get(upstream.entity, depth), depth)
                transfers[upstream.entity].add(deal.transfer)
                sources[upstream.entity].update(deal.delivery.props.get("sources") or ())
    rows = [
        {
            "vendor": vendor,
            "vendor_name": prop(store, vendor, "name"),
            "vendor_country": prop(store, vendor, "country"),
            "hops": hops[vendor],
            "transfers": sorted(transfers[vendor]),
            "sources": sorted(sources[vendor]),
        }
        for vendor in hops
    ]
    return order_by(rows, "hops", "vendor")


@implements("component_suppliers")
def component_suppliers(store: Store, agency: str, statuses: list[str]) -> list[Row]:
    found: dict[tuple[str, str, str, str], set[str]] = {}
    limit = store.schema.means.hop_limits["components"]
    for delivery in store.in_links(agency, "DELIVERED_TO"):
        transfer = delivery.source
        if not (allowed(delivery, statuses) and is_kind(store, transfer, "Transfer")):
            continue
        for item_link in links_of(store, transfer, ("ITEM_OF",), "in"):
            item = item_link.source
            if not (allowed(item_link, statuses) and is_kind(store, item, "Product")):
                continue
            components = walk(store, [item], ("COMPONENT_OF",), statuses, limit, "in")
            for component, depth in components.items():
                if depth < 1 or not is_kind(store, component, "Product"):
                    continue
                for maker in store.in_links(component, "MAKES"):
                    if allowed(maker, statuses) and is_kind(store, maker.source, "Organization"):
                        cited = (*maker.props.get("sources", ()), *item_link.props.get("sources", ()),
                                 *delivery.props.get("sources", ()))  # fmt: skip
                        found.setdefault((maker.source, component, item, transfer), set()).update(cited)
    rows = [
        {
            "supplier": supplier,
            "supplier_name": prop(store, supplier, "name"),
            "supplier_country": prop(store, supplier, "country"),
            "component": component,
            "component_name": prop(store, component, "name"),
            "used_in": item,
            "transfer": transfer,
            "sources": sorted(cited),
        }
        for (supplier, component, item, transfer), cited in found.items()
    ]
    return order_by(rows, "supplier", "component", "used_in", "transfer")


@implements("deals_since")
def deals_since(store: Store, since: str, country: str | None, statuses: list[str], limit: int) -> list[Row]:
    by_country = index(store, "deliveries_by_date", indexes.deliveries_by_date)
    dates, deliveries = by_country.get(country, ([], []))
    rows: list[Row] = []
    # The index is in the query's order, so reading from the first date >= since
    # and stopping at ``limit`` gives ORDER BY ... LIMIT without sorting.
    for date, delivery in itertools.islice(deliveries, bisect.bisect_left(dates, since), None):
        if len(rows) >= limit:
            break
        if not allowed(delivery, statuses):
            continue
        transfer, buyer = delivery.source, delivery.target
        suppliers = _parties(store, transfer, ("SUPPLIER_OF",), "Organization", statuses)
        rows.append(
            {
                "transfer": transfer,
                "transfer_name": prop(store, transfer, "name"),
                "deal_date": date,
                "end_user": buyer,
                "end_user_name": prop(store, buyer, "name"),
                "country": prop(store, buyer, "country"),
                "suppliers": sorted_names(store, suppliers),
                "sources": delivery.props.get("sources"),
            }
        )
    return rows
