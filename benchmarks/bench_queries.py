"""Benchmark: every saved query on the embedded store, on synthetic graphs of about
100,000 and 1,000,000 relationships (``generate.synthetic_store`` plus ``enrich``).
Reports p50 and p95 per query, and each p50 as a ratio to a baseline measured in
the same run: one bare pass over every link of the graph (``for ... in
graph.edges(data=True)``), the least any query that looks at every link pays.

    python -m benchmarks.bench_queries [--sizes 100000,1000000] [--runs 15]

The first call of each query is reported apart (``first_call_ms``): it builds
the query's index when it has one, which later calls reuse until the store
changes. p50 and p95 are over the remaining (warm) calls.

Parameters are drawn like the questions people ask: half of the vendors from the
20 busiest, half at random; agencies, countries, categories and lists at random.
Target (issue 6): every saved query's p50 under 200 ms at 1M relationships.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.generate import as_opened, enrich, synthetic_store
from dualtrace.graph.store import EmbeddedStore
from dualtrace.queries.catalogue import implementations
from dualtrace.queries.library import load_library

TARGET_MS = 200.0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def parameter_drawers(store: EmbeddedStore, rng: random.Random) -> dict[str, Callable[[], Any]]:
    """A function per parameter name that draws a realistic value."""
    graph = store.graph
    vendors = [n for n, d in graph.nodes(data=True) if d["kind"] == "Organization"]
    busiest = sorted(vendors, key=lambda v: -graph.out_degree(v))[:20]
    buyers = [n for n, d in graph.nodes(data=True) if d["kind"] == "GovernmentBuyer"]
    countries = sorted({graph.nodes[b]["props"]["country"] for b in buyers})
    categories = sorted({d["props"]["category"] for _, d in graph.nodes(data=True) if d["kind"] == "Product"})
    lists = [n for n, d in graph.nodes(data=True) if d["kind"] == "List"]
    listed = [s for lst in lists for s, _ in graph.in_edges(lst)]

    turn = iter(range(10**9))

    def vendor() -> str:
        return rng.choice(busiest) if next(turn) % 2 == 0 else rng.choice(vendors)

    return {
        "entity": vendor,
        "agency": lambda: rng.choice(buyers),
        "country": lambda: rng.choice(countries),
        "category": lambda: rng.choice(categories),
        "on_list": lambda: rng.choice(lists),
        "since": lambda: "2020",
        "top": lambda: 3,
        "from_entity": lambda: rng.choice(listed),
        "to_entity": lambda: rng.choice(buyers),
    }


def measure(size: int, runs: int, only: set[str] | None = None) -> dict[str, Any]:
    store = as_opened(enrich(synthetic_store(size)))
    graph = store.graph
    start = time.perf_counter()
    for _ in graph.edges(keys=True, data=True):
        pass
    scan_ms = (time.perf_counter() - start) * 1000
    library, twins = load_library(), implementations()
    result: dict[str, Any] = {
        "relationships": graph.number_of_edges(),
        "entities": graph.number_of_nodes(),
        "baseline_full_scan_ms": round(scan_ms, 1),
        "queries": {},
    }
    for name, query in library.items():
        if only and name not in only:
            continue
        draw = parameter_drawers(store, random.Random(name))  # the same calls whichever queries run
        times, rows = [], []
        for _ in range(runs + 1):
            given = {p: draw[p]() for p in query.params if p in draw and query.params[p].required}
            given.update({p: draw[p]() for p in ("top", "since") if p in query.params})
            params = query.bind(given)
            begin = time.perf_counter()
            found = twins[name](store, **params)
            times.append((time.perf_counter() - begin) * 1000)
            rows.append(len(found))
        # The first call pays for building the query's index, if it has one
        # (queries/indexes.py); it is reported on its own, the rest are warm calls.
        first_ms, times = times[0], times[1:]
        p50 = statistics.median(times)
        result["queries"][name] = {
            "first_call_ms": round(first_ms, 1),
            "p50_ms": round(p50, 1),
            "p95_ms": round(percentile(times, 0.95), 1),
            "median_rows": statistics.median(rows),
            "p50_vs_full_scan": round(p50 / scan_ms, 2),
            "under_target": p50 < TARGET_MS,
        }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--only", default="", help="comma-separated query names (default: all)")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "queries.json")
    args = parser.parse_args()
    results = []
    for size in (int(s) for s in args.sizes.split(",")):
        measured = measure(size, args.runs, {n for n in args.only.split(",") if n} or None)
        print(json.dumps(measured), flush=True)
        results.append(measured)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
