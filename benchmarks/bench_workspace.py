"""Benchmark: saving and opening the workspace file at 100k and 1M links.

    python -m benchmarks.bench_workspace [--sizes 100000 1000000] [--runs 3]

Each size is a synthetic enriched graph (benchmarks/generate.py) saved once; then
every measurement runs in a fresh interpreter, so its peak memory (``ru_maxrss``)
is its own and nothing is cached between runs:

- ``open``: ``EmbeddedStore.open`` of the file, the graph ready to query (the
  modules are imported first and not counted: see bench_startup.py for that);
- baseline: reading the same file with the standard library's ``json.load``;
- ``parse_only``: reading it with orjson, the collector paused, as opening does:
  the floor of this layout, before a single link is in a graph;
- ``structure_floor``: ``marshal.loads`` of networkx's own three dicts for the
  same graph (nodes, outgoing and incoming adjacency, the key dicts shared between
  the two as networkx shares them, every string written once): the least time
  CPython takes to make the objects a networkx graph of these links *is*, with
  no format to read and nothing checked. marshal is CPython's fastest loader of
  plain containers and keeps shared objects shared; it is unsafe for files from
  elsewhere, so it is a measuring stick here, not a candidate format.

Target (issue 18): a 1M-link workspace opens in under 1.5 s, with peak memory no
higher than before the adjacency layout (1.69 GB measured on the list-of-records
layout, 2026-12-01).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

_OPEN = """
import resource, sys, time
from pathlib import Path
from dualtrace.graph.store import EmbeddedStore
started = time.perf_counter()
store = EmbeddedStore.open(Path(sys.argv[1]))
seconds = time.perf_counter() - started
print(seconds, store.link_count(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""

_PARSE_ONLY = """
import gc, resource, sys, time
import orjson
started = time.perf_counter()
gc.disable()  # as opening does
with open(sys.argv[1], "rb") as handle:
    data = orjson.loads(handle.read())
seconds = time.perf_counter() - started
print(seconds, 0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""

_STRUCTURE_FLOOR = """
import gc, marshal, resource, sys, time
started = time.perf_counter()
gc.disable()
with open(sys.argv[1] + ".marshal", "rb") as handle:
    node, succ, pred = marshal.loads(handle.read())
seconds = time.perf_counter() - started
print(seconds, 0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""

_BASELINE = """
import json, resource, sys, time
started = time.perf_counter()
with open(sys.argv[1], encoding="utf-8") as handle:
    data = json.load(handle)
seconds = time.perf_counter() - started
print(seconds, 0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def _run(script: str, path: Path, runs: int) -> dict[str, float]:
    """Median seconds and the largest peak memory (MB) over ``runs`` fresh interpreters."""
    seconds, peaks = [], []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", script, str(path)], check=True, capture_output=True, text=True)
        taken, _links, peak_kb = out.stdout.split()
        seconds.append(float(taken))
        peaks.append(int(peak_kb) / 1024)
    return {"seconds": round(statistics.median(seconds), 3), "peak_mb": round(max(peaks))}


_SAVE = """
import json, sys, time
from pathlib import Path
from benchmarks.generate import enrich, synthetic_store
store = enrich(synthetic_store(int(sys.argv[2])))
started = time.perf_counter()
store.save(Path(sys.argv[1]))
print(json.dumps({"save_s": time.perf_counter() - started, "links": store.link_count()}))
from benchmarks.bench_workspace import write_structure
write_structure(store.graph, Path(sys.argv[1] + ".marshal"))
"""


def write_structure(graph: Any, path: Path) -> None:
    """networkx's node, outgoing and incoming dicts of ``graph`` for ``marshal``, every
    equal string made one object so that it is written once (the best case for a loader)."""
    import marshal

    strings: dict[str, str] = {}

    def shared(value: Any) -> Any:
        if type(value) is str:
            return strings.setdefault(value, value)
        if type(value) is list:
            return [shared(item) for item in value]
        if type(value) is dict:
            return {shared(key): shared(item) for key, item in value.items()}
        return value

    node = {shared(key): shared(data) for key, data in graph._node.items()}
    succ: dict[str, dict[str, Any]] = {}
    pred: dict[str, dict[str, Any]] = {key: {} for key in node}
    for source, targets in graph._succ.items():
        succ[strings[source]] = out = {}
        for target, keyed in targets.items():
            out[strings[target]] = pred[strings[target]][strings[source]] = shared(keyed)
    path.write_bytes(marshal.dumps((node, succ, pred), 4))


def measure(relationships: int, runs: int, folder: Path) -> dict[str, Any]:
    """Build and save the graph in a process of its own (a parent still holding a
    million-link graph made the opens after it a third slower), then time the opens."""
    path = folder / f"ws-{relationships}.json"
    saved = subprocess.run([sys.executable, "-c", _SAVE, str(path), str(relationships)], check=True,
                           capture_output=True, text=True, cwd=Path(__file__).parent.parent)  # fmt: skip
    made = json.loads(saved.stdout.strip().splitlines()[-1])
    opened = _run(_OPEN, path, runs)
    baseline = _run(_BASELINE, path, runs)
    parse_only = _run(_PARSE_ONLY, path, runs)
    floor = _run(_STRUCTURE_FLOOR, path, runs)
    return {
        "relationships": made["links"],
        "file_mb": round(path.stat().st_size / 2**20, 1),
        "save_s": round(made["save_s"], 2),
        "open_s": opened["seconds"],
        "open_peak_mb": opened["peak_mb"],
        "json_loads_s": baseline["seconds"],
        "json_loads_peak_mb": baseline["peak_mb"],
        "open_vs_json_loads": round(opened["seconds"] / baseline["seconds"], 2),
        "parse_only_s": parse_only["seconds"],
        "parse_only_peak_mb": parse_only["peak_mb"],
        "open_vs_parse_only": round(opened["seconds"] / parse_only["seconds"], 2),
        "structure_floor_s": floor["seconds"],
        "structure_floor_peak_mb": floor["peak_mb"],
        "open_vs_structure_floor": round(opened["seconds"] / floor["seconds"], 2),
        "target_open_s_met": opened["seconds"] < 1.5,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            result = measure(size, args.runs, Path(folder))
            print(json.dumps(result), flush=True)
            results.append(result)
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / "workspace_file.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
