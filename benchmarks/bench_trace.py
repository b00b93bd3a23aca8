"""Benchmark: ``trace`` latency from a vendor on synthetic graphs of 10k, 100k and 1M
relationships, against grand-cypher answering an equivalent Cypher query on the
same networkx graph in the same run. Reports p50/p95 and the ratio. A trace is what
``dualtrace trace`` does: every deal found and counted, the first page of rows
(200) built.

    python -m benchmarks.bench_trace [--sizes 10000,100000,1000000] [--queries 50]

Targets: trace p50 under 50 ms at 1M relationships, at least 100x faster than the
grand-cypher baseline (issue 3); p95 under 250 ms at 1M (issue 18).
"""

from __future__ import annotations

import argparse
import json
import random
import signal
import statistics
import time
from pathlib import Path
from typing import Any

import networkx as nx

from benchmarks.generate import as_opened, enrich, synthetic_store
from dualtrace.cli_options import DEFAULT_LIMIT
from dualtrace.queries.trace import trace_page

# The equivalent question in Cypher: every government buyer within four hops downstream
# of the vendor (direct deals, deals of its products, one integrator step).
BASELINE_QUERY = 'MATCH (v)-[*1..4]->(b) WHERE v.name == "{name}" AND b.node_kind == "GovernmentBuyer" RETURN b.name'
# A much smaller question, reported for reference: only the vendor's direct deals.
DIRECT_QUERY = 'MATCH (v)-[:SUPPLIER_OF]->(t)-[:DELIVERED_TO]->(b) WHERE v.name == "{name}" RETURN b.name, t.name'


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def cypher_view(store: Any) -> nx.DiGraph:
    """The same graph as grand-cypher expects it: flat node attributes, edge labels in __labels__."""
    view = nx.DiGraph()
    for node, data in store.graph.nodes(data=True):
        attrs = {k: v for k, v in data["props"].items() if isinstance(v, (str, int))}
        view.add_node(node, node_kind=data["kind"], **attrs)
    for source, target, key in store.graph.edges(keys=True):
        view.add_edge(source, target, __labels__={key})
    return view


def _time_cypher(
    view: nx.DiGraph, store: Any, query: str, vendors: list[str], budget: float
) -> tuple[list[float], bool]:
    """Milliseconds per grand-cypher run; stops at the first run that exceeds ``budget`` seconds."""
    from grandcypher import GrandCypher

    times: list[float] = []
    signal.signal(signal.SIGALRM, _alarm)
    for vendor in vendors:
        name = store.graph.nodes[vendor]["props"]["name"]
        signal.setitimer(signal.ITIMER_REAL, budget)
        start = time.perf_counter()
        try:
            GrandCypher(view).run(query.format(name=name))
        except _Timeout:
            times.append(budget * 1000)
            return times, True
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        times.append((time.perf_counter() - start) * 1000)
    return times, False


class _Timeout(Exception):
    pass


def _alarm(_signum: int, _frame: Any) -> None:
    raise _Timeout


def run(size: int, queries: int, baseline_budget: float) -> dict[str, Any]:
    store = as_opened(enrich(synthetic_store(size)))
    rng = random.Random(size)
    vendors = [n for n, d in store.graph.nodes(data=True) if d["kind"] == "Organization"]
    # Weight samples like real questions: half from the busiest vendors, half at random.
    by_degree = sorted(vendors, key=lambda v: -store.graph.out_degree(v))
    sample = [rng.choice(by_degree[:20]) if i % 2 else rng.choice(vendors) for i in range(queries)]
    ours, totals = [], []
    for vendor in sample:
        start = time.perf_counter()
        totals.append(trace_page(store, vendor, limit=DEFAULT_LIMIT).total)  # what `dualtrace trace` shows
        ours.append((time.perf_counter() - start) * 1000)
    slowest = max(range(len(ours)), key=ours.__getitem__)

    view = cypher_view(store)
    baseline, timed_out = _time_cypher(view, store, BASELINE_QUERY, sample[: max(3, queries // 10)], baseline_budget)
    direct, _ = _time_cypher(view, store, DIRECT_QUERY, sample[: max(3, queries // 10)], baseline_budget)
    p50 = statistics.median(ours)
    base_p50 = statistics.median(baseline)
    return {
        "relationships": store.graph.number_of_edges(),
        "nodes": store.graph.number_of_nodes(),
        "trace_p50_ms": round(p50, 3),
        "trace_p95_ms": round(percentile(ours, 0.95), 3),
        "trace_max_ms": round(ours[slowest], 1),
        "deals_of_slowest": totals[slowest],
        "deals_p95": percentile(totals, 0.95),
        "baseline_p50_ms": round(base_p50, 1),
        "baseline_runs": len(baseline),
        "baseline_timed_out": timed_out,
        "speedup_p50": round(base_p50 / p50, 1) if p50 else None,
        "direct_only_cypher_p50_ms": round(statistics.median(direct), 1),
        "note": "speedup is a lower bound: the baseline hit its time budget" if timed_out else "",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--baseline-budget", type=float, default=120.0, help="seconds per baseline query at most")
    args = parser.parse_args()
    results = []
    for size in (int(s) for s in args.sizes.split(",")):
        result = run(size, args.queries, args.baseline_budget)
        results.append(result)
        print(json.dumps(result), flush=True)
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / "trace.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    big = results[-1]
    print(
        f"\ntrace p50 at {big['relationships']} relationships: {big['trace_p50_ms']} ms (target < 50 ms); "
        f"speedup over grand-cypher: {big['speedup_p50']}x (target >= 100x)"
    )


if __name__ == "__main__":
    main()
