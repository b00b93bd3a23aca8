"""Benchmark: the whole OFAC SDN list (tests/data/shared/ofac_sdn_full/sdn.csv, about
15,000 lines) imported onto a workspace holding the starter dataset, through the
built-in ``ofac-sdn`` format: the shape check, Remarks parsing, resolution against
the starter, the review candidates and the merge, all included. A second import
of the same file (which must change nothing) is timed too.

The baseline, measured in the same run: ``pandas.read_csv`` of the same file
(only reading it, with the format's encoding and column names). The ratio says
how many times slower than merely reading the file the whole import is.

    python -m benchmarks.bench_sdn [--runs 3] [--file PATH]

Target (issue 13): the full list onto the starter in under 10 s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path
from typing import Any

SDN = Path(__file__).parent.parent / "tests" / "data" / "shared" / "ofac_sdn_full" / "sdn.csv"
COLUMNS = ["ent_num", "SDN_Name", "SDN_Type", "Program", "Title", "Call_Sign", "Vess_type", "Tonnage", "GRT",
           "Vess_flag", "Vess_owner", "Remarks"]  # fmt: skip


def read_with_pandas(path: Path) -> float:
    import pandas as pd

    started = time.perf_counter()
    frame = pd.read_csv(path, header=None, names=COLUMNS, encoding="cp1252", dtype=str, na_values=["-0- "])
    assert len(frame) > 0
    return time.perf_counter() - started


def import_once(path: Path) -> dict[str, Any]:
    from dualtrace.demo_data import starter_store
    from dualtrace.graph.store import EmbeddedStore
    from dualtrace.ingest.formats import get_format
    from dualtrace.ingest.importer import run_import

    store = EmbeddedStore()
    store.add(starter_store().nodes(), starter_store().links(), validate=False)
    started = time.perf_counter()
    report = run_import(store, path, get_format("ofac-sdn", path, store), file_date="2024-05-02")
    first = time.perf_counter() - started
    started = time.perf_counter()
    again = run_import(store, path, get_format("ofac-sdn", path, store), file_date="2024-05-02")
    second = time.perf_counter() - started
    assert again.nodes_added == again.links_added == again.nodes_updated == again.links_updated == 0
    return {"seconds": first, "second_import_seconds": second, "records": report.records + report.skipped,
            "rejected": len(report.rejected), "candidates": len(report.candidates)}  # fmt: skip


def measure(path: Path = SDN, runs: int = 3) -> dict[str, Any]:
    imports = [import_once(path) for _ in range(runs)]
    reads = [read_with_pandas(path) for _ in range(runs)]
    seconds = statistics.median(i["seconds"] for i in imports)
    baseline = statistics.median(reads)
    rows = imports[0]["records"]
    return {
        "file": str(path),
        "rows": rows,
        "import_seconds_median": round(seconds, 2),
        "import_seconds_all": [round(i["seconds"], 2) for i in imports],
        "rows_per_second": round(rows / seconds),
        "second_import_seconds_median": round(statistics.median(i["second_import_seconds"] for i in imports), 2),
        "pandas_read_csv_seconds_median": round(baseline, 3),
        "pandas_rows_per_second": round(rows / baseline),
        "import_vs_read_csv": round(seconds / baseline, 1),
        "rejected": imports[0]["rejected"],
        "candidates": imports[0]["candidates"],
        "target_met": seconds < 10,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--file", type=Path, default=SDN)
    args = parser.parse_args()
    result = measure(args.file, args.runs)
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / "sdn.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
