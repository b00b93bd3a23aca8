"""Synthetic graphs shaped like the real data, for benchmarks.

Shape, from the starter dataset and the SII sample: many organisations with a
long-tailed number of deals (a few vendors such as Hikvision or Huawei sell
everywhere, most sell once or twice), few government buyers per country, 1-3
products per vendor, and a small share of deals delivered to an integrator
that sells on. Each transfer contributes SUPPLIER_OF, ITEM_OF and DELIVERED_TO
links, so ``relationships`` sets the scale.
"""

from __future__ import annotations

import random

import networkx as nx

from dualtrace.graph.store import EmbeddedStore

COUNTRIES = 190


def synthetic_store(relationships: int, seed: int = 7) -> EmbeddedStore:
    """An EmbeddedStore holding about ``relationships`` links (unvalidated, for speed)."""
    rng = random.Random(seed)
    transfers = max(10, int(relationships / 3.3))
    vendors = max(5, transfers // 20)
    graph: nx.MultiDiGraph = nx.MultiDiGraph()
    source = {"sources": ["source:synthetic"], "status": "reported"}
    graph.add_node(
        "source:synthetic", kind="Source", props={"title": "synthetic", "publisher": "bench", "kind": "dataset"}
    )
    for c in range(COUNTRIES):
        graph.add_node(f"country:C{c}", kind="Country", props={"name": f"Country {c}", "iso2": "ZZ"})
    buyers = []
    for c in range(COUNTRIES):
        for b in range(rng.randint(1, 5)):
            buyer = f"buyer:c{c}-b{b}"
            buyers.append(buyer)
            graph.add_node(buyer, kind="GovernmentBuyer", props={"name": f"Buyer {b} of country {c}", "country": "ZZ"})
            graph.add_edge(buyer, f"country:C{c}", key="LOCATED_IN", props=source)
    products: list[list[str]] = []
    for v in range(vendors):
        org = f"org:v{v}"
        graph.add_node(org, kind="Organization", props={"name": f"Vendor {v}"})
        graph.add_edge(org, f"country:C{rng.randrange(COUNTRIES)}", key="LOCATED_IN", props=source)
        own = []
        for p in range(rng.randint(1, 3)):
            product = f"product:v{v}-p{p}"
            own.append(product)
            graph.add_node(
                product, kind="Product", props={"name": f"Product {p} of vendor {v}", "category": "facial_recognition"}
            )
            graph.add_edge(org, product, key="MAKES", props=source)
        products.append(own)
    # Long tail: vendor index drawn from a Pareto distribution.
    for t in range(transfers):
        v = min(vendors - 1, int(rng.paretovariate(1.2)) - 1)
        transfer = f"transfer:t{t}"
        graph.add_node(transfer, kind="Transfer", props={"name": f"Transfer {t}", "year": 2000 + t % 25})
        graph.add_edge(f"org:v{v}", transfer, key="SUPPLIER_OF", props=source)
        graph.add_edge(rng.choice(products[v]), transfer, key="ITEM_OF", props=source)
        recipient = f"org:v{rng.randrange(vendors)}" if rng.random() < 0.03 else rng.choice(buyers)
        graph.add_edge(transfer, recipient, key="DELIVERED_TO", props=source)
    store = EmbeddedStore(None)
    store.graph = graph
    return store
