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
            graph.add_edge(buyer, f"country:C{c}", key="LOCATED_IN", **source)
    products: list[list[str]] = []
    for v in range(vendors):
        org = f"org:v{v}"
        graph.add_node(org, kind="Organization", props={"name": f"Vendor {v}"})
        graph.add_edge(org, f"country:C{rng.randrange(COUNTRIES)}", key="LOCATED_IN", **source)
        own = []
        for p in range(rng.randint(1, 3)):
            product = f"product:v{v}-p{p}"
            own.append(product)
            graph.add_node(
                product, kind="Product", props={"name": f"Product {p} of vendor {v}", "category": "facial_recognition"}
            )
            graph.add_edge(org, product, key="MAKES", **source)
        products.append(own)
    # Long tail: vendor index drawn from a Pareto distribution.
    for t in range(transfers):
        v = min(vendors - 1, int(rng.paretovariate(1.2)) - 1)
        transfer = f"transfer:t{t}"
        graph.add_node(transfer, kind="Transfer", props={"name": f"Transfer {t}", "year": 2000 + t % 25})
        graph.add_edge(f"org:v{v}", transfer, key="SUPPLIER_OF", **source)
        graph.add_edge(rng.choice(products[v]), transfer, key="ITEM_OF", **source)
        recipient = f"org:v{rng.randrange(vendors)}" if rng.random() < 0.03 else rng.choice(buyers)
        graph.add_edge(transfer, recipient, key="DELIVERED_TO", **source)
    store = EmbeddedStore(None)
    store.graph = graph
    return store


def enrich(store: EmbeddedStore, seed: int = 11) -> EmbeddedStore:
    """Add what the saved queries look for, in proportions like the starter dataset's:
    real country codes, a regime with 42 participating states, six lists with dated
    listings of 2% of vendors, parents for 5% of vendors, components for 2% of
    products, every product category, a mix of statuses, and 1-3 sources per link
    drawn from 1,000 documents. Uses its own random stream, so the base graph (and
    the other benchmarks' figures) stay as they were."""
    import pycountry

    from dualtrace.graph.schema import load_schema

    rng = random.Random(seed)
    graph = store.graph
    codes = [c.alpha_2 for c in pycountry.countries][:COUNTRIES]
    for c, code in enumerate(codes):
        graph.nodes[f"country:C{c}"]["props"] = {"name": f"Country {c}", "iso2": code}
    graph.add_node("regime:wassenaar", kind="Regime", props={"name": "Wassenaar Arrangement"})
    for c in range(42):
        graph.add_edge(
            f"country:C{c}",
            "regime:wassenaar",
            key="PARTICIPATES_IN",
            sources=["source:synthetic"],
            status="confirmed",
        )
    documents = [f"source:doc{i}" for i in range(1000)]
    for doc in documents:
        graph.add_node(doc, kind="Source", props={"title": doc, "publisher": "bench", "kind": "news"})

    def provenance(since: str | None = None) -> dict[str, object]:
        status = rng.choices(["reported", "confirmed", "denied"], weights=[70, 25, 5])[0]
        props: dict[str, object] = {"sources": rng.sample(documents, rng.randint(1, 3)), "status": status}
        if since:
            props["since"] = since
        return props

    for source, _target, key, data in list(graph.edges(keys=True, data=True)):
        if key != "PARTICIPATES_IN":
            since = str(graph.nodes[source]["props"].get("year", "")) or None if key == "DELIVERED_TO" else None
            data.clear()
            data.update(provenance(since))
    for node, data in graph.nodes(data=True):
        if data["kind"] in ("GovernmentBuyer", "Organization"):
            located = next((t for _, t, k in graph.out_edges(node, keys=True) if k == "LOCATED_IN"), None)
            if located:
                data["props"]["country"] = graph.nodes[located]["props"]["iso2"]
    categories = list(load_schema().enum_values("Product", "category"))
    products = [n for n, d in graph.nodes(data=True) if d["kind"] == "Product"]
    for product in products:
        graph.nodes[product]["props"]["category"] = rng.choice(categories)
    for product in rng.sample(products, max(1, len(products) // 50)):
        graph.add_edge(product, rng.choice(products), key="COMPONENT_OF", **provenance())
    vendors = [n for n, d in graph.nodes(data=True) if d["kind"] == "Organization"]
    for vendor in rng.sample(vendors, max(1, len(vendors) // 20)):
        graph.add_edge(vendor, rng.choice(vendors), key="SUBSIDIARY_OF", **provenance())
    for i in range(6):
        graph.add_node(f"list:l{i}", kind="List", props={"name": f"List {i}", "authority": "bench"})
    for vendor in rng.sample(vendors, max(2, len(vendors) // 50)):
        since = f"{rng.randint(2010, 2024)}-{rng.randint(1, 12):02d}-01"
        graph.add_edge(vendor, f"list:l{rng.randrange(6)}", key="LISTED_ON", **provenance(since))
    return store


def as_opened(store: EmbeddedStore) -> EmbeddedStore:
    """The store as a command meets it: saved to a workspace file and opened again.

    Why: a graph built in the benchmark's own process is not what `dualtrace trace`
    works on. Opening moves the loaded graph out of the garbage collector's
    generations (graph/collector.py); a graph built link by link stays in them, and
    the first collection after a query then walks all of it (two seconds at a million
    links, charged to whichever query came next)."""
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        path = store.save(Path(folder) / "workspace.json")
        del store
        return EmbeddedStore.open(path)
