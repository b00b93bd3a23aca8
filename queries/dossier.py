"""``dossier``: everything the graph holds about one vendor, with its sources.

Returned as a :class:`Dossier` of DataFrames so a notebook, the CLI and later
report writers can each lay it out their own way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from dualtrace.graph.model import Link
from dualtrace.graph.protocol import Store
from dualtrace.queries.resolve import NameIndex

CITATION_COLUMNS = ["source", "title", "publisher", "date", "url", "kind"]


def citations(store: Store, source_ids: Iterable[str]) -> pd.DataFrame:
    """The Source records for ``source_ids``, in the order given, without repeats."""
    rows = []
    seen: set[str] = set()
    for source_id in source_ids:
        if source_id in seen:
            continue
        seen.add(source_id)
        node = store.get(source_id)
        props = node.props if node else {}
        rows.append({"source": source_id, **{k: props.get(k, "") for k in CITATION_COLUMNS[1:]}})
    return pd.DataFrame(rows, columns=CITATION_COLUMNS)


def _category(store: Store, node_id: str) -> str:
    node = store.get(node_id)
    return str(node.props.get("category", "")) if node else ""


def _provenance(link: Link) -> dict[str, object]:
    props = link.props
    return {
        "status": props.get("status", ""),
        "since": props.get("since", ""),
        "until": props.get("until", ""),
        "sources": list(props.get("sources", [])),
        "note": props.get("note", ""),
    }


@dataclass
class Dossier:
    """A vendor's profile; every table has a ``sources`` column of Source ids."""

    vendor: str
    name: str
    summary: dict[str, object]
    products: pd.DataFrame
    transfers: pd.DataFrame
    listings: pd.DataFrame
    corporate: pd.DataFrame
    sources: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def countries(self) -> list[str]:
        """ISO codes of the countries the vendor's transfers reach."""
        return sorted({c for c in self.transfers.get("country", []) if c})


def dossier(store: Store, vendor: str) -> Dossier:
    """A vendor's products, transfers (buyers and countries), listings, corporate links and sources.

    >>> from dualtrace.demo_data import starter_store
    >>> d = dossier(starter_store(), "Dahua")
    >>> sorted(d.listings["list"])[:2]
    ['Chinese military companies (section 1260H list)', 'Entity List']
    """
    vendor_id = NameIndex(store, ("Organization",)).resolve(vendor, "vendor")
    node = store.get(vendor_id)
    assert node is not None
    products = [
        {
            "product": link.target,
            "name": store.name_of(link.target),
            "category": _category(store, link.target),
            **_provenance(link),
        }
        for link in store.out_links(vendor_id, "MAKES")
    ]
    transfers = []
    for link in store.out_links(vendor_id):
        if link.rel not in ("SUPPLIER_OF", "INTERMEDIARY_OF"):
            continue
        transfer = store.get(link.target)
        assert transfer is not None
        items = [store.name_of(i.source) for i in store.in_links(link.target, "ITEM_OF")]
        for delivery in store.out_links(link.target, "DELIVERED_TO"):
            recipient = store.get(delivery.target)
            assert recipient is not None
            transfers.append(
                {
                    "transfer": link.target,
                    "name": transfer.name,
                    "role": "supplier" if link.rel == "SUPPLIER_OF" else "intermediary",
                    "recipient": delivery.target,
                    "recipient_name": recipient.name,
                    "country": recipient.props.get("country", ""),
                    "year": transfer.props.get("year"),
                    "value": transfer.props.get("value", ""),
                    "items": "; ".join(items),
                    **_provenance(delivery),
                    "sources": list(
                        dict.fromkeys([*link.props.get("sources", []), *delivery.props.get("sources", [])])
                    ),
                }
            )
    listings = [
        {"list": store.name_of(link.target), "list_id": link.target, **_provenance(link)}
        for link in store.out_links(vendor_id, "LISTED_ON")
    ]
    corporate = [
        {
            "relation": "parent" if link.rel == "SUBSIDIARY_OF" else "partner",
            "entity": link.target,
            "name": store.name_of(link.target),
            **_provenance(link),
        }
        for link in store.out_links(vendor_id)
        if link.rel in ("SUBSIDIARY_OF", "PARTNER_OF")
    ] + [
        {
            "relation": "subsidiary" if link.rel == "SUBSIDIARY_OF" else "partner",
            "entity": link.source,
            "name": store.name_of(link.source),
            **_provenance(link),
        }
        for link in store.in_links(vendor_id)
        if link.rel in ("SUBSIDIARY_OF", "PARTNER_OF")
    ]
    tables = {
        "products": pd.DataFrame(
            products, columns=["product", "name", "category", "status", "since", "until", "sources", "note"]
        ),
        "transfers": pd.DataFrame(
            transfers,
            dtype=object,  # a year stays 2017, never 2017.0
            columns=[
                "transfer",
                "name",
                "role",
                "recipient",
                "recipient_name",
                "country",
                "year",
                "value",
                "items",
                "status",
                "since",
                "until",
                "sources",
                "note",
            ],
        ),
        "listings": pd.DataFrame(listings, columns=["list", "list_id", "status", "since", "until", "sources", "note"]),
        "corporate": pd.DataFrame(
            corporate, columns=["relation", "entity", "name", "status", "since", "until", "sources", "note"]
        ),
    }
    located = next(iter(store.out_links(vendor_id, "LOCATED_IN")), None)
    all_sources = [s for table in tables.values() for row in table["sources"] for s in row]
    if located:
        all_sources += located.props.get("sources", [])
    summary = {
        "id": vendor_id,
        "name": node.name,
        "aliases": node.props.get("aliases", []),
        "country": node.props.get("country", ""),
        "roles": node.props.get("roles", []),
        "note": node.props.get("note", ""),
    }
    return Dossier(vendor=vendor_id, name=node.name, summary=summary, sources=citations(store, all_sources), **tables)
