"""Benchmark: how long a command takes to start, against `python -c pass` in the same run.

Commands import only what they need (issue 18): `import dualtrace.cli` loads none of
pandas, networkx, neo4j, pyvis, grand_cypher or rapidfuzz, so `dualtrace --help` is
quick, and a query loads what that query needs.

    python -m benchmarks.bench_startup [--runs 7]

Targets: `dualtrace --help` under 0.3 s and `dualtrace trace hikvision` on the starter
dataset under 0.8 s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def _timed(command: list[str], env: dict[str, str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
    return times


def measure(runs: int = 7) -> dict[str, Any]:
    python = sys.executable
    dualtrace = [python, "-m", "dualtrace.cli"]
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "DUALTRACE_WORKSPACE": str(Path(folder) / "workspace.json")}
        subprocess.run([*dualtrace, "load"], env=env, check=True, stdout=subprocess.DEVNULL)
        figures = {
            "python -c pass": _timed([python, "-c", "pass"], env, runs),
            "dualtrace --help": _timed([*dualtrace, "--help"], env, runs),
            "dualtrace trace hikvision": _timed([*dualtrace, "trace", "hikvision"], env, runs),
        }
    baseline = statistics.median(figures["python -c pass"])
    result: dict[str, Any] = {"runs": runs}
    for name, times in figures.items():
        median = statistics.median(times)
        result[name] = {"median_s": round(median, 3), "vs_python": round(median / baseline, 1)}
    result["help_target_met"] = result["dualtrace --help"]["median_s"] < 0.3
    result["trace_target_met"] = result["dualtrace trace hikvision"]["median_s"] < 0.8
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    result = measure(parser.parse_args().runs)
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / "startup.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
