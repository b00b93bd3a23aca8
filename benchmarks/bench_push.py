"""Benchmark: push a synthetic graph (1,000,000 relationships by default) to the Bolt
stand-in (ArcadeDB embedded, see tests/standin.py) with batched ``UNWIND $rows ...
MERGE``, against one statement per relationship in the same run.

    python -m benchmarks.bench_push [--relationships 1000000] [--baseline 2000] [--batch-size 1000]

Entities are pushed first (batched; reported too). The server is then warmed
with both ways of writing (up to 20,000 relationships, removed again). Then
``--baseline`` relationships, sampled at random, are written one statement and
one transaction each into the database holding only the entities, removed, and
all the relationships are written batched; the rates are compared per
relationship. Target (issue 5): batched at least 20x faster.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.generate import synthetic_store
from dualtrace.graph.neo4j_store import Connection, Neo4jStore
from tests.standin import DATABASE, PASSWORD, start_standin

WARM_UP = 20_000  # relationships written (then removed) before anything is timed


def measure(relationships: int, baseline: int, batch_size: int, neo4j: bool = False) -> dict[str, Any]:
    """Push a synthetic graph both ways (see the module docstring) and report the rates."""
    store = synthetic_store(relationships)
    nodes, links = list(store.nodes()), list(store.links())
    kinds = {node.id: node.kind for node in nodes}  # both ways of pushing know the ends' kinds, as a push does
    server = None if neo4j else start_standin(Path(tempfile.mkdtemp(prefix="dualtrace-bench-push-")))
    connection = Connection.from_env() if server is None else Connection(server.uri, "root", PASSWORD, DATABASE)
    try:
        with Neo4jStore(connection, batch_size=batch_size) as remote:
            if server is None:
                remote.clear()
            remote.ensure_schema()
            start = time.perf_counter()
            remote.add(nodes, validate=False)
            node_seconds = time.perf_counter() - start
            # Warm the server (a JVM runs slowly until its compiler has seen the
            # queries) with both ways of writing, then empty the relationships.
            warm = links[: min(WARM_UP, len(links) // 10)]
            remote.add(links=warm, validate=False, kinds=kinds)
            remote.add_one_by_one(warm[: len(warm) // 20], kinds)
            remote.run("MATCH ()-[r]->() DELETE r")
            # The baseline first, on a database holding the entities only: single
            # statements are at their cheapest there, so the ratio errs low.
            sample = random.Random(7).sample(links, min(baseline, len(links)))
            start = time.perf_counter()
            remote.add_one_by_one(sample, kinds)
            single_seconds = time.perf_counter() - start
            single_count = remote.run("MATCH ()-[r]->() RETURN count(r) AS c")[0]["c"]
            remote.run("MATCH ()-[r]->() DELETE r")
            start = time.perf_counter()
            remote.add(links=links, validate=False, kinds=kinds)
            batched_seconds = time.perf_counter() - start
            count = remote.run("MATCH ()-[r]->() RETURN count(r) AS c")[0]["c"]
    finally:
        if server is not None:
            server.stop()
    batched_rate, single_rate = len(links) / batched_seconds, len(sample) / single_seconds
    return {
        "target": "neo4j" if server is None else "stand-in (ArcadeDB)",
        "entities": len(nodes),
        "relationships": len(links),
        "relationships_in_database": count,
        "batch_size": batch_size,
        "entities_per_s": round(len(nodes) / node_seconds),
        "batched_relationships_per_s": round(batched_rate),
        "batched_seconds": round(batched_seconds, 1),
        "one_by_one_relationships": len(sample),
        "one_by_one_in_database": single_count,
        "one_by_one_relationships_per_s": round(single_rate, 1),
        "speedup": round(batched_rate / single_rate, 1),
        "target_met": batched_rate / single_rate >= 20,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--relationships", type=int, default=1_000_000)
    parser.add_argument("--baseline", type=int, default=2_000, help="relationships pushed one by one")
    parser.add_argument("--batch-size", type=int, default=1_000)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "push.json")
    parser.add_argument(
        "--neo4j",
        action="store_true",
        help="push to the Neo4j of NEO4J_URI/NEO4J_PASSWORD instead of the stand-in (it is CLEARED first)",
    )
    args = parser.parse_args()
    result = measure(args.relationships, args.baseline, args.batch_size, args.neo4j)
    print(json.dumps(result))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
