"""Benchmark: the web explorer under load. `dualtrace serve` runs as its own process on
a fresh starter workspace (as after `make demo`); 20 clients, each a thread with one
kept-alive connection, send 1,000 requests between them, drawn from a fixed mix of
the explorer's pages (search, suggestions, entity pages, trace, reach, path, maps,
saved queries, CSV downloads). Reports p50, p95, p99 and the slowest request, per
page kind and overall, and the number of errors (a status other than 200, or no
answer).

Baseline, in the same run and under the same load: the explorer's smallest answer,
``/favicon.ico`` (a few hundred bytes from memory: the server's own floor of HTTP,
routing, the host check and the headers, queued behind the pages in flight). Each
page kind's p50 is also given as a ratio to it. ``alone_p50_ms``: each page asked
with no other request in flight, for what one reader waits; in a closed loop of 20
clients the latency under load is about clients / throughput, mostly queueing.

    python -m benchmarks.bench_serve [--requests 1000] [--clients 20]

Target (issue 17): no error, p95 under 200 ms. Only loopback is ever contacted;
the run is bounded by its request count and a per-request timeout, and stops the
server it started.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import random
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

from benchmarks.bench_queries import percentile
from dualtrace.demo_data import build_workspace

TARGET_P95_MS = 200.0
TIMEOUT_S = 30.0
FLOOR = "/favicon.ico"


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def page_mix(store: Any, rng: random.Random) -> list[tuple[str, str]]:
    """(kind, URL) for the pages people open, weighted by how often they would."""
    vendors = sorted(n.id for n in store.nodes("Organization"))
    buyers = sorted(n.id for n in store.nodes("GovernmentBuyer"))
    countries = sorted({str(n.props.get("country")) for n in store.nodes("GovernmentBuyer")})
    sources = sorted(n.id for n in store.nodes("Source"))
    lists = sorted(n.id for n in store.nodes("List"))
    names = ["hikvision", "huawei", "zimbabwe", "cloudwalk", "entity list", "nso", "dahua", "kenya", "hikvison"]
    pages = [
        ("home", "/"),
        ("search", f"/search?q={rng.choice(names).replace(' ', '+')}"),
        ("suggest", f"/suggest?q={rng.choice(names)[:5]}"),
        ("entity", f"/entity/{rng.choice(vendors + buyers)}"),
        ("entity", f"/entity/{rng.choice(sources)}"),
        ("entity", f"/entity/{rng.choice(lists)}"),
        ("trace", f"/trace?from={rng.choice(vendors)}"),
        ("trace", "/trace?category=facial_recognition"),
        ("reach", f"/reach?to={rng.choice(countries)}"),
        ("reach", f"/reach?to={rng.choice(buyers)}"),
        ("path", f"/path?from={rng.choice(vendors)}&to={rng.choice(buyers)}"),
        ("map", f"/map?reach={rng.choice(countries)}"),
        ("queries", "/queries"),
        ("query", f"/queries/trace_technology?run=1&entity={rng.choice(vendors)}"),
        ("query", "/queries/deals_while_listed?run=1"),
        ("download", f"/reach?to={rng.choice(countries)}&format=csv"),
        ("floor", FLOOR),
    ]
    return pages


def start_server(workspace: Path, port: int) -> subprocess.Popen[str]:
    env = {**os.environ, "DUALTRACE_WORKSPACE": str(workspace)}
    env.pop("NEO4J_URI", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "dualtrace.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{FLOOR}", timeout=1):
                return server
        except OSError:
            if server.poll() is not None:
                raise RuntimeError("dualtrace serve exited before answering") from None
            time.sleep(0.1)
    server.terminate()
    raise RuntimeError("dualtrace serve did not answer within 60 s")


def client(port: int, work: queue.Queue[tuple[str, str]], results: list[tuple[str, float, int]]) -> None:
    """One client: one kept-alive connection, requests taken from ``work`` until it is empty."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT_S)
    while True:
        try:
            kind, url = work.get_nowait()
        except queue.Empty:
            break
        started = time.perf_counter()
        try:
            connection.request("GET", url)
            response = connection.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            status = 0
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT_S)
        results.append((kind, (time.perf_counter() - started) * 1000, status))
    connection.close()


def one_at_a_time(port: int, pages: list[tuple[str, str]], rounds: int = 5) -> dict[str, float]:
    """Each page of the mix asked alone, ``rounds`` times: the median ms per page kind, what
    one reader waits when nobody else is asking (the load's p50 is mostly queueing)."""
    timed: dict[str, list[float]] = {}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT_S)
    for _ in range(rounds):
        for kind, url in pages:
            started = time.perf_counter()
            connection.request("GET", url)
            connection.getresponse().read()
            timed.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
    connection.close()
    return {kind: round(percentile(times, 0.5), 1) for kind, times in sorted(timed.items())}


def figures(times: list[float]) -> dict[str, float]:
    return {"p50_ms": round(percentile(times, 0.5), 1), "p95_ms": round(percentile(times, 0.95), 1),
            "p99_ms": round(percentile(times, 0.99), 1), "max_ms": round(max(times), 1)}  # fmt: skip


def measure(requests: int = 1000, clients: int = 20, seed: int = 17) -> dict[str, Any]:
    """Serve a fresh starter workspace and load it; returns the figures (see module docstring)."""
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as folder:
        workspace = Path(folder) / "workspace.json"
        store = build_workspace(workspace)
        port = free_port()
        server = start_server(workspace, port)
        try:
            for _kind, url in page_mix(store, random.Random(seed)):  # one of each first: what a first visit builds
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{url}", timeout=TIMEOUT_S) as answer:
                    answer.read()
            work: queue.Queue[tuple[str, str]] = queue.Queue()
            for _ in range(requests):
                work.put(rng.choice(page_mix(store, rng)))
            results: list[tuple[str, float, int]] = []
            threads = [threading.Thread(target=client, args=(port, work, results)) for _ in range(clients)]
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - started
            unloaded = one_at_a_time(port, page_mix(store, random.Random(seed)))
        finally:
            server.terminate()
            server.wait(timeout=10)
    times = [ms for _, ms, _ in results]
    by_kind = {kind: figures([ms for k, ms, _ in results if k == kind]) for kind in sorted({k for k, _, _ in results})}
    floor = by_kind.get("floor", {}).get("p50_ms") or 1.0
    for kind_figures in by_kind.values():
        kind_figures["p50_vs_floor"] = round(kind_figures["p50_ms"] / floor, 1)
    overall = figures(times)
    return {
        "requests": len(results),
        "clients": clients,
        "errors": sum(1 for _, _, status in results if status != 200),
        "seconds": round(elapsed, 2),
        "requests_per_second": round(len(results) / elapsed, 1),
        **overall,
        "target_p95_ms": TARGET_P95_MS,
        "meets_target": overall["p95_ms"] < TARGET_P95_MS and all(status == 200 for _, _, status in results),
        "by_page": by_kind,
        "alone_p50_ms": unloaded,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=20)
    args = parser.parse_args()
    result = measure(args.requests, args.clients)
    print(json.dumps(result, indent=2))
    out = Path(__file__).parent / "results" / "serve.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
