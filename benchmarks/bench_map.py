"""Benchmark: a map of about 5,000 entities and 10,000 links, against pyvis's default
output of the same graph, in the same run: file size, time to generate, and time
until the layout is still in headless Chromium (Debian's chromium, driven by
Playwright, offline).

    python -m benchmarks.bench_map [--relationships 11000]

"Still" means: for dualtrace's map, the moment it freezes the layout after the
stabilisation pass; for pyvis's default page (physics left running), the moment
vis-network reports the simulation stabilised. pyvis is asked for inlined
resources (``cdn_resources="in_line"``) so that it can run offline at all.
Targets (issue 7): still within 10 s, and at least 5x faster than the default.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

from benchmarks.generate import synthetic_store
from dualtrace.graph.store import EmbeddedStore
from dualtrace.render.map import render_map

FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--disable-quic"]  # fmt: skip
OURS_STILL = "() => window.dualtraceStableMs !== undefined ? window.dualtraceStableMs : null"
PYVIS_STILL = (
    "() => (typeof network !== 'undefined' && network && network.physics && network.physics.stabilized)"
    " ? performance.now() : null"
)


def pyvis_default(store: EmbeddedStore, path: Path) -> Path:
    from pyvis.network import Network

    net = Network(height="900px", width="100%", directed=True, cdn_resources="in_line")
    for node in store.nodes():
        if node.kind != "Source":
            net.add_node(node.id, label=node.name, title=node.kind)
    for link in store.links():
        if store.kind_of(link.source) != "Source" and store.kind_of(link.target) != "Source":
            net.add_edge(link.source, link.target, title=link.rel)
    net.write_html(str(path))
    return path


def time_to_still(path: Path, predicate: str, budget_s: float) -> float | None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium") or "/usr/bin/chromium", args=FLAGS
        )
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        context.set_offline(True)
        page = context.new_page()
        page.goto(path.as_uri(), wait_until="commit")
        try:
            handle = page.wait_for_function(predicate, timeout=budget_s * 1000, polling=50)
            return float(handle.json_value()) / 1000
        except PlaywrightTimeout:
            return None
        finally:
            browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--relationships", type=int, default=11_000)
    parser.add_argument("--budget", type=float, default=120.0, help="seconds to wait for a layout to be still")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "map.json")
    args = parser.parse_args()
    store = synthetic_store(args.relationships)
    folder = Path(tempfile.mkdtemp(prefix="dualtrace-bench-map-"))
    start = time.perf_counter()
    ours = render_map(store, folder / "dualtrace.html", title="benchmark")
    ours_generate = time.perf_counter() - start
    start = time.perf_counter()
    theirs = pyvis_default(store, folder / "pyvis.html")
    theirs_generate = time.perf_counter() - start
    ours_still = time_to_still(ours, OURS_STILL, args.budget)
    theirs_still = time_to_still(theirs, PYVIS_STILL, args.budget)
    nodes = sum(1 for n in store.nodes() if n.kind != "Source")
    result = {
        "entities": nodes,
        "links": store.graph.number_of_edges(),
        "dualtrace_file_mb": round(ours.stat().st_size / 2**20, 2),
        "pyvis_file_mb": round(theirs.stat().st_size / 2**20, 2),
        "dualtrace_generate_s": round(ours_generate, 2),
        "pyvis_generate_s": round(theirs_generate, 2),
        "dualtrace_still_s": None if ours_still is None else round(ours_still, 2),
        "pyvis_still_s": None if theirs_still is None else round(theirs_still, 2),
        "pyvis_hit_budget": theirs_still is None,
        "speedup": round((theirs_still or args.budget) / ours_still, 1) if ours_still else None,
        "target_still_met": ours_still is not None and ours_still <= 10,
    }
    print(json.dumps(result))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
