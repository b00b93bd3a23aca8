"""Benchmark: push a synthetic graph (1,000,000 relationships by default) to the Bolt
stand-in (ArcadeDB embedded, see tests/standin.py) with batched ``UNWIND $rows ...
MERGE``, against one statement per relationship in the same run.

    python -m benchmarks.bench_push [--relationships 1000000] [--baseline 2000] [--batch-size 1000]

Entities are pushed first (batched; reported too). Then the relationships:
all of them batched, and ``--baseline`` of them one statement and one
transaction each, into a fresh database holding the same entities; the rates
are compared per relationship. Target (issue 5): batched at least 20x faster.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from pathlib import Path

from benchmarks.generate import synthetic_store
from dualtrace.graph.neo4j_store import Connection, Neo4jStore
from tests.standin import DATABASE, PASSWORD, start_standin


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
    store = synthetic_store(args.relationships)
    nodes, links = list(store.nodes()), list(store.links())
    kinds = {node.id: node.kind for node in nodes}  # both ways of pushing know the ends' kinds, as a push does
    server = None if args.neo4j else start_standin(Path(tempfile.mkdtemp(prefix="dualtrace-bench-push-")))
    connection = Connection.from_env() if server is None else Connection(server.uri, "root", PASSWORD, DATABASE)
    try:
        with Neo4jStore(connection, batch_size=args.batch_size) as remote:
            if server is None:
                remote.clear()
            remote.ensure_schema()
            start = time.perf_counter()
            remote.add(nodes, validate=False)
            node_seconds = time.perf_counter() - start
            start = time.perf_counter()
            remote.add(links=links, validate=False, kinds=kinds)
            batched_seconds = time.perf_counter() - start
            count = remote.run("MATCH ()-[r]->() RETURN count(r) AS c")[0]["c"]
            remote.run("MATCH ()-[r]->() DELETE r")
            sample = random.Random(7).sample(links, min(args.baseline, len(links)))
            start = time.perf_counter()
            remote.add_one_by_one(sample, kinds)
            single_seconds = time.perf_counter() - start
    finally:
        if server is not None:
            server.stop()
    batched_rate, single_rate = len(links) / batched_seconds, len(sample) / single_seconds
    result = {
        "target": "neo4j" if server is None else "stand-in (ArcadeDB)",
        "entities": len(nodes),
        "relationships": len(links),
        "relationships_in_database": count,
        "batch_size": args.batch_size,
        "entities_per_s": round(len(nodes) / node_seconds),
        "batched_relationships_per_s": round(batched_rate),
        "batched_seconds": round(batched_seconds, 1),
        "one_by_one_relationships": len(sample),
        "one_by_one_relationships_per_s": round(single_rate, 1),
        "speedup": round(batched_rate / single_rate, 1),
        "target_met": batched_rate / single_rate >= 20,
    }
    print(json.dumps(result))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
