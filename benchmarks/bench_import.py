"""Benchmark: import a synthetic transfers CSV (1,000,000 rows by default) shaped like
Privacy International's SII records, through the mapping in ``transfers.yaml``:
reading, normalisation, entity resolution, the fuzzy review pass and the merge
into the workspace, all included. Reports rows per second and peak memory, and the
same for a naive baseline in the same run: pandas ``iterrows`` inserting one row at
a time into a networkx graph (no validation, no resolution).

    python -m benchmarks.bench_import [--rows 1000000] [--baseline-rows 200000]

Each measurement runs in a fresh process so peak memory (ru_maxrss) is its own.
A third measurement, the floor, inserts the same entities and links into a bare
networkx graph (no properties, collector off): the time and memory no import into
the networkx store can go below, whatever it does per row.
Targets (issue 18, restating issue 4): at least half the floor's rows/s and at most twice the
floor graph's memory, both measured in the same run.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent
GOODS = ["Lawful interception", "Monitoring centre", "Intrusion software", "Deep packet inspection",
         "Fibre taps / probes", "Off the air interception", "Facial recognition", "Video surveillance"]  # fmt: skip
COUNTRIES = ["China", "Israel", "Germany", "United States of America", "Italy", "United Kingdom", "France",
             "Russia", "Netherlands", "South Korea"]  # fmt: skip
RECIPIENTS = ["Algeria", "Uganda", "Colombia", "Ethiopia", "Nigeria", "Pakistan", "Kenya", "Ecuador", "Serbia",
              "Zimbabwe", "Egypt", "Bahrain", "Mexico", "Malaysia", "Venezuela", "Turkey", "Morocco"]  # fmt: skip
AGENCIES = ["Ministry of Interior", "National Police", "Military Intelligence", "National Security Service",
            "Presidential Guard", "Telecom Regulator", "Customs Service", "City Police"]  # fmt: skip


def generate(path: Path, rows: int, seed: int = 7) -> Path:
    """A CSV with SII's columns: 5,000 suppliers (Pareto-distributed deal counts),
    one to three goods per deal, end users per recipient country."""
    rng = random.Random(seed)
    suppliers = [(f"Vendor {i} Technologies Ltd", rng.choice(COUNTRIES)) for i in range(5000)]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["unique_id", "supplier_company", "supplier_company_hq", "recipient_country", "enduser",
                         "goods", "order_year", "title", "source_link"])  # fmt: skip
        for i in range(rows):
            name, hq = suppliers[min(int(rng.paretovariate(1.2)) - 1, len(suppliers) - 1) * 7 % len(suppliers)]
            country = rng.choice(RECIPIENTS)
            goods = ";".join(rng.sample(GOODS, rng.randint(1, 3)))
            year = rng.randint(2000, 2024)
            writer.writerow([f"T{i}", name, hq, country, f"{rng.choice(AGENCIES)} of {country}", goods, year,
                             f"{name} sales to {country}", f"https://example.org/report/{i % 20000}"])  # fmt: skip
    return path


def run_dualtrace(path: Path) -> dict[str, float]:
    import resource

    from dualtrace.graph.store import EmbeddedStore
    from dualtrace.ingest.importer import MappingFormat, run_import
    from dualtrace.ingest.mapping import load_mapping

    mapping = MappingFormat(load_mapping(HERE / "transfers.yaml"))
    store = EmbeddedStore()
    before_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # interpreter and modules
    start = time.perf_counter()
    report = run_import(store, path, mapping, file_date="2024-01-01", review_path=path.with_suffix(".review.csv"),
                        progress=False)  # fmt: skip
    seconds = time.perf_counter() - start
    return {"rows": report.records, "seconds": seconds, "rejected": len(report.rejected),
            "nodes": store.graph.number_of_nodes(), "links": store.graph.number_of_edges(),
            "input_mb": before_mb}  # fmt: skip


def run_baseline(path: Path, rows: int) -> dict[str, float]:
    import networkx as nx
    import pandas as pd

    start = time.perf_counter()
    frame = pd.read_csv(path, nrows=rows)
    graph = nx.MultiDiGraph()
    for _, row in frame.iterrows():
        transfer = f"transfer:{row['unique_id']}"
        supplier = f"org:{row['supplier_company']}"
        buyer = f"buyer:{row['enduser']}"
        graph.add_node(supplier, kind="Organization", name=row["supplier_company"], country=row["supplier_company_hq"])
        graph.add_node(buyer, kind="GovernmentBuyer", name=row["enduser"], country=row["recipient_country"])
        graph.add_node(transfer, kind="Transfer", name=row["title"], year=int(row["order_year"]))
        graph.add_edge(supplier, transfer, key="SUPPLIER_OF", sources=[row["source_link"]])
        graph.add_edge(transfer, buyer, key="DELIVERED_TO", sources=[row["source_link"]])
        for item in str(row["goods"]).split(";"):
            product = f"product:{row['supplier_company']}:{item}"
            graph.add_node(product, kind="Product", name=item)
            graph.add_edge(product, transfer, key="ITEM_OF", sources=[row["source_link"]])
            graph.add_edge(supplier, product, key="MAKES", sources=[row["source_link"]])
    seconds = time.perf_counter() - start
    return {"rows": len(frame), "seconds": seconds, "nodes": graph.number_of_nodes(), "links": graph.number_of_edges()}


def run_floor(path: Path, rows: int) -> dict[str, float]:
    """The least any import into a networkx store pays for this file: the same
    entities and links as dualtrace makes of it, without a single property, inserted
    with the garbage collector off. Building the ids is not timed; ``input_mb`` is
    the memory in use before insertion, so ``peak_mb - input_mb`` is the bare graph."""
    import gc
    import resource

    import networkx as nx
    import pandas as pd

    frame = pd.read_csv(path, nrows=rows, dtype=str)
    transfers = ("transfer:" + frame["unique_id"]).tolist()
    suppliers = ("org:" + frame["supplier_company"]).tolist()
    buyers = ("buyer:" + frame["enduser"]).tolist()
    links = [(s, t, "SUPPLIER_OF") for s, t in zip(suppliers, transfers, strict=True)]
    links += [(t, b, "DELIVERED_TO") for t, b in zip(transfers, buyers, strict=True)]
    for supplier, transfer, goods in zip(suppliers, transfers, frame["goods"].tolist(), strict=True):
        for item in goods.split(";"):
            product = f"product:{supplier}:{item}"
            links.append((product, transfer, "ITEM_OF"))
            links.append((supplier, product, "MAKES"))
    sources = {f"source:{url}" for url in frame["source_link"].tolist()}
    nodes = list(dict.fromkeys([*transfers, *suppliers, *buyers, *sources]))
    del frame
    input_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    gc.disable()
    start = time.perf_counter()
    graph = nx.MultiDiGraph()
    graph.add_nodes_from(nodes)
    graph.add_edges_from(links)
    seconds = time.perf_counter() - start
    return {"rows": rows, "seconds": seconds, "nodes": graph.number_of_nodes(), "links": graph.number_of_edges(),
            "input_mb": input_mb}  # fmt: skip


def measure(kind: str, path: Path, rows: int) -> dict[str, float]:
    """Run one measurement in a fresh interpreter; adds peak memory."""
    code = (
        f"import json, resource, sys; from pathlib import Path; from benchmarks.bench_import import run_{kind}; "
        f"r = run_{kind}(Path({str(path)!r}){'' if kind == 'dualtrace' else f', {rows}'}); "
        "r['peak_mb'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024; print(json.dumps(r))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=HERE.parent)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--baseline-rows", type=int, default=200_000, help="rows the (slow) baseline imports")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "import.json")
    args = parser.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    data = generate(args.out.parent / f"transfers-{args.rows}.csv", args.rows)
    ours = measure("dualtrace", data, args.rows)
    base = measure("baseline", data, min(args.baseline_rows, args.rows))
    floor = measure("floor", data, args.rows)
    ours_rate, base_rate = ours["rows"] / ours["seconds"], base["rows"] / base["seconds"]
    floor_graph_mb = floor["peak_mb"] - floor["input_mb"]
    result = {
        "rows": args.rows,
        "file_mb": round(data.stat().st_size / 2**20, 1),
        "dualtrace_rows_per_s": round(ours_rate),
        "dualtrace_seconds": round(ours["seconds"], 1),
        "dualtrace_peak_mb": round(ours["peak_mb"]),
        "dualtrace_growth_mb": round(ours["peak_mb"] - ours["input_mb"]),  # the peak without interpreter and modules
        "dualtrace_nodes": ours["nodes"],
        "dualtrace_links": ours["links"],
        "baseline_rows": base["rows"],
        "baseline_rows_per_s": round(base_rate),
        "baseline_peak_mb": round(base["peak_mb"]),
        "speedup": round(ours_rate / base_rate, 2),
        "floor_rows_per_s": round(floor["rows"] / floor["seconds"]),
        "floor_seconds": round(floor["seconds"], 1),
        "floor_links": floor["links"],
        "floor_graph_mb": round(floor["peak_mb"] - floor["input_mb"]),
        "floor_peak_mb": round(floor["peak_mb"]),
        "rate_vs_floor": round(ours_rate / (floor["rows"] / floor["seconds"]), 2),
        "peak_vs_floor_graph": round(ours["peak_mb"] / (floor["peak_mb"] - floor["input_mb"]), 2),
        "growth_vs_floor_graph": round((ours["peak_mb"] - ours["input_mb"]) / floor_graph_mb, 2),
        # issue 18: at least half the floor's rate, at most twice its memory
        "target_rate_met": ours_rate >= 0.5 * floor["rows"] / floor["seconds"],
        "target_peak_memory_met": ours["peak_mb"] <= 2 * (floor["peak_mb"] - floor["input_mb"]),
    }
    print(json.dumps(result))
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
