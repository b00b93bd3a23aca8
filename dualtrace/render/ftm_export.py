"""The graph as FollowTheMoney entities, so OpenSanctions, Aleph and yente users
can load it.

FollowTheMoney has no product or country entities: countries become the
``country`` property of the parties, and a transfer becomes a ``Contract``
(authority = the recipient) with one ``ContractAward`` per supplier or
intermediary, its items listed in the contract's summary. Listings become
``Sanction``, ownership and subsidiaries ``Ownership``, directors
``Directorship``, subordinate units ``Membership`` and partnerships
``UnknownLink``. Product lines (``MAKES``, ``COMPONENT_OF``), regimes and the
lists themselves have no FtM form and are left out; the README says so.
Every relationship entity carries its status, its note and its first cited URL.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from dualtrace.graph.model import Link, Node
from dualtrace.graph.protocol import Store

PARTY_SCHEMA = {"Organization": "Company", "GovernmentBuyer": "PublicBody", "Person": "Person"}


def _entity(entity_id: str, schema: str, **props: Any) -> dict[str, Any]:
    """An FtM entity dict; empty values dropped, every value a list of strings."""
    properties: dict[str, list[str]] = {}
    for key, value in props.items():
        values = value if isinstance(value, list) else [value]
        cleaned = [str(v) for v in values if v not in (None, "")]
        if cleaned:
            properties[key] = cleaned
    return {"id": entity_id, "schema": schema, "properties": properties}


def _sourcing(store: Store, link: Link) -> dict[str, Any]:
    """status/summary/sourceUrl/publisher of a relationship entity."""
    url = publisher = None
    for source_id in link.props.get("sources", []):
        source = store.get(source_id)
        if source is not None and source.props.get("url"):
            url, publisher = source.props["url"], source.props.get("publisher")
            break
    summary = f"dualtrace status: {link.props.get('status', '')}"
    if link.props.get("note"):
        summary += f"; {link.props['note']}"
    return {"status": link.props.get("status"), "summary": summary, "sourceUrl": url, "publisher": publisher}


def _party(node: Node) -> dict[str, Any]:
    props = node.props
    return _entity(
        node.id,
        PARTY_SCHEMA[node.kind],
        name=props.get("name"),
        alias=props.get("aliases", []),
        country=str(props.get("country", "")).lower(),
        notes=props.get("note"),
    )


def _contract(store: Store, transfer: Node, included: set[str]) -> Iterator[dict[str, Any]]:
    recipients = [link.target for link in store.out_links(transfer.id, "DELIVERED_TO")]
    items = [store.name_of(link.source) for link in store.in_links(transfer.id, "ITEM_OF")]
    delivered = next(store.out_links(transfer.id, "DELIVERED_TO"), None)
    sourcing = _sourcing(store, delivered) if delivered else {}
    summary = "; ".join(filter(None, [f"Items: {', '.join(items)}" if items else "", sourcing.get("summary")]))
    yield _entity(
        transfer.id,
        "Contract",
        title=transfer.name,
        name=transfer.name,
        authority=recipients,
        contractDate=transfer.props.get("year"),
        description="; ".join(str(x) for x in (transfer.props.get("value"), transfer.props.get("note")) if x),
        summary=summary,
        sourceUrl=sourcing.get("sourceUrl"),
        publisher=sourcing.get("publisher"),
    )
    for rel, role in (("SUPPLIER_OF", "supplier"), ("INTERMEDIARY_OF", "intermediary")):
        for link in store.in_links(transfer.id, rel):
            if link.source not in included:
                continue
            yield _entity(f"{transfer.id}--{role}--{link.source}", "ContractAward", supplier=link.source,
                          contract=transfer.id, role=role, **_sourcing(store, link))  # fmt: skip


# rel -> (FtM schema, property holding the link's source, property holding its target, fixed role)
RELATIONS: dict[str, tuple[str, str, str, str | None]] = {
    "SUBSIDIARY_OF": ("Ownership", "asset", "owner", "parent company"),
    "OWNER_OF": ("Ownership", "owner", "asset", None),
    "DIRECTOR_OF": ("Directorship", "director", "organization", None),
    "PART_OF": ("Membership", "member", "organization", "part of"),
    "PARTNER_OF": ("UnknownLink", "subject", "object", "partner"),
}


def _relation(store: Store, link: Link) -> dict[str, Any] | None:
    ident = f"{link.source}--{link.rel.lower()}--{link.target}"
    common = {
        "startDate": link.props.get("since"),
        "endDate": link.props.get("until"),
        **_sourcing(store, link),
    }
    if link.rel == "LISTED_ON":
        listing = store.get(link.target)
        props = listing.props if listing else {}
        return _entity(ident, "Sanction", entity=link.source, authority=props.get("authority"),
                       program=props.get("name"), country=str(props.get("jurisdiction", "")).lower(),
                       **common)  # fmt: skip
    if link.rel not in RELATIONS:
        return None
    schema, source_prop, target_prop, role = RELATIONS[link.rel]
    extra = {"percentage": link.props.get("percentage")} if link.rel == "OWNER_OF" else {}
    return _entity(ident, schema, role=role or link.props.get("role"),
                   **{source_prop: link.source, target_prop: link.target}, **extra, **common)  # fmt: skip


def ftm_entities(store: Store, node_ids: Iterable[str] | None = None) -> Iterator[dict[str, Any]]:
    """Every entity of the graph (or of ``node_ids``) that FollowTheMoney can express."""
    wanted = None if node_ids is None else set(node_ids)
    included: set[str] = set()
    for node in store.nodes():
        if wanted is not None and node.id not in wanted:
            continue
        if node.kind in PARTY_SCHEMA:
            included.add(node.id)
            yield _party(node)
    for node in store.nodes("Transfer"):
        if wanted is not None and node.id not in wanted:
            continue
        parties = {link.target for link in store.out_links(node.id, "DELIVERED_TO")}
        parties |= {link.source for link in store.in_links(node.id)} & included
        if parties <= included and parties:
            included.add(node.id)
            yield from _contract(store, node, included)
    for link in store.links():
        if link.source in included and (link.target in included or link.rel == "LISTED_ON"):
            entity = _relation(store, link)
            if entity is not None:
                yield entity
